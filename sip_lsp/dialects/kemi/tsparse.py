"""tree-sitter for the Lua and JavaScript front ends: parsers made on first use, offsets in characters.

The grammars come from the `tree-sitter-lua` and `tree-sitter-javascript` wheels and
are imported only when a KEMI Lua or JavaScript file is met. tree-sitter never fails:
a broken script gives a tree with ERROR nodes, and the front ends keep what parsed.
tree-sitter counts UTF-8 bytes; `Offsets` turns them into Python string offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_PARSERS: dict[str, object] = {}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def parse(language: str, text: str):
    """The tree of `text` in `language` ("lua" | "javascript"), and its offset map."""
    parser = _PARSERS.get(language)
    if parser is None:
        import tree_sitter

        if language == "lua":
            import tree_sitter_lua as grammar
        else:
            import tree_sitter_javascript as grammar
        parser = _PARSERS[language] = tree_sitter.Parser(tree_sitter.Language(grammar.language()))
    data = text.encode("utf-8", "surrogatepass")
    return parser.parse(data), Offsets(text), data  # type: ignore[attr-defined]


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


def text_of(node, data: bytes) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "replace")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def unescape(seq: str) -> str:
    """A backslash escape's character (the common ones); others stand for themselves."""
    return _ESCAPES.get(seq[1:2], seq[1:]) if seq.startswith("\\") else seq
