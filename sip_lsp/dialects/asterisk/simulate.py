"""One final status walked through a Dial() and the priorities after it (issue 14 item 2).

The steps, in the order Asterisk takes them (docs/engine-semantics.md §3):
1. the callee's SIP code -> hangup cause (chan_pjsip ast_sip_hangup_sip2cause; chan_sip
   hangup_sip2cause differs only where the catalogue says so) -> DIALSTATUS (app_dial
   handle_cause) and HANGUPCAUSE (the cause wait_for_answer copies onto the caller);
2. the priorities after the Dial, walked by the flow's own walker (`Flow.walk_from` with
   its trace on): GotoIf/GosubIf/ExecIf/While tests true or false, Goto/Gosub/Macro/Return
   jumps, and where the walk stops: another Dial (retry-same / new-party), a media
   application, Hangup()/Busy()/Congestion()/PJSIPHangup() or the end of the extension;
3. at the end of the call, the code the channel driver then sends (outcomes.replies: the
   cause's hangup_cause2sip entry, 603 when it has none, autofallthrough's 486/503).
Dial's timeout walks as NOANSWER with no cause; the caller's CANCEL ends the dialplan.
The row is the table's own row for the status: the walk explains it, never re-decides it.

Step values: the ones the `simulate_step_*` headings format (status, local, target, to,
outcome, code, note: a heading key that says why) and more for JSON readers: ENTER app,
target, status/local; MAP from, to, by, note (and `default`: the driver's fallback code);
TEST_TRUE/TEST_FALSE app, test; CALL app, target (the extension a DIALSTATUS dispatch
reaches put in), exten; ACTION/EXIT app, args, outcome; a walk that never left the Dial
ends with EXIT outcome, code.
"""

from __future__ import annotations

from sip_lsp.catalog import Engine, EngineCause
from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.asterisk import _index, _is_ael, ael, chunks
from sip_lsp.dialects.asterisk.engine import Tables, hangup_cause, tables
from sip_lsp.dialects.asterisk.flow import Flow, Index
from sip_lsp.dialects.asterisk.outcomes import _FALLTHROUGH, TIMEOUT, replies, to_sip
from sip_lsp.dialects.asterisk.parse import Ext, split_top
from sip_lsp.dialects.asterisk.parse import Step as DialStep
from sip_lsp.dialects.common.includes import Includes
from sip_lsp.dialects.common.simulation import entered
from sip_lsp.model import Local, Outcome, OutcomeTable, PartedAnalysis, Row, Simulation, Span, Step, StepKind

DRIVERS = ("pjsip", "sip")  # chan_pjsip, chan_sip: the fact keys' suffixes
_NO_CAUSE = "0"  # ${HANGUPCAUSE} of a channel no callee cause was copied to (Dial's timeout)


def simulate(
    text: str, ctx: DialectContext, table: OutcomeTable, code: int | None, local: Local | None
) -> Simulation | None:
    """Walk `code` (or the local case) through the Dial() of `table`; None when it is not in `text`."""
    t = tables(ctx.catalog)
    if t is None or table.kind != "dial":
        return None
    row = table.row_of(code, local)
    if row is None:
        return None
    walked_from = _dials(text, ctx, t)
    if walked_from is None:
        return None
    dials, index = walked_from
    found = next(((ext, i) for ext, i in dials if ext.steps[i].span == table.span), None)
    if found is None:
        return None
    ext, i = found
    status = entered(code, local, "simulate_note_ast_no_channel" if local is Local.NO_DESTINATION else "")
    steps = [Step(table.span, StepKind.ENTER, (("app", ext.steps[i].app), ("target", table.name), *status))]
    facts: list[tuple[str, str]] = []
    if local is Local.CANCELLED:  # Dial() returns -1: the dialplan does not go on
        steps.append(_map("CANCEL", "DIALSTATUS=CANCEL", "app_dial", "simulate_note_ast_cancelled"))
        facts += [(f"simulate_fact_dialstatus_{d}", "CANCEL") for d in DRIVERS]
        steps.append(_sent_step(row))
        return _made(table, code, local, steps, row, facts)
    if local is Local.NO_DESTINATION:  # no channel could be requested: the cause varies
        facts += [(f"simulate_fact_dialstatus_{d}", "CHANUNAVAIL") for d in DRIVERS]
        steps.append(_map("-", "DIALSTATUS=CHANUNAVAIL", "app_dial", "simulate_note_ast_dialstatus"))
        steps.append(_sent_step(row))
        return _made(table, code, local, steps, row, facts)
    walked = TIMEOUT if local is Local.TIMEOUT else code
    if walked is None:
        return None
    pjsip_cause = _status_steps(t, walked, steps, facts)
    flow = Flow(t, index)
    flow.trace = []
    flow.walk_from(ext, i, frozenset({walked}))
    ends = {(e.step.span if e.step is not None else None): e.step for e in flow.events}
    for kind, tagged, values in flow.trace:
        span = tagged.span if tagged is not None else None
        if kind is StepKind.CALL and _compiled_label(dict(values).get("target", "")):
            continue  # AEL's if/switch/loop compiled to a jump: the test before it says it all
        steps.append(Step(span, kind, values))
        if kind is StepKind.EXIT and dict(values).get("outcome") == Outcome.END.value:
            steps.append(_hangup_step(t, ends.get(span), walked, pjsip_cause))
    return _made(table, code, local, steps, row, facts)


def _dials(text: str, ctx: DialectContext, t: Tables) -> tuple[list[tuple[Ext, int]], Index] | None:
    """Every Dial() of the document (an extensions.conf read whole, includes too; an AEL file
    compiled) and the index of contexts and Gosub callers the walks read, as a cold analysis has them."""
    if _is_ael(text, ctx.path):
        return ael.compiled_dials(text)
    piece = chunks.whole(text, t, Includes(ctx, PartedAnalysis("asterisk", text, ctx.path, comment=";")))
    return piece.local.dials, _index([(0, piece)])[0]


