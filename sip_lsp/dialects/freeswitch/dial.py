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
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from sip_lsp.model import Outcome

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
    # whom it calls (party(text)), found once per parsed string: every bridge compares
    # its legs' parties three or four times (hunt, failover, next step, table)
    party: str
    vars: tuple[Var, ...] = ()


class DialString(NamedTuple):
    globals: tuple[Var, ...]
    # thread (`:_:` part) -> `|` group -> `,` legs
    threads: tuple[tuple[tuple[Leg, ...], ...], ...]
    # thread -> what dialling each `|` group after the one before is (destination()), found
    # once per parsed string: a bridge's hunt failovers and its table both read it
    hunts: tuple[tuple[Outcome, ...], ...]

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


@lru_cache(maxsize=4096)  # a pure function of the string; each bridge is read three times per lint
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
                    legs.append(Leg(s[la:lb], la, lb, party(s[la:lb]), tuple(leg_vars)))
            if legs:
                groups.append(tuple(legs))
        if groups:
            threads.append(tuple(groups))
    hunts = tuple(tuple(destination(a, b) for a, b in pairwise(thread)) for thread in threads)
    return DialString(tuple(globals_), tuple(threads), hunts)


# ------------------------------------------------------------------ destinations
#
# Who a leg calls, told apart from the route to it (issue 13): `sofia/gateway/<gw>/<party>`,
# `sofia/<profile>/<party>@<host>`, `user/<party>@<domain>`, `group/<party>`,
# `loopback/<party>`, `<tech>/.../<party>`. The dialled number ($1..$9 from the
# condition, ${destination_number} and copies such as vanilla's ${dialed_extension}) is
# one party whatever prefix a carrier wants; other ${variables} are unknown. Voicemail,
# playback and IVR legs (mod_loopback `loopback/app=voicemail:...`) are media.

DIALLED = "<dialled>"  # the party key of the dialled number
UNKNOWN = "<unknown>"  # a party the text cannot tell (a variable)
MEDIA = "<media>"  # voicemail, an announcement, an IVR
_DIALLED = re.compile(
    r"\$[1-9]\b|\$\{(?:destination_number|sip_req_user|sip_to_user|caller_destination|dialed_extension)\}"
)
_MEDIA = re.compile(r"voicemail|playback|\bivr\b|app=(?:playback|speak|say|ivr)", re.I)


def party(text: str) -> str:
    """The key of whom the leg `text` calls: a user/number (lowercase), DIALLED, UNKNOWN or MEDIA."""
    if _MEDIA.search(text):
        return MEDIA
    head, _, rest = text.partition("/")
    if not rest:
        return UNKNOWN if "$" in text else text.lower()
    if head == "sofia" and rest.startswith("gateway/"):
        rest = rest[len("gateway/") :].partition("/")[2]
    elif head in ("sofia", "skinny", "freetdm", "verto.rtc"):
        rest = rest.partition("/")[2] or rest
    user = rest.split("/", 1)[0] if head in ("loopback", "user", "group") else rest
    user = user.split("@", 1)[0]
    if _DIALLED.search(user):
        return DIALLED
    if "$" in user or not user:
        return UNKNOWN
    return user.lower()


def destination(before: tuple[Leg, ...] | list[Leg], after: tuple[Leg, ...] | list[Leg]) -> Outcome:
    """What trying `after` once `before` failed is: retry-same, new-party, media or unknown.

    The same party (the dialled number, the same user) through another gateway or
    profile is retry-same; another user or number is new-party (a hunt, a forward);
    a variable on either side leaves it unknown unless a party known on both sides
    is rung again.
    """
    tried = {leg.party for leg in before}
    called = {leg.party for leg in after}
    if called and called <= {MEDIA}:
        return Outcome.MEDIA
    known = (tried & called) - {UNKNOWN, MEDIA}
    if known:
        return Outcome.RETRY_SAME
    if UNKNOWN in tried or UNKNOWN in called or not called:
        return Outcome.UNKNOWN
    return Outcome.NEW_PARTY
