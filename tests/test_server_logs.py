"""Quiet logs: a normal session, routine cancellations included, writes no error to stderr."""

from __future__ import annotations

import asyncio

from fixtures.server.client import at, diagnostics, open_document
from lsprotocol import types


def _ident(doc_uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=doc_uri)


async def test_a_normal_session_logs_no_error(client, capfd):
    doc_uri, text = open_document(client, "failover.cfg")
    diags = await diagnostics(client, doc_uri, 1)
    where = at(text, "ds_next_dst")
    # An editor cancels requests it no longer needs, often after they were answered.
    for n, position in enumerate((where, at(text, "486"), at(text, "604"))):
        msg_id = f"hover-{n}"
        await client.protocol.send_request_async(
            types.TEXT_DOCUMENT_HOVER,
            types.HoverParams(text_document=_ident(doc_uri), position=position),
            msg_id=msg_id,
        )
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
    pending = asyncio.ensure_future(
        client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=_ident(doc_uri)))
    )
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=_ident(doc_uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=diags),
        )
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text + "\n# edited\n")],
        )
    )
    await diagnostics(client, doc_uri, 2)
    await pending
    await asyncio.sleep(0.3)  # the test client forwards the server's stderr line by line
    # Editors show every line a server writes to stderr as an error (VS Code: "[Error - …]").
    assert capfd.readouterr().err.strip() == ""