def _compiled_label(target: str) -> bool:
    """A jump to a label ael_steps made up (`~then-1~`, `~case-4~`), not one the user wrote."""
    return target.split(",")[-1].startswith("~") and "~~s~~" not in target


def _made(
    table: OutcomeTable,
    code: int | None,
    local: Local | None,
    steps: list[Step],
    row: Row,
    facts: list[tuple[str, str]],
) -> Simulation:
    return Simulation(table, code, local, tuple(steps), row, tuple(facts))


def _status_steps(
    t: Tables, code: int, steps: list[Step], facts: list[tuple[str, str]]
) -> EngineCause | None:
    """The MAP steps code -> cause -> DIALSTATUS/HANGUPCAUSE and the facts per channel driver.

    Returns chan_pjsip's cause (None for Dial's own timeout: no cause copied).
    """
    engine = t.engine
    found: EngineCause | None = None
    for driver in DRIVERS:
        cause = None if code == TIMEOUT else cause_for_sip(engine, code, driver)
        status = "NOANSWER" if cause is None else dialstatus(engine, cause.name)
        hangupcause = _NO_CAUSE if cause is None else str(cause.number)
        facts.append((f"simulate_fact_dialstatus_{driver}", status))
        facts.append((f"simulate_fact_hangupcause_{driver}", hangupcause))
        if driver != "pjsip":
            continue
        found = cause
        if cause is not None:
            steps.append(_map(str(code), _named(cause), "chan_pjsip", "simulate_note_ast_cause"))
            origin, why = _named(cause), ("simulate_note_ast_dialstatus", "simulate_note_ast_hangupcause")
        else:
            origin, why = Local.TIMEOUT.value, ("simulate_note_ast_timeout", "simulate_note_ast_no_cause")
        steps.append(_map(origin, f"DIALSTATUS={status}", "app_dial", why[0]))
        steps.append(_map(origin, f"HANGUPCAUSE={hangupcause}", "app_dial", why[1]))
    return found


def _map(origin: str, to: str, by: str, note: str, span: Span | None = None, *more: tuple[str, str]) -> Step:
    """A MAP step: `origin` becomes `to` in `by` (no span: the engine does it by itself)."""
    return Step(span, StepKind.MAP, (("from", origin), ("to", to), ("by", by), *more, ("note", note)))


def cause_for_sip(engine: Engine, code: int, driver: str) -> EngineCause | None:
    """The cause a channel driver derives from a callee's SIP failure (`pjsip` or `sip`)."""
    if driver != "sip":
        return engine.cause_for_sip(code)
    for cause in engine.causes.values():
        listed = cause.from_sip if cause.from_sip_chan_sip is None else cause.from_sip_chan_sip
        if code in listed:
            return cause
    name = engine.default_from_sip.get(f"{code // 100}xx") or engine.default_from_sip.get("other")
    return engine.cause(name) if name else None


def dialstatus(engine: Engine, cause: str) -> str:
    """app_dial's DIALSTATUS after one callee failed with `cause` (handle_cause)."""
    other = ""
    for value, status in engine.dialstatus.items():
        if cause in status.causes:
            return value
        if status.other_causes:
            other = value
    return other


def _named(cause: EngineCause) -> str:
    return f"{cause.name} ({cause.number})"


def _hangup_step(t: Tables, step: DialStep | None, code: int, cause: EngineCause | None) -> Step:
    """What the channel driver sends when the call ends at `step` (None: the end of the extension).

    The code is outcomes.replies' (the table's); the values say where it comes from.
    """
    sent = replies(t, step, frozenset({code}))
    reply = str(sent[0][0]) if sent and sent[0][0] is not None else "?"
    name = step.name if step is not None else ""
    span = step.span if step is not None else None
    if step is not None and name != "hangup":  # Busy(), Congestion(), PJSIPHangup(): the application's code
        return _map(f"{step.app}({step.args})", reply, step.app, "simulate_note_ast_app_sends", span)
    status = "NOANSWER" if cause is None else dialstatus(t.engine, cause.name)
    if step is None and status in _FALLTHROUGH:  # pbx_builtins indicate_busy / indicate_congestion
        return _map(f"DIALSTATUS={status}", reply, "autofallthrough", "simulate_note_ast_fallthrough")
    arg = split_top(step.args, ",")[0][1].strip() if step is not None else ""
    named = hangup_cause(t, arg) if arg and "${" not in arg else None
    if named is not None:
        cause = t.engine.cause(named)
    elif cause is None:  # no callee cause was copied: Hangup() sets NORMAL_CLEARING
        cause = t.engine.cause(str(t.engine.fact("hangup_default_cause", "NORMAL_CLEARING")))
    origin = _named(cause) if cause is not None else "-"
    if cause is not None and cause.to_sip is None:  # hangup_cause2sip has no entry: 603
        return _map(
            origin, reply, "chan_pjsip", "simulate_note_ast_unmapped", span, ("default", str(to_sip(t, None)))
        )
    return _map(origin, reply, "chan_pjsip", "simulate_note_ast_hangup_sends", span)


def _sent_step(row: Row) -> Step:
    """The step that ends a walk that never left the Dial: the row's outcome and the code sent."""
    values = [("outcome", row.outcome.value)]
    if row.reply is not None:
        values.append(("code", str(row.reply)))
    kind = StepKind.REPLY if row.outcome is Outcome.REPLY else StepKind.EXIT
    return Step(row.span, kind, tuple(values))
