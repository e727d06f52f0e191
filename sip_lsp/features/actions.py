"""Code-action edits: suppression comments and the set of safe fixes.

Suppression comments use the dialect's comment leader (`#`, `;`, `<!--`) so
the dialect reads them back (`sip-lsp: disable=` on the line above a finding,
`sip-lsp: disable-file=` at the top).
"""

from __future__ import annotations

import re

from sip_lsp.dialects.common import suppressions
from sip_lsp.model import Analysis, Edit, Finding, Span
from sip_lsp.text import LineIndex

# First lines that must stay first: #!KAMAILIO-style markers and XML declarations.
_KEEP_FIRST = re.compile(r"\s*(#!(KAMAILIO|OPENSIPS|SER|OPENSER)\b|<\?xml)", re.I)


def _comment(leader: str, body: str) -> str:
    return f"<!-- {body} -->" if leader.startswith("<!--") else f"{leader} {body}"


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text[:4096] else "\n"


def disable_on_line(analysis: Analysis, lines: LineIndex, finding: Finding) -> Edit:
    """Add the rule to a `disable=` comment on the line above (or insert one)."""
    line, _ = lines.position(finding.span.start)
    if line > 0:
        found = _extended(lines, line - 1, whole_file=False, rule=finding.rule)
        if found is not None:
            return found
    text = lines.line_text(line)
    indent = text[: len(text) - len(text.lstrip())]
    comment = _comment(analysis.comment, f"sip-lsp: disable={finding.rule}")
    start = lines.starts[line]
    return Edit(Span(start, start), f"{indent}{comment}{_newline(analysis.text)}")


def disable_in_file(analysis: Analysis, lines: LineIndex, rule: str) -> Edit:
    """Add the rule to the file's `disable-file=` comment (or insert one at the top)."""
    for n in range(min(lines.line_count, 20)):
        found = _extended(lines, n, whole_file=True, rule=rule)
        if found is not None:
            return found
    line = 1 if lines.line_count > 1 and _KEEP_FIRST.match(lines.line_text(0)) else 0
    start = lines.starts[line] if line < lines.line_count else len(analysis.text)
    comment = _comment(analysis.comment, f"sip-lsp: disable-file={rule}")
    return Edit(Span(start, start), comment + _newline(analysis.text))


def _extended(lines: LineIndex, line: int, whole_file: bool, rule: str) -> Edit | None:
    """The edit adding `rule` to a directive of that kind on `line` (the dialects' own grammar)."""
    text = lines.line_text(line)
    for kind, start, end in suppressions.lists(text):
        if kind is whole_file:
            ids = [i.strip() for i in text[start:end].split(",") if i.strip()]
            if rule not in ids:
                ids.append(rule)
            return Edit(Span(lines.starts[line] + start, lines.starts[line] + end), ",".join(ids))
    return None


def safe_fix_edits(findings: list[Finding]) -> list[Edit]:
    """The first safe fix of every finding, dropping edits that overlap an earlier one."""
    chosen: list[Edit] = []
    for finding in sorted(findings, key=lambda f: f.span.start):
        fix = next((f for f in finding.fixes if f.safe), None)
        if fix is None:
            continue
        edits = sorted(fix.edits, key=lambda e: (e.span.path or "", e.span.start))
        if any(_overlaps(e, c) for e in edits for c in chosen):
            continue
        chosen.extend(edits)
    return chosen


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.span.path != b.span.path:
        return False
    if a.span.start == a.span.end == b.span.start == b.span.end:
        return True
    return a.span.start < b.span.end and b.span.start < a.span.end
