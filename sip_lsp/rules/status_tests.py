"""SC306-SC308: does a status test say what its author meant, where it stands?"""

from __future__ import annotations

from sip_lsp.model import FINAL_CODES, Edit, Fix, Span, StatusTest
from sip_lsp.rules.context import NOTHING, Found, RuleContext

# The tm pseudo-variable holding the winning reply's status in a failure route
# (Kamailio and OpenSIPS tm); `$rs` there reads the request (DESIGN §3).
REPLY_CODE_VARIABLE = "$T_reply_code"


def sc306_unanchored_status_pattern(test: StatusTest, ctx: RuleContext) -> Found:
    """A regex searched unanchored admits final codes beyond those its author named."""
    named = test.named
    if named is None or test.admits <= named:  # most patterns admit only what they name
        return NOTHING
    extra = (test.admits - named) & FINAL_CODES
    if test.possible is not None:
        extra &= test.possible
    if not extra:
        return NOTHING
    anchored = f"^({test.text})$"
    fixes: tuple[Fix, ...] = ()
    span = _pattern_span(test)
    if span and named & FINAL_CODES:  # anchoring a pattern that names no final code makes a dead test
        edit = Edit(span, anchored)
        fixes = (Fix(ctx.fix_title("SC306", "anchor", anchored=anchored), (edit,), safe=False),)
    extra_codes = ctx.code_list(extra, limit=4)
    return (ctx.finding("SC306", test.span, pattern=test.text, extra=extra_codes, fixes=fixes),)


def sc307_dead_status_test(test: StatusTest, ctx: RuleContext) -> Found:
    """A test no status possible where it stands can satisfy (200 in a failure route)."""
    if test.possible is None or not test.admits.isdisjoint(test.possible):
        return NOTHING
    key = "" if test.admits else "empty"
    admits = ctx.code_list(test.admits)
    return (ctx.finding("SC307", test.span, key, text=test.text, admits=admits, tags=("unnecessary",)),)


def sc308_reply_status_in_failure_route(test: StatusTest, ctx: RuleContext) -> Found:
    """`$rs` read in a failure route, where the current message is the request."""
    if not test.reads_request_status:
        return NOTHING
    fixes: tuple[Fix, ...] = ()
    if test.variable_span:
        edit = Edit(test.variable_span, REPLY_CODE_VARIABLE)
        fixes = (Fix(ctx.fix_title("SC308", "variable"), (edit,)),)
    span = test.variable_span or test.span
    return (ctx.finding("SC308", span, text=test.text, fixes=fixes),)


def _pattern_span(test: StatusTest) -> Span | None:
    """Where the pattern is written: `pattern_span`, or the test's span when it covers exactly the pattern."""
    if test.pattern_span:
        return test.pattern_span
    return test.span if test.span.end - test.span.start == len(test.text) else None
