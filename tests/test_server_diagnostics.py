"""Diagnostics through a real client: pushed to VS Code, pulled by Neovim."""

from __future__ import annotations

import pytest
from fixtures.server.client import at, diagnostics, open_document, pulls
from lsprotocol import types


def _codes(diags):
    return [d.code for d in diags]


async def test_failover_after_604_gets_sc301_on_the_action(client):
    doc_uri, text = open_document(client, "failover.cfg")
    diags = await diagnostics(client, doc_uri, 1)
    sc301 = [d for d in diags if d.code == "SC301" and d.range.start == at(text, "ds_next_dst")]
    assert sc301, [(d.code, d.range) for d in diags]
    first = sc301[0]
    assert first.range.end.line == first.range.start.line
    assert first.source == "sip-lsp"
    assert first.severity == types.DiagnosticSeverity.Warning
    assert "604" in first.message or "6xx" in first.message
    assert first.data["fixes"], "SC301 carries its fixes in data"
    assert all(e["uri"] == doc_uri for fix in first.data["fixes"] for e in fix["edits"])


async def test_deprecated_code_is_tagged(client):
    doc_uri, _ = open_document(client, "unicode.cfg")
    diags = await diagnostics(client, doc_uri, 1)
    sc103 = [d for d in diags if d.code == "SC103"]
    assert sc103, _codes(diags)
    assert list(sc103[0].tags) == [types.DiagnosticTag.Deprecated]


async def test_pull_answers_unchanged_until_the_document_changes(client):
    if not pulls(client):
        pytest.skip("this client gets diagnostics pushed")
    doc_uri, text = open_document(client, "failover.cfg")
    ident = types.TextDocumentIdentifier(uri=doc_uri)
    first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
    assert first.kind == "full" and first.result_id
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert again.kind == "unchanged"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text + "\n")],
        )
    )
    changed = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert changed.kind == "full" and changed.result_id != first.result_id
    workspace = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    [item] = [i for i in workspace.items if i.uri == doc_uri]
    assert item.version == 2 and "SC301" in _codes(item.items)


async def test_closing_a_document_drops_it(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    assert "SC301" in _codes(await diagnostics(client, doc_uri, 1))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
    )
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
    )
    assert not symbols


async def test_dialect_notes_are_information_without_a_code(client):
    text = '#!KAMAILIO\ninclude_file "/etc/kamailio/other.cfg"\nrequest_route { exit; }\n'
    doc_uri, _ = open_document(client, "outside.cfg", text)
    notes = [d for d in await diagnostics(client, doc_uri, 1) if d.code is None]
    assert [n.severity for n in notes] == [types.DiagnosticSeverity.Information]
    assert "/etc/kamailio/other.cfg" in notes[0].message
    assert notes[0].range.start.line == 1
