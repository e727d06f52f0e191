// Starts real VS Code (code-server 4.100.3) with the built .vsix installed, a workspace and user
// settings of the test's choosing, and drives it in headless Chromium through playwright-core.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../../..");
const e2eHome = process.env.E2E_HOME || path.join(repo, ".e2e");
const require = createRequire(path.join(e2eHome, "package.json"));
const { chromium } = require("playwright-core");
const codeServer = path.join(e2eHome, "node_modules/.bin/code-server");
const vsix = path.join(repo, "editors/vscode/dist/sip-lsp.vsix");
export const sipLsp = process.env.SIP_LSP || path.join(repo, ".venv/bin/sip-lsp");
export const outDir = path.join(here, "out");

const BASE_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "editor.hover.delay": 150,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
};

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server not healthy at ${url}`);
}

/**
 * A running code-server with `files` ({name: source path}) in a fresh workspace and `settings`
 * over the defaults. Returns {page, tmp, workspace, close, started}.
 */
export async function startVsCode({ files, settings }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sip-lsp-vscode-"));
  const userData = path.join(tmp, "user-data");
  const extensions = path.join(tmp, "extensions");
  const workspace = path.join(tmp, "workspace");
  const settingsFile = path.join(userData, "User/settings.json");
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.mkdirSync(workspace);
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, source] of Object.entries(files)) {
    fs.copyFileSync(source, path.join(workspace, name));
  }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 1));

  const env = { ...process.env, XDG_DATA_HOME: path.join(tmp, "xdg-data"), XDG_CONFIG_HOME: path.join(tmp, "xdg-config") };
  const common = ["--user-data-dir", userData, "--extensions-dir", extensions];
  execFileSync(codeServer, [...common, "--install-extension", vsix], { env, stdio: "pipe" });

  const port = await freePort();
  const server = spawn(codeServer, [...common, "--bind-addr", `127.0.0.1:${port}`, "--auth", "none",
    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", workspace],
    { env, detached: true, stdio: "ignore" });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const started = Date.now();
  const close = async () => {
    await browser.close();
    try { process.kill(-server.pid, "SIGTERM"); } catch {}
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, 30_000);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === "127.0.0.1" || host === "localhost" ? route.continue() : route.abort();
    });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    return { page, tmp, workspace, close, started };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Opens a workspace file through Quick Open, as a user would, and waits for its language. */
export async function openFile(page, name, language) {
  await page.keyboard.press("Control+P");
  await page.keyboard.type(name);
  // the list may still show the recently opened files: wait for this one's row
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30_000 });
  await page.locator(".statusbar").getByText(language, { exact: true }).waitFor({ timeout: 30_000 });
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  await page.keyboard.press("Control+Shift+P");
  await page.waitForSelector(".quick-input-widget .quick-input-box input", { timeout: 30_000 });
  await page.keyboard.type(title);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: 30_000 });
  await page.keyboard.press("Enter");
}

/** The text of the editor's visible lines, with non-breaking spaces as spaces. */
export async function editorText(page) {
  return (await page.locator(".monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");
}

/** Saves a screenshot of a failed test before the browser closes. */
export async function onFailure(page, name) {
  if (page) await page.screenshot({ path: path.join(outDir, name) }).catch(() => {});
}
