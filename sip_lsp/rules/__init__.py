"""Facts + catalogue + settings -> findings (pure, dialect-free).

`run_rules` runs every rule module, keeps what the settings enable (with their
severity overrides), drops what inline `sip-lsp: disable=` comments hide, and
sorts by position. Dialect notes are not rules: `lint()` passes them on as is.

Every rule judges one fact at a time, so an analysis made of `parts` (see
model.PartedAnalysis) is judged part by part, and a part's findings are kept
in its Facts: after an edit only the parts that changed are judged again.
"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.catalog import Catalog
from sip_lsp.config import Settings
from sip_lsp.model import Analysis, Facts, Finding, replace, shifted
from sip_lsp.rules import causes, codes, dispatch, failover, replies, status_tests
from sip_lsp.rules.base import RuleContext
from sip_lsp.text import LineIndex

# Every rule module: `check(analysis, ctx) -> Iterable[Finding]`, and `READS`, the fact lists it reads.
RULE_MODULES = (codes, replies, failover, status_tests, causes, dispatch)


def run_rules(
    analysis: Analysis, catalog: Catalog, settings: Settings | None = None, lines: LineIndex | None = None
) -> list[Finding]:
    """`lines`: the line index of `analysis.text` when the caller has one (lint passes the server's)."""
    settings = settings or Settings()
    ctx = RuleContext(catalog)
    # Lines matter only for line suppressions; indexing a 100k-line text costs ~15 ms.
    if lines is None and analysis.suppressions.lines:
        lines = LineIndex(analysis.text)
    out: list[Finding] = []
    for finding in _findings(analysis, ctx):
        if not settings.enabled(finding.rule, finding.name):
            continue
        if _suppressed(finding, analysis, lines):
            continue
        level = settings.severity_for(finding.rule, finding.name)
        out.append(replace(finding, severity=level) if level else finding)
    out.sort(key=lambda f: (f.span.path or "", f.span.start, f.span.end, f.rule))
    return out


def _suppressed(finding: Finding, analysis: Analysis, lines: LineIndex | None) -> bool:
    """Hidden by a file-wide comment, or one on the finding's start line (this document only)."""
    sup = analysis.suppressions
    in_document = finding.span.path in (None, analysis.path)
    line = lines.position(finding.span.start)[0] if in_document and lines is not None else -1
    return any(sup.hides(key, line) for key in (finding.rule, finding.name))


def _findings(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    """Every rule's findings, before settings and suppressions apply."""
    if not analysis.parts:
        for module in RULE_MODULES:
            yield from module.check(analysis, ctx)
        return
    for facts, d in analysis.parts:
        for finding in _judged(facts, ctx):
            yield shifted(finding, d) if d else finding


def _judged(facts: Facts, ctx: RuleContext) -> tuple[Finding, ...]:
    """The findings of one part at the offsets its facts were made at, judged once per catalogue."""
    if facts.judged_by is not ctx.catalog:
        found: list[Finding] = []
        for module in RULE_MODULES:
            for name in module.READS:
                if getattr(facts, name):
                    found += module.check(facts, ctx)
                    break
        facts.judged = tuple(found)
        facts.judged_by = ctx.catalog
    return facts.judged
