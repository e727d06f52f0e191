"""Inlay hints: the phrase after bare codes in comparisons and patterns."""

from __future__ import annotations

from fixtures.server.client import at, open_document
from lsprotocol import types

TEXT = (
    '#!KAMAILIO\nloadmodule "tm.so"\nfailure_route[F] {\n'
    "\tif ($T_reply_code == 486) { exit; }\n"
    '\tif (t_check_status("486|408")) { exit; }\n}\n'
)


async def hints(client, doc_uri, text):
    lines = text.split("\n")
    return await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=types.Range(
                start=types.Position(line=0, character=0),
                end=types.Position(line=len(lines) - 1, character=0),
            ),
        )
    )


async def test_phrases_after_bare_codes(client):
    doc_uri, text = open_document(client, "inlay.cfg", TEXT)
    found = {(h.position.line, h.position.character): h.label for h in await hints(client, doc_uri, text)}
    # After a bare code in a comparison; after the closing quote of a pattern, all its codes
    # (a hint inside the string would read as part of the literal).
    assert found == {
        _key(at(text, "486)", delta=3)): "Busy Here",
        _key(at(text, '408")', delta=4)): "486 Busy Here, 408 Request Timeout",
    }


def _key(position):
    return position.line, position.character
