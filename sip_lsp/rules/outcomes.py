"""SC311, SC312, SC314: judgements over what happens to a call after a final response.

SC311 reads an outcome table (model.outcome); SC312 and SC314 read knobs the
Kamailio/OpenSIPS dialect records where the script's own order loses an effect:
a `t_on_failure` replaced before the relay or naming no route (`name`
"lost_failure_route" / "missing_failure_route", `value` the route, then the one
that replaced it; a KEMI script's `KSR.tm.t_on_failure` naming no function is
"missing_failure_function"), a reply header appended to the request (`name` "append_hf",
`value` the header).
"""

from __future__ import annotations

from sip_lsp.model import Finding, Knob, Outcome, OutcomeTable, Related
from sip_lsp.rules.context import NOTHING, Found, RuleContext

GLOBAL_FAILURES = frozenset(range(600, 700))  # RFC 3261 §16.7 steps 5 and 10
BUSY, CANCELLED = 486, 487  # RFC 3261 §21.4.24, §9.2
LOST, MISSING = "lost_failure_route", "missing_failure_route"
MISSING_FUNCTION = "missing_failure_function"  # KEMI: no function of that name
REQUEST_HEADER = "append_hf"


def sc311_failure_masked(table: OutcomeTable, ctx: RuleContext) -> Found:
    """A fixed reply where a 6xx, 486 or 487 should reach the caller."""
    found: list[Finding] = []
    for row in table.rows:
        if row.outcome is not Outcome.REPLY or row.reply is None or row.span is None:
            continue
        if row.reply < 400:
            continue  # 2xx: handled here (stored, queued); 3xx: a redirect is a forward, not a mask
        masked = frozenset(c for c in row.codes if _masks(row.reply, c))
        if not masked:
            continue
        related = [Related(span, ctx.text("SC311", "related-test")) for span in row.guards]
        related += [Related(span, ctx.text("SC311", "related-armed")) for span in table.armed_by]
        found.append(
            ctx.finding(
                "SC311",
                row.span,
                reply=ctx.code_label(row.reply),
                codes=ctx.code_list(masked, limit=4),
                related=tuple(related),
            )
        )
    return tuple(found)


def _masks(reply: int, code: int) -> bool:
    """`reply` sent in place of a received `code` the caller should see."""
    if code in GLOBAL_FAILURES:
        return reply not in GLOBAL_FAILURES  # another 6xx keeps "do not fail over"
    return code in (BUSY, CANCELLED) and reply != code


def sc312_failure_handler_lost(knob: Knob, ctx: RuleContext) -> Found:
    """A t_on_failure() replaced before the relay on some path, or naming no failure route."""
    if knob.name == MISSING:
        return (ctx.finding("SC312", knob.span, "missing", name=knob.value),)
    if knob.name == MISSING_FUNCTION:
        return (ctx.finding("SC312", knob.span, "missing-function", name=knob.value),)
    if knob.name != LOST:
        return NOTHING
    name, _, other = knob.value.partition(" ")
    return (ctx.finding("SC312", knob.span, name=name, other=f't_on_failure("{other}")'),)


def sc314_reply_header_on_request(knob: Knob, ctx: RuleContext) -> Found:
    """append_hf() of a reply header right before a reply: it goes to the request."""
    if knob.name != REQUEST_HEADER:
        return NOTHING
    return (ctx.finding("SC314", knob.span, header=knob.value),)
