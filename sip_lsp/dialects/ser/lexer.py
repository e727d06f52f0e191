"""Tokens of the Kamailio/OpenSIPS routing language, tolerant of any input.

Follows the engines' lexer (kamailio src/core/cfg.lex): `#` and `//` line
comments, nesting `/* */` comments, `#!`/`!!` preprocessor lines, "..." strings
with C-like escapes and raw '...' strings. Anything unknown becomes a one-char
"junk" token, so a half-typed line never stops the parse.

Speed: one regex `split` cuts a whole chunk into whitespace and lexemes in C,
and offsets come from summing their lengths, so Python only looks at the few
lexemes a regex cannot settle alone (comments, `#!` lines, bracketed
pseudo-variables); when one of those ends elsewhere than the regex thought,
the scan resumes there. Tokens are parallel lists (texts, starts, ends): the
parser reads them without building an object per token, and a token's kind
follows from its text (kind_of).
"""

# No `from __future__ import annotations` here: NamedTuple would compile each string annotation,
# and the first compile() in a process sets up every AST type (with them ~4 % of `check`).
import re
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

# Token kinds.
ID, NUM, STR, PV, OP, JUNK = "id", "num", "str", "pv", "op", "junk"

# One lexeme, most frequent kinds first; `split` leaves the whitespace between
# them. Comments, `#!` lines and `$` followed by brackets are settled in Python
# (see _special); anything else unknown is a one-char junk token. DIRECTIVE:
# a `#!` line, whole for a split, only its start for the one-at-a-time fallback.
_LEXEME_PATTERN = r"""(
      [(){};,] | [A-Za-z_][\w.]*
    | == | != | =~ | !~ | <= | >= | && | \|\| | \+=
    | [-+*%<>=&|^~\[\]:.@?] | /(?![*/]) | !(?!![A-Za-z_])
    | "[^"\\\n]*(?:\\(?s:.)[^"\\\n]*)*(?:"|$)     # escapes: any char after a backslash
    | '[^'\n]*(?:'|$)
    | \$NAME(?![(\[]) | \$(?![({A-Za-z_<>$])
    | 0[xX][0-9a-fA-F]+ | \d+
    | /\*(?:[^*/]|\*(?!/)|/(?!\*))*\*/ | /\*        # block comment (nesting checked in Python)
    | DIRECTIVE
    | \#[^\n]* | //[^\n]*
    | \$(?:NAME)?(?:\((?:[^()\n]|\([^()\n]*\))*\)?|\{[^{}\n]*\}?)?(?:\[[^\]\n]*\]?)?
    | [^ \t\r\n\f\v]                                # junk
    )""".replace("NAME", r"(?:[A-Za-z_][\w.]*+|[<>]|\$)")  # after `$`, as _PV_NAME
# A directive at line start goes on after a backslash-newline (_directive_end).
_DIRECTIVE_LINE = r"(?:\#!|!!)[A-Za-z_][^\n]*(?:(?<=\\)\n[^\n]*|(?<=\\\r)\n[^\n]*)*"
_LEXEME = re.compile(_LEXEME_PATTERN.replace("DIRECTIVE", _DIRECTIVE_LINE), re.X | re.M)
# Whitespace, then one lexeme (_scan_each); a `#!` line only by its start (_settle finds
# its end), so no match reads past the end of the lexeme it stands for. Compiled on first
# use (re's own cache): only hostile input needs it, and compiling it costs a `check` 1 ms.
_ONE_LEXEME = r"[ \t\r\n\f\v]*+" + _LEXEME_PATTERN.replace("DIRECTIVE", r"(?:\#!|!!)[A-Za-z_]")
# First characters of the lexemes that may need Python (see _special).
_MAYBE_SPECIAL = re.compile(r"[#/!$]")
# Splits of one text that a lexeme may cut short before lexing goes one lexeme at a time.
_MAX_SPLITS = 8
ID_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_OP_CHARS = frozenset("-+*/%<>=!&|^~(){}[];,:.@?")
_PV_NAME = re.compile(r"[A-Za-z_][\w.]*|[<>]|\$")
_CLOSE = {"(": ")", "{": "}", "[": "]", "<": ">"}

# Escapes a "..." string delivers (cfg.lex STRING1 rules); any other backslash is kept.
_ESCAPES = {"n": "\n", "r": "\r", "a": "\a", "t": "\t", '"': '"', "\\": "\\"}
_ESC_RE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{2,3}|\n|.)", re.S)


class Token(NamedTuple):
    """One token, as `Lexed.tokens` lists them (tests, debugging)."""

    kind: str
    start: int
    end: int
    text: str
    value: str


class Lexed:
    """Tokens as parallel lists, plus the comments and preprocessor lines found beside them."""

    __slots__ = ("text", "texts", "starts", "ends", "comments", "directives")

    def __init__(self, text: str) -> None:
        self.text = text
        self.texts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.comments: list[tuple[int, int]] = []  # spans of comment text
        self.directives: list[tuple[int, int]] = []  # spans of #! lines

    @property
    def tokens(self) -> list[Token]:
        """The tokens as objects (tests, debugging; the parser reads the lists)."""
        out: list[Token] = []
        for t, s, e in zip(self.texts, self.starts, self.ends):
            kind = kind_of(self.text, t, e)
            out.append(Token(kind, s, e, t, string_value(t) if kind == STR else t))
        return out


