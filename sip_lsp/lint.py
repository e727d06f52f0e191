"""The one call the CLI and the server share: text -> analysis -> findings.

Also applies fixes to a text (`check --fix`, `source.fixAll`): non-overlapping
safe fixes, re-analysed until nothing more applies.
"""

from __future__ import annotations

from collections.abc import Callable

from sip_lsp import dialects
from sip_lsp.catalog import Catalog
from sip_lsp.config import Settings
from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.gcpause import without_gc
from sip_lsp.model import Analysis, Finding, Fix, Note, Record
from sip_lsp.rules import run_rules
from sip_lsp.text import LineIndex

# `check --fix` re-analyses after each pass; a fix that keeps producing fixes stops here.
MAX_FIX_PASSES = 5


class LintResult(Record):
    __slots__ = ("analysis", "findings", "notes", "too_large")
    __hash__ = None  # type: ignore[assignment]  # mutable

    def __init__(
        self,
        analysis: Analysis,
        findings: list[Finding] | None = None,
        notes: list[Note] | None = None,
        too_large: bool = False,
    ) -> None:  # over settings.max_file_size: not analysed
        self.analysis = analysis
        self.findings = [] if findings is None else findings
        self.notes = [] if notes is None else notes
        self.too_large = too_large


def lint(
    text: str,
    path: str | None,
    settings: Settings,
    catalog: Catalog,
    read: Callable[[str], str | None] | None = None,
    root: str | None = None,
    dialect: str | None = None,
    cache: BlockCache | None = None,
    lines: LineIndex | None = None,
) -> LintResult:
    """Detect the dialect (unless forced), analyse, run the rules. Never raises on bad input.

    `cache` is the document's BlockCache: what the previous lint of the same
    document left (the server keeps one per open document); None: a cold lint.
    `lines` is the caller's line index of `text` (the server's), which the
    dialect and the rules use instead of indexing the text again.
    """
    if len(text) > settings.max_file_size:
        return LintResult(Analysis(dialect="unknown", text=text, path=path), too_large=True)
    dialect = dialect or dialects.detect(text, path, settings.dialects)
    ctx = dialects.DialectContext(path=path, root=root, catalog=catalog, read=read, cache=cache, lines=lines)
    return without_gc(_lint, text, dialect, ctx, catalog, settings)


def _lint(
    text: str, dialect: str, ctx: dialects.DialectContext, catalog: Catalog, settings: Settings
) -> LintResult:
    analysis = dialects.analyze(text, dialect, ctx)
    lines = ctx.lines if ctx.lines is not None and ctx.lines.text is text else None
    return LintResult(analysis, run_rules(analysis, catalog, settings, lines), list(analysis.notes))


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
    text: str, path: str | None, settings: Settings, catalog: Catalog, dialect: str | None = None, **lint_args
) -> tuple[str, list[tuple[Finding, Fix]]]:
    """Apply safe fixes until the text is stable; returns the text and what was applied."""
    applied: list[tuple[Finding, Fix]] = []
    lint_args.setdefault("cache", BlockCache())  # each pass changes a few blocks of the same document
    for _ in range(MAX_FIX_PASSES):
        result = lint(text, path, settings, catalog, dialect=dialect, **lint_args)
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
