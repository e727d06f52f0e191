"""The one grammar of `sip-lsp: disable=` comments, for every dialect.

    sip-lsp: disable=SC301, retry-after-cancel     this line and the next
    sip-lsp: disable-file = SC3                     the whole document

A list names rule ids, rule names or id prefixes (`SC3`), in any case, with
spaces allowed around `=` and around commas (`model.Suppressions.hides` does the
matching). A directive counts only inside a comment of the dialect: each
dialect finds its comments (SER `#`, `//`, `/* */`; Asterisk `;`, and `//` in
AEL; FreeSWITCH `<!-- -->`) and hands their text to `directives`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sip_lsp.model import Suppressions
from sip_lsp.text import LineIndex

MARK = "sip-lsp"  # every directive holds it: a text without it needs no closer look
_ITEM = r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*"  # an id or a name; `-->` after one is not part of it
_DIRECTIVE = re.compile(rf"sip-lsp\s*:\s*(disable-file|disable)\s*=\s*({_ITEM}(?:\s*,\s*{_ITEM})*)")
_SEPARATOR = re.compile(r"\s*,\s*")

# (offset of the directive, whole file, the ids, names and prefixes it lists, upper-cased)
Directive = tuple[int, bool, frozenset[str]]


def directives(text: str, start: int = 0, end: int | None = None) -> list[Directive]:
    """The directives in `text[start:end]` (the body of one comment), at offsets in `text`."""
    found = _DIRECTIVE.finditer(text, start, len(text) if end is None else end)
    return [
        (m.start(), m.group(1) == "disable-file", frozenset(_SEPARATOR.split(m.group(2).upper())))
        for m in found
    ]


def lists(text: str) -> list[tuple[bool, int, int]]:
    """Each directive in `text` as (whole file, start, end of its list of ids): where an edit adds one."""
    return [(m.group(1) == "disable-file", m.start(2), m.end(2)) for m in _DIRECTIVE.finditer(text)]


def in_line_comments(text: str, leaders: tuple[str, ...]) -> list[Directive]:
    """The directives of comments that run from a leader (`;`, `//`) to the end of their line."""
    out: list[Directive] = []
    at = text.find(MARK)
    while at != -1:
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line_end = len(text) if line_end == -1 else line_end
        if _opens_comment(text[line_start:at], leaders):
            out += directives(text, at, line_end)
        at = text.find(MARK, line_end)
    return out


def _opens_comment(before: str, leaders: tuple[str, ...]) -> bool:
    """A leader stands in `before`, not escaped with a backslash (Asterisk's `\\;` is a `;`)."""
    for leader in leaders:
        i = before.find(leader)
        while i != -1:
            if not i or before[i - 1] != "\\":
                return True
            i = before.find(leader, i + 1)
    return False


def record(sup: Suppressions, found: Iterable[Directive], lines: LineIndex) -> None:
    """Add directives to `sup`: a line directive covers its own line and the next."""
    for offset, whole_file, ids in found:
        if whole_file:
            sup.file = sup.file | ids
            continue
        line = lines.line(offset)
        for n in (line, line + 1):
            sup.lines[n] = sup.lines.get(n, frozenset()) | ids
