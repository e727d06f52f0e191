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
from sip_lsp.dialects.ser.lexer import ID, NUM, OP, PV, STR, Token, lex
from sip_lsp.dialects.ser.syntax import (
    Assign, Binary, Call, Case, ExprStmt, If, Include, Jump, Lit, Name, Node, Route, Seq,
    Switch, Unary, Var, While,
)

ROUTE_KINDS = frozenset({
    "route", "request_route", "failure_route", "branch_route", "branch_failure_route",
    "onreply_route", "reply_route", "event_route", "error_route", "local_route",
    "startup_route", "timer_route", "onsend_route",
})
# A block header is `<prefix>route[name] {` at the start of a line; searching for the
# literal "route" first keeps the split a fast C-level scan. Block comments are
# tracked (they nest, as in cfg.lex) so a commented-out route is not a block.
# Names are bounded so a long line of unclosed `route[` cannot make the scan quadratic.
_HEADER = re.compile(r"route[ \t]*(?:\[[^\]\n]{0,256}\]|\([^)\n]{0,256}\))?\s*\{")
_PREFIX_MAX = 64   # longest "<prefix>" plus indentation worth looking at
_HEADER_PREFIXES = frozenset({
    "", "request_", "failure_", "branch_failure_", "branch_", "onreply_", "reply_", "event_",
    "error_", "local_", "startup_", "timer_", "onsend_",
})
_INCLUDES = ("include_file", "import_file")
# Keyword operators of the cfg grammar (cfg.lex: and, or, eq, ne, ieq, ine).
_WORD_OPS = {"and": "&&", "or": "||", "eq": "==", "ne": "!=", "ieq": "==", "ine": "!="}
_OR = frozenset({"||"})
_AND = frozenset({"&&"})
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">=", "=~", "!~"})
_ADD = frozenset({"+", "-", "|", "&", "^"})
_MUL = frozenset({"*", "/", "%"})
_JUMPS = frozenset({"exit", "return", "drop", "break"})


def split(text: str) -> list[int]:
    """Chunk start offsets: 0, then the start of each line holding a block header."""
    starts = [0]
    rfind = text.rfind
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
                prefix = text[rfind("\n", 0, at) + 1:at]
                if "#" not in prefix and "//" not in prefix:  # not inside a line comment
                    depth += 1
        nl = rfind("\n", max(pos - _PREFIX_MAX, 0), pos)
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
        self.calls: list[Call] = []             # top-level calls: modparam(...), loadmodule ...
        self.includes: list[Include] = []
        self.comments: list[tuple[int, int]] = []   # comments mentioning sip-lsp


def parse_chunk(text: str) -> Parsed:
    """Parse one chunk; never raises."""
    lexed = lex(text)
    out = Parsed()
    for s, e in lexed.comments:
        if "sip-lsp" in text[s:e]:
            out.comments.append((s, e))
    for s, e in lexed.directives:
        name, rest = preprocessor.directive(text[s:e])
        if name in _INCLUDES:
            target = preprocessor.include_target(rest, e - len(rest))
            if target:
                out.includes.append(Include(target[0], target[1], target[2]))
    _Parser(text, lexed.tokens, out).top()
    return out


