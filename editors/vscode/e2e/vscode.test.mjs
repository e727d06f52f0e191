// Real VS Code (code-server 4.100.3) in headless Chromium, driven by playwright-core, with the
// built .vsix. Two sessions: a working server (squiggle, hover, quick fix, completion, Explain),
// and a wrong server path recovered through the error notification's buttons.
// Run through `make e2e` (which builds the .vsix and installs what this needs).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startVsCode, openFile, runCommand, editorText, onFailure, repo, sipLsp, outDir } from "./harness.mjs";

const fixture = path.join(repo, "tests/fixtures/editors/failover.cfg");
const timings = {};

/** Fails the surrounding test with a screenshot of what was on screen. */
async function step(session, name, body) {
  try {
    return await body();
  } catch (err) {
    await onFailure(session?.page, `failure-${name}.png`);
    throw err;
  }
}

describe("VS Code with a working server", { timeout: 240_000 }, () => {
  let session;
  before(async () => {
    session = await startVsCode({ files: { "failover.cfg": fixture }, settings: { "sipLsp.server.command": [sipLsp, "serve"] } });
    await openFile(session.page, "failover.cfg", "Kamailio");
  });
  after(async () => {
    fs.writeFileSync(path.join(outDir, "timings.json"), JSON.stringify(timings, null, 1));
    console.log(`# timings (ms since code-server start): ${JSON.stringify(timings)}`);
    await session?.close();
  });

  it("shows the squiggle and the hover on 604", () => step(session, "hover", async () => {
    const { page } = session;
    await page.locator(".monaco-editor .squiggly-warning").first().waitFor({ timeout: 60_000 });
    timings.squiggle = Date.now() - session.started;
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
    await page.locator(".monaco-hover .hover-contents, .monaco-hover .rendered-markdown").first().waitFor({ timeout: 30_000 });
    const shown = () => [...document.querySelectorAll(".monaco-hover")].map((h) => h.textContent).join("\n");
    await page.waitForFunction((fn) => eval(fn)().includes("Does Not Exist Anywhere"), `(${shown})`, { timeout: 30_000 });
    const hoverText = await page.evaluate(shown);
    timings.hover = Date.now() - session.started;
    await page.screenshot({ path: path.join(outDir, "hover.png") });
    assert.match(hoverText, /604/);
    assert.match(hoverText, /Does Not Exist Anywhere/);
    await page.keyboard.press("Escape");
  }));

  it("applies the quick fix from the light bulb", () => step(session, "fix", async () => {
    const { page } = session;
    await page.locator(".view-lines span", { hasText: "ds_next_dst" }).first().click();
    const before = await editorText(page);
    await page.keyboard.press("Control+.");
    await page.locator(".action-widget").getByText(/on a 6xx/).first().waitFor({ timeout: 30_000 });
    // The menu puts a pointer-block over itself; choose with the keyboard like most users do.
    const focused = page.locator(".action-widget .monaco-list-row.focused");
    for (let i = 0; i < 12 && !/on a 6xx/.test((await focused.textContent()) ?? ""); i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.match(await focused.textContent(), /on a 6xx/);
    await page.keyboard.press("Enter");
    // Wait for the fix itself: inlay hints and lenses arriving also change the lines' text.
    await page.waitForFunction(
      () => /t_check_status\("6\[0-9\]\[0-9\]"\)/.test(document.querySelector(".monaco-editor .view-lines")?.innerText ?? ""),
      null,
      { timeout: 30_000 },
    );
    assert.notEqual(await editorText(page), before);
    assert.match(await editorText(page), /t_check_status\("6\[0-9\]\[0-9\]"\)/);
    await page.waitForFunction(() => document.querySelectorAll(".monaco-editor .squiggly-warning").length === 0, null, { timeout: 30_000 });
    timings.fixed = Date.now() - session.started;
    await page.screenshot({ path: path.join(outDir, "after-fix.png") });
  }));

  let rows = [];
  it("completes a reply code with its phrase", () => step(session, "completion", async () => {
    const { page } = session;
    // A new line under `request_route {`, typed as a user types it.
    await page.locator(".view-lines span", { hasText: "request_route" }).first().click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type('sl_send_reply("40');
    await page.keyboard.press("Control+Space");
    const items = page.locator(".suggest-widget .monaco-list-row");
    await items.first().waitFor({ timeout: 30_000 });
    rows = (await items.allInnerTexts()).slice(0, 6);
    await page.screenshot({ path: path.join(outDir, "completion.png") });
    const focused = page.locator(".suggest-widget .monaco-list-row.focused");
    for (let i = 0; i < 12 && !/^404/.test((await focused.textContent()) ?? ""); i++) {
      await page.keyboard.press("ArrowDown");
    }
    assert.match(await focused.textContent(), /^404/);
    await page.keyboard.press("Enter");
    for (let i = 0; i < 50 && !(await editorText(page)).includes("Not Found"); i++) {
      await page.waitForTimeout(200);
    }
    assert.match(await editorText(page), /sl_send_reply\("404", "Not Found"/);
  }));

  it("shows the phrase on every completion row", (t) => {
    assert.ok(rows.length >= 3, JSON.stringify(rows));
    const bare = rows.filter((row) => !/^\d{3}\s*\S*[A-Za-z]{3}/.test(row.trim()));
    if (rows.length - bare.length <= 1) {
      // Only the focused row shows `detail`; `labelDetails` comes with issue 17 item 3 (server).
      t.skip(`rows without their phrase (the server sends no labelDetails yet): ${JSON.stringify(rows)}`);
      return;
    }
    assert.deepEqual(bare, []);
  });

  it("explains a code in a read-only preview, not an Untitled document", () => step(session, "explain", async () => {
    const { page } = session;
    await page.keyboard.press("Escape");
    await runCommand(page, "SIP: Explain Response Code…");
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 30_000 });
    await page.keyboard.type("604");
    await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "604" }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    const tab = page.locator(".tabs-container .tab", { hasText: "604.md" }).first();
    await tab.waitFor({ timeout: 30_000 });
    const tabs = await page.locator(".tabs-container .tab").allTextContents();
    assert.ok(tabs.some((title) => /Preview 604\.md/.test(title)), JSON.stringify(tabs));
    assert.ok(!tabs.some((title) => /Untitled/.test(title)), JSON.stringify(tabs));
    // The preview is a webview: find the frame that renders the Markdown.
    let rendered = "";
    for (let i = 0; i < 100 && !rendered.includes("Does Not Exist Anywhere"); i++) {
      for (const frame of page.frames()) {
        rendered = await frame.evaluate(() => document.body?.innerText ?? "").catch(() => "");
        if (rendered.includes("Does Not Exist Anywhere")) break;
      }
      await page.waitForTimeout(200);
    }
    assert.match(rendered, /Does Not Exist Anywhere/);
    await page.screenshot({ path: path.join(outDir, "explain.png") });
    // Closing it asks nothing: a virtual document is never dirty.
    await page.keyboard.press("Control+W");
    await tab.waitFor({ state: "detached", timeout: 10_000 });
    assert.equal(await page.locator(".monaco-dialog-box").count(), 0);
  }));
});

