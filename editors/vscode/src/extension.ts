// A thin client: it starts `sip-lsp serve` and lets the server do the work.
import { execFile, spawnSync } from "child_process";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

const LANGUAGES = ["kamailio", "opensips", "asterisk", "freeswitch"];
// Languages VS Code gives our files by extension (.cfg is "properties", dialplans are "xml");
// a file is moved to ours only when its content says so: never every .cfg or .xml.
const SNIFFED = ["properties", "ini", "plaintext", "xml"];
const INSTALL_HINT = "pip install sip-lsp";

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let output: vscode.OutputChannel | undefined;

function serverCommand(): string[] {
  const cmd = vscode.workspace.getConfiguration("sipLsp").get<string[]>("server.command");
  return cmd && cmd.length > 0 ? cmd : ["sip-lsp", "serve"];
}

/** True when the configured program can be started; a missing one gets a notification. */
function serverAvailable(cmd: string[]): boolean {
  const probe = spawnSync(cmd[0], ["--version"], { timeout: 10000 });
  if (probe.error) {
    void vscode.window.showErrorMessage(
      `sip-lsp: cannot start "${cmd.join(" ")}" (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}). ` +
        `Install the server with \`${INSTALL_HINT}\` or set "sipLsp.server.command".`,
    );
    return false;
  }
  return true;
}

/** The SIP language a document's first lines show, if any. */
function sniff(doc: vscode.TextDocument): string | undefined {
  if (!SNIFFED.includes(doc.languageId)) {
    return undefined;
  }
  const head = doc.getText(new vscode.Range(0, 0, 400, 0));
  if (doc.languageId === "xml") {
    return /<extension\b|<action\s+application\s*=/.test(head) ? "freeswitch" : undefined;
  }
  if (/^\ufeff?\s*#!OPENSIPS\b/m.test(head)) {
    return "opensips";
  }
  if (/^\ufeff?\s*#!(KAMAILIO|SER)\b/m.test(head)) {
    return "kamailio";
  }
  if (/^\s*loadmodule\s/m.test(head) && /^\s*(request_|failure_|onreply_)?route\s*[[{]/m.test(head)) {
    return /opensips/i.test(doc.fileName) ? "opensips" : "kamailio";
  }
  return undefined;
}

async function claim(doc: vscode.TextDocument, context: vscode.ExtensionContext): Promise<void> {
  const language = sniff(doc);
  if (language) {
    await vscode.languages.setTextDocumentLanguage(doc, language);
  }
  if (!client && LANGUAGES.includes(language ?? doc.languageId)) {
    starting ??= startClient(context);
    await starting;
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const cmd = serverCommand();
  if (!serverAvailable(cmd)) {
    return;
  }
  output ??= vscode.window.createOutputChannel("sip-lsp", { log: true });
  const serverOptions: ServerOptions = { command: cmd[0], args: cmd.slice(1) };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ language })),
    synchronize: { configurationSection: "sipLsp" },
    outputChannel: output,
  };
  client = new LanguageClient("sipLsp", "sip-lsp", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

/** Runs the CLI and returns its stdout (the catalogue is the server's, not ours). */
function runCli(args: string[]): Promise<string> {
  const program = serverCommand()[0];
  return new Promise((resolve, reject) => {
    execFile(program, args, { maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(stderr.trim() || err.message));
      } else {
        resolve(stdout);
      }
    });
  });
}

async function explainCode(): Promise<void> {
  try {
    const codes: { code: number; reason: string; summary?: string }[] = JSON.parse(
      await runCli(["codes", "--json"]),
    );
    const pick = await vscode.window.showQuickPick(
      codes.map((c) => ({ label: `${c.code} ${c.reason}`, detail: c.summary, code: c.code })),
      { placeHolder: "Response code to explain", matchOnDetail: true },
    );
    if (!pick) {
      return;
    }
    const markdown = await runCli(["explain", String(pick.code), "--format", "markdown"]);
    const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
    await vscode.commands.executeCommand("markdown.showPreview", doc.uri);
  } catch (err) {
    void vscode.window.showErrorMessage(`sip-lsp: ${(err as Error).message}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("sipLsp.explainCode", explainCode),
    vscode.commands.registerCommand("sipLsp.restartServer", async () => {
      if (client) {
        await client.restart();
      } else {
        await startClient(context);
      }
    }),
  );
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => claim(doc, context)));
  for (const doc of vscode.workspace.textDocuments) {
    await claim(doc, context);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
