"""Quick fixes, suppression comments and `source.fixAll.sip-lsp`.

Actions are computed from the current analysis for the requested range (not
from the diagnostics the client echoes back), so they stay right after edits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from lsprotocol import types

from sip_lsp import features, render
from sip_lsp.model import Edit
from sip_lsp.server import diagnostics
from sip_lsp.server.documents import Document
from sip_lsp.server.guard import guarded
from sip_lsp.server.server import Analysed, SipLanguageServer

FIX_ALL = "source.fixAll.sip-lsp"


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def _workspace_edit(
    ls: SipLanguageServer, doc: Document, analysed: Analysed, edits: Iterable[Edit]
) -> types.WorkspaceEdit | None:
    changes: dict[str, list[types.TextEdit]] = defaultdict(list)
    for edit in edits:
        positions = ls.positions_for(edit.span.path, analysed, doc)
        if positions is None:
            return None
        changes[ls.uri_for(edit.span.path, doc)].append(
            types.TextEdit(range=positions.range(edit.span), new_text=edit.new_text)
        )
    return types.WorkspaceEdit(changes=dict(changes))


def _title(ls: SipLanguageServer, analysed: Analysed, key: str, rule: str) -> str:
    return render.words(analysed.catalog, f"action_{key}", ls.lang, rule=rule)


def register(server: SipLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
        ),
    )
    @guarded(list)
    def code_action(ls: SipLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        positions = analysed.positions
        lines = positions.lines
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        only = params.context.only if params.context else None
        findings = [f for f in analysed.result.findings if f.span.path in (None, doc.path)]
        actions: list[types.CodeAction] = []
        if _wanted(only, types.CodeActionKind.QuickFix):
            for finding in findings:
                if not (finding.span.start <= end and start <= finding.span.end):
                    continue
                diagnostic = diagnostics.finding_diagnostic(ls, doc, analysed, finding)
                for fix in finding.fixes:
                    edit = _workspace_edit(ls, doc, analysed, fix.edits)
                    if edit is not None:
                        actions.append(
                            types.CodeAction(
                                title=fix.title,
                                kind=types.CodeActionKind.QuickFix,
                                diagnostics=[diagnostic],
                                is_preferred=fix.safe or None,
                                edit=edit,
                            )
                        )
                line_edit = features.disable_on_line(analysed.analysis, lines, finding)
                actions.append(
                    types.CodeAction(
                        title=_title(ls, analysed, "disable_line", finding.rule),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_workspace_edit(ls, doc, analysed, [line_edit]),
                    )
                )
                file_edit = features.disable_in_file(analysed.analysis, lines, finding.rule)
                actions.append(
                    types.CodeAction(
                        title=_title(ls, analysed, "disable_file", finding.rule),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_workspace_edit(ls, doc, analysed, [file_edit]),
                    )
                )
        if (only and _wanted(only, FIX_ALL)) or (not only and any(f.fixes for f in findings)):
            edits = features.safe_fix_edits(findings)
            if edits:
                edit = _workspace_edit(ls, doc, analysed, edits)
                if edit is not None:
                    actions.append(
                        types.CodeAction(title=_title(ls, analysed, "fix_all", ""), kind=FIX_ALL, edit=edit)
                    )
        return actions
