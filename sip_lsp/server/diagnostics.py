"""Findings -> LSP diagnostics, pushed or pulled depending on the client.

The failover rules that fire on one action make one diagnostic (features/problems.py).

Clients that declare `textDocument.diagnostic` pull (result ids are
"version.generation", so an unchanged document answers "unchanged"); the rest
get `publishDiagnostics` with the document version.
"""

from __future__ import annotations

from typing import TypedDict

from lsprotocol import types

from sip_lsp.features.problems import Problem, problems
from sip_lsp.model import Fix
from sip_lsp.server.documents import Document
from sip_lsp.server.guard import guarded_async
from sip_lsp.server.server import Analysed, SipLanguageServer

SOURCE = "sip-lsp"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
TAGS = {"deprecated": types.DiagnosticTag.Deprecated, "unnecessary": types.DiagnosticTag.Unnecessary}


class PositionData(TypedDict):
    line: int
    character: int


class RangeData(TypedDict):
    start: PositionData
    end: PositionData


class EditData(TypedDict):
    uri: str
    range: RangeData
    newText: str


class FixData(TypedDict):
    """A fix in a diagnostic's `data`: clients that echo diagnostics back keep it."""

    title: str
    safe: bool
    edits: list[EditData]


class DiagnosticData(TypedDict, total=False):
    rule: str  # the most severe rule: the diagnostic's code
    rules: list[str]  # every rule of a merged problem, that one first
    fixes: list[FixData]


def _range_data(r: types.Range) -> RangeData:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def fix_data(ls: SipLanguageServer, doc: Document, analysed: Analysed, fix: Fix) -> FixData | None:
    """A fix as plain JSON with client ranges (None when a file cannot be read)."""
    edits: list[EditData] = []
    for edit in fix.edits:
        positions = ls.positions_for(edit.span.path, analysed, doc)
        if positions is None:
            return None
        edits.append(
            {
                "uri": ls.uri_for(edit.span.path, doc),
                "range": _range_data(positions.range(edit.span)),
                "newText": edit.new_text,
            }
        )
    return {"title": fix.title, "safe": fix.safe, "edits": edits}


def problems_for(ls: SipLanguageServer, doc: Document, analysed: Analysed) -> list[Problem]:
    """The document's own findings as problems: one per failover action (findings in included
    files stay there)."""
    if analysed.problems is None:
        findings = [f for f in analysed.result.findings if f.span.path in (None, doc.path)]
        analysed.problems = problems(findings, analysed.catalog, ls.lang)
    return analysed.problems


def problem_diagnostic(
    ls: SipLanguageServer, doc: Document, analysed: Analysed, problem: Problem
) -> types.Diagnostic:
    """One diagnostic for the problem: the most severe rule's code, every rule in `data`."""
    related: list[types.DiagnosticRelatedInformation] = []
    for item in problem.related:
        positions = ls.positions_for(item.span.path, analysed, doc)
        if positions is not None:
            related.append(
                types.DiagnosticRelatedInformation(
                    location=types.Location(
                        uri=ls.uri_for(item.span.path, doc), range=positions.range(item.span)
                    ),
                    message=item.message,
                )
            )
    fixes = [d for d in (fix_data(ls, doc, analysed, f) for f in problem.fixes) if d is not None]
    primary = problem.primary
    data: DiagnosticData = {"rule": primary.rule}
    if problem.merged:
        data["rules"] = list(problem.rules)
    if fixes:
        data["fixes"] = fixes
    return types.Diagnostic(
        code_description=types.CodeDescription(href=ls.rule_href(primary.rule)),
        range=analysed.positions.range(problem.span),
        severity=SEVERITY.get(problem.severity, types.DiagnosticSeverity.Warning),
        code=primary.rule,
        source=SOURCE,
        message=problem.message,
        related_information=related or None,
        tags=[TAGS[t] for t in problem.tags if t in TAGS] or None,
        data=data,
    )


def diagnostics_for(ls: SipLanguageServer, doc: Document, analysed: Analysed) -> list[types.Diagnostic]:
    """Every diagnostic for the document itself (findings in included files stay there)."""
    if analysed.diagnostics is not None:
        return analysed.diagnostics
    # No reuse across versions: an equal Finding (same offsets) can sit on another
    # line or column after an edit above it.
    out = [problem_diagnostic(ls, doc, analysed, p) for p in problems_for(ls, doc, analysed)]
    for note in analysed.result.notes:
        if note.span.path is None or note.span.path == doc.path:
            out.append(
                types.Diagnostic(
                    range=analysed.positions.range(note.span),
                    message=note.message,
                    severity=types.DiagnosticSeverity.Information,
                    source=SOURCE,
                )
            )
    analysed.diagnostics = out
    return out


def publish(ls: SipLanguageServer, doc: Document) -> None:
    """Analyse (if needed) and push the document's diagnostics, once per version and settings."""
    analysed = ls.analysed(doc)
    if ls.published.get(doc.uri) == analysed.result_id:
        return
    ls.published[doc.uri] = analysed.result_id
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=doc.uri, version=analysed.version, diagnostics=diagnostics_for(ls, doc, analysed)
        )
    )


def clear(ls: SipLanguageServer, uri: str) -> None:
    ls.published.pop(uri, None)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def refresh(ls: SipLanguageServer) -> None:
    """After a settings change: push again, or ask a pulling client to pull again."""
    if ls.pull_diagnostics:
        if ls.refresh_support:
            ls.workspace_diagnostic_refresh(None)
        return
    for doc in ls.documents:
        try:
            publish(ls, doc)
        except Exception as exc:
            ls.failed(f"diagnostics of {doc.uri}", exc)


def _empty_report() -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


def _empty_workspace_report() -> types.WorkspaceDiagnosticReport:
    return types.WorkspaceDiagnosticReport(items=[])


def register(server: SipLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True),
    )
    @guarded_async(_empty_report)
    async def document_diagnostic(
        ls: SipLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        await ls.settled()
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return _empty_report()
        analysed = await ls.analysed_async(doc)
        if params.previous_result_id == analysed.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=analysed.result_id)
        return types.RelatedFullDocumentDiagnosticReport(
            items=diagnostics_for(ls, doc, analysed), result_id=analysed.result_id
        )

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    @guarded_async(_empty_workspace_report)
    async def workspace_diagnostic(
        ls: SipLanguageServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        await ls.settled()
        previous = {p.uri: p.value for p in params.previous_result_ids or ()}
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        for doc in ls.documents:
            try:
                analysed = await ls.analysed_async(doc)
            except Exception as exc:
                ls.failed(f"analysis of {doc.uri}", exc)
                continue
            if previous.get(doc.uri) == analysed.result_id:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=doc.uri, version=analysed.version, result_id=analysed.result_id
                    )
                )
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=doc.uri,
                        version=analysed.version,
                        items=diagnostics_for(ls, doc, analysed),
                        result_id=analysed.result_id,
                    )
                )
        return types.WorkspaceDiagnosticReport(items=items)
