"""Inlay hints: the reason phrase after a bare code in a pattern or comparison."""

from __future__ import annotations

from dataclasses import dataclass

from sip_lsp.catalog import Catalog
from sip_lsp.model import Analysis, CodeSite, Role


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int  # where the label goes (after the code)
    label: str


def inlay_hints(
    analysis: Analysis, catalog: Catalog, start: int = 0, end: int | None = None
) -> list[InlayHint]:
    """Hints for matched or configured codes without a phrase, inside [start, end]."""
    end = len(analysis.text) if end is None else end
    hints: list[InlayHint] = []
    for site, d in analysis.placed("code_sites"):
        if not isinstance(site, CodeSite):
            continue
        if site.span.path is not None or site.code is None or site.phrase is not None:
            continue
        if site.role not in (Role.MATCHED, Role.CONFIGURED):
            continue
        if not start <= site.span.end + d <= end:
            continue
        entry = catalog.code(site.code)
        if entry is not None:
            hints.append(InlayHint(site.span.end + d, entry.reason))
    hints.sort(key=lambda h: h.offset)
    return hints
