"""Random requests at random positions on mangled documents: no handler may fail."""

from __future__ import annotations

import random

from fixtures.server.client import diagnostics, open_document, read
from lsprotocol import types

FILES = [
    ("failover.cfg", "kamailio"),
    ("extensions.conf", "asterisk"),
    ("dialplan.xml", "xml"),
    ("unicode.cfg", "kamailio"),
]
NOISE = [
    '"',
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    "604",
    "😀",
    "Ж",
    "\t",
    "\r\n",
    "|",
    "$",
    "[",
    "]",
    "=>",
    "\x00",
    "\\",
]


def _mangle(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 12)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(NOISE))
        if chars and rng.random() < 0.5:
            del chars[rng.randrange(len(chars))]
    return "".join(chars)


async def test_random_requests_never_fail(client):
    rng = random.Random(7)
    ident = None
    for round_no in range(8):
        name, language = FILES[round_no % len(FILES)]
        text = _mangle(read(name), rng)
        doc_uri, _ = open_document(client, f"fuzz{round_no}-{name}", text, language_id=language)
        ident = types.TextDocumentIdentifier(uri=doc_uri)
        await diagnostics(client, doc_uri, 1)
        lines = text.split("\n")
        for _ in range(15):
            line = rng.randrange(len(lines) + 2)
            pos = types.Position(line=line, character=rng.randrange(0, 90))
            rng_range = types.Range(start=pos, end=types.Position(line=line + rng.randrange(3), character=5))
            await client.text_document_hover_async(types.HoverParams(text_document=ident, position=pos))
            await client.text_document_completion_async(
                types.CompletionParams(text_document=ident, position=pos)
            )
            await client.text_document_definition_async(
                types.DefinitionParams(text_document=ident, position=pos)
            )
            await client.text_document_references_async(
                types.ReferenceParams(
                    text_document=ident,
                    position=pos,
                    context=types.ReferenceContext(include_declaration=True),
                )
            )
            await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=ident, range=rng_range, context=types.CodeActionContext(diagnostics=[])
                )
            )
        await client.text_document_inlay_hint_async(
            types.InlayHintParams(
                text_document=ident,
                range=types.Range(
                    start=types.Position(line=0, character=0),
                    end=types.Position(line=len(lines), character=0),
                ),
            )
        )
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=ident))
    errors = [m.message for m in client.log_messages if m.type == types.MessageType.Error]
    assert errors == []
    assert await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="")) is not None
