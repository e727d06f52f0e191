"""Per-chunk results kept between analyses, bounded by the text they cover.

The server re-analyses on every keystroke; each edit leaves one stale chunk
behind. Entries live in least-recently-used order and the oldest go once the
cached chunks exceed a character budget, so memory stays bounded however long
the session runs. A lock keeps the server's worker thread and requests safe.
Each dialect (ser, asterisk_chunks, freeswitch_chunks) keeps its own cache.
"""

from __future__ import annotations

from _thread import allocate_lock  # threading.Lock itself, without importing threading (~0.5 ms)

# About 12 bytes of parse tree and facts per character of script: ~100 MB.
CHAR_BUDGET = 8_000_000


class ChunkCache:
    def __init__(self, budget: int = CHAR_BUDGET) -> None:
        self.budget = budget
        self.chars = 0
        self.entries: dict[str, dict] = {}
        self.lock = allocate_lock()

    def entry(self, chunk: str) -> dict:
        """The slot dict for `chunk` (created empty), marked most recently used."""
        with self.lock:
            slot = self.entries.pop(chunk, None)
            if slot is None:
                slot = {}
                self.chars += len(chunk)
                while self.chars > self.budget and self.entries:
                    oldest = next(iter(self.entries))
                    del self.entries[oldest]
                    self.chars -= len(oldest)
            self.entries[chunk] = slot
            return slot

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.chars = 0
