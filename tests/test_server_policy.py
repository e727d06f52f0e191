"""SC401 through the server: the policy from editor settings (initializationOptions or a change
of configuration) and from sip-lsp.toml; a bad key or pattern is shown, the rest applies."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from fixtures.server.client import SERVER, diagnostics, initialize_params, like_an_editor, open_document
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from test_server_configuration import _after_change, _reconfigure

RULES = Path(__file__).parent / "fixtures" / "rules"
POLICY = {"neverRetry": ["6xx", "487", "cancelled"], "retryOnly": ["5xx", "408", "timeout", "no-destination"]}
# (fixture, the name it is opened as, language id, 0-based lines SC401 marks under POLICY)
DIALECTS = [
    ("SC401.cfg", "policy-kamailio.cfg", "kamailio", [17, 39]),
    ("SC401.opensips.cfg", "policy-opensips.cfg", "opensips", [15, 37]),
    ("SC401.conf", "extensions.conf", "asterisk", [4]),
    ("SC401.xml", "dialplan.xml", "xml", [8, 16]),
]


def _sc401(diags: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == "SC401"]


async def test_a_policy_in_the_settings_reports_the_points_that_break_it_per_dialect(client):
    for fixture, name, language, lines in DIALECTS:
        text = (RULES / fixture).read_text(encoding="utf-8")
        doc_uri, _ = open_document(client, name, text, language_id=language)
        assert _sc401(await diagnostics(client, doc_uri, 1)) == [], fixture  # no policy, no SC401
        _reconfigure(client, {"policy": POLICY})
        found = _sc401(await _after_change(client, doc_uri))
        assert sorted({d.range.start.line for d in found}) == lines, fixture
        _reconfigure(client, {"policy": None})
        assert _sc401(await _after_change(client, doc_uri)) == [], fixture
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=doc_uri))
        )


async def test_the_row_and_the_test_are_related_information(client):
    text = (RULES / "SC401.cfg").read_text(encoding="utf-8")
    doc_uri, _ = open_document(client, "failover.cfg", text)
    await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"policy": {"neverRetry": ["604"]}})
    [finding] = _sc401(await _after_change(client, doc_uri))
    assert finding.range.start.line == 17 and "never-retry" in finding.message and "604" in finding.message
    related = {r.location.range.start.line for r in finding.related_information or []}
    assert related == {19, 18}  # `if (ds_next_dst())` decides it, the status test narrows it


async def test_a_bad_pattern_is_shown_and_the_other_keys_apply(client):
    text = (RULES / "SC401.cfg").read_text(encoding="utf-8")
    doc_uri, _ = open_document(client, "failover.cfg", text)
    await diagnostics(client, doc_uri, 1)
    _reconfigure(client, {"policy": {"neverRetry": ["6xx"], "retryOnly": ["5xx", "48x"], "sometimes": ["1"]}})
    found = _sc401(await _after_change(client, doc_uri))
    assert [d.range.start.line for d in found] == [17] and "never-retry" in found[0].message
    shown = [m.message for m in client.messages]
    assert any("policy.retryOnly" in m and "48x" in m for m in shown), shown
    assert any("policy.sometimes" in m for m in shown), shown


async def test_a_policy_in_sip_lsp_toml_and_its_bad_key(client, tmp_path):
    (tmp_path / "sip-lsp.toml").write_text(
        'ignore = ["SC311"]\n[policy]\nmust-reach-caller = ["6xx"]\nnever-retry = "6xx, 4x7"\n',
        encoding="utf-8",
    )
    script = tmp_path / "proxy.cfg"
    text = (RULES / "SC401.cfg").read_text(encoding="utf-8")
    script.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=script.as_uri(), language_id="kamailio", version=1, text=text
            )
        )
    )
    found = await diagnostics(client, script.as_uri(), 1)
    # must-reach-caller applies (the 6xx retried at 18, masked by 500 at 48); never-retry is left out.
    assert sorted(d.range.start.line for d in _sc401(found)) == [17, 47]
    assert all("must-reach-caller" in d.message for d in _sc401(found))
    assert "SC311" not in [d.code for d in found]  # the rest of the file applies
    shown = [m.message for m in client.messages]
    assert any("sip-lsp.toml" in m and "policy.never-retry" in m and "4x7" in m for m in shown), shown


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def initialised(lsp_client: LanguageClient):
    """A client that sends the policy in initializationOptions (and answers workspace/configuration)."""
    params = initialize_params("neovim")
    params.initialization_options = {"policy": {"mustReachCaller": ["6xx"]}}
    like_an_editor(lsp_client)
    lsp_client.set_configuration({"policy": {"mustReachCaller": ["6xx"]}}, section="sipLsp")
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def test_a_policy_in_initialization_options(initialised):
    text = (RULES / "SC401.xml").read_text(encoding="utf-8")
    doc_uri, _ = open_document(initialised, "dialplan.xml", text, language_id="xml")
    found = _sc401(await diagnostics(initialised, doc_uri, 1))
    # The hunt retries 6xx (line 9); the ring group gives them to another party (line 31).
    assert sorted(d.range.start.line for d in found) == [8, 30]
    assert all("must-reach-caller" in d.message for d in found)
