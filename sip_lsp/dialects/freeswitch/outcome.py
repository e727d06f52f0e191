"""The outcome table of a FreeSWITCH `bridge`: each final code -> what happens to the call.

For every final code (300-699) and each local case, in the order FreeSWITCH
decides it (docs/engine-semantics.md §4, signalwire/freeswitch@cc93a683ca6e):
1. sofia derives a cause from the failure response (sofia_glue_sip_cause_to_freeswitch,
   the engine table); 300/301/302/305 are followed to the Contact instead
   (sofia_handle_sip_i_state: a new INVITE, another party).
2. switch_ivr_originate: with a next `|` element, it is dialled unless
   fail_on_single_reject names the cause, or the element timed out and
   originate_continue_on_timeout is not true; a cancelled caller stops everything.
   A `,` group (`a,b|c`) fails as a whole: it waits until every leg is down
   (check_channel_status: hups == and_argc), then reports the cause of its first
   leg in dial order that got a channel (the `done:` branch's loop over
   originate_status), so a group's rows are keyed by its first leg's code. With
   fail_on_single_reject true or naming the cause, one reject ends the group at
   once and the originate reports NO_ANSWER (`oglobals.idx = IDX_TIMEOUT`); a
   true value lets the `|` list go on, a named cause stops it. A leg that cannot
   even be created (no destination) with such a value ends the whole originate
   with that cause (`force_reason = reason; goto outer_for`).
3. audio_bridge_function / switch_channel_handle_cause: continue_on_fail and
   failure_causes decide whether the dialplan goes on past the failed bridge.
4. What comes next: a later bridge (retry-same / new-party / media / unknown by
   whom it calls), a `respond` (reply), a hangup or the end of the dialplan (end),
   a transfer or a script (unknown: another extension decides). At the end the
   caller receives the other leg's code (sofia_on_hangup passes it through) unless
   sip_ignore_remote_cause=true, when hangup_cause_to_sip's code for the cause is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from sip_lsp.catalog import Engine
from sip_lsp.dialects.freeswitch import causes as fc
from sip_lsp.dialects.freeswitch import dial
from sip_lsp.model import Local, Outcome, OutcomeTable, Row, Span, StepKind

# Applications that play to the caller rather than call anyone.
MEDIA_APPS = frozenset(
    {
        "voicemail",
        "playback",
        "ivr",
        "say",
        "speak",
        "phrase",
        "play_and_get_digits",
        "read",
        "endless_playback",
    }
)
# Applications after which another extension or a script decides the call.
HANDED_ON = frozenset({"transfer", "execute_extension", "lua", "javascript", "python", "perl", "socket"})
NOTE_REMOTE = "outcome_note_fs_remote_code"  # the caller receives the other leg's code
NOTE_REDIRECT = "outcome_note_fs_redirect"  # sofia follows the redirect's Contact
NOTE_GROUP = "outcome_note_fs_group"  # a `,` group fails once every leg failed; keyed by the first leg
NOTE_SINGLE_REJECT = "outcome_note_fs_single_reject"  # fail_on_single_reject ends the group at once
NO_ANSWER = "NO_ANSWER"  # switch_ivr_originate: the element's timeout ran out
LOCAL_CAUSE = {"user": "USER_NOT_REGISTERED", "sofia": "GATEWAY_DOWN"}  # no destination, by leg tech
DEFAULT_LOCAL_CAUSE = "NO_ROUTE_DESTINATION"
CANCELLED_CODE = 487


class Next(NamedTuple):
    """What runs when the dialplan goes on past the bridge."""

    outcome: Outcome
    reply: int | None  # REPLY: the code; END: the hangup cause's code (None: the received one)
    cause: str | None  # END through `hangup <cause>`: that cause
    span: Span | None


class Knobs(NamedTuple):
    """The channel variables that shape the outcome, as set where the bridge runs (None: unset)."""

    continue_on_fail: str | None
    failure_causes: str | None
    fail_on_single_reject: str | None
    continue_on_timeout: str | None
    ignore_remote_cause: str | None


# Where a row's deciding line is, resolved per bridge (the shapes are shared).
AT_BRIDGE, AT_NEXT, AT_FOLLOWING, NOWHERE = "bridge", "next", "following", ""


class _Shape(NamedTuple):
    outcome: Outcome
    reply: int | None
    at: str  # AT_BRIDGE | AT_NEXT | AT_FOLLOWING | NOWHERE
    note: str


class Point(NamedTuple):
    """A bridge as its table is decided: `decide`'s inputs, and where each AT_* place lies."""

    hunt_after: Outcome | None  # whom the next `|` element calls (dial.destination), None without one
    tech: str  # the first leg's endpoint (user, sofia, ...): its no-destination cause
    following: tuple[Outcome, int | None, str | None, bool]  # Next without its span, and whether it has one
    knobs: Knobs
    where: dict[str, Span | None]  # AT_BRIDGE, AT_NEXT, AT_FOLLOWING, NOWHERE -> the span
    group: bool  # the first `|` element rings several legs at once (`a,b|c`)


