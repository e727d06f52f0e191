"""Docs one click away: every diagnostic links to its rule's page; "Explain" opens it."""

from __future__ import annotations

import asyncio
import pathlib
from urllib.parse import unquote, urlparse

import pytest_lsp
from fixtures.server.client import SERVER, at, diagnostics, initialize_params, like_an_editor, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from sip_lsp import site
from sip_lsp.catalog import default_catalog


def _path(href: str) -> pathlib.Path:
    parsed = urlparse(href)
    assert parsed.scheme == "file", href
    return pathlib.Path(unquote(parsed.path))


def test_every_rule_has_a_page_in_the_shipped_site():
    """The links point into the site `make catalog` builds into the package."""
    for lang in ("en", "ru"):
        for rule in default_catalog().rules.values():
            page = _path(site.page_uri("rule", rule.id, lang))
            assert page.is_file(), page
            assert rule.id in page.read_text(encoding="utf-8")


async def test_every_diagnostic_links_to_its_rules_page(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    diags = [d for d in await diagnostics(client, doc_uri, 1) if d.code]
    assert {"SC301"} <= {d.code for d in diags}
    for diag in diags:
        page = _path(diag.code_description.href)
        assert page.name == f"{diag.code}.html" and page.parent.name == "rules"
        assert f"{diag.code} " in page.read_text(encoding="utf-8")


async def test_explain_opens_the_rules_page(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    diag = next(d for d in await diagnostics(client, doc_uri, 1) if d.code == "SC301")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    [explain] = [a for a in actions if a.title == "Explain SC301"]
    assert explain.command is not None and explain.edit is None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=explain.command.command, arguments=explain.command.arguments)
    )
    [shown] = client.shown_documents
    assert shown.uri == diag.code_description.href and shown.external  # HTML: the browser
    assert _path(shown.uri).is_file()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def configured(lsp_client: LanguageClient):
    """A client whose settings name a docs site; Russian locale."""
    params = initialize_params("neovim", locale="ru")
    params.initialization_options = {"docsUrl": "https://docs.example.org/sip-lsp/"}
    like_an_editor(lsp_client)
    lsp_client.set_configuration({"docsUrl": "https://docs.example.org/sip-lsp/"}, section="sipLsp")
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_docs_url_setting_replaces_the_base(configured):
    doc_uri, _ = open_document(configured, "failover.cfg")
    diag = next(d for d in await diagnostics(configured, doc_uri, 1) if d.code == "SC301")
    assert diag.code_description.href == "https://docs.example.org/sip-lsp/ru/rules/SC301.html"
    await configured.workspace_execute_command_async(
        types.ExecuteCommandParams(command="sip-lsp.explainRule", arguments=["SC301"])
    )
    [shown] = configured.shown_documents
    assert shown.uri == diag.code_description.href and shown.external


async def test_explain_title_follows_the_locale(configured):
    doc_uri, _ = open_document(configured, "failover.cfg")
    diag = next(d for d in await diagnostics(configured, doc_uri, 1) if d.code == "SC301")
    actions = await configured.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    assert "Объяснить SC301" in [a.title for a in actions]


async def test_a_docs_url_that_is_not_a_url_is_reported(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    await diagnostics(client, doc_uri, 1)
    client.set_configuration({"docsUrl": 42}, section="sipLsp")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"sipLsp": {"docsUrl": 42}})
    )
    for _ in range(100):
        if any("docsUrl" in m.message for m in client.messages):
            break
        await asyncio.sleep(0.05)
    assert any("docsUrl" in m.message and "42" in m.message for m in client.messages)
    diag = next(d for d in await diagnostics(client, doc_uri) if d.code == "SC301")
    assert diag.code_description.href.startswith("file:")


async def test_hover_links_to_the_codes_page_under_the_docs_url(configured):
    doc_uri, text = open_document(configured, "failover.cfg")
    await diagnostics(configured, doc_uri, 1)
    hover = await configured.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri), position=at(text, '"604"', delta=2)
        )
    )
    assert hover.contents.value.rstrip().endswith("(https://docs.example.org/sip-lsp/ru/codes/604.html)")
