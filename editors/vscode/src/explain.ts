// Explanations as virtual documents: read-only, never dirty, nothing to save on close.
import * as vscode from "vscode";

export const EXPLAIN_SCHEME = "sip-lsp";

/** sip-lsp:/604.md or sip-lsp:/SC301.md: the .md makes it Markdown, the name is the tab title. */
export function explainUri(subject: string): vscode.Uri {
  return vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${subject}.md` });
}

export class ExplainProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly render: (subject: string) => Promise<string>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const subject = uri.path.replace(/^\//, "").replace(/\.md$/, "");
    try {
      return await this.render(subject);
    } catch (err) {
      return `# ${subject}\n\nsip-lsp could not explain it: ${(err as Error).message}\n`;
    }
  }
}
