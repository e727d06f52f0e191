"""Recursive-descent parser for routing scripts, one top-level chunk at a time.

The grammar follows kamailio src/core/cfg.y (and OpenSIPS cfg.y): blocks
`route[X] {}`, statements if/else, switch/case, while, assignments, calls,
exit/return/drop/break; expressions with `||`/`or` < `&&`/`and` < comparisons
< arithmetic < unary `!`/`-`. Errors never raise: an unexpected token is
skipped, a missing `)` or `}` closes at the end of the chunk.

`split` cuts a document at block headers so that a parse can be cached per
chunk (keyed by its text) and an edit re-parses only the chunk it touches.
"""

from __future__ import annotations

import re

from sip_lsp.dialects.ser import preprocessor
from sip_lsp.dialects.ser.lexer import ID_START, Lexed, is_string, lex, string_value
from sip_lsp.dialects.ser.syntax import (
    Assign,
    Binary,
    Call,
    Case,
    ExprStmt,
    If,
    Include,
    Jump,
    Lit,
    Name,
    Node,
    Route,
    Seq,
    Switch,
    Unary,
    Var,
    While,
)

ROUTE_KINDS = frozenset(
    {
        "route",
        "request_route",
        "failure_route",
        "branch_route",
        "branch_failure_route",
        "onreply_route",
        "reply_route",
        "event_route",
        "error_route",
        "local_route",
        "startup_route",
        "timer_route",
        "onsend_route",
    }
)
# A block header is `<prefix>route[name] {` at the start of a line; searching for the
# literal "route" first keeps the split a fast C-level scan. Block comments are
# tracked (they nest, as in cfg.lex) so a commented-out route is not a block.
# Names are bounded so a long line of unclosed `route[` cannot make the scan quadratic.
_HEADER = re.compile(r"route[ \t]*(?:\[[^\]\n]{0,256}\]|\([^)\n]{0,256}\))?\s*\{")
_PREFIX_MAX = 64  # longest "<prefix>" plus indentation worth looking at
_HEADER_PREFIXES = frozenset(
    {
        "",
        "request_",
        "failure_",
        "branch_failure_",
        "branch_",
        "onreply_",
        "reply_",
        "event_",
        "error_",
        "local_",
        "startup_",
        "timer_",
        "onsend_",
    }
)
_INCLUDES = ("include_file", "import_file")
# Binary operators: text -> (operator, binding power); `||` binds loosest, `*` tightest.
# Keyword operators of the cfg grammar (cfg.lex: and, or, eq, ne, ieq, ine) read as symbols.
_BINARY = {
    "||": ("||", 1),
    "or": ("||", 1),
    "&&": ("&&", 2),
    "and": ("&&", 2),
    **{op: (op, 3) for op in ("==", "!=", "<", "<=", ">", ">=", "=~", "!~")},
    "eq": ("==", 3),
    "ne": ("!=", 3),
    "ieq": ("==", 3),
    "ine": ("!=", 3),
    **{op: (op, 4) for op in ("+", "-", "|", "&", "^")},
    **{op: (op, 5) for op in ("*", "/", "%")},
}
_TIGHTEST = 6
# Words that never start an operand.
_NOT_OPERANDS = frozenset(
    {"and", "or", "eq", "ne", "ieq", "ine", "if", "else", "switch", "while", "case", "default"}
)
_UNARY = frozenset({"!", "-", "~", "not"})
_ASSIGN = frozenset({"=", "+=", ":="})
_STATEMENT_END = frozenset({"{", "}", ";"})
_BLOCK_END = frozenset({"}"})
_CASE_END = frozenset({"}", "case", "default"})
# Past the last token the parser reads "" (no token is empty); _route_ahead looks 40 ahead.
_PAD = [""] * 48
_JUMPS = frozenset({"exit", "return", "drop", "break"})
_STATEMENT_WORDS = frozenset({"if", "switch", "while", "else", "case", "default", *_JUMPS, *_INCLUDES})


