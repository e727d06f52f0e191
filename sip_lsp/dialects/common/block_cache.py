"""What one document's analysis keeps for the next one: a slot per block of text.

The server re-analyses a document on every keystroke, and a keystroke changes
one block: each dialect cuts the text into blocks (SER chunks at route
headers, Asterisk runs of contexts, FreeSWITCH extensions) and keeps a block's
parse, facts and flow results in a slot keyed by the block's text, so an
unchanged block is not analysed again.

A `BlockCache` belongs to one document (the server keeps one per open
document, the CLI a fresh one per file): nothing learnt from one document
reaches another. It holds two generations, the slots the analysis under way
has used and those the previous one used; `sweep()` ends an analysis and
drops every slot it did not use, so the cache never holds more than two
analyses' blocks however long the session runs. A lock keeps the server's
worker thread and its requests apart.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock itself, without importing threading (~0.5 ms)
from typing import Any

Slot = dict[Any, Any]


class BlockCache:
    __slots__ = ("_used", "_previous", "_lock")

    def __init__(self) -> None:
        self._used: dict[tuple[str, str], Slot] = {}  # (dialect, block text) -> slot, this analysis
        self._previous: dict[tuple[str, str], Slot] = {}  # the slots the previous analysis used
        self._lock = allocate_lock()

    def slot(self, dialect: str, text: str) -> Slot:
        """The slot of a block of `text` for `dialect`, empty when neither analysis met it."""
        key = (dialect, text)
        with self._lock:
            found = self._used.get(key)
            if found is None:
                found = self._previous.pop(key, None)
                if found is None:
                    found = {}
                self._used[key] = found
            return found

    def sweep(self) -> None:
        """End an analysis: keep the slots it used, drop those only the one before used."""
        with self._lock:
            self._previous = self._used
            self._used = {}

    def __len__(self) -> int:
        return len(self._used) + len(self._previous)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._used or key in self._previous
