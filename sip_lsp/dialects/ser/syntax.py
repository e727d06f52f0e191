"""The syntax tree of a routing script: plain nodes with offsets into the parsed text."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # conditions builds on these nodes; only the annotation of `test` names it
    from sip_lsp.dialects.ser.conditions import Test


class Node:
    """A piece of the tree: where it starts and ends in the parsed chunk."""

    __slots__ = ("start", "end")

    start: int
    end: int


class _Unseen(Enum):
    UNSEEN = "unseen"


# `test` of a Call or Binary before conditions.status_test has looked at it.
UNSEEN: Final = _Unseen.UNSEEN


class Lit(Node):
    """A string or number literal; `inner` is the span between the quotes."""

    __slots__ = ("kind", "value", "raw", "inner_start", "inner_end")

    def __init__(self, kind: str, value: str, raw: str, start: int, end: int) -> None:
        self.kind = kind
        self.value = value
        self.raw = raw
        self.start = start
        self.end = end
        if kind == "str":
            closed = len(raw) > 1 and raw[-1] == raw[0]
            self.inner_start, self.inner_end = start + 1, end - 1 if closed else end
        else:
            self.inner_start, self.inner_end = start, end


class Var(Node):
    """A pseudo-variable: $rs, $T_rpl($rs), $avp(x), $(var(a){s.len})."""

    __slots__ = ("text",)

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end


class Name(Node):
    """A bare word in an expression (myself, method, a #!define name)."""

    __slots__ = ("text",)

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end


class Call(Node):
    __slots__ = ("name", "name_end", "args", "test")

    def __init__(self, name: str, start: int, name_end: int, args: list[Node], end: int) -> None:
        self.name = name
        self.start = start
        self.name_end = name_end
        self.args = args
        self.end = end
        # the status test this call is (conditions.status_test), or None
        self.test: Test | _Unseen | None = UNSEEN


class Unary(Node):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Node, start: int, end: int) -> None:
        self.op = op
        self.operand = operand
        self.start = start
        self.end = end


class Binary(Node):
    __slots__ = ("op", "left", "right", "test")

    def __init__(self, op: str, left: Node, right: Node, start: int, end: int) -> None:
        self.op = op
        self.left = left
        self.right = right
        self.start = start
        self.end = end
        # the status test this comparison is (conditions.status_test), or None
        self.test: Test | _Unseen | None = UNSEEN


class ExprStmt(Node):
    __slots__ = ("expr",)

    def __init__(self, expr: Node) -> None:
        self.expr, self.start, self.end = expr, expr.start, expr.end


class Assign(Node):
    __slots__ = ("target", "op", "value")

    def __init__(self, target: Node, op: str, value: Node | None, start: int, end: int) -> None:
        self.target = target
        self.op = op
        self.value = value
        self.start = start
        self.end = end


class If(Node):
    __slots__ = ("cond", "then", "orelse")

    def __init__(
        self, cond: Node | None, then: list[Node], orelse: list[Node] | None, start: int, end: int
    ) -> None:
        self.cond = cond
        self.then = then
        self.orelse = orelse
        self.start = start
        self.end = end


class While(Node):
    __slots__ = ("cond", "body")

    def __init__(self, cond: Node | None, body: list[Node], start: int, end: int) -> None:
        self.cond = cond
        self.body = body
        self.start = start
        self.end = end


class Case(Node):
    """One `case v:` (values) or `default:` (values None) with its statements."""

    __slots__ = ("values", "body")

    def __init__(self, values: list[Node] | None, body: list[Node], start: int, end: int) -> None:
        self.values = values
        self.body = body
        self.start = start
        self.end = end


class Switch(Node):
    __slots__ = ("subject", "cases")

    def __init__(self, subject: Node | None, cases: list[Case], start: int, end: int) -> None:
        self.subject = subject
        self.cases = cases
        self.start = start
        self.end = end


class Jump(Node):
    """exit, return, drop or break."""

    __slots__ = ("word",)

    def __init__(self, word: str, start: int, end: int) -> None:
        self.word, self.start, self.end = word, start, end


class Seq(Node):
    """A bare `{ ... }` group of statements."""

    __slots__ = ("body",)

    def __init__(self, body: list[Node], start: int, end: int) -> None:
        self.body, self.start, self.end = body, start, end


class Route(Node):
    """A top-level block: request_route, route[X], failure_route[X], event_route[...] ..."""

    __slots__ = ("kind", "name", "name_start", "name_end", "open", "body")

    def __init__(
        self,
        kind: str,
        name: str,
        name_start: int,
        name_end: int,
        open_: int,
        body: list[Node],
        start: int,
        end: int,
    ) -> None:
        self.kind = kind
        self.name = name
        self.name_start = name_start
        self.name_end = name_end
        self.open = open_
        self.body = body
        self.start = start
        self.end = end


class Include(Node):
    """include_file / import_file "path" (statement or #! directive)."""

    __slots__ = ("path",)

    def __init__(self, path: str, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end
