"""Human output, ruff style: `path:line:col: SC301 message`, the source line, a caret line."""

from __future__ import annotations

from typing import TextIO

from sip_lsp.cli.report import FileReport, Locator

_TAB = "\t"


def write(reports: list[FileReport], locator: Locator, out: TextIO, fixing: bool) -> None:
    total = fixable = fixed = 0
    for report in reports:
        fixed += report.fixed
        for finding in report.findings:
            total += 1
            safe = any(fix.safe for fix in finding.fixes)
            fixable += safe
            loc = locator.locate(finding.span, report)
            mark = " [*]" if safe else ""
            out.write(f"{loc.display}:{loc.line}:{loc.column}: {finding.rule}{mark} {finding.message}\n")
            line = locator.source_line(loc, report, finding.span)
            width = (loc.end_column if loc.end_line == loc.line else len(line) + 1) - loc.column
            gutter = str(loc.line)
            pad = "".join(c if c == _TAB else " " for c in line[: loc.column - 1])
            out.write(f" {gutter} | {line}\n")
            out.write(f" {' ' * len(gutter)} | {pad}{'^' * max(width, 1)}\n")
            for fix in finding.fixes:
                out.write(f" {' ' * len(gutter)} = fix{'' if fix.safe else ' (unsafe)'}: {fix.title}\n")
            out.write("\n")
    out.write(_summary(total, fixable, fixed, fixing, len(reports)) + "\n")


def _summary(total: int, fixable: int, fixed: int, fixing: bool, files: int) -> str:
    if fixing:
        return f"Found {_plural(total + fixed, 'finding')} ({fixed} fixed, {total} remaining)."
    if total == 0:
        return f"No findings in {_plural(files, 'file')}."
    return f"Found {_plural(total, 'finding')} ({fixable} fixable with --fix)."


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
