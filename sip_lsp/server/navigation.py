"""Go-to-definition and references for route, context and extension names."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from sip_lsp import features
from sip_lsp.model import Span
from sip_lsp.server.documents import Document
from sip_lsp.server.guard import guarded
from sip_lsp.server.server import Analysed, SipLanguageServer


def _locations(
    ls: SipLanguageServer, doc: Document, analysed: Analysed, spans: Iterable[Span]
) -> list[types.Location]:
    out: list[types.Location] = []
    for span in spans:
        positions = ls.positions_for(span.path, analysed, doc)
        if positions is not None:
            out.append(types.Location(uri=ls.uri_for(span.path, doc), range=positions.range(span)))
    return out


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(list)
    def definition(ls: SipLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
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
    def references(ls: SipLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
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
