"""The one tree the three KEMI front ends (Python, Lua, JavaScript) produce.

Only what the facts need: calls with their dotted callee (`KSR.tm.t_relay`,
`self.ksr_route_relay`), literals, names, comparisons, `not`/`and`/`or`, and the
statements that shape a path (if, loops, return, exits). Anything else becomes an
`Other` whose children are still walked for calls. Offsets are Python string
offsets into the document; every node has `start` and `end`.
"""

from __future__ import annotations

from collections.abc import Sequence


class Node:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end


# -- expressions ---------------------------------------------------------------


class Call(Node):
    """`KSR.tm.t_relay()`: `callee` the dotted path, or None for a computed callee."""

    __slots__ = ("callee", "args", "func")

    def __init__(
        self, start: int, end: int, callee: str | None, args: list[Node], func: Node | None = None
    ) -> None:
        self.start, self.end = start, end
        self.callee = callee
        self.args = args
        self.func = func  # the callee expression when it is not a dotted path


class Str(Node):
    """A string literal; `value` decoded, `inner_*` the text between the quotes."""

    __slots__ = ("value", "inner_start", "inner_end", "raw")

    def __init__(self, start: int, end: int, value: str, inner_start: int, inner_end: int, raw: bool) -> None:
        self.start, self.end = start, end
        self.value = value
        self.inner_start = inner_start
        self.inner_end = inner_end
        self.raw = raw  # the text between the quotes is the value (no escapes in it)


class Num(Node):
    __slots__ = ("value",)

    def __init__(self, start: int, end: int, value: float) -> None:
        self.start, self.end = start, end
        self.value = value


class Name(Node):
    __slots__ = ("id",)

    def __init__(self, start: int, end: int, ident: str) -> None:
        self.start, self.end = start, end
        self.id = ident


class Not(Node):
    __slots__ = ("operand",)

    def __init__(self, start: int, end: int, operand: Node) -> None:
        self.start, self.end = start, end
        self.operand = operand


class BoolOp(Node):
    """`a and b` / `a or b` (Python, Lua), `a && b` / `a || b` (JavaScript)."""

    __slots__ = ("op", "left", "right")

    def __init__(self, start: int, end: int, op: str, left: Node, right: Node) -> None:
        self.start, self.end = start, end
        self.op = op  # "and" | "or"
        self.left = left
        self.right = right


class Compare(Node):
    """`left op right`; `op` one of == != < <= > >= in `not in`; `strict` for === and !==."""

    __slots__ = ("op", "left", "right", "strict")

    def __init__(self, start: int, end: int, op: str, left: Node, right: Node, strict: bool = False) -> None:
        self.start, self.end = start, end
        self.op = op
        self.left = left
        self.right = right
        self.strict = strict


class Seq(Node):
    """A tuple/list/set/table literal (`rc in (486, 600)`)."""

    __slots__ = ("items",)

    def __init__(self, start: int, end: int, items: list[Node]) -> None:
        self.start, self.end = start, end
        self.items = items


class IfExp(Node):
    """`a if test else b`, `test ? a : b`: the test is a truth value."""

    __slots__ = ("test", "body", "orelse")

    def __init__(self, start: int, end: int, test: Node, body: Node, orelse: Node) -> None:
        self.start, self.end = start, end
        self.test = test
        self.body = body
        self.orelse = orelse


class Other(Node):
    """Any other expression; its value is unknown, its children may hold calls."""

    __slots__ = ("children",)

    def __init__(self, start: int, end: int, children: list[Node]) -> None:
        self.start, self.end = start, end
        self.children = children


# -- statements ----------------------------------------------------------------


class ExprStmt(Node):
    __slots__ = ("expr",)

    def __init__(self, start: int, end: int, expr: Node) -> None:
        self.start, self.end = start, end
        self.expr = expr


class Assign(Node):
    """`x = value` (also `local x =`, `var x =`); `names` the plain names assigned."""

    __slots__ = ("names", "value")

    def __init__(self, start: int, end: int, names: tuple[str, ...], value: Node | None) -> None:
        self.start, self.end = start, end
        self.names = names
        self.value = value


class Return(Node):
    __slots__ = ("value",)

    def __init__(self, start: int, end: int, value: Node | None) -> None:
        self.start, self.end = start, end
        self.value = value


class Leave(Node):
    """`raise`, `throw`: the script stops here (Kamailio catches it)."""

    __slots__ = ("value",)

    def __init__(self, start: int, end: int, value: Node | None) -> None:
        self.start, self.end = start, end
        self.value = value


class Jump(Node):
    """`break` or `continue` inside a loop."""

    __slots__ = ("word",)

    def __init__(self, start: int, end: int, word: str) -> None:
        self.start, self.end = start, end
        self.word = word


class If(Node):
    __slots__ = ("cond", "then", "orelse")

    def __init__(
        self,
        start: int,
        end: int,
        cond: Node,
        then: list[Node],
        orelse: list[Node] | None,
    ) -> None:
        self.start, self.end = start, end
        self.cond = cond
        self.then = then
        self.orelse = orelse