def point(
    span: Span, ds: dial.DialString, knobs: Knobs, following: Next, group_spans: Callable[[dial.Leg], Span]
) -> Point:
    """The decision inputs of the bridge at `span` (its attribute) with dial string `ds`."""
    groups = ds.threads[0] if ds.threads else ()
    first = groups[0] if groups else ()
    second = groups[1] if len(groups) > 1 else None
    where = {
        AT_BRIDGE: span,
        AT_NEXT: group_spans(second[0]) if second else None,
        AT_FOLLOWING: following.span,
        NOWHERE: None,
    }
    return Point(
        ds.hunts[0][0] if second else None,
        first[0].text.split("/", 1)[0] if first else "",
        (following.outcome, following.reply, following.cause, following.span is not None),
        knobs,
        where,
        len(first) > 1,
    )


def bridge_table(table: fc.CauseTable, name: str, block: str | None, at: Point) -> OutcomeTable:
    """The OutcomeTable of one bridge (see the module docstring for the order of decisions)."""
    where = at.where
    rows = tuple(
        Row(row.codes, row.local, row.outcome, row.reply, where[place], (), row.note)
        for place, row in _rows(table, at.knobs, at.hunt_after, at.following, at.tech, at.group)
    )
    span = where[AT_BRIDGE]
    assert span is not None  # point() puts the bridge there
    return OutcomeTable("bridge", name, span, (), rows, block)


@lru_cache(maxsize=512)
def _rows(
    table: fc.CauseTable,
    knobs: Knobs,
    hunt_after: Outcome | None,
    following: tuple[Outcome, int | None, str | None, bool],
    tech: str,
    group: bool,  # the first `|` element rings several legs at once (`a,b|c`)
) -> tuple[tuple[str, Row], ...]:
    """The rows of every bridge with these knobs, next element and following step, each with
    where its deciding line is (AT_*): a bridge's table places them (their codes are interned
    once here, so placing a row does not look its ~300 codes up again).

    For a `,` group a code stands for the group's first leg's code, the cause the
    originate reports once every leg failed (see the module docstring, point 2).
    """
    redirects = redirect_codes(table.engine)
    inputs = (table, knobs, hunt_after, following, group)
    rows: dict[_Shape, tuple[set[int], set[Local]]] = {}
    redirected = _Shape(Outcome.NEW_PARTY, None, AT_BRIDGE, NOTE_REDIRECT)
    for cause, codes in table.by_cause().items():  # one decision per cause, not per code
        if not codes:
            continue
        rows.setdefault(decide(*inputs, cause, True, False), (set(), set()))[0].update(codes - redirects)
        if codes & redirects:
            rows.setdefault(redirected, (set(), set()))[0].update(codes & redirects)
    rows.setdefault(decide(*inputs, NO_ANSWER, False, True), (set(), set()))[1].add(Local.TIMEOUT)
    local = decide(*inputs, LOCAL_CAUSE.get(tech, DEFAULT_LOCAL_CAUSE), False, False, created=False)
    rows.setdefault(local, (set(), set()))[1].add(Local.NO_DESTINATION)
    # The caller cancelled: originate stops and no later action runs (the A leg is gone).
    cancelled = _Shape(Outcome.END, CANCELLED_CODE, AT_BRIDGE, "")
    rows.setdefault(cancelled, (set(), set()))[1].add(Local.CANCELLED)
    made = [(shape, frozenset(codes), frozenset(locals_)) for shape, (codes, locals_) in rows.items()]
    made = [m for m in made if m[1] or m[2]]
    made.sort(key=lambda m: (min(m[1]) if m[1] else 1000, m[0].outcome.value))
    return tuple(
        (shape.at, Row(codes, locals_, shape.outcome, shape.reply, None, (), shape.note))
        for shape, codes, locals_ in made
    )


