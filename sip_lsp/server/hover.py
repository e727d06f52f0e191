"""textDocument/hover: the core picks the fact and its Markdown; this converts."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.features.outcomes import file_line_link
from sip_lsp.server.guard import guarded, nothing
from sip_lsp.server.server import SipLanguageServer


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(nothing)
    def hover(ls: SipLanguageServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        analysed = ls.analysed(doc)
        positions = analysed.positions
        offset = positions.offset(params.position)
        found = features.hover_at(
            analysed.analysis,
            analysed.index,
            offset,
            analysed.catalog,
            ls.lang,
            positions.lines,
            ls.page_href,
            analysed.points,
            file_line_link(doc.uri),
        )
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
            range=types.Range(start=positions.position(found.start), end=positions.position(found.end)),
        )
