"""What one document's analysis keeps for the next one: a slot per block of text.

The server re-analyses a document on every keystroke, and a keystroke changes
one block: each dialect cuts the text into blocks (SER chunks at route
headers, Asterisk runs of contexts, FreeSWITCH extensions) and keeps a block's
parse, facts and flow results in a slot keyed by the block's text, so an
unchanged block is not analysed again.

A `BlockCache` belongs to one document (the server keeps one per open
document, the CLI a fresh one per file): nothing learnt from one document
reaches another. Each dialect has its own table of slots. A table holds two
generations, the slots the analysis under way has used and those the previous
one used; `sweep()` ends an analysis and drops every slot it did not use, so
the cache never holds more than two analyses' blocks however long the session
runs. No lock: the server lints one document at a time, and two analyses
sharing a cache at once could only cost each other reuse (a slot that goes
missing is made again empty), never a wrong fact.
"""

from __future__ import annotations

from typing import Any

Slot = dict[Any, Any]


class Blocks:
    """One dialect's slots in a BlockCache, by block text."""

    __slots__ = ("used", "previous")

    def __init__(self) -> None:
        self.used: dict[str, Slot] = {}  # block text -> slot, met by the analysis under way
        self.previous: dict[str, Slot] = {}  # the slots the previous analysis met and this one not yet

    def slot(self, text: str) -> Slot:
        """The slot of a block of `text`, empty when neither analysis met it."""
        found = self.previous.pop(text, None)  # an unchanged block: found here, one lookup
        if found is None:
            found = self.used.get(text)  # the same text twice in one document
            if found is None:
                found = {}
        self.used[text] = found
        return found

    def sweep(self) -> None:
        self.previous = self.used
        self.used = {}


class BlockCache:
    __slots__ = ("_tables", "document")

    def __init__(self) -> None:
        self._tables: dict[str, Blocks] = {}
        # What a dialect keeps about the whole text from one analysis to the next (the last
        # text and the line marks found in it, see common/edited.py); a key per dialect.
        self.document: dict[str, Any] = {}

    def blocks(self, dialect: str) -> Blocks:
        """The table of `dialect`'s blocks (ser, asterisk, freeswitch), made on first use."""
        table = self._tables.get(dialect)
        if table is None:
            table = self._tables[dialect] = Blocks()
        return table

    def slot(self, dialect: str, text: str) -> Slot:
        """The slot of a block of `text` in `dialect`'s table."""
        return self.blocks(dialect).slot(text)

    def sweep(self) -> None:
        """End an analysis: keep the slots it used, drop those only the one before used."""
        for table in self._tables.values():
            table.sweep()

    def __len__(self) -> int:
        return sum(len(t.used) + len(t.previous) for t in self._tables.values())

    def __contains__(self, key: tuple[str, str]) -> bool:
        table = self._tables.get(key[0])
        return table is not None and (key[1] in table.used or key[1] in table.previous)
