"""Semantic tokens: what the analysis knows, for highlighting in any client.

Codes, reason phrases, status patterns, route/context/extension names (where
declared and where used) and cause names. Tokens never overlap: a pattern is
cut around the codes it names, so `"486|408"` reads code, pattern, code.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Literal, NamedTuple

from sip_lsp.catalog import Catalog
from sip_lsp.features.index import walk
from sip_lsp.model import Analysis, Block, CauseSite, CodeSite, Reference, Span, StatusTest

TokenKind = Literal["code", "phrase", "pattern", "route", "context", "extension", "cause"]
_ROUTES = (
    "route",
    "request_route",
    "failure_route",
    "branch_route",
    "branch_failure_route",
    "onreply_route",
    "reply_route",
    "event_route",
    "error_route",
    "local_route",
    "startup_route",
    "timer_route",
    "onsend_route",
)
# Block and reference kinds -> the token kind of their names.
_NAMES: dict[str, TokenKind] = {
    "context": "context",
    "extension": "extension",
    **dict.fromkeys(_ROUTES, "route"),
}


class SemanticToken(NamedTuple):
    """A named tuple, not a dataclass: a 100k-line file has ~70,000 of them (creating them
    as frozen dataclasses cost ~0.25 s there)."""

    start: int
    end: int
    kind: TokenKind
    declaration: bool = False  # a block's own name (not a use of it)
    deprecated: bool = False  # a code the catalogue marks deprecated


def semantic_tokens(analysis: Analysis, catalog: Catalog) -> list[SemanticToken]:
    """Every token of the document itself (not its includes), in order, none overlapping."""
    tokens: list[SemanticToken] = []
    patterns: list[Span] = []

    def add(
        span: Span | None, d: int, kind: TokenKind, declaration: bool = False, deprecated: bool = False
    ) -> None:
        if span is not None and span.path is None and span.end > span.start:
            tokens.append(SemanticToken(span.start + d, span.end + d, kind, declaration, deprecated))

    for site, d in analysis.placed("code_sites"):
        if isinstance(site, CodeSite):
            if site.code is not None:
                entry = catalog.code(site.code)
                add(site.span, d, "code", deprecated=entry is not None and entry.status == "deprecated")
            add(site.phrase_span, d, "phrase")
    for test, d in analysis.placed("status_tests"):
        if isinstance(test, StatusTest):
            span = test.pattern_span or (test.span if test.kind == "t_check_status" else None)
            if span is not None and span.path is None:
                patterns.append(Span(span.start + d, span.end + d))
    for cause, d in analysis.placed("cause_sites"):
        if isinstance(cause, CauseSite):
            add(cause.span, d, "cause")
    for reference, d in analysis.placed("references"):
        if isinstance(reference, Reference) and reference.kind in _NAMES:
            add(reference.span, d, _NAMES[reference.kind])
    for block, d in analysis.placed("blocks"):
        if isinstance(block, Block):
            for b in walk((block,)):
                if b.kind in _NAMES and b.name and b.name != b.kind:
                    add(b.name_span, d, _NAMES[b.kind], declaration=True)
    codes = sorted((t.start, t.end) for t in tokens if t.kind == "code")
    for pattern in patterns:
        tokens += _around(pattern, codes)
    return _without_overlaps(tokens)


def _around(pattern: Span, codes: list[tuple[int, int]]) -> list[SemanticToken]:
    """The pieces of `pattern` that are not codes (`codes`: sorted (start, end) pairs)."""
    pieces: list[SemanticToken] = []
    at = pattern.start
    for i in range(bisect_left(codes, (pattern.start, pattern.start)), len(codes)):
        start, end = codes[i]
        if start >= pattern.end:
            break
        if start > at:
            pieces.append(SemanticToken(at, start, "pattern"))
        at = max(at, end)
    if at < pattern.end:
        pieces.append(SemanticToken(at, pattern.end, "pattern"))
    return pieces


def _without_overlaps(tokens: list[SemanticToken]) -> list[SemanticToken]:
    """Sorted by start; a token overlapping the one before it is dropped (clients require this)."""
    out: list[SemanticToken] = []
    for token in sorted(tokens):
        if not out or token.start >= out[-1].end:
            out.append(token)
    return out
