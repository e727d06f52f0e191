"""run_rules: settings (select/ignore/severity/off), suppression comments, order."""

from __future__ import annotations

import pytest
from rulekit import TEXT, ids, run, sent

from sip_lsp.config import Settings
from sip_lsp.model import FailoverKind, FailoverSite, Span, Suppressions

LINE_3 = TEXT.index("line three")
SITES = [sent(471, start=LINE_3), sent(202, start=0), sent(401, start=LINE_3 + 5)]
FAILOVER = FailoverSite(
    span=Span(LINE_3 + 2, LINE_3 + 4),
    action="ds_next_dst",
    kind=FailoverKind.NEXT_DESTINATION,
    codes=frozenset({603}),
)


def test_sorted_by_position():
    assert ids(run(code_sites=SITES, failover_sites=[FAILOVER])) == ["SC103", "SC101", "SC301", "SC201"]


@pytest.mark.parametrize(
    "settings, expected",
    [
        (Settings(select=("SC1",)), ["SC103", "SC101"]),
        (Settings(select=("SC301", "missing-required-header")), ["SC301", "SC201"]),
        (Settings(ignore=("SC10",)), ["SC301", "SC201"]),
        (Settings(ignore=("unknown-code", "SC3")), ["SC103", "SC201"]),
        (Settings(select=("ALL",), ignore=("SC2",)), ["SC103", "SC101", "SC301"]),
        (Settings(severity={"SC1": "off"}), ["SC301", "SC201"]),
    ],
)
def test_select_and_ignore(settings, expected):
    assert ids(run(settings, code_sites=SITES, failover_sites=[FAILOVER])) == expected


def test_severity_override_most_specific_wins():
    settings = Settings(severity={"SC": "hint", "SC101": "error", "deprecated-code": "information"})
    found = {f.rule: f.severity for f in run(settings, code_sites=SITES)}
    assert found == {"SC101": "error", "SC103": "information", "SC201": "hint"}


def test_suppressed_on_its_line_by_id_prefix_or_name():
    by_line = Suppressions(lines={2: frozenset({"SC101", "missing-required-header"})})
    assert ids(run(code_sites=SITES, suppressions=by_line)) == ["SC103"]
    by_prefix = Suppressions(lines={2: frozenset({"SC2"})})
    assert ids(run(code_sites=SITES, suppressions=by_prefix)) == ["SC103", "SC101"]


def test_suppression_on_another_line_does_not_hide():
    other = Suppressions(lines={1: frozenset({"SC101", "SC103"})})
    assert ids(run(code_sites=SITES, suppressions=other)) == ["SC103", "SC101", "SC201"]


def test_file_wide_suppression():
    assert run(code_sites=SITES, suppressions=Suppressions(file=frozenset({"ALL"}))) == []
