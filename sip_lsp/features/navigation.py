"""Outline, go-to-definition and references for named blocks.

A reference (route(X), t_on_failure("X"), Goto(ctx,...), transfer) points to
the blocks of the same kind and name, in this document or an included one.
"""
from __future__ import annotations

from dataclasses import dataclass

from sip_lsp.features.index import SiteIndex
from sip_lsp.model import Analysis, Block, Reference, Span


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: str
    span: Span
    name_span: Span
    children: tuple["Symbol", ...] = ()


def document_symbols(analysis: Analysis) -> list[Symbol]:
    """The outline of the document itself (blocks from included files are left out)."""
    def convert(block: Block) -> Symbol:
        return Symbol(block.name, block.kind, block.span, block.name_span,
                      tuple(convert(c) for c in block.children if c.span.path is None))
    return [convert(b) for b in analysis.blocks if b.span.path is None]


def _blocks(analysis: Analysis):
    stack = list(analysis.blocks)
    while stack:
        block = stack.pop()
        yield block
        stack.extend(block.children)


def _same(kind_a: str, kind_b: str) -> bool:
    return kind_a == kind_b


def _target(index: SiteIndex, offset: int) -> tuple[str, str] | None:
    hit = index.at(offset, ("reference", "block"))
    if hit is None:
        return None
    fact = hit.fact
    if isinstance(fact, (Reference, Block)):
        return fact.kind, fact.name
    return None


def definition_at(analysis: Analysis, index: SiteIndex, offset: int) -> list[Span]:
    """Name spans of the blocks the reference under `offset` points to."""
    hit = index.at(offset, ("reference",))
    if hit is None or not isinstance(hit.fact, Reference):
        return []
    ref = hit.fact
    return [b.name_span for b in _blocks(analysis) if b.name == ref.name and _same(b.kind, ref.kind)]


def references_to(analysis: Analysis, index: SiteIndex, offset: int, include_declaration: bool = True) -> list[Span]:
    """Every use of the block named under `offset` (on its definition or on a use)."""
    target = _target(index, offset)
    if target is None:
        return []
    kind, name = target
    spans = [r.span for r in analysis.references if r.name == name and _same(r.kind, kind)]
    if include_declaration:
        spans += [b.name_span for b in _blocks(analysis) if b.name == name and _same(b.kind, kind)]
    return sorted(set(spans), key=lambda s: (s.path or "", s.start))
