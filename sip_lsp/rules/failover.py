"""SC301-SC305: can a failover run on a status that forbids it?

One code, one rule (DESIGN §4): a 6xx reaching a failover is SC301 only, 487
SC302, 486 SC303, 401/407 SC304.
"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import Analysis, Edit, FailoverKind, FailoverSite, Finding, Fix, Related, Span
from sip_lsp.rules.base import RuleContext

GLOBAL_FAILURES = frozenset(range(600, 700))  # RFC 3261 §16.7 steps 5 and 10
CANCELLED = 487  # RFC 3261 §9.2, §16.10
BUSY = 486  # RFC 3261 §21.4.24
CHALLENGES = frozenset({401, 407})  # RFC 3261 §22.2-22.3


# The fact lists `check` reads: a part with none of them is not judged.
READS = ("failover_sites", "knobs")


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for site in analysis.failover_sites:
        if site.follows_failover:
            continue  # the same retry: judged at the action that started it
        if not GLOBAL_FAILURES.isdisjoint(site.codes):
            yield _global(site, ctx)
        if CANCELLED in site.codes and site.cancel_applies:
            yield _cancel(site, ctx)
        if BUSY in site.codes and site.kind is FailoverKind.NEXT_DESTINATION and not site.rewrites_target:
            yield ctx.finding(
                "SC303",
                site.span,
                action=site.action,
                code=ctx.code_label(BUSY),
                related=_related(site, ctx, "SC303", armed=False),
            )
        if not site.authenticated and not site.rewrites_target and not CHALLENGES.isdisjoint(site.codes):
            yield ctx.finding(
                "SC304",
                site.span,
                action=site.action,
                codes=ctx.code_list(site.codes & CHALLENGES),
                related=_related(site, ctx, "SC304", armed=False),
            )
    for knob in analysis.knobs:
        if knob.disables_6xx_block:
            yield ctx.finding("SC305", knob.span, name=knob.name, value=knob.value)


def _global(site: FailoverSite, ctx: RuleContext) -> Finding:
    fixes = _guard(site, ctx, "SC301", "6xx")
    return ctx.finding(
        "SC301",
        site.span,
        action=site.action,
        codes=ctx.code_list(site.codes & GLOBAL_FAILURES),
        related=_related(site, ctx, "SC301"),
        fixes=fixes,
    )


def _cancel(site: FailoverSite, ctx: RuleContext) -> Finding:
    return ctx.finding(
        "SC302",
        site.span,
        action=site.action,
        code=ctx.code_label(CANCELLED),
        related=_related(site, ctx, "SC302"),
        fixes=_guard(site, ctx, "SC302", "cancel"),
    )


def _guard(site: FailoverSite, ctx: RuleContext, rule: str, kind: str) -> tuple[Fix, ...]:
    """The dialect's guard text for `kind`, inserted in front of the action."""
    guard = site.guard
    if guard is None or kind not in guard.texts:
        return ()
    edit = Edit(Span(guard.offset, guard.offset, guard.path), guard.texts[kind])
    return (Fix(ctx.fix_title(rule, "guard", action=site.action), (edit,)),)


def _related(site: FailoverSite, ctx: RuleContext, rule: str, armed: bool = True) -> tuple[Related, ...]:
    entry = ctx.catalog.rules[rule]
    related = [Related(span, entry.text("related-test")) for span in site.shaping_tests]
    if armed:
        related += [Related(span, entry.text("related-armed")) for span in site.armed_by]
        related += [Related(span, entry.text("related-via")) for span in site.via]
    return tuple(related)
