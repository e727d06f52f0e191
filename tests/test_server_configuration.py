"""Editor settings: a change turns a rule off; bad settings are reported and ignored."""
from __future__ import annotations

from lsprotocol import types

from fixtures.server.client import client, diagnostics, open_document  # noqa: F401
from test_server_inlay_hints import TEXT as INLAY_TEXT, hints


def _reconfigure(client, settings):
    client.set_configuration(settings, section="sipLsp")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"sipLsp": settings}))


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
