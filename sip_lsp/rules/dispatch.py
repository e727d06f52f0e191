"""SC310: `Goto(prefix-${DIALSTATUS},1)` with a value no handler catches, or a handler no value reaches.

A missing handler makes the Goto fail: Asterisk hangs the call up with no
announcement. A handler whose suffix is no DIALSTATUS value never runs.
"""

from __future__ import annotations

from sip_lsp.model import DispatchSite, Finding, Related
from sip_lsp.rules.context import Found, RuleContext


def sc310_dialstatus_dispatch(site: DispatchSite, ctx: RuleContext) -> Found:
    """One finding for the values with no handler, one per handler no value reaches."""
    found: list[Finding] = []
    prefix, variable = site.prefix, site.variable
    if site.missing:
        values = ", ".join(site.missing)
        handlers = ", ".join(prefix + value for value in site.missing)
        found.append(
            ctx.finding(
                "SC310", site.span, prefix=prefix, variable=variable, values=values, handlers=handlers
            )
        )
    if site.stray:
        goto = Related(site.span, ctx.text("SC310", "dispatch", prefix=prefix, variable=variable))
        for name, span in site.stray:
            found.append(
                ctx.finding(
                    "SC310", span, "stray", handler=name, prefix=prefix, variable=variable, related=(goto,)
                )
            )
    return found
