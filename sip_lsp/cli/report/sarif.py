"""SARIF 2.1.0 (OASIS): one run, rule metadata from the catalogue, results with fixes.

Structure per the OASIS SARIF 2.1.0 spec: sarifLog §3.13, run §3.14 (columnKind
§3.14.13), toolComponent §3.19, reportingDescriptor §3.49, result §3.27,
location §3.28, region §3.30, fix §3.55, artifactChange §3.56, replacement §3.57.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from sip_lsp import __version__
from sip_lsp.catalog import Catalog, RuleEntry
from sip_lsp.cli.report import FileReport, Location, Locator
from sip_lsp.model import Finding, Fix, Span

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def write(reports: list[FileReport], locator: Locator, catalog: Catalog, out: TextIO) -> None:
    rules = sorted(catalog.rules.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(f, r, locator, index) for r in reports for f in r.findings]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sip-lsp",
                        "version": __version__,
                        "rules": [_descriptor(r) for r in rules],
                    }
                },
                # Our columns count code points, not the UTF-16 units SARIF assumes by default.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(log, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _descriptor(rule: RuleEntry) -> dict[str, object]:
    help_text = "\n\n".join(p for p in (rule.why, rule.fix) if p)
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why or rule.summary},
        "help": {"text": help_text or rule.summary},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"rfc": rule.rfc, "fixable": rule.fixable},
    }


def _result(
    finding: Finding, report: FileReport, locator: Locator, index: dict[str, int]
) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(locator.locate(finding.span, report), finding.span, report)],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "message": {"text": rel.message},
                **_location(locator.locate(rel.span, report), rel.span, report),
            }
            for i, rel in enumerate(finding.related)
        ]
    if finding.fixes:
        result["fixes"] = [_fix(fix, report, locator) for fix in finding.fixes]
    return result


def _location(loc: Location, span: Span, report: FileReport) -> dict[str, object]:
    path = span.path or report.path
    return {
        "physicalLocation": {"artifactLocation": {"uri": _uri(path, loc.display)}, "region": _region(loc)}
    }


def _region(loc: Location) -> dict[str, int]:
    return {
        "startLine": loc.line,
        "startColumn": loc.column,
        "endLine": loc.end_line,
        "endColumn": loc.end_column,
    }


def _fix(fix: Fix, report: FileReport, locator: Locator) -> dict[str, object]:
    replacements: dict[str, list[dict[str, object]]] = {}  # artifact URI -> its replacements
    for edit in fix.edits:
        loc = locator.locate(edit.span, report)
        uri = _uri(edit.span.path or report.path, loc.display)
        replacements.setdefault(uri, []).append(
            {"deletedRegion": _region(loc), "insertedContent": {"text": edit.new_text}}
        )
    changes = [{"artifactLocation": {"uri": uri}, "replacements": r} for uri, r in replacements.items()]
    return {"description": {"text": fix.title}, "artifactChanges": changes}


def _uri(path: str, display: str) -> str:
    """A relative URI for files below the working directory, else a file:// URI."""
    if os.path.isabs(display):
        return Path(path).as_uri()
    return quote(display.replace(os.sep, "/"))
