"""One final status walked through a KEMI failure handler (model.simulation, issue 14 item 2).

Not a second interpreter: the table's own walk (flow.walk_handler) started from the
one status, with trails on, so each path remembers its steps (tests true or false,
helpers called, actions, replies, exits). The path that settled the status gives
the steps; the row is the table's row holding the status, made from the walk's own
decision so that a disagreement shows (tests compare it with the table).
"""

from __future__ import annotations

from sip_lsp.catalog import Catalog
from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.kemi import flow
from sip_lsp.dialects.kemi.ksr import ksr_for
from sip_lsp.dialects.kemi.values import Script
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable, Row, Simulation, Span

_LOCAL_CODES = dict(flow.LOCAL_CODES)
# The status tm's local cases carry (t_check_status sees 408 and 487).
_STATUS = {Local.TIMEOUT: "408", Local.CANCELLED: "487"}
_NOTES = {Local.TIMEOUT: "simulate_note_timeout", Local.CANCELLED: "simulate_note_cancelled"}


def simulate(
    text: str, ctx: DialectContext, table: OutcomeTable, code: int | None, local: Local | None
) -> Simulation | None:
    """Walk `code` (or the local case) through the handler of `table`; None when it is not in `text`."""
    from sip_lsp.dialects import kemi

    if table.kind != "kemi_failure":
        return None
    found = kemi.handler_of(text, ctx, table)
    if found is None:
        return None
    module, handler, file_text = found
    catalog = ctx.catalog if isinstance(ctx.catalog, Catalog) else None
    script = Script(module, ksr_for(catalog), file_text)
    if local is not None and local in _LOCAL_CODES:
        start = frozenset({_LOCAL_CODES[local]})
    elif local is Local.NO_DESTINATION:
        start = flow.START
    elif code is not None and code in FINAL_CODES:
        start = frozenset({code})
    else:
        return None
    status = str(code) if code is not None else _STATUS.get(local, "") if local is not None else ""
    enter = [("status", status)]
    if local is not None:
        enter.append(("local", local.value))
        if local in _NOTES:
            enter.append(("note", _NOTES[local]))
    walked = flow.walk_handler(
        script, handler, table.armed_by, None, flow.Result(), start, True, table.span.path, tuple(enter)
    )
    key = next(iter(start)) if len(start) == 1 else None
    decision: flow.Decision = (Outcome.FORWARD, None, None, ())
    trail: flow.Trail = ()
    if local is Local.NO_DESTINATION:
        if walked.no_destination is not None:
            decision, trail = walked.no_destination
    else:
        for codes, made, path in walked.settled:
            if key in codes:
                decision, trail = made, path
        trail = walked.ends.get(key or 0, trail)
    row = _row(table, code, local, decision, table.span.path)
    steps = tuple(trail)
    shown = code if code is not None else int(status) if status else None  # a local case's SIP code
    return Simulation(table, shown, local, steps, row)


def _row(
    table: OutcomeTable, code: int | None, local: Local | None, decision: flow.Decision, path: str | None
) -> Row:
    """The table's row the walk ended in; a row of its own when the table says otherwise."""
    outcome, reply, span, guards = decision
    if path is not None and span is not None:
        span = Span(span.start, span.end, path)
    listed = table.row_of(code, local)
    if listed is not None and (listed.outcome, listed.reply, listed.span) == (outcome, reply, span):
        return listed
    codes = frozenset({code}) if code is not None and local is None else frozenset()
    return Row(codes, frozenset({local}) if local is not None else frozenset(), outcome, reply, span, guards)
