"""A KEMI script parsed piece by piece, each piece's tree kept in the document's BlockCache.

A keystroke changes one function; parsing the whole file again (`ast`, tree-sitter
and the conversion to ir.py's tree) is most of a re-lint of a large script. The text
is cut before each line that starts a top-level function at column 0 (`def`,
`class`, `function`...), each piece is parsed alone, and a piece whose text is
unchanged keeps its tree (moved in place to where the piece now starts). A piece
that does not parse alone (a decorator, a `def` at column 0 inside a string, a
function being typed) is parsed glued to up to `_GLUE` following pieces, the first
glued text that parses taken; else alone, broken. The same cuts, cold or warm: a
cached tree is exactly the tree a fresh parse of the piece gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sip_lsp.dialects.common.block_cache import Blocks
from sip_lsp.dialects.kemi import ir

# Lines that start a top-level piece, per language (as the tree-sitter front ends cut a broken file).
_HEADS = {
    "python": re.compile(r"^(?:def |class |async def )", re.MULTILINE),
    "lua": re.compile(r"^(?:function |local function )", re.MULTILINE),
    "javascript": re.compile(r"^(?:function |async function )", re.MULTILINE),
}
_GLUE = 3
_MIN_PIECES = 4  # fewer: the whole text at once (no gain, one parse is cheaper)
TABLE = "kemi-pieces"


def parse(
    language: str, text: str, blocks: Blocks, parse_text: Callable[[str, str], ir.Module]
) -> ir.Module | None:
    """The tree of `text` from its pieces, or None when it has too few pieces to cut."""
    heads = _HEADS.get(language)
    if heads is None:
        return None
    cuts = [0, *(m.start() for m in heads.finditer(text) if m.start())]
    if len(cuts) < _MIN_PIECES:
        return None
    cuts.append(len(text))
    module = ir.Module(language)
    used: set[int] = set()  # slots placed by this parse: a text met twice gets a tree of its own
    fresh: set[int] = set()  # trees of such texts: kept nowhere
    i, n = 0, len(cuts) - 1
    while i < n:
        j = i + 1
        piece = _piece(language, text, cuts[i], cuts[j], blocks, used, fresh, parse_text)
        if piece.broken:
            for k in range(i + 2, min(n, i + 1 + _GLUE) + 1):
                glued = _piece(language, text, cuts[i], cuts[k], blocks, used, fresh, parse_text)
                if not glued.broken:
                    piece, j = glued, k
                    break
        module.funcs += piece.funcs
        module.toplevel += piece.toplevel
        module.comments += piece.comments
        module.imports += piece.imports
        module.broken = module.broken or piece.broken
        slot = blocks.used.get(text[cuts[i] : cuts[j]]) if id(piece) not in fresh else None
        module.pieces.append(ir.Piece(text[cuts[i] : cuts[j]], cuts[i], piece.funcs, slot))
        i = j
    return module


def _piece(
    language: str,
    text: str,
    start: int,
    end: int,
    blocks: Blocks,
    used: set[int],
    fresh: set[int],
    parse_text: Callable[[str, str], ir.Module],
) -> ir.Module:
    """The tree of text[start:end], at `start`: the cached one moved there, or a fresh parse."""
    piece = text[start:end]
    slot = blocks.slot(piece)
    if id(slot) in used:  # the same text twice in one document: a tree of its own
        tree = _placed(parse_text(language, piece), start)
        fresh.add(id(tree))
        return tree
    used.add(id(slot))
    cached = slot.get("tree")
    if isinstance(cached, ir.Module) and cached.language == language:
        at = slot["at"]
        if at != start:
            _move(cached, start - at)
            slot["at"] = start
        return cached
    slot.clear()  # what was kept for another language's tree
    tree = slot["tree"] = _placed(parse_text(language, piece), start)
    slot["at"] = start
    return tree


def _placed(tree: ir.Module, start: int) -> ir.Module:
    if start:
        _move(tree, start)
    return tree


def _move(tree: ir.Module, delta: int) -> None:
    ir.shift(tree.funcs, delta)
    ir.shift(tree.toplevel, delta)
    tree.comments = [(s + delta, e + delta, t) for s, e, t in tree.comments]
    for imp in tree.imports:
        imp.start += delta
        imp.end += delta
