"""Offset -> the fact under the cursor, in O(log n), built once per analysis.

Hover on a 100k-line file must cost about as much as an empty request, so the
analysis is indexed by span start and looked up with bisect instead of scanned.
"""

from __future__ import annotations

from bisect import bisect_right

from sip_lsp.model import Analysis

# Spans longer than this are kept apart and scanned linearly (there are few).
_LONG = 512


class Hit:
    """A fact under the cursor, at document offsets.

    The index reads an analysis's parts as they are (see model.PartedAnalysis):
    `fact` is shifted to the document's offsets on first read, for the one hit used.
    """

    __slots__ = ("kind", "start", "end", "_fact", "_shift")

    def __init__(self, kind: str, start: int, end: int, fact: object, shift: int = 0) -> None:
        self.kind = kind  # code | phrase | status_test | failover | cause | reference | block
        self.start, self.end = start, end
        self._fact, self._shift = fact, shift

    @property
    def fact(self) -> object:
        if self._shift:
            self._fact, self._shift = self._fact.shift(self._shift), 0
        return self._fact


class SiteIndex:
    """Every fact of the analysed document itself (not its includes), by offset."""

    __slots__ = ("starts", "hits", "long")

    def __init__(self, analysis: Analysis) -> None:
        hits: list[Hit] = []

        def add(kind: str, span, fact: object, d: int) -> None:
            if span is not None and span.path is None and span.end >= span.start:
                hits.append(Hit(kind, span.start + d, span.end + d, fact, d))

        for site, d in analysis.placed("code_sites"):
            add("code", site.span, site, d)
            add("phrase", site.phrase_span, site, d)
        for kind, name in (
            ("status_test", "status_tests"),
            ("failover", "failover_sites"),
            ("cause", "cause_sites"),
            ("reference", "references"),
        ):
            for fact, d in analysis.placed(name):
                add(kind, fact.span, fact, d)
        for block, d in analysis.placed("blocks"):
            for b in _walk((block,)):
                add("block", b.name_span, b, d)
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
