"""The syntax tree of a routing script: plain nodes with offsets into the parsed text."""
from __future__ import annotations


class Node:
    __slots__ = ("start", "end")


# `test` of a Call or Binary before conditions.status_test has looked at it.
UNSEEN = object()


class Lit(Node):
    """A string or number literal; `inner` is the span between the quotes."""

    __slots__ = ("kind", "value", "raw", "inner_start", "inner_end")

    def __init__(self, kind: str, value: str, raw: str, start: int, end: int) -> None:
        self.kind, self.value, self.raw, self.start, self.end = kind, value, raw, start, end
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
        self.name, self.start, self.name_end, self.args, self.end = name, start, name_end, args, end
        self.test = UNSEEN  # the status test this call is (conditions.status_test), or None


class Unary(Node):
    __slots__ = ("op", "operand")

    def __init__(self, op: str, operand: Node, start: int, end: int) -> None:
        self.op, self.operand, self.start, self.end = op, operand, start, end


class Binary(Node):
    __slots__ = ("op", "left", "right", "test")

    def __init__(self, op: str, left: Node, right: Node, start: int, end: int) -> None:
        self.op, self.left, self.right, self.start, self.end = op, left, right, start, end
        self.test = UNSEEN  # the status test this comparison is (conditions.status_test), or None


class ExprStmt(Node):
    __slots__ = ("expr",)

    def __init__(self, expr: Node) -> None:
        self.expr, self.start, self.end = expr, expr.start, expr.end


class Assign(Node):
    __slots__ = ("target", "op", "value")

    def __init__(self, target: Node, op: str, value: Node | None, start: int, end: int) -> None:
        self.target, self.op, self.value, self.start, self.end = target, op, value, start, end


class If(Node):
    __slots__ = ("cond", "then", "orelse")

    def __init__(self, cond: Node | None, then: list[Node], orelse: list[Node] | None,
                 start: int, end: int) -> None:
        self.cond, self.then, self.orelse, self.start, self.end = cond, then, orelse, start, end


class While(Node):
    __slots__ = ("cond", "body")

    def __init__(self, cond: Node | None, body: list[Node], start: int, end: int) -> None:
        self.cond, self.body, self.start, self.end = cond, body, start, end


class Case(Node):
    """One `case v:` (values) or `default:` (values None) with its statements."""

    __slots__ = ("values", "body")

    def __init__(self, values: list[Node] | None, body: list[Node], start: int, end: int) -> None:
        self.values, self.body, self.start, self.end = values, body, start, end


class Switch(Node):
    __slots__ = ("subject", "cases")

    def __init__(self, subject: Node | None, cases: list[Case], start: int, end: int) -> None:
        self.subject, self.cases, self.start, self.end = subject, cases, start, end


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

    def __init__(self, kind: str, name: str, name_start: int, name_end: int, open_: int,
                 body: list[Node], start: int, end: int) -> None:
        self.kind, self.name, self.name_start, self.name_end = kind, name, name_start, name_end
        self.open, self.body, self.start, self.end = open_, body, start, end


class Include(Node):
    """include_file / import_file "path" (statement or #! directive)."""

    __slots__ = ("path",)

    def __init__(self, path: str, start: int, end: int) -> None:
        self.path, self.start, self.end = path, start, end
