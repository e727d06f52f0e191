"""textDocument/semanticTokens/full: highlighting from the analysis (setting `semanticTokens`)."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from sip_lsp import features
from sip_lsp.features import SemanticToken
from sip_lsp.server.documents import Positions
from sip_lsp.server.guard import guarded_async
from sip_lsp.server.server import Analysed, SipLanguageServer

# Standard token types, so every client's theme colours them without configuration.
TYPES = {
    "code": types.SemanticTokenTypes.Number,
    "phrase": types.SemanticTokenTypes.String,
    "pattern": types.SemanticTokenTypes.Regexp,
    "route": types.SemanticTokenTypes.Function,
    "context": types.SemanticTokenTypes.Namespace,
    "extension": types.SemanticTokenTypes.Method,
    "cause": types.SemanticTokenTypes.EnumMember,
}
TYPE_LIST = list(dict.fromkeys(TYPES.values()))
MODIFIERS = [types.SemanticTokenModifiers.Declaration, types.SemanticTokenModifiers.Deprecated]
LEGEND = types.SemanticTokensLegend(
    token_types=[t.value for t in TYPE_LIST], token_modifiers=[m.value for m in MODIFIERS]
)
_INDEX = {kind: TYPE_LIST.index(t) for kind, t in TYPES.items()}


def encode(tokens: list[SemanticToken], positions: Positions) -> list[int]:
    """LSP's relative encoding, in the client's position units; tokens across lines are left out.

    Tokens come sorted, so lines are walked once instead of looked up per token
    (a 100k-line file has ~70,000 tokens).
    """
    lines = positions.lines
    text, starts = lines.text, lines.starts
    units = None if positions.codec.encoding == types.PositionEncodingKind.Utf32 else positions.codec
    data: list[int] = []
    line = previous_line = previous_character = 0
    last = len(starts) - 1
    for token in tokens:
        while line < last and starts[line + 1] <= token.start:
            line += 1
        line_start = starts[line]
        if line < last and token.end >= starts[line + 1]:
            continue
        character, length = token.start - line_start, token.end - token.start
        if units is not None:
            prefix, body = text[line_start : token.start], text[token.start : token.end]
            if not prefix.isascii():
                character = units.client_num_units(prefix)
            if not body.isascii():
                length = units.client_num_units(body)
        modifiers = (1 if token.declaration else 0) | (2 if token.deprecated else 0)
        delta_line = line - previous_line
        delta_character = character - previous_character if delta_line == 0 else character
        data += (delta_line, delta_character, length, _INDEX[token.kind], modifiers)
        previous_line, previous_character = line, character
    return data


def _data(analysed: Analysed) -> list[int]:
    """The encoded tokens of one analysis, made once (clients ask again for an unchanged version)."""
    if analysed.semantic_tokens is None:
        tokens = features.semantic_tokens(analysed.analysis, analysed.catalog)
        analysed.semantic_tokens = encode(tokens, analysed.positions)
    return analysed.semantic_tokens


def register(server: SipLanguageServer) -> None:
    # Given the legend, pygls declares the options (full: yes, range: no).
    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    @guarded_async(lambda: types.SemanticTokens(data=[]))
    async def semantic_tokens(
        ls: SipLanguageServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens:
        await ls.settled()
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or not ls.options.semantic_tokens:
            return types.SemanticTokens(data=[])
        analysed = await ls.analysed_async(doc)
        # In the lint worker, after the lint it needs: ~0.3 s on a 100k-line file, which
        # on the event loop would hold up every other answer.
        data = await asyncio.get_running_loop().run_in_executor(ls.linter, _data, analysed)
        return types.SemanticTokens(data=data)
