"""Offset -> the fact under the cursor, in O(log n), built once per analysis.

Hover on a 100k-line file must cost about as much as an empty request, so the
analysis is indexed by span start and looked up with bisect instead of scanned.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from sip_lsp.model import Analysis

# Spans longer than this are kept apart and scanned linearly (there are few).
_LONG = 512


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str          # code | phrase | status_test | failover | cause | reference | block
    start: int
    end: int
    fact: object


class SiteIndex:
    """Every fact of the analysed document itself (not its includes), by offset."""

    __slots__ = ("starts", "hits", "long")

    def __init__(self, analysis: Analysis) -> None:
        hits: list[Hit] = []

        def add(kind: str, span, fact: object) -> None:
            if span is not None and span.path is None and span.end >= span.start:
                hits.append(Hit(kind, span.start, span.end, fact))

        for site in analysis.code_sites:
            add("code", site.span, site)
            add("phrase", site.phrase_span, site)
        for test in analysis.status_tests:
            add("status_test", test.span, test)
        for failover in analysis.failover_sites:
            add("failover", failover.span, failover)
        for cause in analysis.cause_sites:
            add("cause", cause.span, cause)
        for ref in analysis.references:
            add("reference", ref.span, ref)
        for block in _walk(analysis.blocks):
            add("block", block.name_span, block)
        short = sorted((h for h in hits if h.end - h.start <= _LONG), key=lambda h: h.start)
        self.hits = short
        self.starts = [h.start for h in short]
        self.long = [h for h in hits if h.end - h.start > _LONG]

    def at(self, offset: int, kinds: tuple[str, ...] | None = None) -> Hit | None:
        """The smallest fact whose span holds `offset` (its end counts: cursor after a token)."""
        best: Hit | None = None
        i = bisect_right(self.starts, offset) - 1
        while i >= 0 and self.starts[i] >= offset - _LONG:
            hit = self.hits[i]
            if hit.end >= offset and (kinds is None or hit.kind in kinds):
                if best is None or hit.end - hit.start < best.end - best.start:
                    best = hit
            i -= 1
        for hit in self.long:
            if hit.start <= offset <= hit.end and (kinds is None or hit.kind in kinds):
                if best is None or hit.end - hit.start < best.end - best.start:
                    best = hit
        return best


def _walk(blocks):
    for block in blocks:
        yield block
        yield from _walk(block.children)
