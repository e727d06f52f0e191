"""Editor settings: a change turns a rule off; bad settings are reported and ignored."""

from __future__ import annotations

import asyncio

import pytest_lsp
from fixtures.server.client import (
    SERVER,
    diagnostics,
    initialize_params,
    like_an_editor,
    open_document,
    read,
)
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from test_server_inlay_hints import TEXT as INLAY_TEXT
from test_server_inlay_hints import hints


def _reconfigure(client, settings):
    client.set_configuration(settings, section="sipLsp")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"sipLsp": settings})
    )


async def _after_change(client, doc_uri):
    if client.capabilities.text_document.diagnostic is None:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[doc_uri])
    return await diagnostics(client, doc_uri)


async def test_ignoring_a_rule_in_settings_turns_it_off(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    assert "SC301" in [d.code for d in await diagnostics(client, doc_uri, 1)]
    _reconfigure(client, {"ignore": ["SC301"]})
    after = await _after_change(client, doc_uri)
    assert "SC301" not in [d.code for d in after]


async def test_a_bad_setting_is_shown_and_defaults_stay(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"severity": {"SC301": "loud"}})
    after = await _after_change(client, doc_uri)
    assert "SC301" in [d.code for d in after]
    assert any("SC301" in m.message and "loud" in m.message for m in client.messages)


async def test_a_broken_user_catalogue_is_shown_and_the_builtin_one_works(client, tmp_path):
    broken = tmp_path / "vendor.yaml"
    broken.write_text("codes:\n  - code: 499\n    reason: 42\n", encoding="utf-8")
    doc_uri, _ = open_document(client, "failover.cfg")
    await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"catalogs": [str(broken)]})
    after = await _after_change(client, doc_uri)
    assert "SC301" in [d.code for d in after]
    assert any("vendor.yaml" in m.message for m in client.messages)


async def test_inlay_hints_setting_off(client):
    doc_uri, text = open_document(client, "inlay.cfg", INLAY_TEXT)
    await diagnostics(client, doc_uri, 1)
    assert await hints(client, doc_uri, text)
    _reconfigure(client, {"inlayHints": False})
    await _after_change(client, doc_uri)
    assert not await hints(client, doc_uri, text)
    ws = client.capabilities.workspace
    if ws.inlay_hint and ws.inlay_hint.refresh_support:
        assert client.inlay_refreshes > 0


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def refreshing(lsp_client: LanguageClient):
    params = initialize_params("neovim")
    params.capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    like_an_editor(lsp_client)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_pulling_clients_with_refresh_support_are_asked_to_pull_again(refreshing):
    doc_uri, _ = open_document(refreshing, "failover.cfg")
    await diagnostics(refreshing, doc_uri, 1)
    before = refreshing.diagnostic_refresh_count
    _reconfigure(refreshing, {"ignore": ["SC3"]})
    for _ in range(100):
        if refreshing.diagnostic_refresh_count > before:
            break
        await asyncio.sleep(0.05)
    assert refreshing.diagnostic_refresh_count > before
    assert not [d for d in await diagnostics(refreshing, doc_uri) if str(d.code).startswith("SC3")]


async def test_editing_sip_lsp_toml_reanalyses(client, tmp_path):
    script = tmp_path / "proxy.cfg"
    script.write_text(read("failover.cfg"), encoding="utf-8")
    doc_uri = script.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=doc_uri, language_id="kamailio", version=1, text=read("failover.cfg")
            )
        )
    )
    assert "SC301" in [d.code for d in await diagnostics(client, doc_uri, 1)]
    watches = client.capabilities.workspace.did_change_watched_files
    if watches and watches.dynamic_registration:
        globs = [w["globPattern"] for r in client.registrations for w in r.register_options["watchers"]]
        assert globs == ["**/sip-lsp.toml"]
    config = tmp_path / "sip-lsp.toml"
    config.write_text('ignore = ["retry-after-global-failure"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    after = await _after_change(client, doc_uri)
    assert "SC301" not in [d.code for d in after]
    config.write_text('ignore = "SC3"\nbogus = 1\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    after = await _after_change(client, doc_uri)
    assert "SC301" in [d.code for d in after]
    assert any("bogus" in m.message and "sip-lsp.toml" in m.message for m in client.messages)


async def test_one_bad_setting_is_reported_and_the_good_ones_apply(client):
    doc_uri, _ = open_document(client, "failover.cfg")
    assert "SC301" in [d.code for d in await diagnostics(client, doc_uri, 1)]
    _reconfigure(client, {"ignore": ["SC301"], "maxFileSize": "big", "severity": {"SC303": "loud"}})
    after = await _after_change(client, doc_uri)
    assert "SC301" not in [d.code for d in after]
    shown = [m.message for m in client.messages]
    assert any("maxFileSize" in m for m in shown), shown
    assert any("loud" in m for m in shown), shown
