// A thin client: it starts `sip-lsp serve` and lets the server do the work.
import { execFile } from "child_process";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  ShowDocumentParams,
  ShowDocumentRequest,
  ShowDocumentResult,
} from "vscode-languageclient/node";
import { EXPLAIN_SCHEME, explainUri, ExplainProvider } from "./explain";
import { SIMULATE_COMMAND, simulateResponse } from "./simulate";

const LANGUAGES = ["kamailio", "opensips", "asterisk", "freeswitch"];
// Languages VS Code gives our files by extension (.cfg is "properties", dialplans are "xml");
// a file is moved to ours only when its content says so: never every .cfg or .xml.
const SNIFFED = ["properties", "ini", "plaintext", "xml"];
// Kamailio KEMI scripts keep their language (and its own server): sip-lsp is sent one of these
// documents only when it calls the KSR API in its first lines (`KSR.tm.t_relay(`).
const KEMI_LANGUAGES = ["python", "lua", "javascript"];
const KEMI_CALL = /\bKSR\s*\.\s*[A-Za-z_][\w.]*\s*\(/;
const KEMI_LINES = 2000;
const INSTALL_HINT = "pip install sip-lsp";
// Settings read only when the server process starts: a change restarts it.
const RESTART_SECTIONS = ["sipLsp.server"];
const OPEN_SETTINGS = "Open Settings";
const RETRY = "Retry";

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let output: vscode.LogOutputChannel | undefined;
// Set once a SIP document is open: settings changes before that start nothing.
let wanted = false;
// The KEMI scripts the server was sent (by URI): decided when each opens.
const kemiOpen = new Set<string>();

function serverCommand(): string[] {
  const cmd = vscode.workspace.getConfiguration("sipLsp").get<string[]>("server.command");
  return cmd && cmd.length > 0 ? cmd : ["sip-lsp", "serve"];
}

/** Runs the configured program with `args` and returns its stdout. */
function runServerProgram(args: string[]): Promise<string> {
  const program = serverCommand()[0];
  return new Promise((resolve, reject) => {
    execFile(program, args, { maxBuffer: 8 * 1024 * 1024, timeout: 20000 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        reject(new Error(typeof code === "string" ? code : stderr.trim() || err.message));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** The error notification offers the two ways out: fix the setting, or try again. */
async function reportStartError(cmd: string[], reason: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `sip-lsp: cannot start "${cmd.join(" ")}" (${reason}). ` +
      `Install the server with \`${INSTALL_HINT}\` or set "sipLsp.server.command"; ` +
      `changing the setting restarts the server.`,
    OPEN_SETTINGS,
    RETRY,
  );
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "sipLsp.server.command");
  } else if (choice === RETRY) {
    await restartClient();
  }
}

/** Markdown pages the server asks to show (the rule's docs) open as a read-only preview. */
async function showDocument(
  params: ShowDocumentParams,
  next: ShowDocumentRequest.HandlerSignature,
): Promise<ShowDocumentResult> {
  const uri = vscode.Uri.parse(params.uri);
  if (!params.external && uri.scheme === "file" && uri.path.endsWith(".md")) {
    await vscode.commands.executeCommand("markdown.showPreview", uri);
    return { success: true };
  }
  // the client's own handler answers with a ShowDocumentResult, never a ResponseError
  return (await next(params, new vscode.CancellationTokenSource().token)) as ShowDocumentResult;
}

/** A Python, Lua or JavaScript file that calls KSR: a KEMI script. */
function isKemi(doc: vscode.TextDocument): boolean {
  return (
    KEMI_LANGUAGES.includes(doc.languageId) &&
    doc.uri.scheme === "file" &&
    KEMI_CALL.test(doc.getText(new vscode.Range(0, 0, KEMI_LINES, 0)))
  );
}

/** The server has this document: one of ours, or a KEMI script it was sent on open. */
function served(doc: vscode.TextDocument | vscode.Uri): boolean {
  const uri = "uri" in doc ? doc.uri : doc;
  const languageId = "languageId" in doc ? doc.languageId : undefined;
  if (languageId !== undefined && !KEMI_LANGUAGES.includes(languageId)) {
    return true;
  }
  return kemiOpen.has(uri.toString());
}

// Python, Lua and JavaScript documents reach the server only when they are KEMI scripts; every
// request about another one is answered here with nothing, leaving it to the language's own server.
const kemiFilter: Middleware = {
  didOpen: (doc, next) => {
    if (!KEMI_LANGUAGES.includes(doc.languageId)) {
      return next(doc);
    }
    if (!isKemi(doc)) {
      return Promise.resolve();
    }
    kemiOpen.add(doc.uri.toString());
    return next(doc);
  },
  didChange: (event, next) => (served(event.document) ? next(event) : Promise.resolve()),
  didSave: (doc, next) => (served(doc) ? next(doc) : Promise.resolve()),
  didClose: (doc, next) => {
    if (!served(doc)) {
      return Promise.resolve();
    }
    kemiOpen.delete(doc.uri.toString());
    return next(doc);
  },
  provideHover: (doc, position, token, next) => (served(doc) ? next(doc, position, token) : undefined),
  provideCompletionItem: (doc, position, context, token, next) =>
    served(doc) ? next(doc, position, context, token) : undefined,
  provideCodeActions: (doc, range, context, token, next) =>
    served(doc) ? next(doc, range, context, token) : undefined,
  provideDefinition: (doc, position, token, next) => (served(doc) ? next(doc, position, token) : undefined),
  provideReferences: (doc, position, options, token, next) =>
    served(doc) ? next(doc, position, options, token) : undefined,
  provideDocumentSymbols: (doc, token, next) => (served(doc) ? next(doc, token) : undefined),
  provideInlayHints: (doc, range, token, next) => (served(doc) ? next(doc, range, token) : undefined),
  provideCodeLenses: (doc, token, next) => (served(doc) ? next(doc, token) : undefined),
  provideDiagnostics: (doc, previousResultId, token, next) =>
    served(doc) ? next(doc, previousResultId, token) : undefined,
};

async function startClient(): Promise<void> {
  const cmd = serverCommand();
  try {
    await runServerProgram(["--version"]);
  } catch (err) {
    void reportStartError(cmd, (err as Error).message);
    return;
  }
  output ??= vscode.window.createOutputChannel("sip-lsp", { log: true });
  const serverOptions: ServerOptions = { command: cmd[0], args: cmd.slice(1) };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.map((language) => ({ language })),
      ...KEMI_LANGUAGES.map((language) => ({ language, scheme: "file" })),
    ],
    synchronize: { configurationSection: "sipLsp" },
    outputChannel: output,
    middleware: { ...kemiFilter, window: { showDocument } },
  };
  const created = new LanguageClient("sipLsp", "sip-lsp", serverOptions, clientOptions);
  try {
    await created.start();
    client = created;
  } catch (err) {
    void created.dispose();
    void reportStartError(cmd, (err as Error).message);
  }
}

/** Starts the client unless it runs or is starting; concurrent callers share one start. */
function ensureClient(): Promise<void> {
  if (client) {
    return Promise.resolve();
  }
  starting ??= startClient().finally(() => {
    starting = undefined;
  });
  return starting;
}

/** Stops the running client (if any) and starts one with the current settings. */
async function restartClient(): Promise<void> {
  await starting;
  const old = client;
  client = undefined;
  if (old) {
    await old.dispose().catch(() => undefined);
  }
  await ensureClient();
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

async function claim(doc: vscode.TextDocument): Promise<void> {
  const language = sniff(doc);
  if (language) {
    await vscode.languages.setTextDocumentLanguage(doc, language);
  }
  if (LANGUAGES.includes(language ?? doc.languageId) || isKemi(doc)) {
    wanted = true;
    await ensureClient();
  }
}

/** A response code or rule id in a read-only Markdown preview (a virtual document). */
async function explain(subject: string): Promise<void> {
  const uri = explainUri(subject);
  const doc = await vscode.workspace.openTextDocument(uri);
  try {
    await vscode.commands.executeCommand("markdown.showPreview", uri);
  } catch {
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

/** The registered codes, from `sip-lsp codes --json` (the quick picks list them). */
async function registeredCodes(): Promise<{ code: number; reason: string; summary?: string }[]> {
  return JSON.parse(await runServerProgram(["codes", "--json"]));
}

async function explainCode(): Promise<void> {
  try {
    const codes = await registeredCodes();
    const pick = await vscode.window.showQuickPick(
      codes.map((c) => ({ label: `${c.code} ${c.reason}`, detail: c.summary, code: c.code })),
      { placeHolder: "Response code to explain", matchOnDetail: true },
    );
    if (pick) {
      await explain(String(pick.code));
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`sip-lsp: ${(err as Error).message}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const language = vscode.env.language.toLowerCase().startsWith("ru") ? "ru" : "en";
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(
      EXPLAIN_SCHEME,
      new ExplainProvider((subject) =>
        runServerProgram(["explain", subject, "--format", "markdown", "--lang", language]),
      ),
    ),
    vscode.commands.registerCommand("sipLsp.explainCode", explainCode),
    // For code actions and links: explain a given code or rule id (not in the palette).
    vscode.commands.registerCommand("sipLsp.explain", (subject: unknown) =>
      typeof subject === "string" || typeof subject === "number" ? explain(String(subject)) : explainCode(),
    ),
    vscode.commands.registerCommand("sipLsp.restartServer", restartClient),
    // The palette's "SIP: Simulate Response…" and the command every code lens carries (uri, line).
    vscode.commands.registerCommand(SIMULATE_COMMAND, (uri?: unknown, line?: unknown, status?: unknown) =>
      simulateResponse(() => client, registeredCodes, () => output, uri, line, status),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (wanted && RESTART_SECTIONS.some((section) => event.affectsConfiguration(section))) {
        void restartClient();
      }
    }),
    vscode.workspace.onDidOpenTextDocument(claim),
  );
  for (const doc of vscode.workspace.textDocuments) {
    await claim(doc);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