class Loop(Node):
    """while/for/repeat: the body runs zero or more times; `cond` a truth value or None."""

    __slots__ = ("cond", "body")

    def __init__(self, start: int, end: int, cond: Node | None, body: list[Node]) -> None:
        self.start, self.end = start, end
        self.cond = cond
        self.body = body


class Branches(Node):
    """switch, try/except: one of `bodies` runs (or none, unless `exhaustive`)."""

    __slots__ = ("subject", "bodies", "exhaustive")

    def __init__(
        self, start: int, end: int, subject: Node | None, bodies: list[list[Node]], exhaustive: bool
    ) -> None:
        self.start, self.end = start, end
        self.subject = subject
        self.bodies = bodies
        self.exhaustive = exhaustive


class Block(Node):
    """Statements run in order (do ... end, with, a nested block)."""

    __slots__ = ("body",)

    def __init__(self, start: int, end: int, body: list[Node]) -> None:
        self.start, self.end = start, end
        self.body = body


class Func(Node):
    """A function or method; `owner` the class name for a Python method."""

    __slots__ = ("name", "name_start", "name_end", "params", "body", "owner", "body_start", "indent")

    def __init__(
        self,
        start: int,
        end: int,
        name: str,
        name_start: int,
        name_end: int,
        params: tuple[str, ...],
        body: list[Node],
        owner: str | None = None,
        body_start: int | None = None,
        indent: str | None = None,
    ) -> None:
        self.start, self.end = start, end
        self.name = name
        self.name_start = name_start
        self.name_end = name_end
        self.params = params
        self.body = body
        self.owner = owner
        # Where a guard goes: the offset of the first body line's start, and its indentation.
        self.body_start = body_start
        self.indent = indent


class Import:
    """A module the script loads: `require "routing"`, `require("./lib.js")`, `from routing import *`.

    `names`: the handler names it brings in, as (name in the module, name here);
    None: every top-level function of the module (Lua and JavaScript globals,
    Python's `import *`); (): none (Python's `import routing` binds the module only).
    """

    __slots__ = ("name", "start", "end", "names")

    def __init__(self, name: str, start: int, end: int, names: tuple[tuple[str, str], ...] | None) -> None:
        self.name = name  # as written: routing, kemi.routing, ./lib.js
        self.start, self.end = start, end  # the name as written
        self.names = names


class Module:
    """A parsed script: its functions, top-level statements, comments and imports."""

    __slots__ = ("language", "funcs", "toplevel", "comments", "imports", "broken", "pieces")

    def __init__(self, language: str) -> None:
        self.language = language  # python | lua | javascript
        self.funcs: list[Func] = []
        self.toplevel: list[Node] = []
        self.comments: list[tuple[int, int, str]] = []  # (start, end, text)
        self.imports: list[Import] = []  # modules required/imported at the top level
        self.broken = False  # the parser recovered from errors: facts are partial
        # The pieces the text was parsed in (kemi/pieces.py), in text order; empty: parsed whole.
        self.pieces: list[Piece] = []


class Piece:
    """A piece of the script parsed alone: its text, where it starts, its functions, its cache slot."""

    __slots__ = ("text", "start", "funcs", "slot")

    def __init__(self, text: str, start: int, funcs: list[Func], slot: dict[str, object] | None) -> None:
        self.text, self.start, self.funcs = text, start, funcs
        self.slot = slot  # None: the same text met twice in the document (nothing kept for it)


def shift(nodes: Sequence[Node], delta: int) -> None:
    """Move every node under `nodes` by `delta` characters, in place (a cached piece met elsewhere).

    Each node is moved once: the front ends build trees, never share a node between parents.
    """
    stack: list[object] = list(nodes)
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        if node is None:
            continue
        if type(node) is list:
            stack += node
            continue
        assert isinstance(node, Node)
        node.start += delta
        node.end += delta
        kind = type(node)
        fields = _CHILDREN.get(kind)
        if fields is None:  # Num, Name, Jump
            continue
        for name in fields:
            push(getattr(node, name))
        if kind is Str:
            assert isinstance(node, Str)
            node.inner_start += delta
            node.inner_end += delta
        elif kind is Func:
            assert isinstance(node, Func)
            node.name_start += delta
            node.name_end += delta
            if node.body_start is not None:
                node.body_start += delta


# The attributes of each node type that hold nodes or lists of them.
_CHILDREN: dict[type[Node], tuple[str, ...]] = {
    Call: ("args", "func"),
    Str: (),
    Not: ("operand",),
    BoolOp: ("left", "right"),
    Compare: ("left", "right"),
    Seq: ("items",),
    IfExp: ("test", "body", "orelse"),
    Other: ("children",),
    ExprStmt: ("expr",),
    Assign: ("value",),
    Return: ("value",),
    Leave: ("value",),
    If: ("cond", "then", "orelse"),
    Loop: ("cond", "body"),
    Branches: ("subject", "bodies"),
    Block: ("body",),
    Func: ("body",),
}
