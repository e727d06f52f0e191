"""textDocument/completion: codes, class patterns, causes and DIALSTATUS values."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.dialects import detect
from sip_lsp.server.guard import guarded, nothing
from sip_lsp.server.server import SipLanguageServer

KINDS = {
    "code": types.CompletionItemKind.Value,
    "pattern": types.CompletionItemKind.Snippet,
    "cause": types.CompletionItemKind.EnumMember,
    "value": types.CompletionItemKind.EnumMember,
}


def _snippet(text: str) -> str:
    """`text` as a snippet that inserts exactly `text`."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _snippets(ls: SipLanguageServer) -> bool:
    """Neovim inserts a plain-text item only up to its first space; a snippet it inserts whole."""
    completion = ls.client_capabilities.text_document and ls.client_capabilities.text_document.completion
    item = completion and completion.completion_item
    return bool(item and item.snippet_support)


def register(server: SipLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=['"', "(", "|", "=", ",", " "]),
    )
    @guarded(nothing)
    def completion(ls: SipLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        positions = doc.positions
        offset = positions.offset(params.position)
        line, column = doc.lines.position(offset)
        cached = ls.analyses.get(doc.uri)
        if cached is not None:
            dialect, catalog = cached.analysis.dialect, cached.catalog
        else:
            settings = ls.settings_for(doc.path)
            dialect = detect(doc.text, doc.path, settings.dialects or None)
            catalog = ls.catalog_for(settings)
        found = features.completions_at(
            doc.lines.line_text(line), column, doc.lines.starts[line], dialect, catalog, ls.lang
        )
        if not found:
            return None
        snippets = _snippets(ls)
        items: list[types.CompletionItem] = []
        for item in found:
            edit_range = types.Range(start=positions.position(item.start), end=positions.position(item.end))
            items.append(
                types.CompletionItem(
                    label=item.label,
                    label_details=types.CompletionItemLabelDetails(description=item.label_detail)
                    if item.label_detail
                    else None,
                    kind=KINDS.get(item.kind, types.CompletionItemKind.Value),
                    detail=item.detail or None,
                    documentation=types.MarkupContent(
                        kind=types.MarkupKind.Markdown, value=item.documentation
                    )
                    if item.documentation
                    else None,
                    sort_text=item.sort_text or None,
                    filter_text=item.filter_text or None,
                    insert_text_format=types.InsertTextFormat.Snippet
                    if snippets
                    else types.InsertTextFormat.PlainText,
                    text_edit=types.TextEdit(
                        range=edit_range,
                        new_text=_snippet(item.insert_text) if snippets else item.insert_text,
                    ),
                )
            )
        return types.CompletionList(is_incomplete=False, items=items)
