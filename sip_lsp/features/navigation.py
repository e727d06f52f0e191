"""Outline, go-to-definition and references for named blocks.

A reference (route(X), t_on_failure("X"), Goto(ctx,...), transfer) points to
the blocks of the same kind and name, in this document or an included one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sip_lsp.features.index import SiteIndex, walk
from sip_lsp.model import Analysis, Block, Reference, Span


@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    kind: str
    span: Span
    name_span: Span
    children: tuple[Symbol, ...] = ()


def document_symbols(analysis: Analysis) -> list[Symbol]:
    """The outline of the document itself (blocks from included files are left out)."""

    def convert(block: Block) -> Symbol:
        return Symbol(
            block.name,
            block.kind,
            block.span,
            block.name_span,
            tuple(convert(c) for c in block.children if c.span.path is None),
        )

    return [convert(b) for b in analysis.blocks if b.span.path is None]


def _target(index: SiteIndex, offset: int) -> Reference | Block | None:
    """The reference or block name under `offset`: its kind and name say what is meant."""
    hit = index.at(offset, ("reference", "block"))
    if hit is None:
        return None
    fact = hit.fact
    return fact if isinstance(fact, (Reference, Block)) else None


def definition_at(analysis: Analysis, index: SiteIndex, offset: int) -> list[Span]:
    """Name spans of the blocks the reference under `offset` points to."""
    hit = index.at(offset, ("reference",))
    if hit is None or not isinstance(hit.fact, Reference):
        return []
    ref = hit.fact
    scope = _scope(analysis, ref)
    candidates = walk(scope.children if scope is not None else analysis.blocks)
    return [b.name_span for b in candidates if b.name == ref.name and b.kind == ref.kind]


def _scope(analysis: Analysis, ref: Reference) -> Block | None:
    """The block a nested name is looked up in: Goto(ctx,exten,1) names ctx just before
    exten; a bare Goto(exten,1) stays in the enclosing block. None: search everywhere."""
    if ref.kind != "extension" or ref.span.path is not None:
        return None
    text = analysis.text
    for other in analysis.references:
        if (
            other.kind == "context"
            and other.span.path is None
            and other.span.end <= ref.span.start
            and text[other.span.end : ref.span.start].strip() == ","
        ):
            return next((b for b in analysis.blocks if b.kind == "context" and b.name == other.name), None)
    for block in analysis.blocks:
        if block.span.path is None and block.span.start <= ref.span.start < block.span.end:
            return block
    return None


def references_to(
    analysis: Analysis, index: SiteIndex, offset: int, include_declaration: bool = True
) -> list[Span]:
    """Every use of the block named under `offset` (on its definition or on a use)."""
    target = _target(index, offset)
    if target is None:
        return []
    kind, name = target.kind, target.name
    spans = [r.span for r in analysis.references if r.name == name and r.kind == kind]
    if include_declaration:
        spans += [b.name_span for b in walk(analysis.blocks) if b.name == name and b.kind == kind]
    return sorted(set(spans), key=lambda s: (s.path or "", s.start))
