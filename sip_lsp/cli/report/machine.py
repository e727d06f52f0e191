"""Machine output: a JSON array, and GitHub Actions workflow commands."""

from __future__ import annotations

import json
from typing import TextIO

from sip_lsp.cli.report import FileReport, Locator
from sip_lsp.model import Finding, Span

# GitHub has three annotation levels (error, warning, notice).
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def write_json(reports: list[FileReport], locator: Locator, out: TextIO) -> None:
    items = [_json_item(f, r, locator) for r in reports for f in r.findings]
    json.dump(items, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _json_item(finding: Finding, report: FileReport, locator: Locator) -> dict[str, object]:
    return {
        **_where(finding.span, report, locator, "path"),
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "tags": list(finding.tags),
        "related": [
            {**_where(r.span, report, locator, "path"), "message": r.message} for r in finding.related
        ],
        "fixes": [
            {
                "title": fix.title,
                "safe": fix.safe,
                "edits": [
                    {**_where(e.span, report, locator, "path"), "new_text": e.new_text} for e in fix.edits
                ],
            }
            for fix in finding.fixes
        ],
    }


def _where(span: Span, report: FileReport, locator: Locator, key: str) -> dict[str, object]:
    loc = locator.locate(span, report)
    return {
        key: loc.display,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }


def write_github(reports: list[FileReport], locator: Locator, out: TextIO) -> None:
    """`::warning file=…,line=…::message` lines (GitHub Actions workflow commands)."""
    for report in reports:
        for finding in report.findings:
            loc = locator.locate(finding.span, report)
            props = ",".join(
                f"{k}={escape_property(str(v))}"
                for k, v in (
                    ("file", loc.display),
                    ("line", loc.line),
                    ("col", loc.column),
                    ("endLine", loc.end_line),
                    ("endColumn", loc.end_column),
                    ("title", finding.rule),
                )
            )
            out.write(f"::{_GITHUB_LEVEL[finding.severity]} {props}::{escape_data(finding.message)}\n")


# The escaping GitHub's toolkit applies (actions/toolkit packages/core/src/command.ts).
def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
