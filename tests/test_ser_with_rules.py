"""The facts the dialect extracts let the rules clear legitimate failure handling and flag the rest."""

from __future__ import annotations

import os

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import lint

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "ser")


def findings_of(text, name="edited.cfg"):
    return lint(text, os.path.join(FIXTURES, name), Settings(), default_catalog()).findings


def findings(name):
    with open(os.path.join(FIXTURES, name)) as fh:
        text = fh.read()
    return text, findings_of(text, name)


def test_legitimate_patterns_raise_nothing():
    # voicemail on 486|408 after a $du rewrite, uac_auth before t_relay, exit on 6xx before
    # ds_next_dst, failover wrapped in !t_check_status("6[0-9][0-9]"), cancel checks first.
    _, found = findings("legit-failover.cfg")
    assert found == []


def test_retry_after_6xx_is_flagged_with_a_guard_fix():
    text, found = findings("retry-after-6xx.cfg")
    rules = sorted({f.rule for f in found})
    assert rules == ["SC301", "SC305", "SC306"]
    sc301 = [f for f in found if f.rule == "SC301"]
    # ds_next_dst() starts the retry; the t_relay() after it is the same retry, judged once.
    assert [text[f.span.start : f.span.end] for f in sc301] == ["ds_next_dst()"]
    edit = sc301[0].fixes[0].edits[0]
    fixed = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    assert "SC301" not in {f.rule for f in findings_of(fixed)}


def test_a_failover_reached_without_an_earlier_one_is_judged_on_its_own():
    text = """#!KAMAILIO
failure_route[F] {
	if ($avp(next) == 1) {
		ds_next_dst();
	}
	t_relay();
}
"""
    found = [f for f in findings_of(text) if f.rule == "SC301"]
    # One path reaches t_relay() without ds_next_dst(): both actions are retries of their own.
    assert sorted(text[f.span.start : f.span.end] for f in found) == ["ds_next_dst()", "t_relay()"]
