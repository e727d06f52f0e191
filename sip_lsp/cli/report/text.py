"""Human output, ruff style: `path:line:col: SC301 message`, the source line, a caret line.

The failover rules that fire on one action print as one entry (as the editor shows
them, see features/problems.py): the most severe rule's id, a message naming every
code group, the other rules' ids, and every rule's fixes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from sip_lsp.catalog import Catalog, default_catalog
from sip_lsp.cli.report import FileReport, Locator
from sip_lsp.model import Finding, Fix, Span

_TAB = "\t"


class _Entry:
    """One printed problem: the finding it is placed at, its message, every fix."""

    __slots__ = ("finding", "message", "fixes")

    def __init__(self, finding: Finding, message: str, fixes: tuple[Fix, ...]) -> None:
        self.finding, self.message, self.fixes = finding, message, fixes


def shares_a_span(findings: Iterable[Finding]) -> bool:
    """Whether two findings stand on one span: only then is grouping (and its import) needed."""
    seen: set[Span] = set()
    for finding in findings:
        if finding.span in seen:
            return True
        seen.add(finding.span)
    return False


def _entries(report: FileReport, catalog: Catalog | None, lang: str) -> list[_Entry]:
    if catalog is None or not shares_a_span(report.findings):
        return [_Entry(f, f.message, f.fixes) for f in report.findings]
    from sip_lsp.features import problems

    grouped = problems.problems(report.findings, catalog, lang)
    return [_Entry(p.primary, p.message, p.fixes) for p in grouped]


def write(
    reports: list[FileReport],
    locator: Locator,
    out: TextIO,
    fixing: bool,
    catalog: Catalog | None = None,
    lang: str = "en",
) -> None:
    """Every report's problems; with `catalog`, the rules sharing a failover action as one."""
    words = catalog or default_catalog()  # labels and the summary line, in `lang`
    total = fixable = fixed = 0
    for report in reports:
        fixed += report.fixed
        for entry in _entries(report, catalog, lang):
            finding = entry.finding
            total += 1
            safe = any(fix.safe for fix in entry.fixes)
            fixable += safe
            loc = locator.locate(finding.span, report)
            mark = " [*]" if safe else ""
            out.write(f"{loc.display}:{loc.line}:{loc.column}: {finding.rule}{mark} {entry.message}\n")
            line = locator.source_line(loc, report, finding.span)
            width = (loc.end_column if loc.end_line == loc.line else len(line) + 1) - loc.column
            gutter = str(loc.line)
            pad = "".join(c if c == _TAB else " " for c in line[: loc.column - 1])
            out.write(f" {gutter} | {line}\n")
            out.write(f" {' ' * len(gutter)} | {pad}{'^' * max(width, 1)}\n")
            for fix in entry.fixes:
                label = words.heading("report_fix" if fix.safe else "report_fix_unsafe", lang)
                out.write(f" {' ' * len(gutter)} = {label}: {fix.title}\n")
            out.write("\n")
    out.write(_summary(words, lang, total, fixable, fixed, fixing, len(reports)) + "\n")


def _summary(
    words: Catalog, lang: str, total: int, fixable: int, fixed: int, fixing: bool, files: int
) -> str:
    """The last line, from the catalogue's templates (`{noun}` is English's singular or plural)."""
    if fixing:
        key, count = "report_found_fixing", total + fixed
    elif total == 0:
        key, count = "report_none", files
    else:
        key, count = "report_found", total
    noun = words.heading(
        ("report_file" if key == "report_none" else "report_finding") + ("" if count == 1 else "s"), lang
    )
    template = words.heading(key, lang)
    return template.format(count=count, noun=noun, fixable=fixable, fixed=fixed, remaining=total, files=files)
