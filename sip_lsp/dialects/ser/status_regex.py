"""The exact set of status codes a t_check_status() pattern admits.

Kamailio tm `t_check_status` (src/modules/tm/tm.c) and OpenSIPS tm call
`regexec(re, status, ...)` without anchors on the 3-digit status string, with a
POSIX extended regex (glibc regcomp REG_EXTENDED). So "6" admits 486 and 560.
We translate the ERE to Python `re` and evaluate it on every code 100-699.
"""

# No `from __future__ import annotations` here: NamedTuple would compile each string annotation,
# and the first compile() in a process sets up every AST type (with them ~4 % of `check`).
import re
import warnings
from functools import lru_cache
from typing import NamedTuple

from sip_lsp.model import ALL_CODES

_CODES = tuple(sorted(ALL_CODES))
_CLASSES = {
    "digit": "0-9",
    "alpha": "A-Za-z",
    "alnum": "A-Za-z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r" \t\n\r\f\v",
    "blank": r" \t",
    "xdigit": "0-9A-Fa-f",
    "punct": r"!-/:-@\[-`{-~",
    "print": r" -~",
    "graph": r"!-~",
    "cntrl": r"\x00-\x1f\x7f",
}
# GNU extensions glibc accepts outside brackets; any other escaped char is itself.
_GNU_ESCAPES = {
    "w": r"[A-Za-z0-9_]",
    "W": r"[^A-Za-z0-9_]",
    "s": r"\s",
    "S": r"\S",
    "b": r"\b",
    "B": r"\B",
    "<": r"\b",
    ">": r"\b",
    "`": r"\A",
    "'": r"\Z",
}


class WrittenCode(NamedTuple):
    """A 3-digit code written literally, with its offsets in the text it was found in."""

    code: str
    start: int
    end: int


class PatternError(ValueError):
    """The pattern does not compile as a POSIX ERE."""


def to_python(ere: str) -> str:
    """Translate a POSIX ERE into an equivalent Python pattern.

    Output is kept as atoms so that a quantifier on a quantified atom (`a**`,
    legal in POSIX) becomes `(?:a*)*` rather than a Python error or a
    possessive/lazy quantifier.
    """
    atoms: list[str] = []
    quantified: list[bool] = []
    groups: list[int] = []
    i, n = 0, len(ere)
    while i < n:
        c = ere[i]
        if c in "*+?{":
            if c == "{":
                m = _INTERVAL.match(ere, i)
                if not m or not (m.group(1) or m.group(2)):  # glibc reads {,n} as {0,n}
                    raise PatternError("bad interval")
                low, comma, high = m.group(1), m.group(2), m.group(3)
                q = f"{{{low or 0},{high or ''}}}" if comma else m.group()
                i = m.end()
            else:
                q, i = c, i + 1
            if not atoms or atoms[-1] in ("(", "|", "^"):
                raise PatternError("nothing to repeat")
            atoms[-1] = f"(?:{atoms[-1]}){q}" if quantified[-1] else atoms[-1] + q
            quantified[-1] = True
            continue
        if c == "\\":
            if i + 1 >= n:
                raise PatternError("trailing backslash")
            e = ere[i + 1]
            # a back-reference, grouped so that digits after it stay literal
            atom = f"(?:\\{e})" if e.isdigit() and e != "0" else _GNU_ESCAPES.get(e, re.escape(e))
            i += 2
        elif c == "[":
            i, atom = _bracket(ere, i)
        elif c == "(":
            groups.append(len(atoms))
            atom, i = "(", i + 1
        elif c == ")":
            if groups:
                k = groups.pop()
                atom = "".join(atoms[k:]) + ")"
                del atoms[k:], quantified[k:]
            else:  # glibc: an unmatched `)` in an ERE is an ordinary character
                atom = "\\)"
            i += 1
        else:
            atom, i = c, i + 1
        atoms.append(atom)
        quantified.append(False)
    return "".join(atoms)


_INTERVAL = re.compile(r"\{(\d*)(,(\d*))?\}")


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
            name = ere[j + 2 : close]
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
        with warnings.catch_warnings():  # Python's "possible set difference" hints
            warnings.simplefilter("ignore")
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
def literal_codes(ere: str) -> tuple[WrittenCode, ...]:
    """3-digit alternatives written literally ("486|408", "^(401)$"), with offsets in `ere`."""
    return tuple(WrittenCode(m.group(1), m.start(1), m.end(1)) for m in _LITERAL_CODE.finditer(ere))