class _Parser:
    __slots__ = ("text", "toks", "i", "n", "out")

    def __init__(self, text: str, toks: list[Token], out: Parsed) -> None:
        self.text, self.toks, self.i, self.n, self.out = text, toks, 0, len(toks), out

    # -- token helpers -------------------------------------------------
    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < self.n else None

    def is_op(self, text: str, k: int = 0) -> bool:
        t = self.peek(k)
        return t is not None and t.kind == OP and t.text == text

    def is_word(self, word: str) -> bool:
        t = self.peek()
        return t is not None and t.kind == ID and t.text == word

    def last_end(self) -> int:
        return self.toks[self.i - 1].end if self.i else 0

    # -- top level -----------------------------------------------------
    def top(self) -> None:
        while self.i < self.n:
            t = self.toks[self.i]
            if t.kind == ID and t.text in ROUTE_KINDS and self._route_ahead():
                self.out.routes.append(self.route())
            elif t.kind == ID and t.text in _INCLUDES:
                self.include()
            elif t.kind == ID and self.is_op("(", 1):
                before = self.i
                expr = self.primary()
                if isinstance(expr, Call):
                    self.out.calls.append(expr)
                if self.i == before:
                    self.i += 1
            else:
                self.i += 1

    def _route_ahead(self) -> bool:
        if self.is_op("{", 1):
            return True
        if self.is_op("[", 1) or self.is_op("(", 1):
            close = "]" if self.is_op("[", 1) else ")"
            for k in range(2, 40):
                t = self.peek(k)
                if t is None or t.kind == OP and t.text in ";{}":
                    return False
                if t.kind == OP and t.text == close:
                    return self.is_op("{", k + 1)
        return False

    def route(self) -> Route:
        kw = self.toks[self.i]
        self.i += 1
        name, ns, ne = kw.text, kw.start, kw.end
        if self.is_op("[") or self.is_op("("):
            close = "]" if self.is_op("[") else ")"
            lb = self.toks[self.i]
            while self.i < self.n and not self.is_op(close):
                self.i += 1
            rb = self.peek()
            inner_end = rb.start if rb else lb.end
            raw = self.text[lb.end:inner_end]
            stripped = raw.strip()
            ns = lb.end + (len(raw) - len(raw.lstrip()))
            ne = ns + len(stripped)
            if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
                stripped, ns, ne = stripped[1:-1], ns + 1, ne - 1
            name = stripped
            self.i += 1
        open_ = self.toks[self.i].start
        self.i += 1
        body = self.statements()
        end = self.toks[self.i].end if self.i < self.n else self.last_end()
        self.i += 1
        return Route(kw.text, name, ns, ne, open_, body, kw.start, max(end, open_ + 1))

    def include(self) -> None:
        self.i += 1
        t = self.peek()
        if t is not None and t.kind == STR:
            lit = Lit("str", t.value, t.text, t.start, t.end)
            self.out.includes.append(Include(t.value, lit.inner_start, lit.inner_end))
            self.i += 1

    # -- statements ------------------------------------------------------
    def statements(self) -> list[Node]:
        body: list[Node] = []
        while self.i < self.n and not self.is_op("}"):
            before = self.i
            st = self.statement()
            if st is not None:
                body.append(st)
            if self.i == before:
                self.i += 1
        return body

    def statement(self) -> Node | None:
        t = self.toks[self.i]
        if t.kind == OP:
            if t.text == ";":
                self.i += 1
                return None
            if t.text == "{":
                self.i += 1
                body = self.statements()
                end = self._close("}")
                return Seq(body, t.start, end)
        if t.kind == ID:
            word = t.text
            if word == "if":
                return self.if_stmt()
            if word == "switch":
                return self.switch_stmt()
            if word == "while":
                self.i += 1
                cond = self.condition()
                body = self.block_or_statement()
                return While(cond, body, t.start, self.last_end())
            if word in _JUMPS and not self.is_op("=", 1):
                self.i += 1
                if word in ("return", "exit") and not self.is_op(";") and not self.is_op("}"):
                    nxt = self.peek()
                    if nxt is not None and (nxt.kind in (NUM, PV) or nxt.text in ("(", "-")):
                        self.expr()
                self._semicolon()
                return Jump(word, t.start, t.end)
            if word in _INCLUDES:
                self.include()
                return None
            if word in ("else", "case", "default"):
                self.i += 1
                return None
        expr = self.expr()
        if expr is None:
            return None
        if self.peek() is not None and self.peek().kind == OP and self.peek().text in ("=", "+=", ":="):
            op = self.toks[self.i].text
            self.i += 1
            value = self.expr()
            end = value.end if value is not None else self.last_end()
            self._semicolon()
            return Assign(expr, op, value, expr.start, end)
        self._semicolon()
        if isinstance(expr, Name):  # a module function called without parentheses
            expr = Call(expr.text, expr.start, expr.end, [], expr.end)
        return ExprStmt(expr)

    def _semicolon(self) -> None:
        if self.is_op(";"):
            self.i += 1

    def _close(self, text: str) -> int:
        if self.is_op(text):
            self.i += 1
            return self.toks[self.i - 1].end
        return self.last_end()

    def condition(self) -> Node | None:
        if self.is_op("("):
            self.i += 1
            inner = self.expr()
            # tolerate junk before the closing parenthesis
            depth = 0
            while self.i < self.n:
                t = self.toks[self.i]
                if t.kind == OP and t.text in ("{", "}", ";") and depth == 0:
                    break
                if t.kind == OP and t.text == "(":
                    depth += 1
                elif t.kind == OP and t.text == ")":
                    if depth == 0:
                        self.i += 1
                        break
                    depth -= 1
                self.i += 1
            return inner
        return self.expr()

    def block_or_statement(self) -> list[Node]:
        if self.is_op("{"):
            self.i += 1
            body = self.statements()
            self._close("}")
            return body
        if self.i >= self.n or self.is_op("}"):
            return []
        st = self.statement()
        return [st] if st is not None else []

    def if_stmt(self) -> If:
        start = self.toks[self.i].start
        self.i += 1
        cond = self.condition()
        then = self.block_or_statement()
        orelse = None
        if self.is_word("else"):
            self.i += 1
            orelse = self.block_or_statement()
        return If(cond, then, orelse, start, self.last_end())

    def switch_stmt(self) -> Switch:
        start = self.toks[self.i].start
        self.i += 1
        subject = self.condition()
        cases: list[Case] = []
        if not self.is_op("{"):
            return Switch(subject, cases, start, self.last_end())
        self.i += 1
        while self.i < self.n and not self.is_op("}"):
            t = self.toks[self.i]
            if t.kind == ID and t.text in ("case", "default"):
                self.i += 1
                values = None
                if t.text == "case":
                    v = self.expr()
                    values = [v] if v is not None else []
                if self.is_op(":"):
                    self.i += 1
                body: list[Node] = []
                while self.i < self.n and not self.is_op("}") and not (
                        self.peek().kind == ID and self.peek().text in ("case", "default")):
                    before = self.i
                    st = self.statement()
                    if st is not None:
                        body.append(st)
                    if self.i == before:
                        self.i += 1
                cases.append(Case(values, body, t.start, self.last_end()))
            else:
                self.i += 1
        end = self._close("}")
        return Switch(subject, cases, start, end)

    # -- expressions -----------------------------------------------------
    def _binop(self) -> str | None:
        t = self.peek()
        if t is None:
            return None
        if t.kind == OP:
            return t.text
        if t.kind == ID and t.text in _WORD_OPS:
            return _WORD_OPS[t.text]
        return None

    def expr(self) -> Node | None:
        return self.or_expr()

    def or_expr(self) -> Node | None:
        return self._left_assoc(self.and_expr, _OR)

    def and_expr(self) -> Node | None:
        return self._left_assoc(self.compare, _AND)

    def compare(self) -> Node | None:
        return self._left_assoc(self.additive, _COMPARE)

    def additive(self) -> Node | None:
        return self._left_assoc(self.term, _ADD)

    def term(self) -> Node | None:
        return self._left_assoc(self.unary, _MUL)

    def _left_assoc(self, operand, ops: frozenset[str]) -> Node | None:
        """`operand (op operand)*` for one precedence level, folded to the left."""
        left = operand()
        while left is not None and self._binop() in ops:
            op = self._binop()
            self.i += 1
            right = operand()
            if right is None:
                break
            left = Binary(op, left, right, left.start, right.end)
        return left

    def unary(self) -> Node | None:
        t = self.peek()
        if t is not None and t.kind == OP and t.text in ("!", "-", "~"):
            self.i += 1
            operand = self.unary()
            if operand is None:
                return None
            return Unary(t.text, operand, t.start, operand.end)
        if t is not None and t.kind == ID and t.text == "not":
            self.i += 1
            operand = self.unary()
            return Unary("!", operand, t.start, operand.end) if operand is not None else None
        return self.primary()

    def primary(self) -> Node | None:
        t = self.peek()
        if t is None:
            return None
        if t.kind == STR:
            self.i += 1
            return Lit("str", t.value, t.text, t.start, t.end)
        if t.kind == NUM:
            self.i += 1
            return Lit("num", t.text, t.text, t.start, t.end)
        if t.kind == PV:
            self.i += 1
            return Var(t.text, t.start, t.end)
        if t.kind == OP and t.text == "(":
            self.i += 1
            inner = self.expr()
            self._close(")")
            return inner
        if t.kind == ID:
            if t.text in _WORD_OPS or t.text in ("if", "else", "switch", "while", "case", "default"):
                return None
            self.i += 1
            if self.is_op("("):
                self.i += 1
                args: list[Node] = []
                while self.i < self.n and not self.is_op(")"):
                    if self.is_op("{") or self.is_op("}") or self.is_op(";"):
                        break
                    before = self.i
                    a = self.expr()
                    if a is not None:
                        args.append(a)
                    if self.is_op(","):
                        self.i += 1
                    elif self.i == before:
                        self.i += 1
                end = self._close(")")
                return Call(t.text, t.start, t.end, args, end)
            return Name(t.text, t.start, t.end)
        return None
