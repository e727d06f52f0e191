"""Findings -> LSP diagnostics, pushed or pulled depending on the client.

Clients that declare `textDocument.diagnostic` pull (result ids are
"version.generation", so an unchanged document answers "unchanged"); the rest
get `publishDiagnostics` with the document version.
"""

from __future__ import annotations

from lsprotocol import types

from sip_lsp.server.guard import guarded

SOURCE = "sip-lsp"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
TAGS = {"deprecated": types.DiagnosticTag.Deprecated, "unnecessary": types.DiagnosticTag.Unnecessary}


def _range_json(r: types.Range) -> dict:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def fix_data(ls, doc, analysed, fix) -> dict | None:
    """A fix as plain JSON with client ranges (None when a file cannot be read)."""
    edits = []
    for edit in fix.edits:
        positions = ls.positions_for(edit.span.path, analysed, doc)
        if positions is None:
            return None
        edits.append(
            {
                "uri": ls.uri_for(edit.span.path, doc),
                "range": _range_json(positions.range(edit.span)),
                "newText": edit.new_text,
            }
        )
    return {"title": fix.title, "safe": fix.safe, "edits": edits}


def finding_diagnostic(ls, doc, analysed, finding) -> types.Diagnostic:
    related = []
    for item in finding.related:
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
    fixes = [d for d in (fix_data(ls, doc, analysed, f) for f in finding.fixes) if d is not None]
    # A rule's documentation page, when the catalogue names one.
    url = getattr(analysed.catalog.rules.get(finding.rule), "url", None)
    return types.Diagnostic(
        code_description=types.CodeDescription(href=url) if url else None,
        range=analysed.positions.range(finding.span),
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        source=SOURCE,
        message=finding.message,
        related_information=related or None,
        tags=[TAGS[t] for t in finding.tags if t in TAGS] or None,
        data={"rule": finding.rule, "fixes": fixes} if fixes else {"rule": finding.rule},
    )


def diagnostics_for(ls, doc, analysed) -> list[types.Diagnostic]:
    """Every diagnostic for the document itself (findings in included files stay there)."""
    cached = getattr(analysed, "_diagnostics", None)
    if cached is not None:
        return cached
    # No reuse across versions: an equal Finding (same offsets) can sit on another
    # line or column after an edit above it.
    out = []
    for finding in analysed.result.findings:
        if finding.span.path is None or finding.span.path == doc.path:
            out.append(finding_diagnostic(ls, doc, analysed, finding))
    notes = getattr(analysed.result, "notes", None)
    if notes is None:
        notes = analysed.analysis.notes
    for note in notes:
        if note.span.path is None or note.span.path == doc.path:
            out.append(
                types.Diagnostic(
                    range=analysed.positions.range(note.span),
                    message=note.message,
                    severity=types.DiagnosticSeverity.Information,
                    source=SOURCE,
                )
            )
    analysed._diagnostics = out
    return out


def publish(ls, doc) -> None:
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


def clear(ls, uri: str) -> None:
    ls.published.pop(uri, None)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def refresh(ls) -> None:
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


def _empty_report():
    return types.RelatedFullDocumentDiagnosticReport(items=[])


def register(server) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True),
    )
    @guarded(_empty_report)
    async def document_diagnostic(ls, params: types.DocumentDiagnosticParams):
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
    @guarded(lambda: types.WorkspaceDiagnosticReport(items=[]))
    async def workspace_diagnostic(ls, params: types.WorkspaceDiagnosticParams):
        await ls.settled()
        previous = {p.uri: p.value for p in params.previous_result_ids or ()}
        items = []
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
