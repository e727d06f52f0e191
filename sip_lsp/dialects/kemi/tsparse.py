"""tree-sitter for the Lua and JavaScript front ends: parsers made on first use, offsets in characters.

The grammars come from the `tree-sitter-lua` and `tree-sitter-javascript` wheels and
are imported only when a KEMI Lua or JavaScript file is met. tree-sitter never fails:
a broken script gives a tree with ERROR nodes, and the front ends keep what parsed.
tree-sitter counts UTF-8 bytes; `Offsets` turns them into Python string offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real only when a Lua or JavaScript script is met
    from tree_sitter import Node, Parser, Tree

_PARSERS: dict[str, Parser] = {}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

# A piece of a script parsed alone: its root node, its bytes, and where those bytes start in the text.
Piece = tuple["Node", bytes, int]


def _parser(language: str) -> Parser:
    parser = _PARSERS.get(language)
    if parser is None:
        import tree_sitter

        grammar: object  # a capsule holding the C grammar
        if language == "lua":
            import tree_sitter_lua

            grammar = tree_sitter_lua.language()
        else:
            import tree_sitter_javascript

            grammar = tree_sitter_javascript.language()
        parser = _PARSERS[language] = tree_sitter.Parser(tree_sitter.Language(grammar))
    return parser


def parse(language: str, text: str) -> tuple[Tree, Offsets, bytes]:
    """The tree of `text` in `language` ("lua" | "javascript"), its offset map and its bytes."""
    data = text.encode("utf-8", "surrogatepass")
    return _parser(language).parse(data), Offsets(text), data


def pieces(language: str, text: str, heads: tuple[bytes, ...]) -> tuple[Offsets, list[Piece]]:
    """(offset map, [(root node, its bytes, byte offset of those bytes in the text)]).

    One piece, the whole text, when it parses. When it does not, an error can swallow
    the rest of the file (an unclosed string or block), so the text is cut before each
    line that starts a top-level function (`heads`, at column 0) and each piece is
    parsed alone: the damage stays in the function being typed.
    """
    tree, offsets, data = parse(language, text)
    if not tree.root_node.has_error:
        return offsets, [(tree.root_node, data, 0)]
    cuts = [0]
    pos = 0
    for line in data.splitlines(keepends=True):
        if pos and line.startswith(heads):
            cuts.append(pos)
        pos += len(line)
    cuts.append(len(data))
    parser = _parser(language)
    out: list[Piece] = []
    for start, end in pairwise(cuts):
        piece = data[start:end]
        out.append((parser.parse(piece).root_node, piece, start))
    return offsets, out


class Offsets:
    """UTF-8 byte offset -> string offset; the identity for an ASCII text."""

    __slots__ = ("starts", "extra")

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []  # byte offset of each non-ASCII character
        self.extra: list[int] = []  # bytes beyond one taken by the characters up to and including it
        if text.isascii():
            return
        total = 0
        for m in _NON_ASCII.finditer(text):
            size = len(m.group().encode("utf-8", "surrogatepass"))
            self.starts.append(m.start() + total)
            total += size - 1
            self.extra.append(total)

    def __call__(self, byte: int) -> int:
        if not self.starts:
            return byte
        k = bisect_left(self.starts, byte)
        return byte - (self.extra[k - 1] if k else 0)


def text_of(node: Node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def top_level_comments(root: Node, data: bytes, at: Callable[[int], int]) -> list[tuple[int, int, str]]:
    """The comments between top-level statements, at string offsets (`at` of a byte offset).

    Kept even where no comment holds a `sip-lsp` directive: a block comment may span a line
    where pieces.py cuts the text, and that cut must be refused, since a piece parsed alone
    would read the comment's inside as code.
    """
    return [
        (at(c.start_byte), at(c.end_byte), text_of(c, data)) for c in root.children if c.type == "comment"
    ]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def unescape(seq: str) -> str:
    """A backslash escape's character (the common ones); others stand for themselves."""
    return _ESCAPES.get(seq[1:2], seq[1:]) if seq.startswith("\\") else seq
