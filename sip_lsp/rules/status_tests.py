"""SC306-SC308: does a status test say what its author meant, where it stands?"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import FINAL_CODES, Analysis, Edit, Finding, Fix, StatusTest
from sip_lsp.rules.base import RuleContext

# The tm pseudo-variable holding the winning reply's status in a failure route
# (Kamailio and OpenSIPS tm); `$rs` there reads the request (DESIGN §3).
REPLY_CODE_VARIABLE = "$T_reply_code"


# The fact lists `check` reads: a part with none of them is not judged.
READS = ("status_tests",)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for test in analysis.status_tests:
        if test.named is not None:
            finding = _unanchored(test, ctx)
            if finding:
                yield finding
        if test.possible is not None and test.admits.isdisjoint(test.possible):
            key = "" if test.admits else "empty"
            yield ctx.finding(
                "SC307",
                test.span,
                key,
                text=test.text,
                admits=ctx.code_list(test.admits),
                tags=("unnecessary",),
            )
        if test.reads_request_status:
            fixes = ()
            if test.variable_span:
                edit = Edit(test.variable_span, REPLY_CODE_VARIABLE)
                fixes = (Fix(ctx.fix_title("SC308", "variable"), (edit,)),)
            span = test.variable_span or test.span
            yield ctx.finding("SC308", span, text=test.text, fixes=fixes)


def _unanchored(test: StatusTest, ctx: RuleContext) -> Finding | None:
    """SC306: final codes the unanchored search admits beyond those named."""
    named = test.named or frozenset()
    if test.admits <= named:  # most patterns admit only what they name: no set to build
        return None
    extra = (test.admits - named) & FINAL_CODES
    if test.possible is not None:
        extra &= test.possible
    if not extra:
        return None
    anchored = f"^({test.text})$"
    fixes = ()
    # Anchoring a pattern that names no final code would make a dead test.
    span = _pattern_span(test)
    if span and named & FINAL_CODES:
        edit = Edit(span, anchored)
        fixes = (Fix(ctx.fix_title("SC306", "anchor", anchored=anchored), (edit,), safe=False),)
    return ctx.finding(
        "SC306", test.span, pattern=test.text, extra=ctx.code_list(extra, limit=4), fixes=fixes
    )


def _pattern_span(test: StatusTest):
    """Where the pattern is written: `pattern_span`, or the test's span when it covers exactly the pattern."""
    if test.pattern_span:
        return test.pattern_span
    return test.span if test.span.end - test.span.start == len(test.text) else None
