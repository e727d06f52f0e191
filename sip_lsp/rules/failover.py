"""SC301-SC305: can a failover run on a status that forbids it?

One code, one rule (DESIGN §4): a 6xx reaching a failover is SC301 only, 487
SC302, 486 SC303, 401/407 SC304. A failover that follows an earlier one on
every path is the same retry, judged once at the action that started it.
"""

from __future__ import annotations

from sip_lsp.model import Edit, FailoverKind, FailoverSite, Fix, Knob, Outcome, Related, Span
from sip_lsp.rules.context import NOTHING, Found, RuleContext

GLOBAL_FAILURES = frozenset(range(600, 700))  # RFC 3261 §16.7 steps 5 and 10
CANCELLED = 487  # RFC 3261 §9.2, §16.10
BUSY = 486  # RFC 3261 §21.4.24
CHALLENGES = frozenset({401, 407})  # RFC 3261 §22.2-22.3


def sc301_retry_after_global_failure(site: FailoverSite, ctx: RuleContext) -> Found:
    """A failover reachable on a 6xx; the fix ends the handler on any 6xx first."""
    if site.destination is not Outcome.RETRY_SAME:
        return NOTHING  # another party rung (hunt, forward, fork) is not a retry
    if site.follows_failover or GLOBAL_FAILURES.isdisjoint(site.codes):
        return NOTHING
    codes = ctx.code_list(site.codes & GLOBAL_FAILURES)
    related = _related(site, ctx, "SC301")
    fixes = _guard(site, ctx, "SC301", "6xx")
    return (
        ctx.finding(
            "SC301",
            site.span,
            subject=site.action,
            action=site.action,
            codes=codes,
            related=related,
            fixes=fixes,
        ),
    )


def sc302_retry_after_cancel(site: FailoverSite, ctx: RuleContext) -> Found:
    """A new branch reachable after the caller cancelled (487)."""
    if site.destination is not Outcome.RETRY_SAME:
        return NOTHING  # another party rung (hunt, forward, fork) is not a retry
    if site.follows_failover or CANCELLED not in site.codes or not site.cancel_applies:
        return NOTHING
    code = ctx.code_label(CANCELLED)
    related = _related(site, ctx, "SC302")
    fixes = _guard(site, ctx, "SC302", "cancel")
    return (
        ctx.finding(
            "SC302",
            site.span,
            subject=site.action,
            action=site.action,
            code=code,
            related=related,
            fixes=fixes,
        ),
    )


def sc303_failover_on_busy(site: FailoverSite, ctx: RuleContext) -> Found:
    """The next gateway tried on 486: the callee was reached and is busy."""
    if site.destination is not Outcome.RETRY_SAME:
        return NOTHING  # another party rung (hunt, forward, fork) is not a retry
    if site.follows_failover or BUSY not in site.codes:
        return NOTHING
    if site.kind is not FailoverKind.NEXT_DESTINATION:
        return NOTHING  # a new branch to another target on busy is forwarding (voicemail)
    code = ctx.code_label(BUSY)
    related = _related(site, ctx, "SC303", armed=False)
    return (
        ctx.finding("SC303", site.span, subject=site.action, action=site.action, code=code, related=related),
    )


def sc304_failover_on_challenge(site: FailoverSite, ctx: RuleContext) -> Found:
    """A retry on 401/407 without answering the challenge."""
    if site.destination is not Outcome.RETRY_SAME:
        return NOTHING  # another party rung (hunt, forward, fork) is not a retry
    if site.follows_failover or site.authenticated:
        return NOTHING
    if CHALLENGES.isdisjoint(site.codes):
        return NOTHING
    codes = ctx.code_list(site.codes & CHALLENGES)
    related = _related(site, ctx, "SC304", armed=False)
    return (
        ctx.finding(
            "SC304", site.span, subject=site.action, action=site.action, codes=codes, related=related
        ),
    )


def sc305_6xx_block_disabled(knob: Knob, ctx: RuleContext) -> Found:
    """disable_6xx_block=1 (or t_set_disable_6xx): tm forks again after a 6xx."""
    if not knob.disables_6xx_block:
        return NOTHING
    return (ctx.finding("SC305", knob.span, name=knob.name, value=knob.value),)


def _guard(site: FailoverSite, ctx: RuleContext, rule: str, kind: str) -> tuple[Fix, ...]:
    """The dialect's guard text for `kind`, inserted in front of the action."""
    guard = site.guard
    if guard is None or kind not in guard.texts:
        return ()
    edit = Edit(Span(guard.offset, guard.offset, guard.path), guard.texts[kind])
    return (Fix(ctx.fix_title(rule, "guard", action=site.action), (edit,)),)


def _related(site: FailoverSite, ctx: RuleContext, rule: str, armed: bool = True) -> tuple[Related, ...]:
    """The tests that let the status through; with `armed`, where the handler is armed and reached."""
    related = [Related(span, ctx.text(rule, "related-test")) for span in site.shaping_tests]
    if armed:
        related += [Related(span, ctx.text(rule, "related-armed")) for span in site.armed_by]
        related += [Related(span, ctx.text(rule, "related-via")) for span in site.via]
    return tuple(related)
