"""Open documents with a line index kept up to date edit by edit.

pygls' own TextDocument re-splits the whole text for every position it
converts; on a 100k-line file that costs more than a hover. Here each edit
splices the text and patches the line starts, and a position is converted by
looking at one line only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from sip_lsp.lint import DocumentCache
from sip_lsp.model import Span
from sip_lsp.text import LineIndex


def _splice_index(lines: LineIndex, start: int, end: int, new: str, text: str) -> LineIndex:
    """The index of `text` = old text with [start, end) replaced by `new`."""
    index = LineIndex.__new__(LineIndex)
    index.text = text
    starts = lines.starts
    keep = bisect_right(starts, start)
    shift = bisect_right(starts, end)
    inserted: list[int] = []
    i = new.find("\n")
    while i != -1:
        inserted.append(start + i + 1)
        i = new.find("\n", i + 1)
    delta = len(new) - (end - start)
    index.starts = (
        starts[:keep] + inserted + ([s + delta for s in starts[shift:]] if delta else starts[shift:])
    )
    return index


class Positions:
    """Offsets <-> LSP positions for one text, in the negotiated encoding."""

    __slots__ = ("lines", "codec")

    def __init__(self, lines: LineIndex, codec: PositionCodec) -> None:
        self.lines = lines
        self.codec = codec

    def position(self, offset: int) -> types.Position:
        line, col = self.lines.position(offset)
        if col and self.codec.encoding != types.PositionEncodingKind.Utf32:
            start = self.lines.starts[line]
            prefix = self.lines.text[start : start + col]
            if not prefix.isascii():
                col = self.codec.client_num_units(prefix)
        return types.Position(line=line, character=col)

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.start), end=self.position(span.end))

    def offset(self, position: types.Position) -> int:
        """The string offset of a client position (clamped to its line)."""
        line = position.line
        if line >= self.lines.line_count:
            return len(self.lines.text)
        start = self.lines.starts[line]
        text = self.lines.line_text(line)
        units = position.character
        if text.isascii() or self.codec.encoding == types.PositionEncodingKind.Utf32:
            return start + min(units, len(text))
        count = 0
        for i, ch in enumerate(text):
            if count >= units:
                return start + i
            count += self.codec.impl.code_units_for_char(ch)
        return start + len(text)


class Document:
    """One open document: its text, version, line index and what its last analysis cached."""

    # `stamp` moves when an included file changes: a lint started before that is stale.
    __slots__ = ("uri", "path", "version", "language_id", "lines", "codec", "stamp", "cache")

    def __init__(self, item: types.TextDocumentItem, codec: PositionCodec) -> None:
        self.uri = item.uri
        self.path = to_fs_path(item.uri)
        self.version = item.version
        self.language_id = item.language_id
        self.codec = codec
        self.lines = LineIndex(item.text)
        self.stamp = 0
        self.cache = DocumentCache()  # this document's blocks; closing the document drops it

    @property
    def text(self) -> str:
        return self.lines.text

    @property
    def positions(self) -> Positions:
        return Positions(self.lines, self.codec)

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        if isinstance(change, types.TextDocumentContentChangePartial):
            positions = self.positions
            start = positions.offset(change.range.start)
            end = max(start, positions.offset(change.range.end))
            text = self.text[:start] + change.text + self.text[end:]
            self.lines = _splice_index(self.lines, start, end, change.text, text)
        else:
            self.lines = LineIndex(change.text)


class Documents:
    """The open documents by URI (and by path, for includes)."""

    def __init__(self) -> None:
        self.by_uri: dict[str, Document] = {}
        self.by_path: dict[str, Document] = {}

    def open(self, item: types.TextDocumentItem, codec: PositionCodec) -> Document:
        doc = Document(item, codec)
        self.by_uri[doc.uri] = doc
        if doc.path:
            self.by_path[doc.path] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self.by_uri.get(uri)

    def close(self, uri: str) -> Document | None:
        doc = self.by_uri.pop(uri, None)
        if doc is not None and doc.path:
            self.by_path.pop(doc.path, None)
        return doc

    def __iter__(self) -> Iterator[Document]:
        """A snapshot: handlers may open or close documents while iterating."""
        return iter(list(self.by_uri.values()))
