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
from functools import lru_cache
from typing import NamedTuple

from sip_lsp.dialects.asterisk.engine import Tables, hangup_cause
from sip_lsp.dialects.asterisk.parse import Step, split_top
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable, Row, Span
from sip_lsp.model.codesets import shared

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
_NONE: frozenset[int] = frozenset()
_Key = tuple[Outcome, int | None, int]  # outcome, reply, the deciding step's id (0: none)
_Reached = tuple[tuple[int, frozenset[int]], ...]  # (part number, codes) per path, in walk order


class _Part(NamedTuple):
    """The paths of a table that share an outcome, a reply and the step deciding them."""

    number: int
    step: Step | None
    tests: dict[tuple[str, int, int], tuple[str, Span]]


def table(
    t: Tables,
    dial: Step,
    events: Iterable[Event],
    place: Callable[[tuple[str, Span]], Span],
) -> OutcomeTable:
    """The Dial's table: each code in one row; codes the paths disagree on, or none reached, are unknown."""
    parts: dict[_Key, _Part] = {}
    reached: list[tuple[int, frozenset[int]]] = []
    for event in events:
        split = replies(t, event.step, event.codes) if event.outcome is Outcome.END else [(None, event.codes)]
        for reply, codes in split:
            key = (event.outcome, reply, id(event.step) if event.step is not None else 0)
            part = parts.get(key)
            if part is None:
                part = parts[key] = _Part(len(parts), event.step, {})
            for x in event.tests:
                part.tests[(x[0], x[1].start, x[1].end)] = x
            reached.append((part.number, shared(codes)))
    decided, unknown = _partition(tuple(reached))
    rows = [
        _row(decided[part.number], outcome, reply, part.step, part.tests.values(), place)
        for (outcome, reply, _), part in parts.items()
        if any(decided[part.number])
    ]
    cancelled = Row(frozenset(), frozenset({Local.CANCELLED}), Outcome.END, 487)  # Dial returns -1
    # The cause of a channel that could not be requested varies: no destination is unknown.
    rows.append(_row(unknown, Outcome.UNKNOWN, None, None, (), place))
    target = split_top(dial.args, ",")[0][1].strip()
    return OutcomeTable(
        "dial", target, place((dial.context, dial.span)), rows=(*rows, cancelled), block=dial.context
    )


_Codes = tuple[frozenset[int], frozenset[Local]]  # a row's SIP codes and local cases


# A pure memo keyed by its whole input. The walks of a dialplan reach few distinct code
# sets (a handful of DIALSTATUS splits of 300-699) in the same few patterns, and each set
# operation on 400 codes costs microseconds: a table is ~10 of them. Interned sets make a
# repeated pattern a lookup by identity; Asterisk lint 1k 26.6 -> ~23 ms.
@lru_cache(maxsize=512)
def _partition(reached: _Reached) -> tuple[tuple[_Codes, ...], _Codes]:
    """Each part's codes that no part with another outcome reached; the rest is unknown.

    `reached`: (part number, codes) per path. Codes two parts reached, or no path
    reached, are unknown, and so is the no-destination case (-1).
    """
    gathered: list[set[int]] = []
    claimed: set[int] = set()  # codes some path reached
    disputed: set[int] = set()  # codes two paths with different outcomes reached
    for number, codes in reached:
        if number == len(gathered):
            gathered.append(set())
        mine = gathered[number]
        disputed |= codes & (claimed - mine)  # reached by another outcome before
        mine |= codes
        claimed |= codes
    unknown = (_ALL - claimed) | disputed
    decided = tuple(_codes(frozenset(codes - unknown)) for codes in gathered)
    return decided, _codes(frozenset(unknown | {-1}))


def _codes(codes: frozenset[int]) -> _Codes:
    local = {Local.TIMEOUT} if TIMEOUT in codes else set()
    if -1 in codes:
        local.add(Local.NO_DESTINATION)
    return shared(codes - _PSEUDO), frozenset(local)


def _row(
    codes: _Codes,
    outcome: Outcome,
    reply: int | None,
    step: Step | None,
    tests: Iterable[tuple[str, Span]],
    place: Callable[[tuple[str, Span]], Span],
) -> Row:
    span = place((step.context, step.span)) if step is not None else None
    guards = tuple(sorted((place(x) for x in tests), key=_at))
    return Row(codes[0], codes[1], outcome, reply, span, guards)


def _at(span: Span) -> tuple[str, int]:
    return span.path or "", span.start