def split(text: str) -> list[int]:
    """Chunk start offsets: 0, then the start of each line holding a block header."""
    starts = [0]
    events = _comment_marks(text)
    k, depth = 0, 0
    for m in _HEADER.finditer(text):
        pos = m.start()
        while k < len(events) and events[k][0] < pos:
            at, step = events[k]
            k += 1
            if step < 0:
                depth = max(depth - 1, 0)
            else:
                prefix = text[text.rfind("\n", 0, at) + 1 : at]
                if "#" not in prefix and "//" not in prefix:  # not inside a line comment
                    depth += 1
        nl = text.rfind("\n", max(pos - _PREFIX_MAX, 0), pos)
        if nl == -1 and pos > _PREFIX_MAX:
            continue  # too far into its line to be a header
        line = nl + 1
        if depth == 0 and line > starts[-1] and text[line:pos].lstrip(" \t") in _HEADER_PREFIXES:
            starts.append(line)
    return starts


def _comment_marks(text: str) -> list[tuple[int, int]]:
    """Offsets of `/*` (+1) and `*/` (-1) in order (str.find: far faster than a regex here)."""
    marks = []
    for mark, step in (("/*", 1), ("*/", -1)):
        i = text.find(mark)
        while i != -1:
            marks.append((i, step))
            i = text.find(mark, i + 2)
    marks.sort()
    return marks


class Parsed:
    """What one chunk holds; offsets are relative to the chunk."""

    __slots__ = ("routes", "calls", "includes", "comments")

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.calls: list[Call] = []  # top-level calls: modparam(...), loadmodule ...
        self.includes: list[Include] = []
        self.comments: list[tuple[int, int]] = []  # comments mentioning sip-lsp


def parse_chunk(text: str) -> Parsed:
    """Parse one chunk; never raises."""
    lexed = lex(text)
    out = Parsed()
    if "sip-lsp" in text:
        out.comments = [(s, e) for s, e in lexed.comments if "sip-lsp" in text[s:e]]
    for s, e in lexed.directives:
        if not text[s + 2 : s + 14].lower().startswith(_INCLUDES):  # the name follows `#!` (lexer)
            continue
        name, rest = preprocessor.directive(text[s:e])
        if name in _INCLUDES:
            target = preprocessor.include_target(rest, e - len(rest))
            if target:
                out.includes.append(Include(target[0], target[1], target[2]))
    _Parser(text, lexed, out).top()
    return out


