// Real VS Code: the code lens above a failover point (its one-line outcome table), the hover
// with the full table, and SIP: Simulate Response… run from the lens. Screenshots of the lens
// and of the hover land in e2e/out/ (docs/vscode-lens.png and docs/vscode-table-hover.png).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startVsCode, openFile, runCommand, onFailure, repo, sipLsp, outDir } from "./harness.mjs";

const fixture = path.join(repo, "tests/fixtures/lens/carrier.cfg");

async function step(session, name, body) {
  try {
    return await body();
  } catch (err) {
    await onFailure(session?.page, `failure-${name}.png`);
    throw err;
  }
}

describe("VS Code: failover points", { timeout: 240_000 }, () => {
  let session;
  before(async () => {
    session = await startVsCode({
      files: { "carrier.cfg": fixture },
      settings: { "sipLsp.server.command": [sipLsp, "serve"], "editor.codeLens": true },
    });
    await openFile(session.page, "carrier.cfg", "Kamailio");
  });
  after(async () => session?.close());

  it("shows the one-line outcome table in a lens above failure_route", () => step(session, "lens", async () => {
    const { page } = session;
    const lens = page.locator(".monaco-editor .codelens-decoration", { hasText: "→" }).first();
    await lens.waitFor({ timeout: 60_000 });
    const title = await lens.innerText();
    assert.match(title, /486 → media/);
    assert.match(title, /408, 5xx, timeout → retry/);
    await page.screenshot({ path: path.join(outDir, "lens.png") });
  }));

  it("hovers the route header with the full table, rows linked to their lines", () => step(session, "table-hover", async () => {
    const { page } = session;
    await page.locator(".view-lines span", { hasText: "failure_route" }).first().hover();
    const hover = page.locator(".monaco-hover", { hasText: "What decides it" }).first();
    await hover.waitFor({ timeout: 30_000 });
    const links = await hover.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("data-href") ?? a.getAttribute("href") ?? ""));
    assert.ok(links.some((href) => /carrier\.cfg#L21$/.test(href)), JSON.stringify(links));
    assert.match(await hover.innerText(), /failure_route\[CARRIER\]/);
    await page.waitForTimeout(500); // the hover fades in
    await page.screenshot({ path: path.join(outDir, "table-hover.png") });
    // A row's line link moves the cursor to the line that decides it.
    await hover.locator("a", { hasText: /^21$/ }).first().click();
    await page.waitForFunction(() => /Ln 21,/.test(document.querySelector(".statusbar")?.textContent ?? ""), null, { timeout: 10_000 });
    await page.keyboard.press("Escape");
    await page.mouse.move(5, 5);
  }));

  it("simulates a 603 from the lens: asks for the code, lists the steps, reveals their lines", () => step(session, "simulate", async () => {
    const { page } = session;
    await page.locator(".monaco-editor .codelens-decoration a", { hasText: "→" }).first().click();
    await page.waitForSelector(".quick-input-widget .quick-input-box input", { timeout: 30_000 });
    await page.keyboard.type("603");
    await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "603" }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    // The steps: a quick pick titled with the summary, one row per line, then the outcome.
    const steps = page.locator(".quick-input-widget .quick-input-title", { hasText: "603 Decline →" });
    await steps.waitFor({ timeout: 30_000 });
    assert.match(await steps.innerText(), /failure_route\[CARRIER\]: 603 Decline → forward/);
    const rows = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
    assert.ok(rows.some((row) => /19\s+t_check_status\("486"\)/.test(row)), JSON.stringify(rows));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(outDir, "simulate.png") });
    // Moving down the list reveals each step's line in the editor.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => /Ln 1[69],/.test(document.querySelector(".statusbar")?.textContent ?? ""), null, { timeout: 10_000 });
    await page.keyboard.press("Escape");
  }));

  it("runs SIP: Simulate Response… from the palette at the cursor (an arming t_on_failure)", () => step(session, "palette", async () => {
    const { page } = session;
    await page.locator(".view-lines span", { hasText: "t_on_failure" }).first().click();
    await runCommand(page, "SIP: Simulate Response…");
    await page.locator('.quick-input-box input[placeholder^="Response to simulate"]').waitFor({ timeout: 30_000 });
    await page.keyboard.type("486");
    await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "486" }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    const steps = page.locator(".quick-input-widget .quick-input-title", { hasText: "486 Busy Here →" });
    await steps.waitFor({ timeout: 30_000 });
    assert.match(await steps.innerText(), /failure_route\[CARRIER\]: 486 Busy Here → media/);
    await page.keyboard.press("Escape");
  }));
});
