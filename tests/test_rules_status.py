"""SC306-SC308 on hand-built status tests."""

from __future__ import annotations

import re

from rulekit import run

from sip_lsp.model import FINAL_CODES, Span, StatusTest


def regex_test(pattern: str, **kw) -> StatusTest:
    """A t_check_status() test whose sets come from Python's re (same as POSIX ERE for these)."""
    rx = re.compile(pattern)
    admits = frozenset(c for c in range(100, 700) if rx.search(str(c)))
    named = frozenset(c for c in range(100, 700) if re.fullmatch(f"(?:{pattern})", str(c)))
    return StatusTest(
        span=Span(0, len(pattern) + 17),
        kind="t_check_status",
        text=pattern,
        admits=admits,
        named=named,
        pattern_span=Span(16, 16 + len(pattern)),
        **kw,
    )


def test_unanchored_pattern_admits_unnamed_codes():
    [finding] = run(status_tests=[regex_test("[45].*", possible=FINAL_CODES)])
    assert finding.rule == "SC306"
    assert "604 Does Not Exist Anywhere" in finding.message
    [fix] = finding.fixes
    assert not fix.safe
    assert fix.edits[0].span == Span(16, 22) and fix.edits[0].new_text == "^([45].*)$"


def test_anchored_or_exact_patterns_are_fine():
    tests = [regex_test("^([45][0-9][0-9])$"), regex_test("486|408"), regex_test("[56][0-9][0-9]")]
    assert run(status_tests=tests) == []


def test_pattern_naming_no_code_gets_no_anchoring_fix():
    [finding] = run(status_tests=[regex_test("6")])
    assert finding.rule == "SC306" and finding.fixes == ()
    assert "406 Not Acceptable" in finding.message and finding.message.endswith("…")


def test_dead_status_test_in_failure_route():
    test = StatusTest(
        span=Span(0, 5),
        kind="t_check_status",
        text="200",
        admits=frozenset({200}),
        possible=FINAL_CODES,
        in_failure_handler=True,
    )
    [finding] = run(status_tests=[test])
    assert finding.rule == "SC307" and finding.tags == ("unnecessary",)
    assert "200 OK" in finding.message


def test_status_test_that_admits_nothing():
    test = StatusTest(
        span=Span(0, 5),
        kind="t_check_status",
        text="7..",
        admits=frozenset(),
        named=frozenset(),
        possible=FINAL_CODES,
    )
    [finding] = run(status_tests=[test])
    assert finding.rule == "SC307" and "no response code at all" in finding.message


def test_live_test_or_unknown_context_is_not_dead():
    live = StatusTest(
        span=Span(0, 5),
        kind="compare",
        text="$T_reply_code == 486",
        admits=frozenset({486}),
        possible=FINAL_CODES,
    )
    unknown = StatusTest(span=Span(9, 12), kind="compare", text="$rs == 200", admits=frozenset({200}))
    assert run(status_tests=[live, unknown]) == []


def test_rs_in_failure_route():
    test = StatusTest(
        span=Span(0, 10),
        kind="compare",
        text="$rs == 486",
        admits=frozenset({486}),
        in_failure_handler=True,
        reads_request_status=True,
        variable_span=Span(0, 3),
    )
    [finding] = run(status_tests=[test])
    assert finding.rule == "SC308" and finding.span == Span(0, 3)
    [fix] = finding.fixes
    assert fix.safe and fix.edits[0].new_text == "$T_reply_code"
