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
from sip_lsp.model import Local, Outcome, OutcomeTable, Row, Span

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


def bridge_table(
    table: fc.CauseTable,
    name: str,
    span: Span,
    block: str | None,
    ds: dial.DialString,
    knobs: Knobs,
    following: Next,
    group_spans: Callable[[dial.Leg], Span],
) -> OutcomeTable:
    """The OutcomeTable of one bridge (see the module docstring for the order of decisions)."""
    groups = ds.threads[0] if ds.threads else ()
    first = groups[0] if groups else ()
    second = groups[1] if len(groups) > 1 else None
    hunt_after = dial.destination(first, second) if second else None
    tech = first[0].text.split("/", 1)[0] if first else ""
    shape = (following.outcome, following.reply, following.cause, following.span is not None)
    where = {
        AT_BRIDGE: span,
        AT_NEXT: group_spans(second[0]) if second else None,
        AT_FOLLOWING: following.span,
        NOWHERE: None,
    }
    rows = tuple(
        Row(codes, locals_, r.outcome, r.reply, where[r.at], (), r.note)
        for r, codes, locals_ in _rows(table, knobs, hunt_after, shape, tech, len(first) > 1)
    )
    return OutcomeTable("bridge", name, span, (), rows, block)


@lru_cache(maxsize=512)
def _rows(
    table: fc.CauseTable,
    knobs: Knobs,
    hunt_after: str | None,
    following: tuple[Outcome, int | None, str | None, bool],
    tech: str,
    group: bool,  # the first `|` element rings several legs at once (`a,b|c`)
) -> tuple[tuple[_Shape, frozenset[int], frozenset[Local]], ...]:
    """The rows of every bridge with these knobs, next element and following step (spans symbolic).

    For a `,` group a code stands for the group's first leg's code, the cause the
    originate reports once every leg failed (see the module docstring, point 2).
    """
    engine = table.engine
    then, then_reply, then_cause, then_has_span = following
    variable = any("$" in (k or "") for k in (knobs.continue_on_fail, knobs.failure_causes))
    redirects = {int(str(c)) for c in _list(engine.fact("redirect_followed_codes", ()))}
    ignore = fc.switch_true(knobs.ignore_remote_cause)

    def after_failure(cause: str, received: bool) -> _Shape:
        """Past the failed bridge: the dialplan goes on or the caller is hung up."""
        if variable:
            return _Shape(Outcome.UNKNOWN, None, NOWHERE, "")
        if table.continues(knobs.continue_on_fail, knobs.failure_causes, cause):
            if then is Outcome.END:
                at = AT_FOLLOWING if then_has_span else AT_BRIDGE
                return _ended(engine, then_cause or cause, received and not ignore, at)
            return _Shape(then, then_reply, AT_FOLLOWING, "")
        return _ended(engine, cause, received and not ignore, AT_BRIDGE)

    fosr = knobs.fail_on_single_reject
    fosr_true = fc.switch_true(fosr)

    def decide(cause: str, received: bool, timed_out: bool, created: bool = True) -> _Shape:
        if "$" in (fosr or "") and (hunt_after is not None or group):
            return _Shape(Outcome.UNKNOWN, None, NOWHERE, "")
        rejects = bool(fosr) and (fosr_true or not table.hunt_continues(fosr, cause))
        if not created and rejects:  # the leg could not be created: the whole originate ends
            return after_failure(cause, received)
        if group and received and rejects:  # one reject ends the group, reported as NO_ANSWER
            if hunt_after is not None and fosr_true:
                return _Shape(Outcome(hunt_after), None, AT_NEXT, NOTE_SINGLE_REJECT)
            return after_failure(NO_ANSWER, received)._replace(note=NOTE_SINGLE_REJECT)
        if hunt_after is not None:
            stopped = timed_out and not fc.switch_true(knobs.continue_on_timeout)
            if not stopped and table.hunt_continues(fosr, cause):
                return _Shape(Outcome(hunt_after), None, AT_NEXT, NOTE_GROUP if group and received else "")
        shape = after_failure(cause, received)
        if group and received and shape.note in ("", NOTE_REMOTE):
            return shape._replace(note=NOTE_GROUP)
        return shape

    rows: dict[_Shape, tuple[set[int], set[Local]]] = {}
    redirected = _Shape(Outcome.NEW_PARTY, None, AT_BRIDGE, NOTE_REDIRECT)
    for cause, codes in table.by_cause().items():  # one decision per cause, not per code
        if not codes:
            continue
        rows.setdefault(decide(cause, True, False), (set(), set()))[0].update(codes - redirects)
        if codes & redirects:
            rows.setdefault(redirected, (set(), set()))[0].update(codes & redirects)
    rows.setdefault(decide(NO_ANSWER, False, True), (set(), set()))[1].add(Local.TIMEOUT)
    local = decide(LOCAL_CAUSE.get(tech, DEFAULT_LOCAL_CAUSE), False, False, created=False)
    rows.setdefault(local, (set(), set()))[1].add(Local.NO_DESTINATION)
    # The caller cancelled: originate stops and no later action runs (the A leg is gone).
    cancelled = _Shape(Outcome.END, CANCELLED_CODE, AT_BRIDGE, "")
    rows.setdefault(cancelled, (set(), set()))[1].add(Local.CANCELLED)
    made = [(shape, frozenset(codes), frozenset(locals_)) for shape, (codes, locals_) in rows.items()]
    made = [m for m in made if m[1] or m[2]]
    made.sort(key=lambda m: (min(m[1]) if m[1] else 1000, m[0].outcome.value))
    return tuple(made)


def _ended(engine: Engine, cause: str, passthrough: bool, at: str) -> _Shape:
    """END: the received code passed through, or hangup_cause_to_sip's code for `cause`."""
    if passthrough:
        return _Shape(Outcome.END, None, at, NOTE_REMOTE)
    found = engine.causes.get(cause)
    to_sip = (found.to_sip if found is not None else None) or engine.default_to_sip
    return _Shape(Outcome.END, to_sip, at, "")


def _list(value: object) -> Sequence[object]:
    return value if isinstance(value, list) else ()
