"""SC315: a KSR function's 1/-1 result used as a truth value (KEMI scripts; -1 is true)."""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import Analysis, Edit, Finding, Fix, Related
from sip_lsp.rules.base import RuleContext

# What the message names when an always-true test lets every code through:
# 6xx (RFC 3261 §16.7), 486 (§21.4.24), 487 (§9.2).
_NOTABLE = frozenset({*range(600, 700), 486, 487})

# The fact lists `check` reads: a part with none of them is not judged. None: the kemi
# dialect hands `truth_uses` over on a whole Analysis, never in parts.
READS = ()


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for use in getattr(analysis, "truth_uses", ()):
        fix = Fix(
            ctx.fix_title("SC315", "compare", replacement=use.replacement),
            (Edit(use.span, use.replacement),),
            safe=False,
        )
        key, values, related = _consequence(use, ctx)
        yield ctx.finding(
            "SC315", use.span, key, function=use.function, fixes=(fix,), related=related, **values
        )


def _consequence(use, ctx: RuleContext) -> tuple[str, dict, tuple[Related, ...]]:
    """The message variant: what the constant test lets through or keeps from running."""
    entry = ctx.catalog.rules["SC315"]
    notable = use.codes & _NOTABLE
    if use.value and use.action and notable:
        related = (Related(use.action_span, entry.text("related-action")),) if use.action_span else ()
        return "failover", {"action": use.action, "codes": ctx.code_list(notable)}, related
    if use.value is False and use.action and not use.codes:
        related = (Related(use.action_span, entry.text("related-skipped")),) if use.action_span else ()
        return "skipped", {"action": use.action}, related
    if use.value is None:
        return "", {}, ()
    return ("always-true" if use.value else "always-false"), {}, ()
