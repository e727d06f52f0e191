"""extensions.conf cut at its contexts, each piece analysed once per text.

The server re-analyses on every keystroke. A context's parse and local facts
depend on its text only (and on the priority `n` continues from), so they are
cached by that text and shifted when the context moves. What crosses contexts
(DIALSTATUS dispatch, the walks after a failed Dial) is kept per piece with
the contexts and callers it read, and redone only when one of those changed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from functools import partial

from sip_lsp.dialects.asterisk import unanswered
from sip_lsp.dialects.asterisk.engine import Tables
from sip_lsp.dialects.asterisk.facts import Dispatch, dispatch, local_facts
from sip_lsp.dialects.asterisk.flow import Flow, Index, Record, Tagged, failover_site
from sip_lsp.dialects.asterisk.outcomes import Event, table
from sip_lsp.dialects.asterisk.parse import Ctx, Include, Parsed, Step, context_starts, parse_file
from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.dialects.common.edited import edited_lines
from sip_lsp.model import CauseSite, DispatchSite, Facts, Span

_BLOCKS = "asterisk"  # this dialect's table in the document's BlockCache
_PIECE, _INCLUDES = "piece", "includes"  # slot keys: the Piece; whether the text has an #include
GROUP = 32
_INCLUDE = re.compile(r"#\s*(include|tryinclude)", re.I)


class Cross:
    """A piece's results that read other contexts, with what they read.

    Its spans are tagged with their context (asterisk_flow.Tagged); the sites
    placed for the last set of moves of those contexts are kept as `Facts`.
    """

    __slots__ = (
        "tables",
        "reads",
        "caller_reads",
        "dispatches",
        "records",
        "events",
        "dials",
        "names",
        "placed",
        "declines",
    )

    def __init__(
        self,
        t: Tables,
        index: Index,
        dispatches: list[Dispatch],
        records: list[Record],
        walked: tuple[list[Step], list[Event]] = ([], []),
        declines: list[tuple[Tagged, CauseSite]] | None = None,
    ) -> None:
        self.tables, self.dispatches, self.records = t, dispatches, records
        self.declines = declines or []  # SC313 sites reached through jumps (unanswered.walk)
        self.dials, self.events = walked  # every Dial walked from, where its walks stopped
        self.reads, self.caller_reads = index.reads, index.caller_reads  # Index.record starts new ones
        tags: list[tuple[str, Span]] = [tag for d in dispatches for tag in (d[0], *(s for _, s in d[3]))]
        tags += [
            tag for step, _, tests, via, _ in records for tag in ((step.context, step.span), *tests, *via)
        ]
        tags += [Tagged(d.context, d.span) for d in self.dials]
        tags += [tag for e in self.events for tag in e.tests]
        tags += [Tagged(e.step.context, e.step.span) for e in self.events if e.step is not None]
        self.names = tuple({name for name, _ in tags})
        # (distances between the contexts named, where the first was, both Facts) when last placed
        self.placed: tuple[tuple[int, ...], int, Facts, Facts] | None = None

    def valid(self, t: Tables, index: Index) -> bool:
        """Still true: same tables, and every context and caller list read is the same."""
        contexts, callers = index.contexts, index.callers
        return (
            self.tables is t
            and all(contexts.get(n) is c for n, c in self.reads.items())
            and all(callers.get(k, []) == v for k, v in self.caller_reads.items())
        )

    def part(self, moved: dict[str, int]) -> tuple[Facts, Facts, int]:
        """The sites as a part (dispatch and failover; dispatch alone) and its shift.

        They are placed again only when the contexts they name moved apart;
        moved together, the same Facts (and their findings) are shifted.
        """
        key = [moved.get(name, 0) for name in self.names]
        base = key[0] if key else 0
        apart = tuple([k - base for k in key])
        placed = self.placed
        if placed is None or placed[0] != apart:
            at = partial(place, moved=moved)
            dispatches = [_dispatch_site(d, at) for d in self.dispatches]
            sites = [failover_site(r, at) for r in self.records]
            by_dial: dict[Step, list[Event]] = {d: [] for d in self.dials}
            for event in self.events:
                by_dial.setdefault(event.origin, []).append(event)
            tables = [table(self.tables, d, found, at) for d, found in by_dial.items()]
            both = Facts("asterisk", dispatch_sites=dispatches, failover_sites=sites, outcome_tables=tables)
            alone = Facts("asterisk", dispatch_sites=dispatches, outcome_tables=tables)
            placed = self.placed = (apart, base, both, alone)
        return placed[2], placed[3], base - placed[1]


def place(tagged: Tagged, moved: dict[str, int]) -> Span:
    """A span in the document, from one where its context's piece was parsed."""
    name, span = tagged
    d = moved.get(name, 0)
    return Span(span.start + d, span.end + d, span.path) if d else span


def _dispatch_site(d: Dispatch, place: Callable[[Tagged], Span]) -> DispatchSite:
    span, prefix, missing, stray = d
    return DispatchSite(place(span), prefix, "DIALSTATUS", missing, tuple([(n, place(s)) for n, s in stray]))


