"""Bridge dial strings: `{globals}[leg vars]a,b|c:_:d` split with positions.

switch_ivr_originate (src/switch_ivr_originate.c) reads a leading `{...}`
block as variables for every leg, splits the rest on `|` into groups tried one
after another (sequential failover) and each group on `,` into legs rung at
once; `[...]` before a leg holds that leg's variables (commas inside it are
escaped first), and `:_:` (SWITCH_ENT_ORIGINATE_DELIM) runs whole dial strings
in parallel threads. The dialplan expands `${...}` before bridge runs, so a
`|` or `,` inside `${regex(a|b)}` is not a separator; quotes and backslash
escapes protect separators as switch_separate_string does. Positions are
indices into the (entity-decoded) string.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_OPEN = {"{": "}", "[": "]", "(": ")", "<": ">"}
ENTERPRISE = ":_:"


# Named tuples: immutable values, and a bridge builds several (a frozen
# dataclass costs twice as much to construct).
class Var(NamedTuple):
    name: str
    value: str
    start: int  # value start
    end: int  # value end


class Leg(NamedTuple):
    text: str  # the target without its variable blocks
    start: int
    end: int
    vars: tuple[Var, ...] = ()


class DialString(NamedTuple):
    globals: tuple[Var, ...]
    # thread (`:_:` part) -> `|` group -> `,` legs
    threads: tuple[tuple[tuple[Leg, ...], ...], ...]

    def legs(self) -> list[Leg]:
        """Every leg, in order."""
        return [leg for thread in self.threads for group in thread for leg in group]

    def var(self, name: str) -> Var | None:
        """The last global variable `name` ({...} or <...> blocks), if any."""
        found = None
        for v in self.globals:
            if v.name == name:
                found = v
        return found


_SPECIALS: dict[str, re.Pattern[str]] = {}
_ANY_SPECIAL = re.compile(r"[\\{}\[\]()<>'\"]")  # without these, separators are all top-level


def split_top(s: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """Ranges of `s[start:end]` between top-level occurrences of `sep`."""
    if _ANY_SPECIAL.search(s, start, end) is None:
        return _split_plain(s, start, end, sep)
    special = _SPECIALS.get(sep)
    if special is None:
        special = _SPECIALS[sep] = re.compile(r"\\.|\$\{|[{}\[\]()<>'\"]|" + re.escape(sep), re.S)
    out: list[tuple[int, int]] = []
    closers: list[str] = []
    seg = pos = start
    while True:
        m = special.search(s, pos, end)
        if m is None:
            break
        tok, pos = m.group(), m.end()
        if tok == sep and not closers:
            out.append((seg, m.start()))
            seg = pos
        elif tok == "${":
            closers.append("}")
        elif tok in "'\"" and len(tok) == 1:
            close = s.find(tok, pos, end)
            if close >= 0:
                pos = close + 1
        elif tok in _OPEN and len(tok) == 1:
            closers.append(_OPEN[tok])
        elif closers and tok == closers[-1]:
            closers.pop()
    out.append((seg, end))
    return out


def _split_plain(s: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    at = s.find(sep, start, end)
    while at >= 0:
        out.append((start, at))
        start = at + len(sep)
        at = s.find(sep, start, end)
    out.append((start, end))
    return out


def parse_vars(s: str, start: int, end: int) -> list[Var]:
    """`a=1,b='x,y'` (the inside of a variable block) as variables."""
    out: list[Var] = []
    for a, b in split_top(s, start, end, ","):
        eq = s.find("=", a, b)
        if eq < 0:
            continue
        name = s[a:eq].strip()
        va, vb = _strip(s, eq + 1, b)
        if vb - va >= 2 and s[va] == s[vb - 1] and s[va] in "'\"":
            va, vb = va + 1, vb - 1
        if name:
            out.append(Var(name, s[va:vb], va, vb))
    return out


def _strip(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a].isspace():
        a += 1
    while b > a and s[b - 1].isspace():
        b -= 1
    return a, b


def _closer(s: str, start: int, end: int, closer: str) -> int:
    """Where the block opened before `start` closes (`end` when it does not)."""
    at = s.find(closer, start, end)
    if at >= 0 and _ANY_SPECIAL.search(s, start, at) is None:
        return at  # nothing nested or quoted before it
    return split_top(s, start, end, closer)[0][1]


def _blocks(s: str, a: int, b: int, opener: str) -> tuple[int, list[Var]]:
    """Leading variable blocks opened by any char in `opener`: (position after, vars)."""
    found: list[Var] = []
    a, b = _strip(s, a, b)
    while a < b and s[a] in opener:
        inner_end = _closer(s, a + 1, b, _OPEN[s[a]])
        if inner_end >= b:
            break
        found.extend(parse_vars(s, a + 1, inner_end))
        a, b = _strip(s, inner_end + 1, b)
    return a, found


def parse(s: str) -> DialString:
    """Split a bridge/originate dial string; never raises."""
    start, globals_ = _blocks(s, 0, len(s), "{<")
    threads = []
    for ta, tb in split_top(s, start, len(s), ENTERPRISE):
        ta, more = _blocks(s, ta, tb, "{<")
        globals_.extend(more)
        groups = []
        for ga, gb in split_top(s, ta, tb, "|"):
            legs = []
            for la, lb in split_top(s, ga, gb, ","):
                la, leg_vars = _blocks(s, la, lb, "[")
                la, lb = _strip(s, la, lb)
                if la < lb:
                    legs.append(Leg(s[la:lb], la, lb, tuple(leg_vars)))
            if legs:
                groups.append(tuple(legs))
        if groups:
            threads.append(tuple(groups))
    return DialString(tuple(globals_), tuple(threads))
