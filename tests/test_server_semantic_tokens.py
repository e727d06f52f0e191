"""Semantic tokens: codes, phrases, patterns, names and causes, in the client's units; off by a setting."""

from __future__ import annotations

import asyncio

from fixtures.server.client import diagnostics, open_document, read
from lsprotocol import types

KAMAILIO = (
    "#!KAMAILIO\n"
    "request_route {\n"
    '\tt_on_failure("GW");\n'
    '\tsl_send_reply("404", "Not Found");  # é before nothing\n'
    "}\n"
    "failure_route[GW] {\n"
    '\t$var(é) = 1; if (t_check_status("486|408")) { exit; }\n'
    '\tif (t_check_status("5[0-9][0-9]")) { sl_send_reply("202", "Accepted"); }\n'
    "}\n"
)


def _offset(line: str, units: int, encoding: str) -> int:
    """The string index of `units` code units into `line`."""
    if encoding == types.PositionEncodingKind.Utf32:
        return units
    codec = "utf-8" if encoding == types.PositionEncodingKind.Utf8 else "utf-16-le"
    width = 1 if codec == "utf-8" else 2
    return len(line.encode(codec)[: units * width].decode(codec))


async def _tokens(client, doc_uri: str, text: str) -> list[tuple[str, str, set[str]]]:
    """(text, type, modifiers) of each token, decoded with the legend the server announced."""
    provider = client.server_capabilities.semantic_tokens_provider
    legend = provider.legend
    encoding = client.server_capabilities.position_encoding or types.PositionEncodingKind.Utf16
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
    )
    lines = text.split("\n")
    out, line, char = [], 0, 0
    data = result.data
    for i in range(0, len(data), 5):
        delta_line, delta_char, length, kind, modifiers = data[i : i + 5]
        line += delta_line
        char = char + delta_char if delta_line == 0 else delta_char
        start = _offset(lines[line], char, encoding)
        end = _offset(lines[line], char + length, encoding)
        names = {m for bit, m in enumerate(legend.token_modifiers) if modifiers & (1 << bit)}
        out.append((lines[line][start:end], legend.token_types[kind], names))
    return out


async def test_kamailio_tokens(client):
    doc_uri, text = open_document(client, "tokens.cfg", KAMAILIO)
    await diagnostics(client, doc_uri, 1)
    assert await _tokens(client, doc_uri, text) == [
        ("GW", "function", set()),
        ("404", "number", set()),
        ("Not Found", "string", set()),
        ("GW", "function", {"declaration"}),
        ("486", "number", set()),
        ("|", "regexp", set()),
        ("408", "number", set()),
        ("5[0-9][0-9]", "regexp", set()),
        ("202", "number", {"deprecated"}),
        ("Accepted", "string", set()),
    ]


async def test_dialplan_tokens(client):
    doc_uri, text = open_document(client, "extensions.conf", language_id="asterisk")
    tokens = await _tokens(client, doc_uri, text)
    assert ("from-trunk", "namespace", {"declaration"}) in tokens
    assert ("_X.", "method", {"declaration"}) in tokens
    assert ("BUSY", "enumMember", set()) in tokens
    doc_uri, text = open_document(client, "dialplan.xml", language_id="freeswitch")
    tokens = await _tokens(client, doc_uri, read("dialplan.xml"))
    assert ("USER_BUSY", "enumMember", set()) in tokens
    assert ("604", "number", set()) in tokens and ("Does Not Exist Anywhere", "string", set()) in tokens


async def test_the_setting_turns_them_off(client):
    doc_uri, text = open_document(client, "tokens.cfg", KAMAILIO)
    assert await _tokens(client, doc_uri, text)
    client.set_configuration({"semanticTokens": False}, section="sipLsp")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"sipLsp": {"semanticTokens": False}})
    )
    for _ in range(100):
        if not await _tokens(client, doc_uri, text):
            break
        await asyncio.sleep(0.05)
    assert await _tokens(client, doc_uri, text) == []
    ws = client.capabilities.workspace
    if ws.semantic_tokens and ws.semantic_tokens.refresh_support:
        assert client.token_refreshes > 0
