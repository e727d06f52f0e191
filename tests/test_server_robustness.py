"""Never crash: a failing handler is logged and answered empty; shutdown is clean."""

from __future__ import annotations

import sys

import pytest_lsp
from fixtures.server.client import (
    HERE,
    at,
    diagnostics,
    initialize_params,
    like_an_editor,
    open_document,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, str(HERE / "failing_server.py")]),
    params=["neovim", "visual_studio_code"],
)
async def broken(request, lsp_client: LanguageClient):
    like_an_editor(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param))
    yield
    await lsp_client.shutdown_session()


async def test_a_failing_handler_does_not_kill_the_server(broken):
    doc_uri, text = open_document(broken, "failover.cfg")
    assert "SC301" in [d.code for d in await diagnostics(broken, doc_uri, 1)]
    hover = await broken.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri), position=at(text, '"604"', delta=2)
        )
    )
    assert hover is None
    assert any(
        "hover broke on purpose" in m.message and m.type == types.MessageType.Error
        for m in broken.log_messages
    )
    symbols = await broken.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
    )
    assert symbols


async def test_requests_for_unknown_documents_are_empty(client):
    ident = types.TextDocumentIdentifier(uri="file:///nowhere/missing.cfg")
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=ident, position=types.Position(line=0, character=0))
        )
        is None
    )
    assert not await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident)
    )


async def test_garbage_text_and_positions_past_the_end(client):
    doc_uri, _ = open_document(client, "garbage.cfg", '#!KAMAILIO\nroute[ {{{ t_check_status("((("\n\x00😀\r')
    await diagnostics(client, doc_uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            position=types.Position(line=99, character=99),
        )
    )
    assert hover is None


async def test_shutdown_and_exit_end_the_process_cleanly(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    await diagnostics(client, doc_uri, 1)
    await client.shutdown_session()
    assert client._server.returncode == 0
    client.capabilities = None  # already shut down: the fixture's teardown has nothing left to do
