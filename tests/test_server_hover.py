"""Hover: codes, phrases, status tests; headings follow the client's locale."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest_lsp
from fixtures.server.client import SERVER, at, diagnostics, initialize_params, like_an_editor, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from sip_lsp.catalog import default_catalog


async def _hover(client, doc_uri, position):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=doc_uri), position=position)
    )


_LINK = re.compile(r"\[[^\]]*\]\(([^)]*)\)\s*$")


def _first_screen(markdown: str) -> tuple[str, str]:
    """(the hover before its closing "more" link, the link's URL)."""
    match = _LINK.search(markdown)
    assert match, markdown
    return markdown[: match.start()], match.group(1)


def _page(url: str) -> Path:
    parsed = urlparse(url)
    assert parsed.scheme == "file", url
    return Path(unquote(parsed.path))


async def test_hover_on_604_in_a_reply_is_one_short_screen(client):
    doc_uri, text = open_document(client, "failover.cfg")
    hover = await _hover(client, doc_uri, at(text, '"604"', delta=2))
    assert hover is not None
    entry = default_catalog().code(604)
    assert entry.reason in hover.contents.value and entry.summary in hover.contents.value
    assert hover.range.start == at(text, '"604"', delta=1)
    assert hover.contents.kind == types.MarkupKind.Markdown
    screen, url = _first_screen(hover.contents.value)
    assert len(screen.split()) <= 80, screen
    assert "On receipt" in screen and "In a failure route" not in screen  # a reply: what the caller does
    assert entry.description not in screen  # the full entry is one click away
    page = _page(url)
    assert page.is_file() and page.name == "604.html" and page.parent.name == "codes"


async def test_hover_on_a_code_in_a_failure_route_says_what_the_route_does(client):
    doc_uri, text = open_document(client, "failover.cfg")
    hover = await _hover(client, doc_uri, at(text, "== 486", delta=4))
    screen, url = _first_screen(hover.contents.value)
    assert "In a failure route" in screen and "On receipt" not in screen
    assert len(screen.split()) <= 80 and _page(url).name == "486.html"


async def test_hover_on_a_status_pattern_lists_the_codes_it_admits(client):
    doc_uri, text = open_document(client, "failover.cfg")
    hover = await _hover(client, doc_uri, at(text, "[456]", delta=2))
    assert hover is not None
    assert "604" in hover.contents.value or "6xx" in hover.contents.value


async def test_hover_on_a_comparison_code(client):
    doc_uri, text = open_document(client, "failover.cfg")
    hover = await _hover(client, doc_uri, at(text, "== 486", delta=4))
    assert hover is not None and "Busy Here" in hover.contents.value


async def test_hover_on_nothing_is_empty(client):
    doc_uri, text = open_document(client, "failover.cfg")
    assert await _hover(client, doc_uri, at(text, "loadmodule", delta=2)) is None


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["neovim", "visual_studio_code"])
async def russian(request, lsp_client: LanguageClient):
    like_an_editor(lsp_client)
    await lsp_client.initialize_session(initialize_params(request.param, locale="ru"))
    yield
    await lsp_client.shutdown_session()


async def test_russian_headings_with_locale_ru(russian):
    doc_uri, text = open_document(russian, "failover.cfg")
    hover = await _hover(russian, doc_uri, at(text, '"604"', delta=2))
    catalog = default_catalog()
    assert catalog.heading("hover_on_receive", "ru") != catalog.heading("hover_on_receive", "en")
    assert catalog.heading("hover_on_receive", "ru") in hover.contents.value
    assert catalog.heading("hover_on_receive", "en") not in hover.contents.value
    screen, url = _first_screen(hover.contents.value)
    assert len(screen.split()) <= 80
    assert _page(url).is_file() and url.endswith("/ru/codes/604.html")


async def test_russian_locale_gives_russian_diagnostics(russian):
    doc_uri, _ = open_document(russian, "failover.cfg")
    found = await diagnostics(russian, doc_uri, 1)
    sc301 = next(d for d in found if d.code == "SC301")
    assert "может выполниться после" in sc301.message
