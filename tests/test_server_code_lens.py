"""Code lens, its resolve, the outcome-table hover and the simulate command, through a real client."""

from __future__ import annotations

import pytest
import pytest_lsp
from fixtures.server.client import SERVER, at, initialize_params, like_an_editor, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import lint

LENS = "../lens/"
# (fixture, language id, the text of a failover point's line, of an arming site's line or None)
POINTS = [
    ("carrier.cfg", "kamailio", "failure_route[CARRIER]", 't_on_failure("CARRIER")'),
    ("extensions.conf", "asterisk", "Dial(PJSIP/${EXTEN}@trunk-a", None),
    ("dialplan.xml", "xml", 'application="bridge"', None),
    ("failover.py", "python", "def ksr_failure_carrier", 'KSR.tm.t_on_failure("ksr_failure_carrier")'),
]


def _tables(name: str) -> int:
    path = f"tests/fixtures/lens/{name}"
    with open(path, encoding="utf-8") as fh:
        return len(lint(fh.read(), path, Settings(), default_catalog()).analysis.outcome_tables)


def _doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def _lenses(client: LanguageClient, uri: str) -> list[types.CodeLens]:
    return list(
        await client.text_document_code_lens_async(types.CodeLensParams(text_document=_doc(uri))) or []
    )


async def _hover(client: LanguageClient, uri: str, position: types.Position) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=_doc(uri), position=position)
    )


def test_capabilities_advertise_lens_resolve_and_the_command(client):
    caps = client.server_capabilities
    assert caps.code_lens_provider is not None and caps.code_lens_provider.resolve_provider
    assert "sipLsp.simulate" in caps.execute_command_provider.commands


@pytest.mark.parametrize(("name", "language", "point", "armed"), POINTS)
async def test_a_lens_per_failover_point_resolved_to_its_one_line_table(client, name, language, point, armed):
    uri, text = open_document(client, LENS + name, language_id=language)
    lenses = await _lenses(client, uri)
    assert lenses and len(lenses) == _tables(name)  # every dialect, KEMI too, has its tables
    first = lenses[0]
    assert first.command is None and first.data  # the reply holds ranges and data only
    assert first.range.start.line == at(text, point).line
    resolved = await client.code_lens_resolve_async(first)
    title = resolved.command.title
    assert " → " in title and len(title.splitlines()) == 1
    assert resolved.command.command == "sipLsp.simulateResponse"
    assert list(resolved.command.arguments[:2]) == [uri, first.range.start.line]


async def test_lens_title_groups_codes_by_outcome(client):
    uri, _ = open_document(client, LENS + "carrier.cfg")
    [lens] = await _lenses(client, uri)
    title = (await client.code_lens_resolve_async(lens)).command.title
    parts = dict(part.split(" → ") for part in title.split(" · "))
    assert parts["486"] == "media"
    assert parts["408, 5xx, timeout"] == "retry"
    assert any("6xx" in codes for codes, outcome in parts.items() if outcome == "caller")


@pytest.mark.parametrize(("name", "language", "point", "armed"), POINTS)
async def test_hover_on_a_failover_point_shows_the_table_with_line_links(
    client, name, language, point, armed
):
    uri, text = open_document(client, LENS + name, language_id=language)
    for needle in filter(None, (point, armed)):
        hover = await _hover(client, uri, at(text, needle, delta=1))
        assert hover is not None, needle
        markdown = hover.contents.value
        assert "| Codes | Outcome |" in markdown, markdown
        assert f"]({uri}#L" in markdown  # each row links to its line
        assert hover.range.start.line == at(text, needle).line


async def test_a_code_on_the_point_line_keeps_its_own_hover(client):
    uri, text = open_document(client, LENS + "carrier.cfg")
    hover = await _hover(client, uri, at(text, '"486"', delta=2))
    assert (
        hover is not None and "| Codes |" not in hover.contents.value and "Busy Here" in hover.contents.value
    )


async def test_lens_on_unknown_or_half_typed_documents_is_empty(client):
    assert await _lenses(client, "file:///nowhere/never-opened.cfg") == []
    uri, _ = open_document(
        client, LENS + "half.cfg", text='#!KAMAILIO\nfailure_route[X {\n\tif (t_check_status("4'
    )
    assert await _lenses(client, uri) == []
    stale = types.CodeLens(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        data={"uri": "file:///gone.cfg", "at": 3},
    )
    assert (await client.code_lens_resolve_async(stale)).command is None


async def _simulate(client: LanguageClient, *arguments: object) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sipLsp.simulate", arguments=list(arguments))
    )


async def test_simulate_rejects_what_it_cannot_walk_with_a_clear_error(client):
    uri, text = open_document(client, LENS + "carrier.cfg")
    line = at(text, "failure_route[CARRIER]").line
    with pytest.raises(Exception, match="300-699"):
        await _simulate(client, uri, line, "banana")
    with pytest.raises(Exception, match="no failover point"):
        await _simulate(client, uri, 0, 603)
    with pytest.raises(Exception, match="open document"):
        await _simulate(client, "file:///nowhere.cfg", 3, 603)


@pytest.mark.parametrize(("name", "language", "point", "armed"), POINTS)
async def test_simulate_603_walks_the_point_in_every_dialect(client, name, language, point, armed):
    uri, text = open_document(client, LENS + name, language_id=language)
    line = at(text, point).line
    result = await _simulate(client, uri, line, "603")
    assert result["steps"] and result["outcome"] and "603" in result["summary"]
    assert all(step["line"] is None or step["target"].startswith(uri) for step in result["steps"])


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def russian(lsp_client: LanguageClient):
    like_an_editor(lsp_client)
    await lsp_client.initialize_session(initialize_params("visual_studio_code", locale="ru"))
    yield
    await lsp_client.shutdown_session()


async def test_lens_and_hover_speak_the_clients_language(russian):
    uri, text = open_document(russian, LENS + "carrier.cfg")
    [lens] = await _lenses(russian, uri)
    title = (await russian.code_lens_resolve_async(lens)).command.title
    assert "повтор" in title and "тайм-аут" in title
    hover = await _hover(russian, uri, at(text, "failure_route", delta=2))
    assert "| Коды |" in hover.contents.value


async def test_simulate_walks_a_kamailio_failure_route_step_by_step(client):
    uri, text = open_document(client, LENS + "carrier.cfg")
    armed = at(text, 't_on_failure("CARRIER")').line  # an arming site names the same point
    declined = await _simulate(client, uri, armed, 603)
    assert declined["point"] == {"kind": "failure_route", "name": "CARRIER", "line": 14}
    assert declined["outcome"] == "forward" and declined["reply"] == 603
    assert declined["summary"] == "failure_route[CARRIER]: 603 Decline → forward"
    busy_test = at(text, 't_check_status("486")').line
    [step] = [s for s in declined["steps"] if s["line"] == busy_test]
    assert (step["kind"], step["source"]) == ("test-false", 't_check_status("486")')
    assert step["target"] == f"{uri}#L{busy_test + 1}"
    busy = await _simulate(client, uri, 14, "486")
    assert busy["outcome"] == "media" and any(s["kind"] == "test-true" for s in busy["steps"])
    timeout = await _simulate(client, uri, 20, "timeout")  # a line inside the route: the point above
    assert timeout["outcome"] == "retry-same" and "timeout" in timeout["status"]
