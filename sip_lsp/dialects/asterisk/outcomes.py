"""The outcome table of each Dial(): every final code -> cause -> DIALSTATUS -> what the dialplan does.

The flow's walk from a Dial records where each set of codes stops (`Event`):
another Dial (retry-same, new-party, unknown), a media application, or the
end of the call. At the end the SIP code Asterisk sends upstream is worked out
per code (docs/engine-semantics.md 3.3-3.5): `Hangup()` keeps the cause the
failed Dial copied from the callee (chan_pjsip `hangup_cause2sip`, 603 when the
cause has no entry); `Hangup(N)` sends N's entry; Busy()/Congestion() 486/503;
falling off the extension indicates busy (486) or congestion (503) for those
DIALSTATUS values (autofallthrough). Dial's timeout is the local TIMEOUT case:
NOANSWER with no cause, so `Hangup()` then sends 603. The caller's CANCEL ends
the dialplan (Dial returns -1): 487.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from sip_lsp.dialects.asterisk.engine import Tables, hangup_cause
from sip_lsp.dialects.asterisk.parse import Step, split_top
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable, Row, Span

TIMEOUT = 0  # a pseudo code the walk carries for Dial's own timeout: NOANSWER, no cause copied
MEDIA = frozenset(
    {
        "voicemail",
        "voicemailmain",
        "playback",
        "background",
        "read",
        "confbridge",
        "meetme",
        "queue",
        "directory",
        "minivm",
        "minivmgreet",
        "minivmrecord",
        "record",
        "saydigits",
        "saynumber",
        "festival",
        "ivr",
    }
)
_INDICATED = {"busy": 486, "congestion": 503}
_FALLTHROUGH = {"BUSY": 486, "CONGESTION": 503, "CHANUNAVAIL": 503}


class Event(NamedTuple):
    """Where a walk from `origin` stopped with `codes`: `step` decides (None: it fell off `ext_end`)."""

    origin: Step
    outcome: Outcome
    step: Step | None
    codes: frozenset[int]
    tests: tuple[tuple[str, Span], ...]  # Tagged (context, span), placed when the table is built


def replies(t: Tables, step: Step | None, codes: frozenset[int]) -> list[tuple[int | None, frozenset[int]]]:
    """(code sent upstream, the codes after which it is sent) when the call ends at `step` (module doc)."""
    name = step.name if step is not None else ""
    if name in _INDICATED:
        return [(_INDICATED[name], codes)]
    if name == "pjsiphangup" and step is not None:
        word = split_top(step.args, ",")[0][1].strip()
        if word.isdigit():
            return [(int(word) if 400 <= int(word) <= 699 else 603, codes)]
        key = word.upper().removeprefix("PJSIP_SC_")
        return [(t.sip_names.get(key) if "${" not in word else None, codes)]
    if name == "hangup" and step is not None:
        arg = split_top(step.args, ",")[0][1].strip()
        if "${" in arg:
            return [(None, codes)]
        cause = hangup_cause(t, arg) if arg else None
        if cause is not None:
            return [(to_sip(t, cause), codes)]
    out: list[tuple[int | None, frozenset[int]]] = []
    if step is None:  # autofallthrough indicates busy or congestion for those DIALSTATUS values
        for status, code in _FALLTHROUGH.items():
            inside = codes & t.status_codes.get(status, frozenset())
            if inside:
                out.append((code, inside))
                codes = codes - inside
    out += [(reply, codes & group) for reply, group in _kept(t).items() if codes & group]
    return out


_KEPT: dict[int, tuple[Tables, dict[int | None, frozenset[int]]]] = {}


def _kept(t: Tables) -> dict[int | None, frozenset[int]]:
    """What `Hangup()` sends -> the codes after which it sends it: the callee's cause mapped back.

    TIMEOUT (no cause copied) sends what a channel with no cause sends. Once per tables.
    """
    found = _KEPT.get(id(t))
    if found is None or found[0] is not t:
        groups: dict[int | None, set[int]] = {to_sip(t, None): {TIMEOUT}}
        for code in FINAL_CODES:
            cause = t.engine.cause_for_sip(code)
            groups.setdefault(to_sip(t, cause.name if cause else None), set()).add(code)
        found = _KEPT[id(t)] = (t, {k: frozenset(v) for k, v in groups.items()})
    return found[1]


def to_sip(t: Tables, cause: str | None) -> int | None:
    """chan_pjsip hangup_cause2sip, and 603 for a cause with no entry (ast_sip_session_terminate)."""
    found = t.engine.cause(cause) if cause else None
    if found is not None and found.to_sip:
        return found.to_sip
    return t.engine.default_to_sip


_ALL = frozenset(FINAL_CODES) | {TIMEOUT}
_PSEUDO = frozenset({TIMEOUT, -1})  # the walk's TIMEOUT and the table's no-destination marker
_Key = tuple[Outcome, int | None, int]  # outcome, reply, the deciding step's id (0: none)


def table(
    t: Tables,
    dial: Step,
    events: Iterable[Event],
    place: Callable[[tuple[str, Span]], Span],
) -> OutcomeTable:
    """The Dial's table: each code in one row; codes the paths disagree on, or none reached, are unknown.

    Set operations over the events' code sets (a table per Dial, every analysis that places it).
    """
    parts: dict[_Key, tuple[set[int], Step | None, dict[tuple[str, int, int], tuple[str, Span]]]] = {}
    claimed: set[int] = set()  # codes some path reached
    disputed: set[int] = set()  # codes two paths with different outcomes reached
    for event in events:
        split = replies(t, event.step, event.codes) if event.outcome is Outcome.END else [(None, event.codes)]
        for reply, codes in split:
            key = (event.outcome, reply, id(event.step) if event.step is not None else 0)
            mine, _, tests = parts.setdefault(key, (set(), event.step, {}))
            for x in event.tests:
                tests[(x[0], x[1].start, x[1].end)] = x
            disputed |= codes & (claimed - mine)  # reached by another outcome before
            mine |= codes
            claimed |= codes
    unknown = (_ALL - claimed) | disputed
    rows: list[Row] = []
    for (outcome, reply, _), (gathered, step, tests) in parts.items():
        decided = frozenset(gathered) - unknown
        if decided:
            rows.append(_row(decided, outcome, reply, step, tests.values(), place))
    cancelled = Row(frozenset(), frozenset({Local.CANCELLED}), Outcome.END, 487)  # Dial returns -1
    # The cause of a channel that could not be requested varies: no destination is unknown.
    rows.append(_row(frozenset(unknown) | {-1}, Outcome.UNKNOWN, None, None, (), place))
    target = split_top(dial.args, ",")[0][1].strip()
    return OutcomeTable(
        "dial", target, place((dial.context, dial.span)), rows=(*rows, cancelled), block=dial.context
    )


def _row(
    codes: frozenset[int],
    outcome: Outcome,
    reply: int | None,
    step: Step | None,
    tests: Iterable[tuple[str, Span]],
    place: Callable[[tuple[str, Span]], Span],
) -> Row:
    local = {Local.TIMEOUT} if TIMEOUT in codes else set()
    if -1 in codes:
        local.add(Local.NO_DESTINATION)
    span = place((step.context, step.span)) if step is not None else None
    guards = tuple(sorted((place(x) for x in tests), key=_at))
    return Row(codes - _PSEUDO, frozenset(local), outcome, reply, span, guards)


def _at(span: Span) -> tuple[str, int]:
    return span.path or "", span.start
