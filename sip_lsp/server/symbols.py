"""Document symbols (the outline) and workspace symbols over open documents."""

from __future__ import annotations

from lsprotocol import types

from sip_lsp import features
from sip_lsp.features import Symbol
from sip_lsp.server.documents import Positions
from sip_lsp.server.guard import guarded
from sip_lsp.server.server import SipLanguageServer

K = types.SymbolKind
# One kind per role, so an outline tells them apart (`detail` names the exact block kind).
ROUTE_KINDS = {
    # A subroutine: runs where route(NAME) calls it.
    "route": K.Function,
    # Run by the engine for each request, branch or reply.
    "request_route": K.Method,
    "branch_route": K.Method,
    "onreply_route": K.Method,
    "reply_route": K.Method,
    "local_route": K.Method,
    "startup_route": K.Method,
    "timer_route": K.Method,
    "error_route": K.Method,
    # Run when a transaction fails: where failover lives.
    "failure_route": K.Event,
    "branch_failure_route": K.Event,
    # Module events (event_route[tm:local-request]).
    "event_route": K.Interface,
    # The last look at a request before it is sent.
    "onsend_route": K.Operator,
}
DIALPLAN_KINDS = {
    "context": K.Namespace,  # Asterisk [context], FreeSWITCH <context>
    "extension": K.Method,  # Asterisk exten => ..., FreeSWITCH <extension>
    "macro": K.Function,
    "condition": K.Struct,  # FreeSWITCH <condition>
    "priority": K.Field,
}
KINDS = {**ROUTE_KINDS, **DIALPLAN_KINDS}


def _symbol(positions: Positions, symbol: Symbol) -> types.DocumentSymbol:
    rng = positions.range(symbol.span)
    name_range = positions.range(symbol.name_span)
    if not (rng.start.line, rng.start.character) <= (name_range.start.line, name_range.start.character):
        rng = types.Range(start=name_range.start, end=rng.end)
    return types.DocumentSymbol(
        name=symbol.name or symbol.kind,
        detail=symbol.kind,
        kind=KINDS.get(symbol.kind, K.Object),
        range=rng,
        selection_range=name_range,
        children=[_symbol(positions, c) for c in symbol.children] or None,
    )


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(list)
    def document_symbol(
        ls: SipLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        return [_symbol(analysed.positions, s) for s in features.document_symbols(analysed.analysis)]

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(list)
    def workspace_symbol(
        ls: SipLanguageServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        query = (params.query or "").lower()
        out: list[types.WorkspaceSymbol] = []
        for doc in ls.documents:
            try:
                analysed = ls.analysed(doc)
            except Exception as exc:
                ls.failed(f"analysis of {doc.uri}", exc)
                continue
            # (symbol, the name of the symbol it sits in)
            stack: list[tuple[Symbol, str | None]] = [
                (s, None) for s in features.document_symbols(analysed.analysis)
            ]
            while stack:
                symbol, parent = stack.pop()
                if query in (symbol.name or "").lower():
                    out.append(
                        types.WorkspaceSymbol(
                            name=symbol.name or symbol.kind,
                            kind=KINDS.get(symbol.kind, K.Object),
                            container_name=parent,
                            location=types.Location(
                                uri=doc.uri, range=analysed.positions.range(symbol.name_span)
                            ),
                        )
                    )
                stack.extend((c, symbol.name) for c in symbol.children)
        return out
