"""Applying fixes (lint.apply_fixes) and running every rule on arbitrary facts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rulekit import analysis

from sip_lsp.catalog import default_catalog
from sip_lsp.lint import apply_fixes
from sip_lsp.model import (
    CodeSite,
    Edit,
    FailoverKind,
    FailoverSite,
    Fix,
    GuardFix,
    Knob,
    Role,
    Span,
    StatusTest,
)
from sip_lsp.rules import run_rules


def fix(*edits: tuple[int, int, str], path: str | None = None) -> Fix:
    return Fix("t", tuple(Edit(Span(a, b, path), new) for a, b, new in edits))


def test_edits_apply_right_to_left():
    text, chosen = apply_fixes("abcdef", [fix((0, 1, "X")), fix((4, 6, "YZW"))])
    assert text == "XbcdYZW" and len(chosen) == 2


def test_overlapping_and_same_point_fixes_wait_for_the_next_pass():
    first, overlapping = fix((1, 4, "-")), fix((3, 5, "+"))
    insert, same_insert = fix((0, 0, "i")), fix((0, 0, "a"))
    text, chosen = apply_fixes("0123456", [first, overlapping, insert, same_insert])
    assert text == "i0-456" and chosen == [first, insert]


def test_fixes_touching_another_file_are_not_applied_here():
    text, chosen = apply_fixes("abc", [fix((0, 1, "X"), path="/other.cfg")], path="/this.cfg")
    assert (text, chosen) == ("abc", [])
    assert apply_fixes("abc", [fix((0, 1, "X"), path="/this.cfg")], path="/this.cfg")[0] == "Xbc"


_codes = st.frozensets(st.integers(100, 699), max_size=30)
_span = st.builds(lambda a, n: Span(a, a + n), st.integers(0, 150), st.integers(0, 30))
_site = st.builds(
    CodeSite,
    span=_span,
    text=st.text(max_size=5),
    code=st.none() | st.integers(-5, 1000),
    role=st.sampled_from(list(Role)),
    phrase=st.none() | st.text(max_size=20),
    phrase_span=st.none() | _span,
    has_header_append=st.booleans(),
    after_local_miss=st.booleans(),
    code_required=st.booleans(),
)
_test = st.builds(
    StatusTest,
    span=_span,
    kind=st.just("t_check_status"),
    text=st.text(max_size=12),
    admits=_codes,
    named=st.none() | _codes,
    possible=st.none() | _codes,
    reads_request_status=st.booleans(),
    variable_span=st.none() | _span,
    pattern_span=st.none() | _span,
)
_guard = st.none() | st.builds(
    GuardFix,
    offset=st.integers(0, 180),
    texts=st.dictionaries(st.sampled_from(["6xx", "cancel"]), st.text(max_size=8)),
)
_failover = st.builds(
    FailoverSite,
    span=_span,
    action=st.text(max_size=10),
    kind=st.sampled_from(list(FailoverKind)),
    codes=_codes,
    authenticated=st.booleans(),
    rewrites_target=st.booleans(),
    shaping_tests=st.lists(_span, max_size=2).map(tuple),
    guard=_guard,
    cancel_applies=st.booleans(),
)
_knob = st.builds(
    Knob, span=_span, name=st.text(max_size=10), value=st.text(max_size=3), disables_6xx_block=st.booleans()
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_site, max_size=5),
    st.lists(_test, max_size=5),
    st.lists(_failover, max_size=4),
    st.lists(_knob, max_size=2),
)
def test_rules_never_raise_and_return_sorted_known_findings(sites, tests, failovers, knobs):
    catalog = default_catalog()
    facts = analysis(code_sites=sites, status_tests=tests, failover_sites=failovers, knobs=knobs)
    findings = run_rules(facts, catalog)
    assert [f.span.start for f in findings] == sorted(f.span.start for f in findings)
    for finding in findings:
        rule = catalog.rules[finding.rule]
        assert (finding.name, finding.severity) == (rule.name, rule.severity)
        assert finding.message
