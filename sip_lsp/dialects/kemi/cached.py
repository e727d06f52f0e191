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

# A call as written: the name before `(` (over-approximate: keywords and library calls are no
# function of the script, so they reach nothing).
_CALLED = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_MAX_REACH = 64  # pieces reached beyond this: no key, gathered every time
Key = tuple[tuple[str, int], ...]
GuardOf = Callable[[ir.Func], "GuardFix | None"]


def keys(module: ir.Module) -> list[Key | None]:
    """Per piece: the other pieces its calls reach (text, start relative to it), or None (not kept)."""
    pieces = module.pieces
    defined: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        for f in piece.funcs:
            defined.setdefault(f.name, []).append(i)
    direct = [_reach(piece, defined, i) for i, piece in enumerate(pieces)]
    out: list[Key | None] = []
    for i, piece in enumerate(pieces):
        if piece.slot is None:
            out.append(None)
            continue
        seen = {i}
        stack = list(direct[i])
        while stack and len(seen) <= _MAX_REACH:
            j = stack.pop()
            if j not in seen:
                seen.add(j)
                stack += direct[j]
        if len(seen) > _MAX_REACH:
            out.append(None)
            continue
        seen.discard(i)
        out.append(tuple((pieces[j].text, pieces[j].start - piece.start) for j in sorted(seen)))
    return out


def _reach(piece: ir.Piece, defined: dict[str, list[int]], me: int) -> list[int]:
    """The pieces defining a function this piece calls by name (its own set kept in its slot)."""
    slot = piece.slot
    names = slot.get("calls") if slot is not None else None
    if not isinstance(names, frozenset):
        found = set()
        for m in _CALLED.finditer(piece.text):
            name = m.group(1)
            if name.startswith("self."):
                name = name[5:]
            if "." not in name:
                found.add(name)
        names = frozenset(found)
        if slot is not None:
            slot["calls"] = names
    return [j for name in names for j in defined.get(name, ()) if j != me]


def collect(script: Script, module: ir.Module, found_keys: list[Key | None]) -> facts.Collected:
    """The script's facts, each piece's taken from its slot when its key holds."""
    parts: list[facts.Collected] = []
    for piece, key in zip(module.pieces, found_keys):
        slot = piece.slot
        kept = slot.get("facts") if slot is not None and key is not None else None
        if isinstance(kept, tuple) and kept[0] == key and kept[1] is script.ksr:
            _, _, at, part = kept
            if at != piece.start:
                part = facts.moved(part, piece.start - at)
        else:
            part = facts.collect(script, piece.funcs, toplevel=False)
        if slot is not None and key is not None:
            slot["facts"] = (key, script.ksr, piece.start, part)
        parts.append(part)
    parts.append(facts.collect(script, [], toplevel=True))
    return facts.join(parts)


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
            flow.walk_handler(script, handler, (), guard_of(handler), mine)
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
        site = site.rearmed(delta, armed_by)
        key = (site.span.start, site.span.path, site.block or "", site.via)
        prev = result.sites.get(key)
        result.sites[key] = site if prev is None else flow.joined(prev, site)
    for start, codes in possible.items():
        at = start + delta
        prev_codes = result.possible.get(at)
        result.possible[at] = codes if prev_codes is None else prev_codes | codes
    for t in tables:
        moved = t.shift(delta) if delta else t
        result.tables.append(
            OutcomeTable(moved.kind, moved.name, moved.span, armed_by, moved.rows, moved.block)
        )