def kind_of(text: str, token: str, end: int) -> str:
    """The kind of the token `token` ending at `end` in `text`: its first character tells."""
    c = token[0]
    if c in ID_START:
        return ID
    if is_string(text, token, end):
        return STR
    if c == "$":
        return PV
    if c.isdecimal():
        return NUM
    return OP if c in _OP_CHARS else JUNK


def is_string(text: str, token: str, end: int) -> bool:
    """A string token; a lone `"` is one only where its line ends (else junk: the string
    never closes before a final backslash, which the cfg lexer rejects)."""
    c = token[0]
    return c == "'" or (c == '"' and (token != '"' or text[end : end + 1] in ("\n", "")))


def string_value(raw: str) -> str:
    """The value of a string token: escapes applied in "...", none in '...'."""
    if len(raw) > 1 and raw[-1] == raw[0] and "\\" not in raw:  # closed, no escapes: most strings
        return raw[1:-1]
    if raw[0] == "'":
        return raw[1:-1] if len(raw) > 1 and raw[-1] == "'" else raw[1:]
    closed = len(raw) > 1 and raw[-1] == '"' and not _escaped_close(raw)
    return unescape(raw[1:-1] if closed else raw[1:])


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
    out = Lexed(text)
    pos, n = 0, len(text)
    for _ in range(_MAX_SPLITS):
        pos = _scan(text, pos, out)
        if pos >= n:
            return out
    _scan_each(text, pos, out)
    return out


def _scan(text: str, pos: int, out: Lexed) -> int:
    """Lex from `pos` on; stop after a lexeme that ends elsewhere than the regex said.

    Returns where to go on (the end of the text when all went through).
    """
    parts = _LEXEME.split(text[pos:] if pos else text)  # gap, lexeme, gap, ..., gap
    offsets = list(accumulate(map(len, parts), initial=pos))
    texts = parts[1::2]
    count = len(texts)
    starts, ends = offsets[1 : 2 * count : 2], offsets[2 : 2 * count + 1 : 2]
    resume, stop, drop = len(text), count, []
    # The first characters of all lexemes, one per lexeme: a regex over them finds the
    # few that may need Python without a Python-level look at every lexeme.
    for m in _MAYBE_SPECIAL.finditer("".join(map(itemgetter(0), texts))):
        k = m.start()
        lexeme = texts[k]
        if not _special(lexeme):
            continue
        s = starts[k]
        end = _settle(text, lexeme, s, out)
        if lexeme[0] == "$":
            texts[k] = text[s:end]
        else:
            drop.append(k)
        if end != ends[k]:
            ends[k], resume, stop = end, end, k + 1
            break
    keep = 0
    for k in [*drop, stop]:
        out.texts += texts[keep:k]
        out.starts += starts[keep:k]
        out.ends += ends[keep:k]
        keep = k + 1
    return resume


def _scan_each(text: str, pos: int, out: Lexed) -> None:
    """Lex from `pos` one match per lexeme: linear however many lexemes defeat the
    regex (each costs _scan a new split of the rest), as hostile input can make them."""
    n = len(text)
    match = re.compile(_ONE_LEXEME, re.X | re.M).match
    while pos < n:
        m = match(text, pos)
        if m is None:  # only whitespace left
            return
        lexeme = m.group(1)
        s, pos = m.span(1)
        if _special(lexeme):
            pos = _settle(text, lexeme, s, out)
            if lexeme[0] != "$":
                continue
            lexeme = text[s:pos]
        out.texts.append(lexeme)
        out.starts.append(s)
        out.ends.append(pos)


def _special(lexeme: str) -> bool:
    """A comment, a `#!`/`!!` line or a bracketed pseudo-variable (not `/`, `!`, `!=`, `$x`)."""
    c = lexeme[0]
    if c == "#":
        return True
    if c == "$":
        return "(" in lexeme or "[" in lexeme or "{" in lexeme
    if c == "/":
        return len(lexeme) > 1
    return c == "!" and len(lexeme) > 2


def _settle(text: str, lexeme: str, pos: int, out: Lexed) -> int:
    """The true end of a lexeme the regex cannot settle; records comments and directives."""
    if lexeme[0] == "$":
        return _pv_end(text, pos)
    if lexeme.startswith("/*"):
        end = _comment_end(text, pos)
        out.comments.append((pos, end))
    elif lexeme[1:2] == "!" and lexeme[2:3] in ID_START and _line_start(text, pos):  # `#!x` / `!!x`
        end = _directive_end(text, pos)
        out.directives.append((pos, end))
    else:  # `#`, `//`, or `#!` inside a line: a comment to the end of the line
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        out.comments.append((pos, end))
    return end


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
        if text[end - 1 : end] == "\\" or text[end - 2 : end] == "\\\r":
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
