"""Quick fixes, suppression comments, "Explain SC301" and `source.fixAll.sip-lsp`.

Actions are computed from the current analysis for the requested range (not
from the diagnostics the client echoes back), so they stay right after edits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from lsprotocol import types

from sip_lsp import features, render
from sip_lsp.catalog import default_catalog
from sip_lsp.features.problems import Problem
from sip_lsp.model import Edit
from sip_lsp.server import diagnostics
from sip_lsp.server.documents import Document
from sip_lsp.server.guard import guarded, guarded_async, nothing
from sip_lsp.server.server import Analysed, SipLanguageServer

FIX_ALL = "source.fixAll.sip-lsp"
# The command behind "Explain SC301": opens the rule's docs (window/showDocument).
EXPLAIN = "sip-lsp.explainRule"


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


def _problem_actions(
    ls: SipLanguageServer, doc: Document, analysed: Analysed, problem: Problem
) -> list[types.CodeAction]:
    """Per rule of the problem: its fixes, its two suppressions, and "Explain" (its page).

    Every action names the problem's one diagnostic; a suppression adds only its own
    rule, so the other rules of the site stay.
    """
    diagnostic = diagnostics.problem_diagnostic(ls, doc, analysed, problem)
    lines = analysed.positions.lines
    actions: list[types.CodeAction] = []
    for finding in problem.findings:
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
    for finding in problem.findings:
        suppressions = (
            ("disable_line", features.disable_on_line(analysed.analysis, lines, finding)),
            ("disable_file", features.disable_in_file(analysed.analysis, lines, finding.rule)),
        )
        for key, suppression in suppressions:
            actions.append(
                types.CodeAction(
                    title=_title(ls, analysed, key, finding.rule),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=_workspace_edit(ls, doc, analysed, [suppression]),
                )
            )
    for rule in problem.rules:
        title = _title(ls, analysed, "explain", rule)
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title=title, command=EXPLAIN, arguments=[rule]),
            )
        )
    return actions


async def explain(ls: SipLanguageServer, rule_id: str) -> None:
    """Open the rule's page in the client, or say where it is when the client cannot open it.

    The page is HTML (the reference site), so it opens outside the editor: in the browser.
    """
    href = ls.rule_href(rule_id)
    window = ls.client_capabilities.window
    if window and window.show_document and window.show_document.support:
        await ls.window_show_document_async(
            types.ShowDocumentParams(uri=href, external=True, take_focus=True)
        )
        return
    catalog = default_catalog().for_lang(ls.lang)
    rule = catalog.rule(rule_id)
    if rule is not None:
        message = render.words(
            catalog, "explain_message", ls.lang, rule=rule.id, name=rule.name, summary=rule.summary, url=href
        )
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))


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
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        only = params.context.only if params.context else None
        findings = [f for f in analysed.result.findings if f.span.path in (None, doc.path)]
        actions: list[types.CodeAction] = []
        if _wanted(only, types.CodeActionKind.QuickFix):
            for problem in diagnostics.problems_for(ls, doc, analysed):
                if problem.span.start <= end and start <= problem.span.end:
                    actions += _problem_actions(ls, doc, analysed, problem)
        if (only and _wanted(only, FIX_ALL)) or (not only and any(f.fixes for f in findings)):
            edits = features.safe_fix_edits(findings)
            if edits:
                edit = _workspace_edit(ls, doc, analysed, edits)
                if edit is not None:
                    actions.append(
                        types.CodeAction(title=_title(ls, analysed, "fix_all", ""), kind=FIX_ALL, edit=edit)
                    )
        return actions

    @server.command(EXPLAIN)
    @guarded_async(nothing)
    async def explain_rule(ls: SipLanguageServer, rule_id: str) -> None:
        await explain(ls, rule_id)
