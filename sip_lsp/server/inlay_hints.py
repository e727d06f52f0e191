"""textDocument/inlayHint: the phrase after bare codes (setting `inlayHints`)."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.server.guard import guarded_async
from sip_lsp.server.server import SipLanguageServer


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    @guarded_async(list)
    async def inlay_hint(ls: SipLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        await ls.settled()
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        if not analysed.settings.inlay_hints:
            return []
        positions = analysed.positions
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        return [
            types.InlayHint(position=positions.position(h.offset), label=h.label, padding_left=True)
            for h in features.inlay_hints(analysed.analysis, analysed.catalog, start, end)
        ]