class Piece:
    """A run of contexts (or the whole document): its parse at the offset first seen, and its facts.

    Steps and facts keep the offsets of that `origin`: the local facts are
    shifted when the piece is met elsewhere, the flow's tagged spans placed.
    """

    __slots__ = ("origin", "parsed", "entry", "tables", "local", "facts", "cross", "own")

    def __init__(
        self,
        text: str,
        origin: int,
        entry: int,
        t: Tables | None,
        include: Include | None = None,
        within: tuple[str, str] | None = None,
    ) -> None:
        """`within`: (path, text) of the includer the document `text` is read inside (includer.py)."""
        self.origin, self.entry, self.tables = origin, entry, t
        self.parsed = Parsed(last_prio=entry)
        if within is None:
            parse_file(text, None, self.parsed, include, offset=origin)
        else:  # the includer's text carries its path; `include` reads the document in place
            parse_file(within[1], within[0], self.parsed, include)
        self.local = local_facts(self.parsed, text, origin, t)
        self.facts = self.local.facts()  # placed at base - origin: a piece that moved is not copied
        self.cross: Cross | None = None
        self.own: set[str | None] | None = None  # read inside an includer: the files whose tables are shown

    def fits(self, entry: int, t: Tables | None) -> bool:
        return self.tables is t and (not self.parsed.inherits or self.entry == entry)

    def exit_prio(self, entry: int) -> int:
        """The priority `n` continues from after this piece."""
        return entry if self.parsed.inherits is None else self.parsed.last_prio

    def crossing(self, index: Index, flow: Flow) -> Cross:
        """Dispatch sites and failover records of this piece, reused while what they read is unchanged."""
        t = flow.tables
        cross = self.cross
        if cross is not None and cross.valid(t, index):
            return cross
        index.record()
        found = (dispatch(p, t, index) for p in self.local.pending)
        dispatches = [d for d in found if d is not None]
        records = flow.walks(self.local.dials)
        dials = [ext.steps[i] for ext, i in self.local.dials]
        events = flow.events
        if self.own is not None:
            dials = [d for d in dials if d.span.path in self.own]
            events = [e for e in events if e.origin.span.path in self.own]
            records = [r for r in records if r.dial.span.path in self.own]
        declines = (
            unanswered.walk(self.local.unanswered, index, t, flow.causes) if self.local.unanswered else []
        )
        cross = self.cross = Cross(t, index, dispatches, records, (dials, events), declines)
        return cross


def pieces(
    text: str, t: Tables | None, include: Include, cache: BlockCache
) -> list[tuple[int, Piece]] | None:
    """(offset, piece) per group of contexts of `text`; None when it cannot be cut or names a context twice.

    A piece with an `#include` is parsed afresh each time (the file may have
    changed); the lines after it continue the context it leaves open, as in
    one parse, up to the next header.
    """
    starts = _context_starts(text, cache)
    if starts is None:
        return None
    group = _group(len(starts))
    cuts = [s for s, header in starts if _cuts(header, group)]
    bounds = [0, *cuts, len(text)] if not cuts or cuts[0] else [*cuts, len(text)]
    blocks = cache.blocks(_BLOCKS)
    out: list[tuple[int, Piece]] = []
    names: set[str] = set()
    prio = 0
    for k in range(len(bounds) - 1):
        s = bounds[k]
        chunk = text[s : bounds[k + 1]]
        slot = blocks.slot(chunk)
        piece = slot.get(_PIECE)
        if piece is None or not piece.fits(prio, t):
            includes = slot.get(_INCLUDES)
            if includes is None:  # searched once per text: a cached piece has none
                includes = slot[_INCLUDES] = _INCLUDE.search(chunk) is not None
            if includes:
                piece = Piece(chunk, s, prio, t, include)
            else:
                piece = slot[_PIECE] = Piece(chunk, s, prio, t)
        named = [name for name in piece.parsed.contexts if name]
        # A piece after the first starts at a header: its unnamed context stays empty
        # unless a `[ ]` reopens it.
        if (k and _used(piece.parsed.contexts[""])) or not names.isdisjoint(named):
            return None
        names.update(named)
        prio = piece.exit_prio(prio)
        out.append((s, piece))
    return out


def _context_starts(text: str, cache: BlockCache) -> list[tuple[int, str]] | None:
    """`context_starts(text)`, scanning again only the lines edited since the last analysis.

    A scan of a 100k-line dialplan for headers costs ~10 ms a keystroke; comparing the
    text with the last one and scanning the edited lines costs a tenth of that.
    """
    kept: tuple[str, list[tuple[int, str]]] | None = cache.document.get(_BLOCKS)
    starts: list[tuple[int, str]] | None = None
    if kept is not None and ";--" not in text:
        old, old_starts = kept
        edit = edited_lines(old, text)
        # from the newline before the first edited line: a header there reads as it does in
        # a scan of the whole text (which records the newline in front of it)
        base = max(edit.start - 1, 0)
        window = context_starts(text[base : edit.new_end])
        if window is not None:
            starts = [s for s in old_starts if s[0] < edit.start]
            starts += [(base + at, header) for at, header in window]
            starts += [(at + edit.delta, header) for at, header in old_starts if at > edit.old_end]
    if starts is None:
        starts = context_starts(text)
    cache.document[_BLOCKS] = (text, starts) if starts is not None else None
    return starts


def whole(text: str, t: Tables | None, include: Include) -> Piece:
    """The document as one piece, `#include`s read inline (never cached: included files change)."""
    return Piece(text, 0, 0, t, include)


def _group(headers: int) -> int:
    """About how many contexts go in one piece: 4 in a small file, up to GROUP in a large one.

    A re-analysis pays some bookkeeping per piece and a parse of the edited
    piece. Powers of two, so a larger group's cuts are among a smaller one's.
    """
    group = 4
    while group < GROUP and group * 64 <= headers:
        group *= 2
    return group


def _cuts(header: str, group: int) -> bool:
    """Whether a piece starts at this header: about one in `group`, chosen by its text.

    The choice stays put after an edit elsewhere.
    """
    return zlib.crc32(header.encode()) % group == 0


def _used(ctx: Ctx) -> bool:
    return bool(ctx.exts or ctx.includes or ctx.templates)
