"""Each `<extension>` analysed once per text: an edit re-walks only its own.

The language server re-analyses the whole dialplan on every keystroke, and a
keystroke changes one extension. Every extension's text (from `<extension` to
the first `</extension>`) is a chunk with a slot in the document's
`BlockCache` (dialects.common.block_cache); the dialect keeps the chunk's
facts there. A chunk seen before and found reusable is masked as an empty
`<extension>   </extension>` of the same length before the document is
scanned, so the scan covers only the rest (contexts, comments, new or edited
extensions) and offsets stay the document's.

A chunk is reusable when its text alone decides its scan, wherever it sits:
the whole scan closes it with that `</extension>`, no end tag inside matched
nothing (elsewhere it could close an element outside) and it holds no other
context, extension, section, document or include start (it could close one
outside). Masking is exact when the scan meets every mask as a start tag: the
text before a mask is the same in both scans, and nothing before it (an open
comment, quote or CDATA) ran into it. Otherwise the text is scanned unmasked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.dialects.freeswitch import xmlscan

_START = re.compile(r"<extension(?![-\w.:])")
_OPEN, _END, _MASK = "<extension", "</extension>", "<extension>"
_OTHERS = re.compile("<(?:" + "|".join(sorted(xmlscan.NO_SELF_NEST - {"extension"})) + ")")
_REUSABLE = "reusable"  # slot key: True / False once known
_COMMENTS = "comments"  # slot key: a reusable chunk's comments as (offset in it, text)

_BLOCKS = "freeswitch"  # this dialect's table in the document's BlockCache


@dataclass(slots=True)
class Chunk:
    """One extension's text at `start`, its cache slot, and whether the scan skipped it."""

    start: int
    text: str
    slot: dict[Any, Any]
    masked: bool

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def comments(self) -> list[tuple[int, str]]:
        """A reusable chunk's comments: (offset from `start`, text between the markers)."""
        comments: list[tuple[int, str]] = self.slot[_COMMENTS]
        return comments

    def root(self) -> xmlscan.Element:
        """The extension scanned alone (offsets from `start`): a masked chunk's tree."""
        return xmlscan.scan(self.text).roots[0]


def split(text: str, cache: BlockCache) -> tuple[xmlscan.Document, dict[int, Chunk]]:
    """The scan of `text` with reusable chunks masked, and every chunk by start offset."""
    blocks = cache.blocks(_BLOCKS)
    chunks: dict[int, Chunk] = {}
    pieces: list[str] = []
    pos = masked = 0
    find = text.find
    for m in _START.finditer(text):
        start = m.start()
        if start < pos:
            continue
        end = find(_END, start)
        if end < 0:
            break
        end += len(_END)
        chunk = text[start:end]
        slot = blocks.slot(chunk)
        reuse = slot.get(_REUSABLE) is True
        chunks[start] = Chunk(start, chunk, slot, reuse)
        pos = end
        if reuse:
            pieces += (text[masked:start], _MASK, " " * (end - start - len(_MASK) - len(_END)), _END)
            masked = end
    if not pieces:
        return xmlscan.scan(text), chunks
    pieces.append(text[masked:])
    doc = xmlscan.scan("".join(pieces))
    met = sum(1 for el in doc.iter() if el.start in chunks and chunks[el.start].masked)
    if met != sum(c.masked for c in chunks.values()):
        for c in chunks.values():
            c.masked = False
        return xmlscan.scan(text), chunks
    return doc, chunks


def reusable(chunk: Chunk, el: xmlscan.Element, doc: xmlscan.Document) -> bool:
    """Whether `el`, scanned in place, is what `chunk.text` scans to anywhere (remembered)."""
    known = chunk.slot.get(_REUSABLE)
    if known is None:
        text, start, end = chunk.text, chunk.start, chunk.end
        strays = doc.stray_ends
        known = chunk.slot[_REUSABLE] = (
            el.closed
            and el.start == start
            and el.end == end
            and not (strays and bisect_left(strays, start) != bisect_left(strays, end))
            and text.count(_OPEN) == 1
            and not _OTHERS.search(text)
        )
        if known:
            chunk.slot[_COMMENTS] = _comments(doc, start, end) if "<!--" in text else []
    return known


def _comments(doc: xmlscan.Document, start: int, end: int) -> list[tuple[int, str]]:
    """The comments of `doc` in [start, end), as (offset from start, text)."""
    first = bisect_left(doc.comments, start, key=_start)
    last = bisect_left(doc.comments, end, key=_start)
    return [(c.start - start, c.text) for c in doc.comments[first:last]]


def _start(comment: xmlscan.Comment) -> int:
    return comment.start
