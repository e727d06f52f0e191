"""Go-to-definition and references for route, context and extension names."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.server.guard import guarded


def _locations(ls, doc, analysed, spans) -> list[types.Location]:
    out = []
    for span in spans:
        positions = ls.positions_for(span.path, analysed, doc)
        if positions is not None:
            out.append(types.Location(uri=ls.uri_for(span.path, doc), range=positions.range(span)))
    return out


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(list)
    def definition(ls, params: types.DefinitionParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        offset = analysed.positions.offset(params.position)
        return _locations(
            ls, doc, analysed, features.definition_at(analysed.analysis, analysed.index, offset)
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(list)
    def references(ls, params: types.ReferenceParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        offset = analysed.positions.offset(params.position)
        spans = features.references_to(
            analysed.analysis,
            analysed.index,
            offset,
            params.context.include_declaration if params.context else True,
        )
        return _locations(ls, doc, analysed, spans)
