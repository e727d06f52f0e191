"""Inlay hints: the reason phrase beside a bare code in a pattern or comparison.

A hint inside a string literal reads as part of it, so the codes of a quoted
pattern get one hint after its closing quote: `"486|408"  486 Busy Here, 408 Request Timeout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sip_lsp.catalog import Catalog
from sip_lsp.model import Analysis, CodeSite, Role

_QUOTES = ('"', "'")


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int  # where the label goes: after the code, or after the string that holds it
    label: str


def inlay_hints(
    analysis: Analysis, catalog: Catalog, start: int = 0, end: int | None = None
) -> list[InlayHint]:
    """Hints for matched or configured codes without a phrase, inside [start, end]."""
    end = len(analysis.text) if end is None else end
    text = analysis.text
    # offset of the hint -> (code start, its label part), gathered per string
    parts: dict[int, list[tuple[int, str]]] = {}
    for site, d in analysis.placed("code_sites"):
        if not isinstance(site, CodeSite) or site.span.path is not None:
            continue
        if site.code is None or site.phrase is not None or site.role not in (Role.MATCHED, Role.CONFIGURED):
            continue
        code_start, code_end = site.span.start + d, site.span.end + d
        # The hint sits on the code's line, at or after the code: skip what cannot reach [start, end].
        if code_start > end or (code_end < start and text.find("\n", code_end, start) != -1):
            continue
        entry = catalog.code(site.code)
        if entry is None:
            continue
        after_string = _after_closing_quote(text, code_start, code_end)
        if after_string is None:
            parts.setdefault(code_end, []).append((code_start, entry.reason))
        else:
            parts.setdefault(after_string, []).append((code_start, f"{entry.code} {entry.reason}"))
    return [
        InlayHint(offset, ", ".join(label for _, label in sorted(found)))
        for offset, found in sorted(parts.items())
        if start <= offset <= end
    ]


def _after_closing_quote(text: str, start: int, end: int) -> int | None:
    """Just after the closing quote of the string literal on this line that holds [start, end)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    for quote in _QUOTES:
        if before.count(quote) % 2:
            line_end = text.find("\n", end)
            close = text.find(quote, end, len(text) if line_end == -1 else line_end)
            return close + 1 if close != -1 else None
    return None
