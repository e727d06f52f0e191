// Real VS Code (code-server 4.100.3) in headless Chromium, driven by playwright-core:
// install the built .vsix, open a Kamailio file, wait for the warning squiggle, hover 604,
// apply the quick fix from the light bulb and see the text change. Saves a screenshot of the
// hover. Run through `make e2e` (which builds the .vsix and installs what this needs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const e2eHome = process.env.E2E_HOME || path.join(repo, ".e2e");
const require = createRequire(path.join(e2eHome, "package.json"));
const { chromium } = require("playwright-core");
const codeServer = path.join(e2eHome, "node_modules/.bin/code-server");
const vsix = path.join(repo, "editors/vscode/dist/sip-lsp.vsix");
const sipLsp = process.env.SIP_LSP || path.join(repo, ".venv/bin/sip-lsp");
const outDir = path.join(here, "out");

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

test("VS Code: squiggle, hover on 604, quick fix from the light bulb", { timeout: 180_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sip-lsp-vscode-"));
  const userData = path.join(tmp, "user-data");
  const extensions = path.join(tmp, "extensions");
  const workspace = path.join(tmp, "workspace");
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.mkdirSync(workspace);
  fs.mkdirSync(outDir, { recursive: true });
  fs.copyFileSync(path.join(repo, "tests/fixtures/editors/failover.cfg"), path.join(workspace, "failover.cfg"));
  fs.writeFileSync(path.join(userData, "User/settings.json"), JSON.stringify({
    "sipLsp.server.command": [sipLsp, "serve"],
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "editor.hover.delay": 150,
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
  }));
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
  const timings = {};
  let page;
  try {
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, 30_000);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === "127.0.0.1" || host === "localhost" ? route.continue() : route.abort();
    });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    timings.workbench = Date.now() - started;

    // Open the file through Quick Open, as a user would.
    await page.keyboard.press("Control+P");
    await page.keyboard.type("failover.cfg");
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 30_000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30_000 });
    await page.locator(".statusbar").getByText("Kamailio", { exact: true }).waitFor({ timeout: 30_000 });

    const squiggle = page.locator(".monaco-editor .squiggly-warning");
    await squiggle.first().waitFor({ timeout: 60_000 });
    timings.squiggle = Date.now() - started;

    // Hover the 604 inside the status pattern: find the digits' on-screen box.
    const box = await page.evaluate(() => {
      for (const span of document.querySelectorAll(".view-lines span span")) {
        const text = span.textContent ?? "";
        const i = text.indexOf("604");
        const line = span.closest(".view-line")?.textContent ?? "";
        if (i >= 0 && line.includes("t_check_status") && span.firstChild) {
          const range = document.createRange();
          range.setStart(span.firstChild, i + 1);
          range.setEnd(span.firstChild, i + 2);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
      }
      return null;
    });
    assert.ok(box, "the 604 in the pattern is on screen");
    await page.mouse.move(box.x, box.y);
    const hover = page.locator(".monaco-hover .hover-contents, .monaco-hover .rendered-markdown").first();
    await hover.waitFor({ timeout: 30_000 });
    const shown = () => [...document.querySelectorAll(".monaco-hover")].map((h) => h.textContent).join("\n");
    await page.waitForFunction((fn) => eval(fn)().includes("Does Not Exist Anywhere"), `(${shown})`, { timeout: 30_000 });
    const hoverText = await page.evaluate(shown);
    timings.hover = Date.now() - started;
    await page.screenshot({ path: path.join(outDir, "hover.png") });
    assert.match(hoverText, /604/);
    assert.match(hoverText, /Does Not Exist Anywhere/);

    // The light bulb's preferred quick fix on the failover action.
    await page.keyboard.press("Escape");
    await page.locator(".view-lines span", { hasText: "ds_next_dst" }).first().click();
    const before = await page.locator(".monaco-editor .view-lines").first().innerText();
    await page.keyboard.press("Control+.");
    const item = page.locator(".action-widget").getByText(/on a 6xx/).first();
    await item.waitFor({ timeout: 30_000 });
    // The menu puts a pointer-block over itself; choose with the keyboard like most users do.
    const focused = page.locator(".action-widget .monaco-list-row.focused");
    for (let i = 0; i < 12 && !/on a 6xx/.test((await focused.textContent()) ?? ""); i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.match(await focused.textContent(), /on a 6xx/);
    await page.keyboard.press("Enter");
    await page.waitForFunction((prev) => document.querySelector(".monaco-editor .view-lines")?.innerText !== prev, before, { timeout: 30_000 });
    const after = await page.locator(".monaco-editor .view-lines").first().innerText();
    assert.match(after.replace(/\u00a0/g, " "), /t_check_status\("6\[0-9\]\[0-9\]"\)/);
    await page.waitForFunction(() => document.querySelectorAll(".monaco-editor .squiggly-warning").length === 0, null, { timeout: 30_000 });
    timings.fixed = Date.now() - started;
    await page.screenshot({ path: path.join(outDir, "after-fix.png") });
    fs.writeFileSync(path.join(outDir, "timings.json"), JSON.stringify(timings, null, 1));
    console.log(`# timings (ms since code-server start): ${JSON.stringify(timings)}`);
  } catch (err) {
    if (page) await page.screenshot({ path: path.join(outDir, "failure.png") }).catch(() => {});
    throw err;
  } finally {
    await browser.close();
    try { process.kill(-server.pid, "SIGTERM"); } catch {}
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
