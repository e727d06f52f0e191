"""Each `<extension>` scanned once per text: an edit re-scans only its own.

The language server re-analyses the whole dialplan on every keystroke, and a
keystroke changes one extension. Each extension is scanned alone and cached
by its text (`ser.cache.ChunkCache`, bounded by characters); the document is
then scanned with every reusable extension masked as an empty
`<extension>   </extension>` of the same length, so the skeleton (contexts, comments,
whatever sits between extensions) costs little and keeps document offsets.

An extension is reusable when scanning it alone gives what the whole scan
gives: one root, closed by the `</extension>` that ends the chunk, no end tag
that matched nothing (it could close an element outside) and no nested
context or extension (it would close one outside). Masking is exact when the
skeleton scan meets every mask as a start tag: text before a mask is the same
in both scans, and nothing before it (an open comment, quote or CDATA) ran
into it. Otherwise the text is scanned whole, without reuse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sip_lsp.dialects import xmlscan
from sip_lsp.dialects.ser.cache import ChunkCache

_START = re.compile(r"<extension(?![-\w.:])")
_END = "</extension>"
_OPEN, _MASK = "<extension", "<extension>"
_OTHERS = tuple("<" + name for name in sorted(xmlscan.NO_SELF_NEST - {"extension"}))
_SCAN = "scan"       # slot key of a chunk's own scan (None: not reusable)

CACHE = ChunkCache()


@dataclass(slots=True)
class Chunk:
    """A reusable extension: where it starts, its scan (offsets from `start`) and cache slot."""

    start: int
    scan: xmlscan.Document
    slot: dict[Any, Any]

    @property
    def root(self) -> xmlscan.Element:
        return self.scan.roots[0]


def split(text: str) -> tuple[xmlscan.Document, dict[int, Chunk]]:
    """The skeleton scan and the reusable extensions by start offset (see the module doc)."""
    chunks: dict[int, Chunk] = {}
    pieces: list[str] = []
    pos = 0
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
        slot = CACHE.entry(chunk)
        if _SCAN not in slot:
            slot[_SCAN] = _alone(chunk)
        if slot[_SCAN] is None:
            continue
        chunks[start] = Chunk(start, slot[_SCAN], slot)
        pieces += (text[pos:start], _MASK, " " * (end - start - len(_MASK) - len(_END)), _END)
        pos = end
    if not chunks:
        return xmlscan.scan(text), chunks
    pieces.append(text[pos:])
    doc = xmlscan.scan("".join(pieces))
    if sum(el.start in chunks for el in doc.iter()) != len(chunks):
        return xmlscan.scan(text), {}
    return doc, chunks


def _alone(chunk: str) -> xmlscan.Document | None:
    """The scan of one extension's text, or None when the whole scan could differ."""
    if chunk.count(_OPEN) > 1 or any(other in chunk for other in _OTHERS):
        return None                  # (maybe) a nested context or extension: the text decides
    doc = xmlscan.scan(chunk)
    if doc.stray_ends or len(doc.roots) != 1:
        return None
    root = doc.roots[0]
    if root.name != "extension" or not root.closed or root.end != len(chunk):
        return None
    return doc
