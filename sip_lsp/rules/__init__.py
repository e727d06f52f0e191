"""Facts + catalogue + settings -> findings (pure, dialect-free).

`run_rules` runs every rule module, keeps what the settings enable (with their
severity overrides), drops what inline `sip-lsp: disable=` comments hide, and
sorts by position. Dialect notes are not rules: `lint()` passes them on as is.
"""
from __future__ import annotations

from dataclasses import replace

from sip_lsp.catalog import Catalog
from sip_lsp.config import Settings
from sip_lsp.model import Analysis, Finding
from sip_lsp.rules import causes, codes, dispatch, failover, replies, status_tests
from sip_lsp.rules.base import RuleContext
from sip_lsp.text import LineIndex

# Every rule module: `check(analysis, ctx) -> Iterable[Finding]`.
RULE_MODULES = (codes, replies, failover, status_tests, causes, dispatch)


def run_rules(analysis: Analysis, catalog: Catalog, settings: Settings | None = None) -> list[Finding]:
    settings = settings or Settings()
    ctx = RuleContext(catalog)
    # Lines matter only for line suppressions; indexing a 100k-line text costs ~10 ms.
    lines = LineIndex(analysis.text) if analysis.suppressions.lines else None
    out: list[Finding] = []
    for module in RULE_MODULES:
        for finding in module.check(analysis, ctx):
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
