"""SC309 unknown-cause: a cause token the engine does not know never matches.

Engine-neutral: a dialect reports every cause token as a CauseSite with the
canonical cause, or None when the engine's own lookup would not find it
(FreeSWITCH continue_on_fail=TIMEOUT, Asterisk Hangup(BUSY)). The fix offered
is a guess, so it is never applied by `--fix`: the cause a SIP code maps to
when the token is one (603 -> CALL_REJECTED), or a near spelling.
"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import Analysis, CauseSite, Edit, Finding, Fix
from sip_lsp.rules.base import RuleContext

RULE = "SC309"
_CLOSE = 0.85  # difflib ratio for a typo-level near spelling


# The fact lists `check` reads: a part with none of them is not judged.
READS = ("cause_sites",)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for site in analysis.cause_sites:
        if site.cause is None:
            yield _unknown(site, ctx)


def _unknown(site: CauseSite, ctx: RuleContext) -> Finding:
    entry = ctx.catalog.rules[RULE]
    engine = entry.messages.get(f"engine.{site.engine}", site.engine)
    key = "hangup" if site.context.lower() == "hangup" else ""
    guess = _guess(site, ctx)
    fixes = ()
    if guess:
        fixes = (Fix(ctx.fix_title(RULE, "replace", cause=guess), (Edit(site.span, guess),), safe=False),)
    return ctx.finding(
        RULE, site.span, key, fixes=fixes, token=site.token, engine=engine, context=site.context
    )


def _guess(site: CauseSite, ctx: RuleContext) -> str | None:
    engine = ctx.catalog.engines.get(site.engine)
    if engine is None:
        return None
    token = site.token.strip()
    if token.isdigit() and len(token) == 3 and 300 <= int(token) <= 699:
        cause = engine.cause_for_sip(int(token))
        return cause.name if cause else None
    import difflib  # only for an unknown cause; keeps `check` start-up lean

    close = difflib.get_close_matches(token.upper(), list(engine.causes), n=1, cutoff=_CLOSE)
    return close[0] if close else None
