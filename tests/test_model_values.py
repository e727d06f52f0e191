"""The model's values: shift() moves every offset and nothing else; equality and hashing by value."""

from __future__ import annotations

import pytest
from fuzzkit import spans_in

from sip_lsp.model import (
    Block,
    CauseSite,
    CodeSite,
    DispatchSite,
    Edit,
    FailoverKind,
    FailoverSite,
    Finding,
    Fix,
    GuardFix,
    Knob,
    Note,
    Reference,
    Related,
    Role,
    Span,
    StatusTest,
)


def s(start: int, path: str | None = None) -> Span:
    return Span(start, start + 3, path)


VALUES = [
    s(1),
    CodeSite(s(1), "604", 604, Role.SENT, "sl_send_reply", "Nope", s(10), "main"),
    StatusTest(s(2), "t_check_status", "6", frozenset({600}), variable_span=s(5), pattern_span=s(7)),
    GuardFix(40, {"6xx": "exit;"}, "/inc.cfg"),
    FailoverSite(
        s(3),
        "ds_next_dst",
        FailoverKind.NEXT_DESTINATION,
        frozenset({603}),
        shaping_tests=(s(20),),
        armed_by=(s(30), s(31, "/inc.cfg")),
        via=(s(40),),
        guard=GuardFix(2, {"6xx": "exit;"}),
    ),
    Knob(s(4), "disable_6xx_block", "1", True),
    CauseSite(s(5), "asterisk", "BUSY", None, "Hangup"),
    DispatchSite(s(6), "dialed-", "DIALSTATUS", ("BUSY",), (("dialed-X", s(60)),)),
    Block("main", "route", s(7), s(8), (Block("inner", "route", s(9), s(10)),)),
    Reference(s(11), "main", "route"),
    Note(s(12), "outside the root"),
    Edit(s(13), "404"),
    Fix("Send 404", (Edit(s(14), "404"), Edit(s(15), "Not Found"))),
    Related(s(16), "armed here"),
    Finding("SC301", "x", "warning", s(17), "m", (Related(s(18), "r"),), (Fix("f", (Edit(s(19), "e"),)),)),
]


def _offsets(value: object) -> list[tuple[str, int, int]]:
    return [(where, span.start, span.end) for where, span in spans_in(value)]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_shift_moves_every_offset_and_keeps_the_rest(value) -> None:
    moved = value.shift(7)
    assert type(moved) is type(value)
    assert _offsets(moved) == [(where, a + 7, b + 7) for where, a, b in _offsets(value)]
    assert moved != value
    assert moved.shift(-7) == value
    for name in type(value).__slots__:
        if name not in ("start", "end", "offset") and not _offsets(getattr(value, name)):
            assert getattr(moved, name) == getattr(value, name), name


def test_equal_values_hash_alike_and_show_their_fields() -> None:
    a = CodeSite(s(1), "604", 604, Role.SENT)
    b = CodeSite(s(1), "604", 604, Role.SENT)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != CodeSite(s(2), "604", 604, Role.SENT)
    assert Span(1, 2) != Edit(Span(1, 2), "")
    assert repr(Span(1, 2)) == "Span(start=1, end=2, path=None)"


def test_a_finding_at_another_severity_is_otherwise_the_same() -> None:
    finding = VALUES[-1]
    assert isinstance(finding, Finding)
    other = finding.with_severity("hint")
    assert other.severity == "hint"
    assert [getattr(other, n) for n in Finding.__slots__ if n != "severity"] == [
        getattr(finding, n) for n in Finding.__slots__ if n != "severity"
    ]


def test_rearmed_keeps_the_new_arming_sites_as_given() -> None:
    site = VALUES[4]
    assert isinstance(site, FailoverSite)
    armed = (Span(500, 510),)
    moved = site.rearmed(7, armed)
    assert moved.armed_by == armed
    shifted = site.shift(7)
    for name in FailoverSite.__slots__:
        if name != "armed_by":
            assert getattr(moved, name) == getattr(shifted, name), name
