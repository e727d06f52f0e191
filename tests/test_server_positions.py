"""Ranges in the negotiated encoding on lines with Cyrillic, emoji, tabs and CRLF."""

from __future__ import annotations

import pytest
import pytest_lsp
from fixtures.server.client import (
    SERVER,
    at,
    diagnostics,
    initialize_params,
    like_an_editor,
    open_document,
    read,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}
WIDTH = {"utf-8": 1, "utf-16": 2, "utf-32": 4}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER),
    params=[("neovim", "utf-8"), ("neovim", "utf-16"), ("visual_studio_code", "utf-32")],
)
async def encoded(request, lsp_client: LanguageClient):
    profile, encoding = request.param
    like_an_editor(lsp_client)
    result = await lsp_client.initialize_session(initialize_params(profile, encodings=[encoding]))
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    yield
    await lsp_client.shutdown_session()


def _units(text: str, encoding: str) -> int:
    return len(text.encode(ENCODINGS[encoding])) // WIDTH[encoding]


async def test_ranges_after_cyrillic_and_emoji(encoded):
    encoding = encoded.encoding
    doc_uri, text = open_document(encoded, "unicode.cfg")
    line_no = next(i for i, line in enumerate(text.split("\n")) if "😀" in line)
    line = text.split("\n")[line_no]
    diag = next(d for d in await diagnostics(encoded, doc_uri, 1) if d.code == "SC103")
    start = _units(line[: line.index('"202"') + 1], encoding)
    assert (diag.range.start.line, diag.range.start.character) == (line_no, start)
    assert diag.range.end.character == start + 3
    hover = await encoded.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            position=types.Position(line=line_no, character=start + 1),
        )
    )
    assert hover is not None and hover.range == diag.range


async def test_crlf_and_tabs_give_the_same_ranges(client):
    text = read("failover.cfg")
    doc_uri, _ = open_document(client, "crlf.cfg", text.replace("\n", "\r\n"))
    starts = [d.range.start for d in await diagnostics(client, doc_uri, 1) if d.code == "SC301"]
    assert at(text, "ds_next_dst") in starts


async def test_utf16_is_the_default(client):
    if client.capabilities.general and client.capabilities.general.position_encodings:
        pytest.skip("this profile offers encodings")
    doc_uri, text = open_document(client, "unicode.cfg")
    line = next(line for line in text.split("\n") if "😀" in line)
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC103")
    assert diag.range.start.character == _units(line[: line.index('"202"') + 1], "utf-16")
