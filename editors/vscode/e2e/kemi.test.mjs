// Real VS Code with KEMI scripts: sip-lsp works beside the language's own support in a Lua file
// that calls the KSR API (the file keeps its language), and a plain Lua file gets nothing from it.
// Run through `make e2e` (which builds the .vsix and installs what this needs).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startVsCode, openFile, onFailure, repo, sipLsp, outDir } from "./harness.mjs";

const fixtures = path.join(repo, "tests/fixtures/editors/kemi");
const squiggles = () => document.querySelectorAll(".monaco-editor .squiggly-warning").length;
// The status bar's problem counts ("Errors: 0, Warnings: 1"), every open document included.
const problems = () => document.querySelector("#status\\.problems a, #status\\.problems")?.getAttribute("aria-label") ?? "";

describe("VS Code with KEMI scripts", { timeout: 240_000 }, () => {
  let session;
  before(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    session = await startVsCode({
      files: { "tool.lua": path.join(fixtures, "tool.lua"), "kamailio.lua": path.join(fixtures, "kamailio.lua") },
      settings: { "sipLsp.server.command": [sipLsp, "serve"] },
    });
  });
  after(async () => {
    await session?.close();
  });

  it("diagnoses the Lua file that calls KSR, not the plain one beside it", async () => {
    const { page } = session;
    try {
      // The plain file first: it starts nothing; the KEMI file starts the server, which is then
      // offered every open Lua document and must be sent only the KEMI one.
      await openFile(page, "tool.lua", "Lua");
      await openFile(page, "kamailio.lua", "Lua");
      await page.waitForFunction((fn) => eval(fn)() > 0, `(${squiggles})`, { timeout: 60_000 });
      await page.waitForTimeout(3_000);
      // one warning: SC315 in kamailio.lua; the open tool.lua was never sent to the server
      const counts = await page.evaluate(`(${problems})()`);
      assert.match(counts, /Warnings: 1\b/, counts);
      assert.doesNotMatch(counts, /Errors: [1-9]|Warnings: ([02-9]|1[0-9])/, counts);
    } catch (err) {
      await onFailure(page, "failure-kemi-lua.png");
      throw err;
    }
  });
});
