"""One diagnostic per failover action: the rules that fire on it, merged, through a real client."""

from __future__ import annotations

import asyncio

from fixtures.server.client import apply_edits, at, diagnostics, open_document
from lsprotocol import types

NAME = "gateways.cfg"  # use_next_gw() after [456]xx: SC301 (6xx), SC303 (486), SC304 (401/407)


def _reconfigure(client, settings):
    client.set_configuration(settings, section="sipLsp")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"sipLsp": settings})
    )


async def _after_change(client, doc_uri, old):
    """The diagnostics once they differ from `old` (pushed or pulled)."""
    for _ in range(200):
        if client.capabilities.text_document.diagnostic is None:
            got = list(client.diagnostics.get(doc_uri, []))
        else:
            got = await diagnostics(client, doc_uri)
        if got != old:
            return got
        await asyncio.sleep(0.05)
    return old


def _on_action(diags, text):
    return [d for d in diags if d.range.start == at(text, "use_next_gw")]


async def _actions(client, doc_uri, diag):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc_uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )


async def test_one_diagnostic_names_every_code_group(client):
    doc_uri, text = open_document(client, NAME)
    [diag] = _on_action(await diagnostics(client, doc_uri, 1), text)
    assert diag.code == "SC301"  # warning beats SC303's information; SC301 < SC304 by id
    assert diag.severity == types.DiagnosticSeverity.Warning
    assert diag.data["rules"] == ["SC301", "SC303", "SC304"]
    assert diag.message == "use_next_gw() can run after 6xx, 486 and 401/407 (also SC303, SC304)"
    assert diag.code_description.href.endswith("/rules/SC301.html")
    places = [(r.location.uri, str(r.location.range)) for r in diag.related_information]
    assert len(places) == len(set(places)) >= 2, places
    line = at(text, "t_check_status").line
    test = next(r for r in diag.related_information if r.location.range.start.line == line)
    assert "6xx" in test.message and "486" in test.message and "challenge" in test.message


async def test_every_merged_rule_keeps_its_actions(client):
    doc_uri, text = open_document(client, NAME)
    [diag] = _on_action(await diagnostics(client, doc_uri, 1), text)
    actions = await _actions(client, doc_uri, diag)
    titles = [a.title for a in actions]
    assert "Stop before use_next_gw() on a 6xx" in titles
    for rule in ("SC301", "SC303", "SC304"):
        assert f"Disable {rule} for this line" in titles
        assert f"Disable {rule} for this file" in titles
        assert f"Explain {rule}" in titles
    for action in actions:
        if action.kind == types.CodeActionKind.QuickFix:
            assert [d.code for d in action.diagnostics] == ["SC301"]
            assert action.diagnostics[0].data["rules"] == ["SC301", "SC303", "SC304"]


async def test_an_inline_disable_removes_its_part_only(client):
    doc_uri, text = open_document(client, NAME)
    [diag] = _on_action(await diagnostics(client, doc_uri, 1), text)
    [disable] = [a for a in await _actions(client, doc_uri, diag) if a.title == "Disable SC303 for this line"]
    fixed = apply_edits(text, disable.edit.changes[doc_uri])
    assert "sip-lsp: disable=SC303" in fixed
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc_uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    [after] = _on_action(await diagnostics(client, doc_uri, 2), fixed)
    assert after.code == "SC301" and after.data["rules"] == ["SC301", "SC304"]
    assert after.message == "use_next_gw() can run after 6xx and 401/407 (also SC304)"


async def test_ignoring_the_primary_rule_promotes_the_next(client):
    doc_uri, text = open_document(client, NAME)
    before = await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"ignore": ["SC301"]})
    [diag] = _on_action(await _after_change(client, doc_uri, before), text)
    assert diag.code == "SC304" and diag.data["rules"] == ["SC304", "SC303"]
    assert diag.message == "use_next_gw() can run after 486 and 401/407 (also SC303)"
    assert diag.code_description.href.endswith("/rules/SC304.html")


async def test_severity_stays_per_rule(client):
    doc_uri, text = open_document(client, NAME)
    before = await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"severity": {"SC303": "error"}})
    [diag] = _on_action(await _after_change(client, doc_uri, before), text)
    assert diag.code == "SC303" and diag.severity == types.DiagnosticSeverity.Error
    assert diag.data["rules"] == ["SC303", "SC301", "SC304"]


async def test_a_site_left_with_one_rule_reads_as_that_rule(client):
    doc_uri, text = open_document(client, NAME)
    before = await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"select": ["SC303"]})
    [diag] = _on_action(await _after_change(client, doc_uri, before), text)
    assert diag.code == "SC303" and "rules" not in diag.data
    assert diag.message.startswith("use_next_gw() tries the next destination after 486 Busy Here")
