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


def sent(t: Tables, step: Step | None, code: int) -> int | None:
    """The SIP code Asterisk sends upstream when the call ends at `step` after `code` (see module doc)."""
    name = step.name if step is not None else ""
    if name in _INDICATED:
        return _INDICATED[name]
    if name == "pjsiphangup":
        word = split_top(step.args, ",")[0][1].strip() if step is not None else ""
        if word.isdigit():
            return int(word) if 400 <= int(word) <= 699 else 603
        key = word.upper().removeprefix("PJSIP_SC_")
        return t.sip_names.get(key) if "${" not in word else None
    if name == "hangup" and step is not None:
        arg = split_top(step.args, ",")[0][1].strip()
        if "${" in arg:
            return None
        cause = hangup_cause(t, arg) if arg else None
        if cause is not None:
            return to_sip(t, cause)
    elif step is None:
        status = status_of(t, code)
        if status in _FALLTHROUGH:
            return _FALLTHROUGH[status]
    return _kept(t).get(code, to_sip(t, None))


_KEPT: dict[int, tuple[Tables, dict[int, int | None]]] = {}


def _kept(t: Tables) -> dict[int, int | None]:
    """Code -> what `Hangup()` sends after it: the callee's cause mapped back (once per tables)."""
    found = _KEPT.get(id(t))
    if found is None or found[0] is not t:
        out: dict[int, int | None] = {}
        for code in FINAL_CODES:
            cause = t.engine.cause_for_sip(code)
            out[code] = to_sip(t, cause.name if cause else None)
        found = _KEPT[id(t)] = (t, out)
    return found[1]


def to_sip(t: Tables, cause: str | None) -> int | None:
    """chan_pjsip hangup_cause2sip, and 603 for a cause with no entry (ast_sip_session_terminate)."""
    found = t.engine.cause(cause) if cause else None
    if found is not None and found.to_sip:
        return found.to_sip
    return t.engine.default_to_sip


def status_of(t: Tables, code: int) -> str | None:
    """The DIALSTATUS one callee's `code` gives (TIMEOUT: NOANSWER)."""
    if code == TIMEOUT:
        return "NOANSWER"
    return next((v for v, codes in t.status_codes.items() if code in codes), None)


def table(
    t: Tables,
    dial: Step,
    events: Iterable[Event],
    place: Callable[[tuple[str, Span]], Span],
) -> OutcomeTable:
    """The Dial's table: each code in one row; codes the paths disagree on, or none reached, are unknown."""
    seen: dict[int, set[tuple[Outcome, int | None, Span | None]]] = {}
    guards: dict[int, set[Span]] = {}
    for event in events:
        span = place((event.step.context, event.step.span)) if event.step is not None else None
        tested = {place(x) for x in event.tests}
        for code in event.codes:
            reply = sent(t, event.step, code) if event.outcome is Outcome.END else None
            seen.setdefault(code, set()).add((event.outcome, reply, span))
            guards.setdefault(code, set()).update(tested)
    groups: dict[tuple[Outcome, int | None, Span | None], tuple[set[int], set[Local], set[Span]]] = {}
    for code in (*sorted(FINAL_CODES), TIMEOUT):
        ways = seen.get(code, set())
        key = next(iter(ways)) if len(ways) == 1 else (Outcome.UNKNOWN, None, None)
        codes, local, tests = groups.setdefault(key, (set(), set(), set()))
        if code == TIMEOUT:
            local.add(Local.TIMEOUT)
        else:
            codes.add(code)
        tests.update(guards.get(code, ()))
    cancelled = groups.setdefault((Outcome.END, 487, None), (set(), set(), set()))
    cancelled[1].add(Local.CANCELLED)  # Dial returns -1 on the caller's CANCEL: the dialplan ends
    unknown = groups.setdefault((Outcome.UNKNOWN, None, None), (set(), set(), set()))
    unknown[1].add(Local.NO_DESTINATION)  # the cause of a channel that could not be requested varies
    rows = tuple(
        Row(frozenset(codes), frozenset(local), outcome, reply, span, tuple(sorted(tests, key=_at)))
        for (outcome, reply, span), (codes, local, tests) in groups.items()
        if codes or local
    )
    target = split_top(dial.args, ",")[0][1].strip()
    return OutcomeTable("dial", target, place((dial.context, dial.span)), rows=rows, block=dial.context)


def _at(span: Span) -> tuple[str, int]:
    return span.path or "", span.start
