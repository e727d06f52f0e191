"""Facts and failure-handler walks per piece of a KEMI script, kept while nothing they read changed.

A piece's facts read its own functions and, through calls, the script's functions it
reaches (thin wrappers seen through, helpers walked). They are kept in the piece's
cache slot (pieces.py) under a key that names every other piece reached by calls and
where it lies relative to this one: an unchanged piece whose callees are unchanged
and kept their distance gets its facts moved by the distance it moved (model
`shift`), not gathered again. Walks of failure handlers likewise, armed afresh by
where their `t_on_failure` calls now are. Cold or warm, the facts are the same: a
miss gathers them exactly as a cold analysis does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sip_lsp.dialects.kemi import facts, flow, ir
from sip_lsp.dialects.kemi.values import Script
from sip_lsp.model import FailoverSite, GuardFix, OutcomeTable, Span
from sip_lsp.model.codesets import union

# A call as written, for a piece whose calls no walk gathered (the same text twice in a document):
# over-approximate (keywords and library calls are no function of the script, so they reach nothing).
_CALLED = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_MAX_REACH = 64  # pieces reached beyond this: no key, gathered every time
Key = tuple[tuple[str, int], ...]
GuardOf = Callable[[ir.Func], "GuardFix | None"]


def collect(script: Script, module: ir.Module) -> tuple[facts.Collected, list[Key | None]]:
    """The script's facts, each piece's taken from its slot when its key holds; and the keys.

    A piece's key needs the calls of the pieces it reaches, which a piece learns when its facts
    are gathered: kept pieces know theirs, so a kept piece whose reach holds only kept pieces
    is judged first; the others are gathered, then every key is made and kept.
    """
    pieces = module.pieces
    defined: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        for f in piece.funcs:
            defined.setdefault(f.name, []).append(i)
    calls: list[frozenset[str] | None] = []
    for piece in pieces:
        known = piece.slot.get("calls") if piece.slot is not None else None
        if known is None and piece.slot is None:
            known = _written_calls(piece.text)
        calls.append(known if isinstance(known, frozenset) else None)
    parts: list[facts.Collected | None] = []
    for i, piece in enumerate(pieces):
        slot = piece.slot
        kept = slot.get("facts") if slot is not None else None
        part = None
        if isinstance(kept, tuple) and kept[1] is script.ksr and kept[0] == _key(i, pieces, defined, calls):
            at, part = kept[2], kept[3]
            if at != piece.start:
                part = facts.moved(part, piece.start - at)
        parts.append(part)
    for i, piece in enumerate(pieces):
        if parts[i] is None:
            part = parts[i] = facts.collect(script, piece.funcs, toplevel=False)
            calls[i] = frozenset(part.calls)
            if piece.slot is not None:
                piece.slot["calls"] = calls[i]
    found_keys = [_key(i, pieces, defined, calls) for i in range(len(pieces))]
    done: list[facts.Collected] = []
    for piece, key, part in zip(pieces, found_keys, parts):
        assert part is not None
        if piece.slot is not None and key is not None:
            piece.slot["facts"] = (key, script.ksr, piece.start, part)
        done.append(part)
    done.append(facts.collect(script, [], toplevel=True))
    return facts.join(done), found_keys


def _key(
    i: int, pieces: list[ir.Piece], defined: dict[str, list[int]], calls: list[frozenset[str] | None]
) -> Key | None:
    """The other pieces piece `i` reaches by calls: (text, start relative to it); None: keep nothing."""
    if pieces[i].slot is None:
        return None
    seen = {i}
    stack = [i]
    while stack:
        j = stack.pop()
        for name in calls[j] or ():
            for k in defined.get(name, ()):
                if k not in seen:
                    seen.add(k)
                    stack.append(k)
        if len(seen) > _MAX_REACH:
            return None
    seen.discard(i)
    base = pieces[i].start
    return tuple((pieces[j].text, pieces[j].start - base) for j in sorted(seen))


def _written_calls(text: str) -> frozenset[str]:
    found = set()
    for m in _CALLED.finditer(text):
        name = m.group(1)
        found.add(name[5:] if name.startswith("self.") else name)
    return frozenset(found)


class Walks:
    """Where each function is (its piece), to find a handler's kept walk."""

    def __init__(self, module: ir.Module, found_keys: list[Key | None]) -> None:
        self.where: dict[int, tuple[ir.Piece, Key | None, int]] = {}
        for piece, key in zip(module.pieces, found_keys):
            for n, f in enumerate(piece.funcs):
                self.where[id(f)] = (piece, key, n)

    def walk(
        self,
        script: Script,
        handler: ir.Func,
        armed_by: tuple[Span, ...],
        guard_of: GuardOf,
        result: flow.Result,
    ) -> None:
        """Walk `handler` into `result`, or move its kept walk there."""
        placed = self.where.get(id(handler))
        piece, key, n = placed if placed is not None else (None, None, 0)
        slot = piece.slot if piece is not None else None
        if piece is None or slot is None or key is None:
            flow.walk_handler(script, handler, armed_by, guard_of(handler), result)
            return
        kept_all = slot.setdefault("walks", {})
        assert isinstance(kept_all, dict)
        kept = kept_all.get(n)
        if isinstance(kept, tuple) and kept[0] == key and kept[1] is script.ksr:
            _, _, at, sites, possible, tables = kept
            delta = piece.start - at
        else:
            mine = flow.Result()
            flow.walk_handler(script, handler, armed_by, guard_of(handler), mine)
            sites, possible, tables, delta = list(mine.sites.values()), mine.possible, mine.tables, 0
            kept_all[n] = (key, script.ksr, piece.start, sites, possible, tables)
        _add(result, sites, possible, tables, delta, armed_by)


def _add(
    result: flow.Result,
    sites: list[FailoverSite],
    possible: dict[int, frozenset[int]],
    tables: list[OutcomeTable],
    delta: int,
    armed_by: tuple[Span, ...],
) -> None:
    for site in sites:
        if delta or site.armed_by != armed_by:
            site = site.rearmed(delta, armed_by)
        key = (site.span.start, site.span.path, site.block or "", site.via)
        prev = result.sites.get(key)
        result.sites[key] = site if prev is None else flow.joined(prev, site)
    for start, codes in possible.items():
        at = start + delta
        prev_codes = result.possible.get(at)
        result.possible[at] = codes if prev_codes is None else union(prev_codes, codes)
    for t in tables:
        moved = t.shift(delta) if delta else t
        if moved.armed_by != armed_by:
            moved = OutcomeTable(moved.kind, moved.name, moved.span, armed_by, moved.rows, moved.block)
        result.tables.append(moved)
