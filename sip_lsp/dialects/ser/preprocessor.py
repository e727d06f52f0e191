"""Text the engine never sees as routing script: m4 macros and `{{ }}` templates.

Configs are often generated (OpenSIPS ships m4 templates; deployments use
Jinja). Rather than expanding macros, we blank their machinery with spaces of
the same length, keeping every branch's script text at its original offset so
all branches are analysed and spans stay true. Also reads `#!` directives.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

# m4 builtins whose whole call is machinery (no script text inside).
_M4_DROP = {
    "define",
    "divert",
    "changequote",
    "undefine",
    "pushdef",
    "popdef",
    "include",
    "sinclude",
    "syscmd",
    "esyscmd",
    "errprint",
    "m4exit",
    "undivert",
    "dnl",
}
# m4 conditionals: their quoted arguments are script text, the rest is machinery.
_M4_COND = {"ifelse", "ifdef"}
_M4_WORD = re.compile(r"\b(" + "|".join(sorted(_M4_DROP | _M4_COND)) + r")\b")
# m4 machinery at the start of a line (after whitespace) gives a template away; found
# with str.find, then the line checked (a `^\s*(...)` regex was tried at every offset).
_M4_HINTS = ("divert(", "ifelse(", "ifdef(`", "define(`", "changequote(")
_M4_HINT_SPAN = 20000
_TEMPLATE_OPEN = re.compile(r"\{[{%#]")
_TEMPLATE_CLOSE = {"{": "}}", "%": "%}", "#": "#}"}


def looks_like_m4(text: str, path: str | None) -> bool:
    if path and path.endswith(".m4"):
        return True
    return any(_starts_a_line(text, word) for word in _M4_HINTS)


def _starts_a_line(text: str, word: str) -> bool:
    """`word` begins a line (after whitespace) within the first _M4_HINT_SPAN characters."""
    at = text.find(word, 0, _M4_HINT_SPAN)
    while at != -1:
        line = text.rfind("\n", 0, at) + 1
        if line == at or text[line:at].isspace():
            return True
        eol = text.find("\n", at)  # the rest of this line cannot start with it either
        if eol == -1:
            return False
        at = text.find(word, eol, _M4_HINT_SPAN)
    return False


def mask(text: str, path: str | None = None) -> str:
    """`text` with m4 machinery and template tags masked (same length, same offsets)."""
    if _TEMPLATE_OPEN.search(text):  # one pass instead of three substring scans
        text = _mask_templates(text)
    if looks_like_m4(text, path):
        with contextlib.suppress(RecursionError):  # absurdly nested m4 quotes: analyse the text unmasked
            text = _mask_m4(text)
    return text


def _mask_templates(text: str) -> str:
    """Blank one-line `{% %}`, `{# #}` tags; turn `{{ }}` into the variable `$_`.

    A scan, not a lazy regex: `{{` without a closer on a long line made the
    regex quadratic. The next closer of each kind is remembered per line.
    """
    parts: list[str] = []
    done = pos = 0
    line_end = -1
    closers: dict[str, int] = {}  # kind -> next closer on the current line, or -1
    while (m := _TEMPLATE_OPEN.search(text, pos)) is not None:
        i, kind = m.start(), text[m.start() + 1]
        if i >= line_end:
            line_end = text.find("\n", i)
            line_end = len(text) if line_end == -1 else line_end
            closers = {}
        close = closers.get(kind)
        if close is None or (close != -1 and close < i + 2):
            close = closers[kind] = text.find(_TEMPLATE_CLOSE[kind], i + 2, line_end)
        if close == -1:
            pos = i + 1
            continue
        width = close + 2 - i
        # an expression tag stands for a value unknown here: make it read as a variable
        parts += [text[done:i], "$_" + " " * (width - 2) if kind == "{" else " " * width]
        done = pos = close + 2
    return "".join(parts) + text[done:] if parts else text


@lru_cache(maxsize=4)
def _mask_m4(text: str) -> str:
    buf = list(text)
    n = len(text)

    def blank(a: int, b: int) -> None:
        for k in range(max(a, 0), min(b, n)):
            if buf[k] != "\n":
                buf[k] = " "

    def quoted_end(k: int) -> int:
        """End of the m4 quote opening at k (nesting `...')."""
        depth = 0
        while k < n:
            c = text[k]
            if c == "`":
                depth += 1
            elif c == "'":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return n

    def call_end(k: int) -> int:
        """End of the argument list opening at k (quotes and parentheses balanced)."""
        depth = 0
        while k < n:
            c = text[k]
            if c == "`":
                k = quoted_end(k)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return n

    def cond(k: int, end: int) -> None:
        """Inside ifelse/ifdef args (k after `(`): keep quoted text, blank the rest."""
        while k < end:
            c = text[k]
            if c == "`":
                q = quoted_end(k)
                blank(k, k + 1)
                blank(q - 1, q)
                region(k + 1, q - 1)
                k = q
                continue
            if c == "(":
                sub = call_end(k)
                blank(k, sub)
                k = sub
                continue
            blank(k, k + 1)
            k += 1

    def region(a: int, b: int) -> None:
        pos = a
        while pos < b:
            m = _M4_WORD.search(text, pos, b)
            if not m:
                return
            word, s, e = m.group(1), m.start(), m.end()
            if word == "dnl":
                eol = text.find("\n", e)
                eol = b if eol == -1 or eol > b else eol + 1
                blank(s, eol)
                pos = eol
            elif e < b and text[e] == "(":
                end = min(call_end(e), b)
                if word in _M4_DROP:
                    blank(s, end)
                    # a `dnl` right after the call eats the rest of the line
                else:
                    blank(s, e + 1)
                    cond(e + 1, end - 1)
                    blank(end - 1, end)
                pos = end
            else:
                pos = e

    region(0, n)
    return "".join(buf)


_DIRECTIVE = re.compile(r"(?:#!|!!)\s*([A-Za-z_]+)\s*(.*)", re.S)
_INCLUDE_ARG = re.compile(r"""\s*(?:"([^"\n]*)"|'([^'\n]*)'|(\S+))""")


def directive(text: str) -> tuple[str, str]:
    """Split a `#!name rest` line into (lowercased name, rest)."""
    m = _DIRECTIVE.match(text)
    if not m:
        return "", ""
    return m.group(1).lower(), m.group(2)


def include_target(rest: str, offset: int) -> tuple[str, int, int] | None:
    """The path an include names and its span (inside the quotes), relative to `offset`."""
    m = _INCLUDE_ARG.match(rest)
    if not m:
        return None
    for g in (1, 2, 3):
        if m.group(g) is not None:
            return m.group(g), offset + m.start(g), offset + m.end(g)
    return None
