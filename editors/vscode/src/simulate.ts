// SIP: Simulate Response…: one status walked through a failover point by the server's
// `sipLsp.simulate` command; the steps open in a quick pick that reveals each line.
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient } from "vscode-languageclient/node";

export const SIMULATE_COMMAND = "sipLsp.simulateResponse";
const SERVER_COMMAND = "sipLsp.simulate";
const LOCAL_CASES = ["timeout", "cancelled"];

interface Step {
  line: number | null;
  path: string | null;
  target: string | null;
  kind: string;
  text: string;
  source: string | null;
}

export interface SimulationResult {
  status: string;
  summary: string;
  receives: string;
  outcome: string;
  reply: number | null;
  steps: Step[];
  facts: [string, string][];
}

interface CodeEntry {
  code: number;
  reason: string;
  summary?: string;
}

/** Asks for a final status: a registered code (typed or picked), timeout or cancelled. */
async function askStatus(codes: () => Promise<CodeEntry[]>): Promise<string | undefined> {
  let entries: CodeEntry[] = [];
  try {
    entries = (await codes()).filter((c) => c.code >= 300 && c.code <= 699);
  } catch {
    // no list: the user types the code
  }
  const items: (vscode.QuickPickItem & { status: string })[] = [
    ...entries.map((c) => ({ label: `${c.code} ${c.reason}`, detail: c.summary, status: String(c.code) })),
    ...LOCAL_CASES.map((status) => ({ label: status, status })),
  ];
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { status: string }>();
  pick.items = items;
  pick.placeholder = "Response to simulate: a code 300-699, timeout or cancelled";
  pick.matchOnDetail = true;
  return new Promise((resolve) => {
    let done = false;
    pick.onDidAccept(() => {
      done = true;
      const chosen = pick.selectedItems[0]?.status ?? pick.value.trim();
      pick.hide();
      resolve(chosen || undefined);
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!done) resolve(undefined);
    });
    pick.show();
  });
}

async function reveal(uri: vscode.Uri, line: number, preserveFocus: boolean): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preserveFocus, preview: true });
  const range = new vscode.Range(line, 0, line, doc.lineAt(Math.min(line, doc.lineCount - 1)).text.length);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The steps in a quick pick (moving through them reveals each line) and in the output channel. */
async function show(result: SimulationResult, uri: vscode.Uri, output: vscode.LogOutputChannel): Promise<void> {
  output.info(result.summary);
  for (const step of result.steps) {
    const where = step.line !== null ? `:${step.line + 1}` : "";
    output.info(`  ${where.padEnd(6)} ${step.source ? `${step.source}  → ` : ""}${step.text}`);
  }
  // As `sip-lsp simulate` prints them: the line, its text, then what happened there.
  const items = result.steps.map((step) => ({
    label: `${step.line !== null ? `${step.line + 1}` : "·"}  ${step.source || step.text}`,
    description: step.source ? `→ ${step.text}` : undefined,
    step,
  }));
  items.push({
    label: `$(debug-stop) ${result.outcome}`,
    description: result.receives,
    step: { line: null, path: null, target: null, kind: "outcome", text: result.summary, source: null },
  });
  const pick = vscode.window.createQuickPick<(typeof items)[number]>();
  pick.title = result.summary;
  pick.items = items;
  pick.matchOnDetail = true;
  const target = (step: Step) => (step.path ? vscode.Uri.file(step.path) : uri);
  pick.onDidChangeActive(([item]) => {
    if (item?.step.line !== null && item?.step.line !== undefined) {
      void reveal(target(item.step), item.step.line, true);
    }
  });
  pick.onDidAccept(() => {
    const item = pick.selectedItems[0];
    pick.hide();
    if (item && item.step.line !== null) {
      void reveal(target(item.step), item.step.line, false);
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

/**
 * The command: from a code lens (uri, line) or the palette (the active editor's cursor line);
 * `status` may be given (tests, keybindings), else it is asked for.
 */
export async function simulateResponse(
  client: () => LanguageClient | undefined,
  codes: () => Promise<CodeEntry[]>,
  output: () => vscode.LogOutputChannel | undefined,
  uriArg?: unknown,
  lineArg?: unknown,
  statusArg?: unknown,
): Promise<SimulationResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const uri = typeof uriArg === "string" ? vscode.Uri.parse(uriArg) : editor?.document.uri;
  const line = typeof lineArg === "number" ? lineArg : editor?.selection.active.line;
  const running = client();
  if (!uri || line === undefined || !running) {
    void vscode.window.showErrorMessage("sip-lsp: open a SIP routing script or dialplan to simulate a response");
    return undefined;
  }
  const status = typeof statusArg === "string" || typeof statusArg === "number" ? String(statusArg) : await askStatus(codes);
  if (!status) {
    return undefined;
  }
  try {
    const result = (await running.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMAND,
      arguments: [uri.toString(), line, /^\d+$/.test(status) ? Number(status) : status],
    })) as SimulationResult;
    const channel = output();
    if (channel) {
      await show(result, uri, channel);
    }
    return result;
  } catch (err) {
    void vscode.window.showErrorMessage((err as Error).message);
    return undefined;
  }
}
