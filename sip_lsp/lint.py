"""The one call the CLI and the server share: text -> analysis -> findings.

The only orchestrator: detects the dialect once, analyses, judges the analysis
part by part (keeping each part's findings while its Facts live), and applies
the settings. Also applies fixes to a text (`check --fix`, `source.fixAll`): non-overlapping
safe fixes, re-analysed until nothing more applies.
"""

from __future__ import annotations

from collections.abc import Callable

from sip_lsp import dialects
from sip_lsp.catalog import Catalog
from sip_lsp.config import Settings
from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.gcpause import without_gc
from sip_lsp.model import NO_POLICY, Analysis, Facts, Finding, Fix, Note, Policy
from sip_lsp.rules import RuleContext, apply_settings, judge
from sip_lsp.text import LineIndex

# `check --fix` re-analyses after each pass; a fix that keeps producing fixes stops here.
MAX_FIX_PASSES = 5


class LintResult:
    __slots__ = ("analysis", "findings", "notes", "too_large")

    def __init__(
        self,
        analysis: Analysis,
        findings: list[Finding] | None = None,
        notes: list[Note] | None = None,
        too_large: bool = False,  # over settings.max_file_size: not analysed
    ) -> None:
        self.analysis = analysis
        self.findings = [] if findings is None else findings
        self.notes = [] if notes is None else notes
        self.too_large = too_large


class FindingsCache:
    """Each part's findings by its Facts object: after an edit only the new parts are judged.

    Rules are pure, so a part's findings depend only on its facts, the catalogue,
    the dialect and the policy: they are kept at the offsets the facts were made at and
    shifted with the part. Parts the document no longer has are dropped once
    they outnumber the ones it has, so nothing outlives the document's own Facts
    for long.
    """

    __slots__ = ("catalog", "dialect", "policy", "by_facts")

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.dialect = ""
        self.policy = NO_POLICY
        self.by_facts: dict[Facts, list[Finding]] = {}

    def findings(self, analysis: Analysis, catalog: Catalog, policy: Policy = NO_POLICY) -> list[Finding]:
        """Every rule's findings on `analysis`, at document offsets, before settings apply."""
        ctx = RuleContext(catalog, analysis.dialect, policy)
        if not analysis.parts:
            return judge(analysis, ctx)
        if catalog is not self.catalog or analysis.dialect != self.dialect or policy != self.policy:
            self.catalog, self.dialect, self.policy, self.by_facts = catalog, analysis.dialect, policy, {}
        by_facts = self.by_facts
        out: list[Finding] = []
        for facts, shift in analysis.parts:
            found = by_facts.get(facts)
            if found is None:
                found = by_facts[facts] = judge(facts, ctx)
            if found:
                out += [f.shift(shift) for f in found] if shift else found
        if len(by_facts) > 2 * len(analysis.parts):
            current = {facts for facts, _ in analysis.parts}
            self.by_facts = {facts: found for facts, found in by_facts.items() if facts in current}
        return out


class DocumentCache:
    """What one document's lints keep for the next: the dialect's blocks and each part's findings.

    The server keeps one per open document and drops it on close; the CLI makes one per
    file. Nothing learnt from one document reaches another.
    """

    __slots__ = ("blocks", "findings")

    def __init__(self) -> None:
        self.blocks = BlockCache()
        self.findings = FindingsCache()


def lint(
    text: str,
    path: str | None,
    settings: Settings,
    catalog: Catalog,
    read: Callable[[str], str | None] | None = None,
    root: str | None = None,
    dialect: str | None = None,
    cache: DocumentCache | None = None,
    lines: LineIndex | None = None,
) -> LintResult:
    """Detect the dialect (unless forced), analyse, run the rules. Never raises on bad input.

    `cache` is the document's DocumentCache: what the previous lint of the same
    document left (the server keeps one per open document); None: a cold lint.
    `lines` is the caller's line index of `text` (the server's), which the
    dialect and the rules use instead of indexing the text again.
    """
    if len(text) > settings.max_file_size:
        return LintResult(Analysis(dialect="unknown", text=text, path=path), too_large=True)
    dialect = dialect or dialects.detect(text, path, settings.dialects, root)
    cache = cache or DocumentCache()
    ctx = dialects.DialectContext(
        path=path, root=root, catalog=catalog, read=read, cache=cache.blocks, lines=lines
    )
    return without_gc(_lint, text, dialect, ctx, catalog, settings, cache.findings)


def _lint(
    text: str,
    dialect: str,
    ctx: dialects.DialectContext,
    catalog: Catalog,
    settings: Settings,
    findings: FindingsCache,
) -> LintResult:
    analysis = dialects.analyze(text, dialect, ctx)
    lines = ctx.lines if ctx.lines is not None and ctx.lines.text is text else None
    found = apply_settings(findings.findings(analysis, catalog, settings.policy), analysis, settings, lines)
    return LintResult(analysis, found, list(analysis.notes))


def apply_fixes(text: str, fixes: list[Fix], path: str | None = None) -> tuple[str, list[Fix]]:
    """Apply the fixes whose edits touch only this document and overlap no earlier one."""
    taken: list[tuple[int, int]] = []
    chosen: list[Fix] = []
    for fix in fixes:
        if not fix.edits or any(e.span.path not in (None, path) for e in fix.edits):
            continue
        ranges = [(e.span.start, e.span.end) for e in fix.edits]
        if any(_overlap(r, t) for r in ranges for t in taken):
            continue
        taken += ranges
        chosen.append(fix)
    edits = sorted(
        (e for f in chosen for e in f.edits), key=lambda e: (e.span.start, e.span.end), reverse=True
    )
    for edit in edits:
        text = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    return text, chosen


def fix_all(
    text: str,
    path: str | None,
    settings: Settings,
    catalog: Catalog,
    dialect: str | None = None,
    read: Callable[[str], str | None] | None = None,
    root: str | None = None,
    cache: DocumentCache | None = None,
) -> tuple[str, list[tuple[Finding, Fix]]]:
    """Apply safe fixes until the text is stable; returns the text and what was applied."""
    applied: list[tuple[Finding, Fix]] = []
    cache = cache or DocumentCache()  # each pass changes a few blocks of the same document
    for _ in range(MAX_FIX_PASSES):
        result = lint(text, path, settings, catalog, read=read, root=root, dialect=dialect, cache=cache)
        candidates = [
            (f, fix) for f in result.findings for fix in [next((x for x in f.fixes if x.safe), None)] if fix
        ]
        new_text, chosen = apply_fixes(text, [fix for _, fix in candidates], path)
        if not chosen or new_text == text:
            break
        applied += [(f, fix) for f, fix in candidates if any(fix is c for c in chosen)]
        text = new_text
    return text, applied


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Ranges overlap, or two insertions land at the same offset."""
    return (
        (a[0] < b[1] and b[0] < a[1])
        or a == b
        or (a[0] == a[1] and b[0] <= a[0] <= b[1])
        or (b[0] == b[1] and a[0] <= b[0] <= a[1])
    )
