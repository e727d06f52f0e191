"""SC315: a KSR function's 1/-1 result used as a truth value (KEMI scripts, where -1 is true)."""

from __future__ import annotations

from sip_lsp.model import Edit, Fix, Related, TruthUse
from sip_lsp.rules.context import Found, RuleContext

# What the message names when an always-true test lets every code through:
# 6xx (RFC 3261 §16.7), 486 (§21.4.24), 487 (§9.2).
_NOTABLE = frozenset({*range(600, 700), 486, 487})


def sc315_ksr_result_as_boolean(use: TruthUse, ctx: RuleContext) -> Found:
    """`if KSR.tm.t_check_status(re):` holds on -1 too; the message says what that lets through."""
    title = ctx.fix_title("SC315", "compare", replacement=use.replacement)
    fix = Fix(title, (Edit(use.span, use.replacement),), safe=False)
    notable = use.codes & _NOTABLE
    if use.value and use.action and notable:
        related = _related(use, ctx, "related-action")
        codes = ctx.code_list(notable)
        return (
            ctx.finding(
                "SC315",
                use.span,
                "failover",
                function=use.function,
                action=use.action,
                codes=codes,
                fixes=(fix,),
                related=related,
            ),
        )
    if use.value is False and use.action and not use.codes:
        related = _related(use, ctx, "related-skipped")
        return (
            ctx.finding(
                "SC315",
                use.span,
                "skipped",
                function=use.function,
                action=use.action,
                fixes=(fix,),
                related=related,
            ),
        )
    key = "" if use.value is None else "always-true" if use.value else "always-false"
    return (ctx.finding("SC315", use.span, key, function=use.function, fixes=(fix,)),)


def _related(use: TruthUse, ctx: RuleContext, key: str) -> tuple[Related, ...]:
    """The call the constant test lets every code reach, or keeps from running."""
    return (Related(use.action_span, ctx.text("SC315", key)),) if use.action_span else ()
