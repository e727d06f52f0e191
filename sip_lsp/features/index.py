"""Offset -> the fact under the cursor, in O(log n), built once per analysis.

Hover on a 100k-line file must cost about as much as an empty request, so the
analysis is indexed by span start and looked up with bisect instead of scanned.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Literal

from sip_lsp.model import (
    Analysis,
    Block,
    CauseSite,
    CodeSite,
    FailoverSite,
    Reference,
    Span,
    StatusTest,
)

# Spans longer than this are kept apart and scanned linearly (there are few).
_LONG = 512

Fact = CodeSite | StatusTest | FailoverSite | CauseSite | Reference | Block
HitKind = Literal["code", "phrase", "status_test", "failover", "cause", "reference", "block"]


class Hit:
    """A fact under the cursor, at document offsets.

    The index reads an analysis's parts as they are (see model.PartedAnalysis):
    `fact` is shifted to the document's offsets on first read, for the one hit used.
    """

    __slots__ = ("kind", "start", "end", "_fact", "_shift")

    def __init__(self, kind: HitKind, start: int, end: int, fact: Fact, shift: int = 0) -> None:
        self.kind = kind
        self.start, self.end = start, end
        self._fact, self._shift = fact, shift

    @property
    def fact(self) -> Fact:
        if self._shift:
            self._fact, self._shift = self._fact.shift(self._shift), 0
        return self._fact


class SiteIndex:
    """Every fact of the analysed document itself (not its includes), by offset."""

    __slots__ = ("starts", "hits", "long")

    def __init__(self, analysis: Analysis) -> None:
        hits: list[Hit] = []

        def add(kind: HitKind, span: Span | None, fact: Fact, d: int) -> None:
            if span is not None and span.path is None and span.end >= span.start:
                hits.append(Hit(kind, span.start + d, span.end + d, fact, d))

        for site, d in analysis.placed("code_sites"):
            if isinstance(site, CodeSite):
                add("code", site.span, site, d)
                add("phrase", site.phrase_span, site, d)
        for test, d in analysis.placed("status_tests"):
            if isinstance(test, StatusTest):
                add("status_test", test.span, test, d)
        for failover, d in analysis.placed("failover_sites"):
            if isinstance(failover, FailoverSite):
                add("failover", failover.span, failover, d)
        for cause, d in analysis.placed("cause_sites"):
            if isinstance(cause, CauseSite):
                add("cause", cause.span, cause, d)
        for reference, d in analysis.placed("references"):
            if isinstance(reference, Reference):
                add("reference", reference.span, reference, d)
        for block, d in analysis.placed("blocks"):
            if isinstance(block, Block):
                for b in walk((block,)):
                    add("block", b.name_span, b, d)
        short = sorted((h for h in hits if h.end - h.start <= _LONG), key=lambda h: h.start)
        self.hits = short
        self.starts = [h.start for h in short]
        self.long = [h for h in hits if h.end - h.start > _LONG]

    def at(self, offset: int, kinds: tuple[HitKind, ...] | None = None) -> Hit | None:
        """The smallest fact whose span holds `offset` (its end counts: cursor after a token)."""
        best: Hit | None = None
        i = bisect_right(self.starts, offset) - 1
        while i >= 0 and self.starts[i] >= offset - _LONG:
            hit = self.hits[i]
            if hit.end >= offset and _wanted(hit, kinds) and _smaller(hit, best):
                best = hit
            i -= 1
        for hit in self.long:
            if hit.start <= offset <= hit.end and _wanted(hit, kinds) and _smaller(hit, best):
                best = hit
        return best


def _wanted(hit: Hit, kinds: tuple[HitKind, ...] | None) -> bool:
    return kinds is None or hit.kind in kinds


def _smaller(hit: Hit, best: Hit | None) -> bool:
    return best is None or hit.end - hit.start < best.end - best.start


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """`blocks` and every block nested in them, parents first."""
    for block in blocks:
        yield block
        yield from walk(block.children)
