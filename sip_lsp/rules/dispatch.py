"""SC310: `Goto(prefix-${DIALSTATUS},1)` with a value no handler catches, or a handler no value reaches.

A missing handler makes the Goto fail: Asterisk hangs the call up with no
announcement. A handler whose suffix is no DIALSTATUS value never runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import Analysis, Finding, Related
from sip_lsp.rules.base import RuleContext

# The fact lists `check` reads: a part with none of them is not judged.
READS = ("dispatch_sites",)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for site in analysis.dispatch_sites:
        if site.missing:
            yield ctx.finding(
                "SC310",
                site.span,
                prefix=site.prefix,
                variable=site.variable,
                values=", ".join(site.missing),
                handlers=", ".join(site.prefix + v for v in site.missing),
            )
        for name, span in site.stray:
            yield ctx.finding(
                "SC310",
                span,
                "stray",
                handler=name,
                prefix=site.prefix,
                variable=site.variable,
                related=(
                    Related(
                        site.span,
                        ctx.catalog.rules["SC310"].text(
                            "dispatch", prefix=site.prefix, variable=site.variable
                        ),
                    ),
                ),
            )