def redirect_codes(engine: Engine) -> frozenset[int]:
    """The 3xx codes sofia follows to the Contact (a new INVITE) instead of failing the leg."""
    return frozenset(int(str(c)) for c in _list(engine.fact("redirect_followed_codes", ())))


# One step of a traced decision (a simulation): what it did, where (AT_*), the values its heading names.
Traced = tuple[StepKind, str, tuple[tuple[str, str], ...]]


def decide(
    table: fc.CauseTable,
    knobs: Knobs,
    hunt_after: Outcome | None,
    following: tuple[Outcome, int | None, str | None, bool],
    group: bool,
    cause: str,
    received: bool,
    timed_out: bool,
    created: bool = True,
    trace: list[Traced] | None = None,
) -> _Shape:
    """What one failed first element does: the next `|` element, or past the bridge (module doc 2-4).

    `received`: a response carried the cause (its code may pass through to the caller);
    `timed_out`: the element's timeout ran out; `created`: its leg got a channel at all.
    With `trace`, the tests and actions taken, in order.
    """
    fosr = knobs.fail_on_single_reject
    if "$" in (fosr or "") and (hunt_after is not None or group):
        return _Shape(Outcome.UNKNOWN, None, NOWHERE, "")
    fosr_true = fc.switch_true(fosr)
    rejects = bool(fosr) and (fosr_true or not table.hunt_continues(fosr, cause))
    if not created and rejects:  # the leg could not be created: the whole originate ends
        _test(trace, False, "fail_on_single_reject", fosr, cause, "simulate_note_fs_not_created")
        return _after_failure(table, knobs, following, cause, received, trace)
    if group and received and rejects:  # one reject ends the group, reported as NO_ANSWER
        _test(trace, False, "fail_on_single_reject", fosr, cause, "simulate_note_fs_group_rejected")
        if trace is not None:  # the originate reports the group's end as a timeout
            trace.append((StepKind.MAP, AT_BRIDGE, (("from", cause), ("to", NO_ANSWER), ("by", "originate"))))
        if hunt_after is not None and fosr_true:
            _next(trace, hunt_after)
            return _Shape(hunt_after, None, AT_NEXT, NOTE_SINGLE_REJECT)
        return _after_failure(table, knobs, following, NO_ANSWER, received, trace)._replace(
            note=NOTE_SINGLE_REJECT
        )
    if hunt_after is not None:
        if timed_out and not fc.switch_true(knobs.continue_on_timeout):
            timeout = knobs.continue_on_timeout
            _test(
                trace,
                False,
                "originate_continue_on_timeout",
                timeout,
                cause,
                "simulate_note_fs_timeout_stops",
            )
        else:
            goes_on = table.hunt_continues(fosr, cause)
            why = "simulate_note_fs_hunt_goes_on" if goes_on else "simulate_note_fs_hunt_stops"
            _test(trace, goes_on, "fail_on_single_reject", fosr, cause, why)
            if goes_on:
                _next(trace, hunt_after)
                return _Shape(hunt_after, None, AT_NEXT, NOTE_GROUP if group and received else "")
    shape = _after_failure(table, knobs, following, cause, received, trace)
    if group and received and shape.note in ("", NOTE_REMOTE):
        return shape._replace(note=NOTE_GROUP)
    return shape


