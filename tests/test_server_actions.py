"""Code actions: the quick fix removes the finding; suppression comments; fixAll."""

from __future__ import annotations

from fixtures.server.client import apply_edits, diagnostics, open_document
from lsprotocol import types


async def _actions(client, doc_uri, diag, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag], only=only),
        )
    )


def _change(client, doc_uri, version, text):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _at_line(diags, rule, line):
    return [d for d in diags if d.code == rule and d.range.start.line == line]


async def test_applying_the_quick_fix_removes_sc301(client):
    doc_uri, text = open_document(client, "failover.cfg")
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC301")
    actions = await _actions(client, doc_uri, diag)
    fixes = [
        a
        for a in actions
        if a.kind == types.CodeActionKind.QuickFix
        and a.diagnostics
        and a.diagnostics[0].code == "SC301"
        and a.edit is not None
        and "disable" not in a.title.lower()
    ]
    assert fixes, [a.title for a in actions]
    preferred = next((a for a in fixes if a.is_preferred), fixes[0])
    fixed = apply_edits(text, preferred.edit.changes[doc_uri])
    assert fixed != text
    _change(client, doc_uri, 2, fixed)
    after = await diagnostics(client, doc_uri, 2)
    assert not _at_line(after, "SC301", diag.range.start.line), after


async def test_disable_on_this_line_inserts_an_indented_comment(client):
    doc_uri, text = open_document(client, "failover.cfg")
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC301")
    actions = await _actions(client, doc_uri, diag)
    [line_action] = [
        a
        for a in actions
        if a.diagnostics
        and a.diagnostics[0].code == "SC301"
        and "SC301" in a.title
        and "line" in a.title.lower()
    ]
    fixed = apply_edits(text, line_action.edit.changes[doc_uri])
    lines = fixed.split("\n")
    line = diag.range.start.line
    original = text.split("\n")[line]
    indent = original[: len(original) - len(original.lstrip())]
    assert lines[line] == f"{indent}# sip-lsp: disable=SC301"
    _change(client, doc_uri, 2, fixed)
    after = await diagnostics(client, doc_uri, 2)
    assert not _at_line(after, "SC301", line + 1)


async def test_disable_in_this_file_keeps_the_kamailio_marker_first(client):
    doc_uri, text = open_document(client, "failover.cfg")
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC301")
    actions = await _actions(client, doc_uri, diag)
    [file_action] = [a for a in actions if a.diagnostics and "SC301" in a.title and "file" in a.title.lower()]
    fixed = apply_edits(text, file_action.edit.changes[doc_uri])
    assert fixed.split("\n")[:2] == ["#!KAMAILIO", "# sip-lsp: disable-file=SC301"]
    _change(client, doc_uri, 2, fixed)
    assert "SC301" not in [d.code for d in await diagnostics(client, doc_uri, 2)]


async def test_fix_all_applies_every_safe_fix(client):
    doc_uri, _ = open_document(client, "unicode.cfg")
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC103")
    actions = await _actions(client, doc_uri, diag, only=["source.fixAll"])
    [fix_all] = [a for a in actions if a.kind == "source.fixAll.sip-lsp"]
    changes = fix_all.edit.changes[doc_uri]
    assert any(e.new_text.startswith("200") for e in changes)