class _Parser:
    """Recursive descent over the token lists; operators by precedence climbing.

    Token kinds are read from the text itself (see lexer.kind_of): an operator
    token is the only one whose text is that operator, a word starts with a
    letter, so most checks are one string comparison.
    """

    __slots__ = ("text", "texts", "starts", "ends", "i", "n", "out")

    def __init__(self, text: str, lexed: Lexed, out: Parsed) -> None:
        self.text, self.out = text, out
        self.texts = lexed.texts + _PAD
        self.starts, self.ends = lexed.starts, lexed.ends
        self.i, self.n = 0, len(lexed.texts)

    def last_end(self) -> int:
        return self.ends[self.i - 1] if self.i else 0

    # -- top level -----------------------------------------------------
    def top(self) -> None:
        texts = self.texts
        while self.i < self.n:
            t = texts[self.i]
            if t in ROUTE_KINDS and self._route_ahead():
                self.out.routes.append(self.route())
            elif t in _INCLUDES:
                self.include()
            elif t[0] in ID_START and texts[self.i + 1] == "(":
                before = self.i
                expr = self.primary()
                if isinstance(expr, Call):
                    self.out.calls.append(expr)
                if self.i == before:
                    self.i += 1
            else:
                self.i += 1

    def _route_ahead(self) -> bool:
        texts, i = self.texts, self.i
        nxt = texts[i + 1]
        if nxt == "{":
            return True
        if nxt == "[" or nxt == "(":
            close = "]" if nxt == "[" else ")"
            for k in range(i + 2, i + 40):
                t = texts[k]
                if not t or t in _STATEMENT_END:
                    return False
                if t == close:
                    return texts[k + 1] == "{"
        return False

    def route(self) -> Route:
        texts, starts, ends = self.texts, self.starts, self.ends
        kw = self.i
        self.i += 1
        name, ns, ne = texts[kw], starts[kw], ends[kw]
        t = texts[self.i]
        if t == "[" or t == "(":
            close = "]" if t == "[" else ")"
            lb = self.i
            while self.i < self.n and texts[self.i] != close:
                self.i += 1
            inner_end = starts[self.i] if self.i < self.n else ends[lb]
            raw = self.text[ends[lb] : inner_end]
            stripped = raw.strip()
            ns = ends[lb] + (len(raw) - len(raw.lstrip()))
            ne = ns + len(stripped)
            if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
                stripped, ns, ne = stripped[1:-1], ns + 1, ne - 1
            name = stripped
            self.i += 1
        open_ = starts[self.i]
        self.i += 1
        body = self.statements()
        end = ends[self.i] if self.i < self.n else self.last_end()
        self.i += 1
        return Route(texts[kw], name, ns, ne, open_, body, starts[kw], max(end, open_ + 1))

    def include(self) -> None:
        self.i += 1
        i = self.i
        if i < self.n and self._is_string(i):
            t = self.texts[i]
            lit = Lit("str", string_value(t), t, self.starts[i], self.ends[i])
            self.out.includes.append(Include(lit.value, lit.inner_start, lit.inner_end))
            self.i += 1

    def _is_string(self, i: int) -> bool:
        return is_string(self.text, self.texts[i], self.ends[i])

    # -- statements ------------------------------------------------------
    def statements(self, ends: frozenset[str] = _BLOCK_END) -> list[Node]:
        """Statements up to one of `ends` (a block's `}`, or a switch case's next label)."""
        body: list[Node] = []
        texts = self.texts
        while self.i < self.n and texts[self.i] not in ends:
            before = self.i
            st = self.statement()
            if st is not None:
                body.append(st)
            if self.i == before:
                self.i += 1
        return body

    def statement(self) -> Node | None:
        texts = self.texts
        i = self.i
        t = texts[i]
        if t == ";":
            self.i += 1
            return None
        if t == "{":
            self.i += 1
            body = self.statements()
            end = self._close("}")
            return Seq(body, self.starts[i], end)
        if t in _STATEMENT_WORDS:
            if t == "if":
                return self.if_stmt()
            if t == "switch":
                return self.switch_stmt()
            if t == "while":
                self.i += 1
                cond = self.condition()
                body = self.block_or_statement()
                return While(cond, body, self.starts[i], self.last_end())
            if t in _JUMPS and texts[i + 1] != "=":
                return self.jump()
            if t in _INCLUDES:
                self.include()
                return None
            if t == "else" or t == "case" or t == "default":
                self.i += 1
                return None
        expr = self.expr()
        if expr is None:
            return None
        op = texts[self.i]
        if op in _ASSIGN:
            self.i += 1
            value = self.expr()
            end = value.end if value is not None else self.last_end()
            self._semicolon()
            return Assign(expr, op, value, expr.start, end)
        if op == ";":
            self.i += 1
        if isinstance(expr, Name):  # a module function called without parentheses
            expr = Call(expr.text, expr.start, expr.end, [], expr.end)
        return ExprStmt(expr)

    def jump(self) -> Jump:
        """exit, return, drop, break; `return`/`exit` may carry a value."""
        texts = self.texts
        i = self.i
        word = texts[i]
        self.i += 1
        if (word == "return" or word == "exit") and self.i < self.n:
            nxt = texts[self.i]
            if nxt == "(" or nxt == "-" or nxt[0] == "$" or nxt[0].isdecimal():
                self.expr()
        if texts[self.i] == ";":
            self.i += 1
        return Jump(word, self.starts[i], self.ends[i])

    def _semicolon(self) -> None:
        if self.texts[self.i] == ";":
            self.i += 1

    def _close(self, text: str) -> int:
        if self.texts[self.i] == text:
            self.i += 1
            return self.ends[self.i - 1]
        return self.last_end()

    def condition(self) -> Node | None:
        texts = self.texts
        if texts[self.i] != "(":
            return self.expr()
        self.i += 1
        inner = self.expr()
        # tolerate junk before the closing parenthesis
        depth = 0
        while self.i < self.n:
            t = texts[self.i]
            if depth == 0 and t in _STATEMENT_END:
                break
            if t == "(":
                depth += 1
            elif t == ")":
                if depth == 0:
                    self.i += 1
                    break
                depth -= 1
            self.i += 1
        return inner

    def block_or_statement(self) -> list[Node]:
        t = self.texts[self.i]
        if t == "{":
            self.i += 1
            body = self.statements()
            if self.texts[self.i] == "}":
                self.i += 1
            return body
        if self.i >= self.n or t == "}":
            return []
        st = self.statement()
        return [st] if st is not None else []

    def if_stmt(self) -> If:
        start = self.starts[self.i]
        self.i += 1
        cond = self.condition()
        then = self.block_or_statement()
        orelse = None
        if self.texts[self.i] == "else":
            self.i += 1
            orelse = self.block_or_statement()
        return If(cond, then, orelse, start, self.ends[self.i - 1])  # last_end(): `if` was read

    def switch_stmt(self) -> Switch:
        texts = self.texts
        start = self.starts[self.i]
        self.i += 1
        subject = self.condition()
        cases: list[Case] = []
        if texts[self.i] != "{":
            return Switch(subject, cases, start, self.last_end())
        self.i += 1
        while self.i < self.n and texts[self.i] != "}":
            k = self.i
            t = texts[k]
            if t != "case" and t != "default":
                self.i += 1
                continue
            self.i += 1
            values = None
            if t == "case":
                v = self.expr()
                values = [v] if v is not None else []
            if texts[self.i] == ":":
                self.i += 1
            body = self.statements(_CASE_END)
            cases.append(Case(values, body, self.starts[k], self.last_end()))
        end = self._close("}")
        return Switch(subject, cases, start, end)

    # -- expressions -----------------------------------------------------
    def expr(self, min_bp: int = 1) -> Node | None:
        """An operand, then binary operators binding at least `min_bp` (most operands have none)."""
        texts = self.texts
        left = self.unary() if texts[self.i] in _UNARY else self.primary()
        if left is None or texts[self.i] not in _BINARY:
            return left
        return self.climb(left, min_bp)

    def climb(self, left: Node, min_bp: int) -> Node:
        """`left` joined with what follows by operators binding at least `min_bp`, to the left.

        Matches one recursive-descent level per precedence: after an operator at
        power p, only operators up to p continue the expression; when the operand
        after it is missing, the operator is dropped and only looser ones continue.
        """
        cap = _TIGHTEST
        texts = self.texts
        while True:
            b = _BINARY.get(texts[self.i])
            if b is None:
                return left
            op, bp = b
            if bp < min_bp or bp >= cap:
                return left
            self.i += 1
            right = self.expr(bp + 1)
            if right is None:
                cap = bp
                continue
            left = Binary(op, left, right, left.start, right.end)
            cap = bp + 1

    def unary(self) -> Node | None:
        i = self.i
        t = self.texts[i]
        if t in _UNARY:
            self.i += 1
            operand = self.unary()
            if operand is None:
                return None
            return Unary("!" if t == "not" else t, operand, self.starts[i], operand.end)
        return self.primary()

    def primary(self) -> Node | None:
        i = self.i
        if i >= self.n:
            return None
        t = self.texts[i]
        c = t[0]
        if c in ID_START:
            if t in _NOT_OPERANDS:
                return None
            self.i += 1
            if self.texts[self.i] == "(":
                return self.call(i)
            return Name(t, self.starts[i], self.ends[i])
        if c == '"' or c == "'":
            if not self._is_string(i):
                return None
            self.i += 1
            return Lit("str", string_value(t), t, self.starts[i], self.ends[i])
        if c == "$":
            self.i += 1
            return Var(t, self.starts[i], self.ends[i])
        if t == "(":
            self.i += 1
            inner = self.expr()
            self._close(")")
            return inner
        if c.isdecimal():
            self.i += 1
            return Lit("num", t, t, self.starts[i], self.ends[i])
        return None

    def call(self, name: int) -> Call:
        """`name(args)`, with self.i at the `(`; stops at a statement boundary."""
        texts, starts, ends = self.texts, self.starts, self.ends
        i, n = self.i + 1, self.n
        args: list[Node] = []
        while i < n:
            t = texts[i]
            if t == ")" or t in _STATEMENT_END:
                break
            self.i = i
            a = self.expr()
            if a is not None:
                args.append(a)
            if self.i == i:  # not an operand: skip the token
                i += 1
                continue
            i = self.i
            if texts[i] == ",":
                i += 1
        if texts[i] == ")":  # _close(")") with the local index (a call's name precedes: i > 0)
            end = ends[i]
            i += 1
        else:
            end = ends[i - 1]
        self.i = i
        return Call(texts[name], starts[name], ends[name], args, end)
