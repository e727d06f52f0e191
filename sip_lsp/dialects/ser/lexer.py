"""Tokens of the Kamailio/OpenSIPS routing language, tolerant of any input.

Follows the engines' lexer (kamailio src/core/cfg.lex): `#` and `//` line
comments, nesting `/* */` comments, `#!`/`!!` preprocessor lines, "..." strings
with C-like escapes and raw '...' strings. Anything unknown becomes a one-char
"junk" token, so a half-typed line never stops the parse.
"""
from __future__ import annotations

import re

# Token kinds.
ID, NUM, STR, PV, OP, JUNK = "id", "num", "str", "pv", "op", "junk"

_MASTER = re.compile(
    r"""
    (?P<ws>[ \t\r\n\f\v]+)
  | (?P<cstart>/\*)
  | (?P<pp>(?:\#!|!!)[A-Za-z_])
  | (?P<line>\#[^\n]*|//[^\n]*)
  | (?P<dq>"(?:[^"\\\n]|\\.|\\\n)*(?:"|$))
  | (?P<sq>'[^'\n]*(?:'|$))
  | (?P<pv>\$)
  | (?P<num>0[xX][0-9a-fA-F]+|\d+)
  | (?P<id>[A-Za-z_][\w.]*)
  | (?P<op>==|!=|=~|!~|<=|>=|&&|\|\||\+=|[-+*/%<>=!&|^~(){}\[\];,:.@?])
    """,
    re.X | re.M,
)

_PV_NAME = re.compile(r"[A-Za-z_][\w.]*|[<>]|\$")
_CLOSE = {"(": ")", "{": "}", "[": "]", "<": ">"}

# Escapes a "..." string delivers (cfg.lex STRING1 rules); any other backslash is kept.
_ESCAPES = {"n": "\n", "r": "\r", "a": "\a", "t": "\t", '"': '"', "\\": "\\"}
_ESC_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{2,3}|\n|.)", re.S)


class Token:
    __slots__ = ("kind", "start", "end", "text", "value")

    def __init__(self, kind: str, start: int, end: int, text: str, value: str | None = None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text
        self.value = text if value is None else value

    def __repr__(self) -> str:  # debugging aid in test failures
        return f"Token({self.kind},{self.start},{self.text!r})"


class Lexed:
    """Tokens plus the comments and preprocessor lines found beside them."""

    __slots__ = ("tokens", "comments", "directives")

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.comments: list[tuple[int, int]] = []     # spans of comment text
        self.directives: list[tuple[int, int]] = []   # spans of #! lines


def unescape(body: str) -> str:
    """The value a double-quoted cfg string delivers for `body` (between the quotes)."""
    if "\\" not in body:
        return body

    def repl(m: re.Match[str]) -> str:
        e = m.group(1)
        if e in _ESCAPES:
            return _ESCAPES[e]
        if e == "\n":
            return ""
        if e[0] == "x" and len(e) > 1:
            return chr(int(e[1:], 16))
        if len(e) >= 2 and e.isdigit():
            return chr(int(e, 8) & 0xFF)
        return "\\" + e

    return _ESC_RE.sub(repl, body)


def value_offsets(body: str) -> list[int] | None:
    """For each char of unescape(body), its offset in `body`; None when identical."""
    if "\\" not in body:
        return None
    out: list[int] = []
    pos = 0
    for m in _ESC_RE.finditer(body):
        out.extend(range(pos, m.start()))
        produced = len(unescape(m.group(0)))
        out.extend([m.start() + min(k, 1) for k in range(produced)])
        pos = m.end()
    out.extend(range(pos, len(body)))
    return out


def _pv_end(text: str, i: int) -> int:
    """End of the pseudo-variable starting with `$` at i: $x, $x(..), $(..{..}), $x[..]."""
    n = len(text)
    j = i + 1
    if j < n and text[j] in "({":
        return _balanced(text, j)
    m = _PV_NAME.match(text, j)
    if not m:
        return j
    j = m.end()
    if j < n and text[j] == "(":
        j = _balanced(text, j)
    if j < n and text[j] == "[":
        j = _balanced(text, j)
    return j


def _balanced(text: str, j: int) -> int:
    """End of the bracketed group opening at j; stops at a newline when unclosed."""
    stack = [_CLOSE[text[j]]]
    n = len(text)
    k = j + 1
    while k < n and stack:
        c = text[k]
        if c == "\n":
            return k
        if c in "({[":
            stack.append(_CLOSE[c])
        elif c == stack[-1]:
            stack.pop()
        elif c == '"':
            q = text.find('"', k + 1)
            if q == -1 or "\n" in text[k:q]:
                return k
            k = q
        k += 1
    return k


def lex(text: str) -> Lexed:
    """Tokenize `text`; never raises, every token lies inside the text."""
    out = Lexed()
    toks = out.tokens
    append = toks.append
    n = len(text)
    pos = 0
    match = _MASTER.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            append(Token(JUNK, pos, pos + 1, text[pos]))
            pos += 1
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "ws":
            pass
        elif kind == "id":
            append(Token(ID, pos, end, m.group()))
        elif kind == "op":
            append(Token(OP, pos, end, m.group()))
        elif kind == "dq":
            raw = m.group()
            closed = len(raw) > 1 and raw.endswith('"') and not _escaped_close(raw)
            body = raw[1:-1] if closed else raw[1:]
            append(Token(STR, pos, end, raw, unescape(body)))
        elif kind == "sq":
            raw = m.group()
            closed = len(raw) > 1 and raw.endswith("'")
            append(Token(STR, pos, end, raw, raw[1:-1] if closed else raw[1:]))
        elif kind == "num":
            append(Token(NUM, pos, end, m.group()))
        elif kind == "pv":
            end = _pv_end(text, pos)
            append(Token(PV, pos, end, text[pos:end]))
        elif kind == "line":
            out.comments.append((pos, end))
        elif kind == "pp":
            if _line_start(text, pos):
                end = _directive_end(text, pos)
                out.directives.append((pos, end))
            else:  # `#!` inside a line is a plain comment
                end = text.find("\n", pos)
                end = n if end == -1 else end
                out.comments.append((pos, end))
        elif kind == "cstart":
            end = _comment_end(text, pos)
            out.comments.append((pos, end))
        pos = end
    return out


def _escaped_close(raw: str) -> bool:
    """True when the final quote of `raw` is escaped (an unterminated string)."""
    k = len(raw) - 2
    slashes = 0
    while k > 0 and raw[k] == "\\":
        slashes += 1
        k -= 1
    return slashes % 2 == 1


def _line_start(text: str, pos: int) -> bool:
    k = text.rfind("\n", 0, pos) + 1
    return not text[k:pos].strip()


def _directive_end(text: str, pos: int) -> int:
    """A `#!` line ends at a newline not preceded by a backslash (#!define continuation)."""
    n = len(text)
    while True:
        end = text.find("\n", pos)
        if end == -1:
            return n
        if text[end - 1:end] == "\\" or text[end - 2:end] == "\\\r":
            pos = end + 1
            continue
        return end


def _comment_end(text: str, pos: int) -> int:
    """`/* */` comments nest in the cfg lexer (comment_nest in cfg.lex)."""
    depth = 0
    n = len(text)
    k = pos
    while k < n:
        o = text.find("/*", k)
        c = text.find("*/", k)
        if c == -1:
            return n
        if o != -1 and o < c:
            depth += 1
            k = o + 2
        else:
            depth -= 1
            k = c + 2
            if depth == 0:
                return k
    return n
