"""One final status walked through a FreeSWITCH `bridge` and what follows it (issue 14 item 2).

The steps, in the order FreeSWITCH takes them (docs/engine-semantics.md §4; outcome.py):
1. sofia turns the failure response into a hangup cause (sofia_glue_sip_cause_to_freeswitch),
   or follows a 3xx to its Contact; Dial's timeout is NO_ANSWER, no leg at all the
   endpoint's own cause;
2. switch_ivr_originate: with a next `|` element, fail_on_single_reject (or the timeout
   without originate_continue_on_timeout) says whether it is dialled;
3. switch_channel_handle_cause: continue_on_fail / failure_causes say whether the dialplan
   goes on past the failed bridge, to the action that follows (transfer, voicemail,
   playback, respond, hangup CAUSE, a second bridge);
4. at the end, what the caller receives: the other leg's code passed through by
   sofia_on_hangup, or with sip_ignore_remote_cause=true hangup_cause_to_sip's code.
The decisions are outcome.decide's own, traced; the row is the table's row for the status.

Step values: the ones the `simulate_step_*` headings format (status, local, target, to,
outcome, code, note: a heading key that says why) and more for JSON readers: ENTER app,
target, status/local; MAP from, to, by, note (passthrough: the received code is sent);
TEST_TRUE/TEST_FALSE app, test (the variable), value ("" when unset), cause, note; ACTION
app, args, outcome (target: the next `|` element); EXIT app, cause, or outcome, code.
"""

from __future__ import annotations

import re

from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.common.simulation import entered
from sip_lsp.dialects.freeswitch import _table, bridge_points
from sip_lsp.dialects.freeswitch import outcome as fo
from sip_lsp.model import Local, OutcomeTable, Row, Simulation, Span, Step, StepKind

_ACTION = re.compile(r'\bapplication\s*=\s*"([^"]*)"(?:.*?\bdata\s*=\s*"([^"]*)")?', re.S)


def simulate(
    text: str, ctx: DialectContext, table: OutcomeTable, code: int | None, local: Local | None
) -> Simulation | None:
    """Walk `code` (or the local case) through the bridge of `table`; None when it is not in `text`."""
    causes = _table(ctx.catalog)
    if causes is None or table.kind != "bridge":
        return None
    row = table.row_of(code, local)
    if row is None:
        return None
    found = next((p for p in bridge_points(text, ctx) if p[0].where[fo.AT_BRIDGE] == table.span), None)
    if found is None:
        return None
    at, ds = found
    status = entered(code, local, "simulate_note_fs_no_destination" if local is Local.NO_DESTINATION else "")
    steps = [Step(table.span, StepKind.ENTER, (("app", "bridge"), ("target", table.name), *status))]
    facts: list[tuple[str, str]] = []
    if local is Local.CANCELLED:  # originate stops; no later action runs (the A leg is gone)
        facts.append(("simulate_fact_cause", "ORIGINATOR_CANCEL"))
        ended = (
            ("outcome", row.outcome.value),
            ("code", str(row.reply)),
            ("note", "simulate_note_fs_cancelled"),
        )
        steps.append(Step(table.span, StepKind.EXIT, ended))
        return _made(table, code, local, steps, row, facts)
    if code is not None and code in fo.redirect_codes(causes.engine):  # a new INVITE to the Contact
        steps.append(_map(str(code), "Contact", fo.NOTE_REDIRECT))
        steps.append(Step(table.span, StepKind.ACTION, (("app", "bridge"), ("outcome", row.outcome.value))))
        return _made(table, code, local, steps, row, facts)
    if local is Local.TIMEOUT:
        cause = fo.NO_ANSWER
    elif local is Local.NO_DESTINATION:
        cause = fo.LOCAL_CAUSE.get(at.tech, fo.DEFAULT_LOCAL_CAUSE)
    elif code is not None and code in causes.cause_of:
        cause = causes.cause_of[code]
    else:
        return None
    origin = str(code) if code is not None else local.value if local is not None else ""
    steps.append(_map(origin, cause, _WHY.get(local, "") if local is not None else "simulate_note_fs_cause"))
    facts.append(("simulate_fact_cause", cause))
    trace: list[fo.Traced] = []
    received, timed_out, created = code is not None, local is Local.TIMEOUT, local is not Local.NO_DESTINATION
    fo.decide(
        causes, at.knobs, at.hunt_after, at.following, at.group, cause, received, timed_out, created, trace
    )
    following = _following(text, at.where[fo.AT_FOLLOWING])
    groups = ds.threads[0] if ds.threads else ()
    after = ",".join(leg.text for leg in groups[1]) if len(groups) > 1 else ""
    for kind, where, traced in trace:
        span, values = at.where[where], traced
        if where == fo.AT_NEXT and kind is StepKind.ACTION:
            values = (*values, ("target", after))
            facts.append(("simulate_fact_next_target", after))
        elif where == fo.AT_FOLLOWING and kind in (StepKind.ACTION, StepKind.REPLY):
            values = (*following, *values)
            if dict(following).get("app") in fo.HANDED_ON:  # transfer, execute_extension, a script
                values = (*values, ("note", "simulate_note_fs_handed_on"))
        elif kind is StepKind.MAP and ("passthrough", "true") in values and code is not None:
            values = (values[0], ("to", str(code)), *values[1:])  # the received code itself
        steps.append(Step(span, kind, values))
    return _made(table, code, local, steps, row, facts)


_WHY = {Local.TIMEOUT: "simulate_note_fs_timeout"}  # no destination: the first step says it


def _map(origin: str, to: str, note: str) -> Step:
    """What sofia makes of the status by itself (no line): a cause, or a new INVITE to the Contact."""
    return Step(
        None,
        StepKind.MAP,
        (("from", origin), ("to", to), ("by", "sofia"), *((("note", note),) if note else ())),
    )


def _following(text: str, span: Span | None) -> tuple[tuple[str, str], ...]:
    """The application and data of the action the dialplan goes on to (a bridge's span is its data)."""
    if span is None or span.path is not None:
        return ()
    written = text[span.start : span.end]
    m = _ACTION.search(written) if written.lstrip().startswith("<") else None
    if m is None:
        return (("app", "bridge"), ("args", written.strip()))
    return (("app", m.group(1).strip()), ("args", (m.group(2) or "").strip()))


def _made(
    table: OutcomeTable,
    code: int | None,
    local: Local | None,
    steps: list[Step],
    row: Row,
    facts: list[tuple[str, str]],
) -> Simulation:
    return Simulation(table, code, local, tuple(steps), row, tuple(facts))
