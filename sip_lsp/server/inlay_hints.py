"""textDocument/inlayHint: the phrase after bare codes (setting `inlayHints`)."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.server.guard import guarded


def enabled(settings) -> bool:
    value = getattr(settings, "inlay_hints", None)
    if value is None:
        value = getattr(settings, "inlayHints", True)
    return bool(value)


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    @guarded(list)
    async def inlay_hint(ls, params: types.InlayHintParams):
        await ls.settled()
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        if not enabled(analysed.settings):
            return []
        positions = analysed.positions
        start, end = positions.offset(params.range.start), positions.offset(params.range.end)
        return [
            types.InlayHint(position=positions.position(h.offset), label=h.label, padding_left=True)
            for h in features.inlay_hints(analysed.analysis, analysed.catalog, start, end)
        ]
