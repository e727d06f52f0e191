"""Outline, go-to-definition, references and workspace symbols."""

from __future__ import annotations

from fixtures.server.client import at, open_document
from lsprotocol import types


def _ident(doc_uri):
    return types.TextDocumentIdentifier(uri=doc_uri)


async def test_document_symbols_list_the_routes(client):
    doc_uri, text = open_document(client, "failover.cfg")
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_ident(doc_uri))
    )
    names = {(s.name, s.detail) for s in symbols}
    assert ("RELAY", "route") in names and ("GW_FAILOVER", "failure_route") in names
    relay = next(s for s in symbols if s.name == "RELAY")
    assert relay.kind == types.SymbolKind.Function
    assert relay.selection_range.start == at(text, "RELAY]")


ROUTES = """#!KAMAILIO
request_route { route(R); }
route[R] { exit; }
branch_route[B] { exit; }
onreply_route[O] { exit; }
failure_route[F] { exit; }
branch_failure_route[BF] { exit; }
onsend_route { exit; }
event_route[tm:local-request] { exit; }
"""


async def test_each_kind_of_route_has_its_own_symbol_kind(client):
    doc_uri, _ = open_document(client, "routes-kinds.cfg", ROUTES)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_ident(doc_uri))
    )
    kinds = {s.detail: s.kind for s in symbols}
    K = types.SymbolKind
    assert kinds == {
        "request_route": K.Method,
        "route": K.Function,
        "branch_route": K.Method,
        "onreply_route": K.Method,
        "failure_route": K.Event,
        "branch_failure_route": K.Event,
        "onsend_route": K.Operator,
        "event_route": K.Interface,
    }


async def test_dialplan_contexts_and_extensions_have_their_own_kinds(client):
    K = types.SymbolKind
    for name, language in (("extensions.conf", "asterisk"), ("dialplan.xml", "freeswitch")):
        doc_uri, _ = open_document(client, name, language_id=language)
        [context] = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=_ident(doc_uri))
        )
        assert (context.detail, context.kind) == ("context", K.Namespace), name
        assert [(c.detail, c.kind) for c in context.children] == [("extension", K.Method)], name


async def test_definition_of_route_and_failure_route(client):
    doc_uri, text = open_document(client, "failover.cfg")
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_ident(doc_uri), position=at(text, "route(RELAY)", delta=7))
    )
    assert [(r.uri, r.range.start) for r in result] == [(doc_uri, at(text, "RELAY]"))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_ident(doc_uri), position=at(text, 'GW_FAILOVER")', delta=2))
    )
    assert [r.range.start for r in result] == [at(text, "GW_FAILOVER]")]


async def test_references_of_a_route(client):
    doc_uri, text = open_document(client, "failover.cfg")
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=_ident(doc_uri),
            position=at(text, "RELAY]", delta=1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert sorted(r.range.start.line for r in result) == sorted(
        [at(text, "route(RELAY)").line, at(text, "route(RELAY)", nth=1).line]
    )


async def test_workspace_symbols_over_open_documents(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="gw_fail"))
    assert [(s.name, s.location.uri) for s in result] == [("GW_FAILOVER", doc_uri)]


async def test_definition_in_an_included_file_prefers_the_open_document(client):
    doc_uri, text = open_document(client, "main.cfg")
    params = types.DefinitionParams(text_document=_ident(doc_uri), position=at(text, "route(RELAY)", delta=7))
    [on_disk] = await client.text_document_definition_async(params)
    assert on_disk.uri.endswith("/routes.cfg")
    assert (on_disk.range.start.line, on_disk.range.start.character) == (0, 6)
    # the included file is open with unsaved edits: its text wins over the disk
    routes_uri, _ = open_document(client, "routes.cfg", "# moved\n\nroute[RELAY] {\n\tt_relay();\n}\n")
    [edited] = await client.text_document_definition_async(params)
    assert edited.uri == routes_uri
    assert (edited.range.start.line, edited.range.start.character) == (2, 6)
