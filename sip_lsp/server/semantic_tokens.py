"""textDocument/semanticTokens/full: highlighting from the analysis (setting `semanticTokens`)."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.features import SemanticToken
from sip_lsp.server.documents import Positions
from sip_lsp.server.guard import guarded_async
from sip_lsp.server.server import SipLanguageServer

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
    """LSP's relative encoding, in the client's position units; tokens across lines are left out."""
    data: list[int] = []
    line = character = 0
    for token in tokens:
        start, end = positions.position(token.start), positions.position(token.end)
        if start.line != end.line:
            continue
        modifiers = (1 if token.declaration else 0) | (2 if token.deprecated else 0)
        delta_line = start.line - line
        delta_start = start.character - character if delta_line == 0 else start.character
        data += (delta_line, delta_start, end.character - start.character, _INDEX[token.kind], modifiers)
        line, character = start.line, start.character
    return data


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
        tokens = features.semantic_tokens(analysed.analysis, analysed.catalog)
        return types.SemanticTokens(data=encode(tokens, analysed.positions))
