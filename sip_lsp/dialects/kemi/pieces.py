"""A KEMI script parsed piece by piece, each piece's tree kept in the document's BlockCache.

A keystroke changes one function; parsing the whole file again (`ast`, tree-sitter
and the conversion to ir.py's tree) is most of a re-lint of a large script. The text
is cut before each line that starts a top-level function at column 0 (`def`,
`class`, `function`...) and before each method of a Python class (parsed under a
`class` line of its name), each piece is parsed alone, and a piece whose text is
unchanged keeps its tree (moved in place to where the piece now starts). A piece
that does not parse alone (a decorator, a `def` at column 0 inside a string, a
function being typed) is parsed glued to up to `_GLUE` following pieces, the first
glued text that parses taken; else alone, broken. The same cuts, cold or warm: a
cached tree is exactly the tree a fresh parse of the piece gives.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import pairwise

from sip_lsp.dialects.common.block_cache import Blocks
from sip_lsp.dialects.kemi import ir

# Lines that start a top-level piece, per language (as the tree-sitter front ends cut a broken file).
_HEADS = {
    "python": re.compile(r"^(?:def |class |async def )", re.MULTILINE),
    "lua": re.compile(r"^(?:function |local function )", re.MULTILINE),
    "javascript": re.compile(r"^(?:function |async function )", re.MULTILINE),
}
# app_python3's class: its methods are pieces too, cut at the indentation of the first `def`.
_PY_CLASS = re.compile(r"class[ \t]+(\w+)")
_PY_METHOD = re.compile(r"^([ \t]+)(?:async[ \t]+)?def ", re.MULTILINE)
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
    owners: dict[int, str] = {}
    if language == "python":
        cuts, owners = _methods(text, cuts)
    if len(cuts) < _MIN_PIECES:
        return None
    cuts.append(len(text))
    misses = sum(1 for a, b in pairwise(cuts) if text[a:b] not in blocks.previous)
    if misses * 2 > len(cuts):  # mostly new (a cold analysis): one parse of the whole, then cut
        whole = _cut(language, text, cuts, owners, blocks, parse_text)
        if whole is not None:
            return whole
    module = ir.Module(language)
    used: set[int] = set()  # slots placed by this parse: a text met twice gets a tree of its own
    fresh: set[int] = set()  # trees of such texts: kept nowhere
    i, n = 0, len(cuts) - 1
    while i < n:
        j = i + 1
        owner = owners.get(cuts[i])
        piece = _piece(language, text, cuts[i], cuts[j], owner, blocks, used, fresh, parse_text)
        if piece.broken:
            for k in range(i + 2, min(n, i + 1 + _GLUE) + 1):
                glued = _piece(language, text, cuts[i], cuts[k], owner, blocks, used, fresh, parse_text)
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
    owner: str | None,
    blocks: Blocks,
    used: set[int],
    fresh: set[int],
    parse_text: Callable[[str, str], ir.Module],
) -> ir.Module:
    """The tree of text[start:end], at `start`: the cached one moved there, or a fresh parse."""
    piece = text[start:end]
    slot = blocks.slot(piece)
    if id(slot) in used:  # the same text twice in one document: a tree of its own
        tree = _parsed(language, piece, start, owner, parse_text)
        fresh.add(id(tree))
        return tree
    used.add(id(slot))
    cached = slot.get("tree")
    if isinstance(cached, ir.Module) and cached.language == language and slot.get("owner") == owner:
        at = slot["at"]
        if at != start:
            _move(cached, start - at)
            slot["at"] = start
        return cached
    slot.clear()  # what was kept for another language's tree, or another class's methods
    tree = slot["tree"] = _parsed(language, piece, start, owner, parse_text)
    slot["at"], slot["owner"] = start, owner
    return tree


def _parsed(
    language: str, piece: str, start: int, owner: str | None, parse_text: Callable[[str, str], ir.Module]
) -> ir.Module:
    """A piece's tree at `start`; the methods of a Python class are parsed under a `class` line."""
    head = f"class {owner}:\n" if owner is not None else ""
    return _placed(parse_text(language, head + piece), start - len(head))


def _methods(text: str, cuts: list[int]) -> tuple[list[int], dict[int, str]]:
    """Python: the cuts with one more before each method of a top-level class (app_python3's
    handlers are methods), and the class each such piece's methods belong to."""
    owners: dict[int, str] = {}
    more: list[int] = []
    for i, at in enumerate(cuts):
        m = _PY_CLASS.match(text, at)
        if m is None:
            continue
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        indent = None
        for d in _PY_METHOD.finditer(text, at, end):
            indent = d.group(1) if indent is None else indent
            if d.group(1) == indent:
                more.append(d.start())
                owners[d.start()] = m.group(1)
    if not more:
        return cuts, owners
    return sorted({*cuts, *more}), owners


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


def _cut(
    language: str,
    text: str,
    cuts: list[int],
    owners: dict[int, str],
    blocks: Blocks,
    parse_text: Callable[[str, str], ir.Module],
) -> ir.Module | None:
    """The whole text parsed once and cut into the pieces' trees, or None when a piece would not
    parse alone (the whole is broken, or a statement crosses a cut): each piece's tree is then the
    tree of its text, as a parse of the piece alone gives it."""
    whole = parse_text(language, text)
    if whole.broken:
        return None
    n = len(cuts) - 1
    trees = [ir.Module(language) for _ in range(n)]

    def piece_of(start: int, end: int) -> int | None:
        i = bisect_right(cuts, start) - 1
        return i if 0 <= i < n and end <= cuts[i + 1] else None

    for f in whole.funcs:
        i = piece_of(f.start, f.end)
        if i is None:
            return None
        trees[i].funcs.append(f)
    for node in whole.toplevel:
        i = piece_of(node.start, node.end)
        if i is None:
            return None
        trees[i].toplevel.append(node)
    for imp in whole.imports:
        i = piece_of(imp.start, imp.end)
        if i is None:
            return None
        trees[i].imports.append(imp)
    for comment in whole.comments:
        i = piece_of(comment[0], comment[1])
        if i is None:
            return None
        trees[i].comments.append(comment)
    module = ir.Module(language)
    used: set[int] = set()
    for i, tree in enumerate(trees):
        start = cuts[i]
        piece = text[start : cuts[i + 1]]
        if "sip-lsp" not in piece:
            tree.comments = []  # a piece parsed alone keeps comments only for suppressions
        found = blocks.slot(piece)
        slot: dict[str, object] | None = None  # the same text twice: kept nowhere
        if id(found) not in used:
            used.add(id(found))
            found.clear()
            found["tree"], found["at"], found["owner"] = tree, start, owners.get(start)
            slot = found
        module.funcs += tree.funcs
        module.toplevel += tree.toplevel
        module.comments += tree.comments
        module.imports += tree.imports
        module.pieces.append(ir.Piece(piece, start, tree.funcs, slot))
    return module
