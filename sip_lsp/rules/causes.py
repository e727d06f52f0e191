"""SC309 unknown-cause: a cause token the engine does not know never matches.

Engine-neutral: a dialect reports every cause token as a CauseSite with the
canonical cause, or None when the engine's own lookup would not find it
(FreeSWITCH continue_on_fail=TIMEOUT, Asterisk Hangup(BUSY)). The fix offered
is a guess, so it is never applied by `--fix`: the cause a SIP code maps to
when the token is one (603 -> CALL_REJECTED), or a near spelling.
"""

from __future__ import annotations

from sip_lsp.model import CauseSite, Edit, Fix
from sip_lsp.rules.context import NOTHING, Found, RuleContext

_CLOSE = 0.85  # difflib ratio for a typo-level near spelling
# The contexts the Asterisk dialect gives a Hangup on an unanswered channel (dialects/asterisk/facts.py).
_UNANSWERED = {"Hangup:unanswered": "", "Hangup:after-timeout": "after_dial"}


def sc309_unknown_cause(site: CauseSite, ctx: RuleContext) -> Found:
    """A cause name or number the engine's lookup does not find."""
    if site.cause is not None:
        return NOTHING
    engine = ctx.catalog.rules["SC309"].messages.get(f"engine.{site.engine}", site.engine)
    key = "hangup" if site.context.lower() == "hangup" else ""
    if site.engine == "asterisk" and site.context == "HANGUPCAUSE" and _dialstatus(site.token, ctx):
        key = "dialstatus"  # `"${HANGUPCAUSE}" = "BUSY"`: a DIALSTATUS value where a cause is read
    guess = _guess(site, ctx)
    fixes: tuple[Fix, ...] = ()
    if guess:
        title = ctx.fix_title("SC309", "replace", cause=guess)
        fixes = (Fix(title, (Edit(site.span, guess),), safe=False),)
    finding = ctx.finding(
        "SC309", site.span, key, fixes=fixes, token=site.token, engine=engine, context=site.context
    )
    return (finding,)


def _guess(site: CauseSite, ctx: RuleContext) -> str | None:
    engine = ctx.catalog.engines.get(site.engine)
    if engine is None:
        return None
    token = site.token.strip()
    if token.isdigit() and len(token) == 3 and 300 <= int(token) <= 699:
        cause = engine.cause_for_sip(int(token))
        return str(cause.name) if cause else None
    # Only an unknown cause name reaches here: every other `check` skips difflib (with heapq), ~1.5 % of it.
    import difflib

    close = difflib.get_close_matches(token.upper(), list(engine.causes), n=1, cutoff=_CLOSE)
    return close[0] if close else None


def sc313_hangup_sends_decline(site: CauseSite, ctx: RuleContext) -> Found:
    """Asterisk Hangup() on an unanswered channel whose cause chan_pjsip cannot map: 603 Decline upstream.

    The code comes from the engine's table (cause -> to_sip, else default_to_sip), never from here.
    """
    key = _UNANSWERED.get(site.context)
    engine = ctx.catalog.engines.get(site.engine)
    if key is None or engine is None or site.cause is None:
        return NOTHING
    cause = engine.cause(site.cause)
    code = cause.to_sip if cause is not None and cause.to_sip else engine.default_to_sip
    if code is None or code < 600:
        return NOTHING
    number = cause.number if cause is not None else site.cause
    return (ctx.finding("SC313", site.span, key, app="Hangup", code=code, cause=number),)


def _dialstatus(token: str, ctx: RuleContext) -> bool:
    engine = ctx.catalog.engines.get("asterisk")
    return engine is not None and token.strip().upper() in engine.dialstatus