def _next(trace: list[Traced] | None, hunt_after: Outcome) -> None:
    if trace is not None:
        trace.append((StepKind.ACTION, AT_NEXT, (("app", "bridge"), ("outcome", hunt_after.value))))


def _after_failure(
    table: fc.CauseTable,
    knobs: Knobs,
    following: tuple[Outcome, int | None, str | None, bool],
    cause: str,
    received: bool,
    trace: list[Traced] | None,
) -> _Shape:
    """Past the failed bridge: the dialplan goes on (continue_on_fail, failure_causes) or the call ends."""
    then, then_reply, then_cause, then_has_span = following
    if any("$" in (k or "") for k in (knobs.continue_on_fail, knobs.failure_causes)):
        return _Shape(Outcome.UNKNOWN, None, NOWHERE, "")
    ignore = fc.switch_true(knobs.ignore_remote_cause)
    goes_on = table.continues(knobs.continue_on_fail, knobs.failure_causes, cause)
    if trace is not None:
        why = "simulate_note_fs_continues" if goes_on else "simulate_note_fs_stops"
        # failure_causes not naming the cause goes on, whatever continue_on_fail says (handle_cause)
        unlisted = knobs.failure_causes is not None and table.continues(None, knobs.failure_causes, cause)
        if knobs.failure_causes is not None and (unlisted or knobs.continue_on_fail is None):
            _test(trace, goes_on, "failure_causes", knobs.failure_causes, cause, why)
        else:
            _test(trace, goes_on, "continue_on_fail", knobs.continue_on_fail, cause, why)
    if goes_on:
        if then is Outcome.END:
            at = AT_FOLLOWING if then_has_span else AT_BRIDGE
            if trace is not None and then_has_span:
                trace.append(
                    (StepKind.EXIT, AT_FOLLOWING, (("app", "hangup"), ("cause", then_cause or cause)))
                )
            return _ended(table.engine, then_cause or cause, received and not ignore, at, trace)
        if trace is not None:
            kind = StepKind.REPLY if then is Outcome.REPLY else StepKind.ACTION
            values = [("outcome", then.value)] + ([("code", str(then_reply))] if then_reply else [])
            trace.append((kind, AT_FOLLOWING, tuple(values)))
        return _Shape(then, then_reply, AT_FOLLOWING, "")
    return _ended(table.engine, cause, received and not ignore, AT_BRIDGE, trace)


def _test(
    trace: list[Traced] | None, held: bool, variable: str, value: str | None, cause: str, why: str
) -> None:
    """Trace the test of `variable` (its `value`, "" when unset) for `cause`; `why`: the heading saying it."""
    if trace is not None:
        kind = StepKind.TEST_TRUE if held else StepKind.TEST_FALSE
        values = (
            ("app", "bridge"),
            ("test", variable),
            ("value", value or ""),
            ("cause", cause),
            ("note", why),
        )
        trace.append((kind, AT_BRIDGE, values))


def _ended(
    engine: Engine, cause: str, passthrough: bool, at: str, trace: list[Traced] | None = None
) -> _Shape:
    """END: the received code passed through, or hangup_cause_to_sip's code for `cause`."""
    if passthrough:
        if trace is not None:  # the code itself is the simulation's: the rows hold causes
            values = (
                ("from", cause),
                ("by", "sofia_on_hangup"),
                ("passthrough", "true"),
                ("note", NOTE_REMOTE),
            )
            trace.append((StepKind.MAP, at, values))
        return _Shape(Outcome.END, None, at, NOTE_REMOTE)
    found = engine.causes.get(cause)
    to_sip = (found.to_sip if found is not None else None) or engine.default_to_sip
    if trace is not None:
        sent = (("from", cause), ("to", str(to_sip)), ("by", "hangup_cause_to_sip"))
        trace.append((StepKind.MAP, at, (*sent, ("note", "simulate_note_fs_cause_code"))))
    return _Shape(Outcome.END, to_sip, at, "")


def _list(value: object) -> Sequence[object]:
    return value if isinstance(value, list) else ()
