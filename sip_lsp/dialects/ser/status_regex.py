"""The exact set of status codes a t_check_status() pattern admits.

Kamailio tm `t_check_status` (src/modules/tm/tm.c) and OpenSIPS tm call
`regexec(re, status, ...)` without anchors on the 3-digit status string, with a
POSIX extended regex (glibc regcomp REG_EXTENDED). So "6" admits 486 and 560.
We translate the ERE to Python `re` and evaluate it on every code 100-699.
"""
from __future__ import annotations

import re
from functools import lru_cache

from sip_lsp.model import ALL_CODES

_CODES = tuple(sorted(ALL_CODES))
_CLASSES = {
    "digit": "0-9", "alpha": "A-Za-z", "alnum": "A-Za-z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "xdigit": "0-9A-Fa-f", "punct": r"!-/:-@\[-`{-~",
    "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f\x7f",
}
# GNU extensions glibc accepts outside brackets; any other escaped char is itself.
_GNU_ESCAPES = {"w": r"[A-Za-z0-9_]", "W": r"[^A-Za-z0-9_]", "s": r"\s", "S": r"\S",
                "b": r"\b", "B": r"\B", "<": r"\b", ">": r"\b", "`": r"\A", "'": r"\Z"}


class PatternError(ValueError):
    """The pattern does not compile as a POSIX ERE."""


def to_python(ere: str) -> str:
    """Translate a POSIX ERE into an equivalent Python pattern."""
    out: list[str] = []
    i, n = 0, len(ere)
    while i < n:
        c = ere[i]
        if c == "\\":
            if i + 1 >= n:
                raise PatternError("trailing backslash")
            e = ere[i + 1]
            if e.isdigit() and e != "0":
                out.append("\\" + e)
            else:
                out.append(_GNU_ESCAPES.get(e, re.escape(e)))
            i += 2
        elif c == "[":
            j, text = _bracket(ere, i)
            out.append(text)
            i = j
        elif c in "{":
            m = re.match(r"\{(\d*)(,(\d*))?\}", ere[i:])
            if not m or not (m.group(1) or m.group(3)):  # glibc reads {,n} as {0,n}
                raise PatternError("bad interval")
            out.append(m.group())
            i += m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _bracket(ere: str, i: int) -> tuple[int, str]:
    """Translate the bracket expression opening at i; backslash is literal inside."""
    n = len(ere)
    j = i + 1
    neg = j < n and ere[j] == "^"
    if neg:
        j += 1
    items: list[str] = []
    first = True
    while j < n:
        c = ere[j]
        if c == "]" and not first:
            return j + 1, "[" + ("^" if neg else "") + "".join(items) + "]"
        first = False
        if c == "[" and j + 1 < n and ere[j + 1] in ":.=":
            kind = ere[j + 1]
            close = ere.find(kind + "]", j + 2)
            if close == -1:
                raise PatternError("unclosed class")
            name = ere[j + 2:close]
            if kind == ":":
                if name not in _CLASSES:
                    raise PatternError("unknown class")
                items.append(_CLASSES[name])
            else:
                items.append(re.escape(name))
            j = close + 2
            continue
        if c == "-" and items and j + 1 < n and ere[j + 1] != "]":
            items.append("-")
        else:
            items.append(re.escape(c))
        j += 1
    raise PatternError("unclosed bracket")


@lru_cache(maxsize=4096)
def compile_ere(ere: str) -> re.Pattern[str] | None:
    """The Python regex for `ere`, or None when the engine would reject it."""
    try:
        return re.compile(to_python(ere))
    except (PatternError, re.error, RecursionError, OverflowError):
        return None


@lru_cache(maxsize=4096)
def admits(ere: str) -> frozenset[int] | None:
    """Codes 100-699 whose status string the pattern matches unanchored; None if invalid."""
    rx = compile_ere(ere)
    if rx is None:
        return None
    return frozenset(c for c in _CODES if rx.search(str(c)))


@lru_cache(maxsize=4096)
def named(ere: str) -> frozenset[int] | None:
    """The codes the author named: the pattern read as if anchored at both ends."""
    rx = compile_ere(ere)
    if rx is None:
        return None
    return frozenset(c for c in _CODES if rx.fullmatch(str(c)))


_LITERAL_CODE = re.compile(r"(?:^|(?<=[\^(|]))(\d{3})(?=$|[$)|])")


@lru_cache(maxsize=4096)
def literal_codes(ere: str) -> tuple[tuple[str, int, int], ...]:
    """3-digit alternatives written literally ("486|408", "^(401)$"), with offsets in `ere`."""
    return tuple((m.group(1), m.start(1), m.end(1)) for m in _LITERAL_CODE.finditer(ere))