describe("VS Code with a wrong server path", { timeout: 240_000 }, () => {
  it("recovers through the notification: Open Settings, a new path, Retry", async () => {
    // Where a user might install the server later: not there yet.
    let session;
    try {
      session = await startVsCode({ files: { "failover.cfg": fixture }, settings: { "sipLsp.server.command": ["/nonexistent/sip-lsp", "serve"] } });
      const { page, tmp } = session;
      await openFile(page, "failover.cfg", "Kamailio");

      const toast = (text) => page.locator(".notification-toast", { hasText: text }).first();
      const first = toast("/nonexistent/sip-lsp");
      await first.waitFor({ timeout: 60_000 });
      assert.match(await first.textContent(), /cannot start.*ENOENT/);
      await page.screenshot({ path: path.join(outDir, "start-error.png") });

      // "Open Settings" lands on the setting itself.
      await first.getByRole("button", { name: "Open Settings" }).click();
      const setting = page.locator(".settings-editor .setting-item-contents", { hasText: "Command that starts the language server" });
      await setting.first().waitFor({ timeout: 30_000 });

      // The user points the setting at a new path, in the Settings editor's list:
      // the extension tries again at once.
      const installed = path.join(tmp, "bin", "sip-lsp");
      await page.locator(".setting-list-row", { hasText: "/nonexistent/sip-lsp" }).first().dblclick();
      const input = page.locator(".setting-list-edit-row input").first();
      await input.waitFor({ timeout: 10_000 });
      await input.fill(installed);
      await page.keyboard.press("Enter");
      const second = toast(installed);
      await second.waitFor({ timeout: 60_000 });

      // ...installs the server there, and presses Retry.
      fs.mkdirSync(path.dirname(installed), { recursive: true });
      fs.symlinkSync(sipLsp, installed);
      await second.getByRole("button", { name: "Retry" }).click();

      // Back in the file: the server runs.
      await page.locator(".tabs-container .tab", { hasText: "failover.cfg" }).first().click();
      await page.locator(".monaco-editor .squiggly-warning").first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(outDir, "after-retry.png") });
    } catch (err) {
      await onFailure(session?.page, "failure-retry.png");
      throw err;
    } finally {
      await session?.close();
    }
  });
});
