"""KEMI Python (app_python3, app_python3s): the standard library's `ast` -> `ir.Module`.

Both forms: app_python3's class (`mod_init()` returns an object whose methods are
the handlers, helpers called as `self.f(msg)`) and app_python3s's plain functions.
A script that does not compile is repaired line by line (the offending line
blanked, or turned into `if 1:` when a block hangs under it) so that the rest
still gives facts; `sys.exit()` and `exit()` end the script as KSR.x.exit does in Lua.
A large script is parsed and converted a part at a time (`_parse_in_parts`): the same
tree, without holding the whole file's `ast` at once.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from sip_lsp.dialects.kemi import ir

_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit"})
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MAX_REPAIRS = 8
_MAX_DEPTH = 200
# Parts parsed one at a time (parse_module): cut before a top-level `def`/`class` (as pieces.py cuts).
_TOP_LEVEL = re.compile(r"^(?:def |class |async def )", re.MULTILINE)
_PART = 8192


def parse_module(text: str) -> ir.Module:
    lines = _Lines.of(text)
    module = _parse_in_parts(text, lines) if len(text) > 2 * _PART else None
    if module is None:
        module = ir.Module("python")
        tree = _parse(text, module)
        if tree is None:
            return module
        conv = _Converter(lines, text)
        for node in tree.body:
            conv.toplevel(node, module)
    module.comments = _comments(text) if "sip-lsp" in text else []
    return module


def _parse_in_parts(text: str, lines: _Lines) -> ir.Module | None:
    """The tree of `text` parsed a part of about `_PART` characters at a time, each part's `ast`
    converted and dropped before the next is parsed; None when a part does not parse alone.

    The `ast` of a whole 10k-line script is tens of MB, allocated and freed on every cold
    analysis: parts that stay in the cache parse it a quarter faster. A part ends before a
    line that starts a top-level `def` or `class`, where no statement, bracket or string of
    a script that parses can be open; one that is (a decorator above the cut, a `def` line
    inside a string) fails to parse alone, and the whole text is then parsed at once.
    """
    if "__future__" in text:  # a future import changes how the rest of the file parses
        return None
    cuts = []
    start = 0
    for m in _TOP_LEVEL.finditer(text):
        if m.start() - start >= _PART:
            cuts.append(m.start())
            start = m.start()
    module = ir.Module("python")
    start = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for end in [*cuts, len(text)]:
            try:
                tree = ast.parse(text[start:end])
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                return None
            first, after = bisect_left(lines.starts, start), bisect_left(lines.starts, end)
            conv = _Converter(lines.part(first, after - 1), text)  # the part's lines in the text
            for node in tree.body:
                conv.toplevel(node, module)
            start = end
    return module


def _parse(text: str, module: ir.Module) -> ast.Module | None:
    """The tree of `text`, repairing up to a few broken lines; None when nothing parses."""
    lines: list[str] = []
    source = text
    first_bad = None
    for _ in range(_MAX_REPAIRS + 1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(source)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
            module.broken = True
            lines = lines or _NEWLINE.split(text)
            line = exc.lineno if isinstance(exc, SyntaxError) else None
            if not line or line > len(lines):
                break
            first_bad = line if first_bad is None else min(first_bad, line)
            lines[line - 1] = _stand_in(lines, line - 1)
            source = "\n".join(lines)
    if first_bad and first_bad > 1:  # keep what precedes the first error
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse("\n".join(_NEWLINE.split(text)[: first_bad - 1]))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
    return None


def _stand_in(lines: list[str], i: int) -> str:
    """What replaces a line that does not parse: `if 1:` when a deeper block follows, else nothing."""
    line = lines[i]
    indent = line[: len(line) - len(line.lstrip())]
    for nxt in lines[i + 1 :]:
        if nxt.strip():
            deeper = len(nxt) - len(nxt.lstrip()) > len(indent)
            return indent + "if 1:" if deeper else ""
    return ""


class _Lines:
    """(line, UTF-8 column) -> string offset, as `ast` reports positions."""

    def __init__(self, text: str, starts: list[int], ascii: bool) -> None:
        self.text = text
        self.starts = starts  # where each line starts in `text`
        self.ascii = ascii

    @classmethod
    def of(cls, text: str) -> _Lines:
        if "\r" in text:
            starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        else:  # line lengths plus their newline, summed
            starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]
        return cls(text, starts, text.isascii())

    def part(self, first: int, last: int) -> _Lines:
        """Lines `first` to `last` (0-based) numbered as `ast` numbers a parse of them alone."""
        return _Lines(self.text, self.starts[first : last + 2], self.ascii)

    def at(self, line: int, col: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        if self.ascii:
            return start + col
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        raw = self.text[start:end].encode("utf-8", "surrogatepass")
        return start + len(raw[:col].decode("utf-8", "replace"))


def _comments(text: str) -> list[tuple[int, int, str]]:
    """Comments, read with the tokenizer (a `#` inside a string is not one)."""
    import io
    import tokenize

    out = []
    lines = _Lines.of(text)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                start = (
                    lines.starts[tok.start[0] - 1] + tok.start[1] if tok.start[0] <= len(lines.starts) else 0
                )
                out.append((start, start + len(tok.string), tok.string))
    except (tokenize.TokenError, SyntaxError, IndentationError, ValueError):
        pass  # comments up to the broken place are kept
    return out


class _Converter:
    def __init__(self, lines: _Lines, text: str) -> None:
        self.lines, self.text = lines, text
        self.depth = 0
        self.starts = lines.starts if lines.ascii else None  # the fast path: columns are offsets

    def span(self, node: ast.stmt | ast.expr) -> tuple[int, int]:
        starts, end_line, end_col = self.starts, node.end_lineno, node.end_col_offset
        if end_line is None or end_col is None:
            start = self.lines.at(node.lineno, node.col_offset)
            return start, start
        if starts is not None:  # an ASCII text: columns are offsets
            return starts[node.lineno - 1] + node.col_offset, starts[end_line - 1] + end_col
        return self.lines.at(node.lineno, node.col_offset), self.lines.at(end_line, end_col)

    # -- top level -------------------------------------------------------------
    def toplevel(self, node: ast.stmt, module: ir.Module, owner: str | None = None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.funcs.append(self.func(node, owner))
        elif isinstance(node, ast.ClassDef) and owner is None:
            for item in node.body:
                self.toplevel(item, module, node.name)
        elif owner is None:
            if isinstance(node, ast.Import):
                s, e = self.span(node)
                module.imports += [ir.Import(a.name, s, e, ()) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                s, e = self.span(node)
                star = any(a.name == "*" for a in node.names)
                names = None if star else tuple((a.name, a.asname or a.name) for a in node.names)
                module.imports.append(ir.Import(node.module, s, e, names))
            module.toplevel.extend(self.stmt(node))

    def func(self, node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str | None) -> ir.Func:
        s, e = self.span(node)
        k = self.text.find(node.name, s, e)
        name_start = k if k >= 0 else s
        if node.decorator_list:
            s = min(s, self.span(node.decorator_list[0])[0] - 1)
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        if owner is not None and params:
            params = params[1:]  # self
        body_start = indent = None
        first = node.body[0] if node.body else None
        if first is not None and _docstring(first) and len(node.body) > 1:
            first = node.body[1]
        if first is not None and first.lineno > node.lineno:
            line_start = self.lines.starts[first.lineno - 1]
            body_start = line_start
            indent = self.lines.text[line_start : self.lines.at(first.lineno, first.col_offset)]
        return ir.Func(
            s,
            e,
            node.name,
            name_start,
            name_start + len(node.name),
            params,
            self.body(node.body),
            owner=owner,
            body_start=body_start,
            indent=indent,
        )

    # -- statements ------------------------------------------------------------
    def body(self, stmts: list[ast.stmt]) -> list[ir.Node]:
        out: list[ir.Node] = []
        if self.depth > _MAX_DEPTH:
            return out
        self.depth += 1
        try:
            for st in stmts:
                out.extend(self.stmt(st))
        finally:
            self.depth -= 1
        return out

    def stmt(self, node: ast.stmt) -> list[ir.Node]:
        s, e = self.span(node)
        if isinstance(node, ast.Expr):
            done = self.expr(node.value)
            if isinstance(done, ir.Call) and done.callee in _EXITS:
                return [ir.Leave(s, e, done)]
            return [ir.ExprStmt(s, e, done)]
        if isinstance(node, ast.Assign):
            names = tuple(t.id for t in node.targets if isinstance(t, ast.Name))
            return [ir.Assign(s, e, names, self.expr(node.value))]
        if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            names = (node.target.id,) if isinstance(node.target, ast.Name) else ()
            value: ir.Node | None = self.expr(node.value) if node.value is not None else None
            if isinstance(node, ast.AugAssign):
                value = ir.Other(s, e, [value] if value is not None else [])
            return [ir.Assign(s, e, names, value)]
        if isinstance(node, ast.Return):
            return [ir.Return(s, e, self.expr(node.value) if node.value is not None else None)]
        if isinstance(node, ast.Raise):
            return [ir.Leave(s, e, None)]
        if isinstance(node, ast.If):
            orelse = self.body(node.orelse) if node.orelse else None
            return [ir.If(s, e, self.expr(node.test), self.body(node.body), orelse)]
        if isinstance(node, ast.While):
            return [ir.Loop(s, e, self.expr(node.test), self.body(node.body)), *self.body(node.orelse)]
        if isinstance(node, (ast.For, ast.AsyncFor)):
            head = ir.ExprStmt(s, e, self.expr(node.iter))
            return [head, ir.Loop(s, e, None, self.body(node.body)), *self.body(node.orelse)]
        if isinstance(node, (ast.With, ast.AsyncWith)):
            items: list[ir.Node] = [ir.ExprStmt(s, e, self.expr(i.context_expr)) for i in node.items]
            return [ir.Block(s, e, items + self.body(node.body))]
        if isinstance(node, ast.Try):
            return [self.try_block(s, e, node.body, node.handlers, node.orelse, node.finalbody)]
        if sys.version_info >= (3, 11) and isinstance(node, ast.TryStar):
            return [self.try_block(s, e, node.body, node.handlers, node.orelse, node.finalbody)]
        if isinstance(node, (ast.Break, ast.Continue)):
            return [ir.Jump(s, e, "break" if isinstance(node, ast.Break) else "continue")]
        if isinstance(node, ast.Match):
            cases = [self.body(c.body) for c in node.cases]
            return [ir.Branches(s, e, self.expr(node.subject), cases, False)]
        return []  # def, class, import, pass, global, assert ...

    def try_block(
        self,
        s: int,
        e: int,
        body: list[ast.stmt],
        handlers: list[ast.ExceptHandler],
        orelse: list[ast.stmt],
        finalbody: list[ast.stmt],
    ) -> ir.Node:
        """The body, then one of the handlers or none, then else and finally."""
        out = self.body(body)
        caught = [self.body(h.body) for h in handlers]
        if caught:
            out.append(ir.Branches(s, e, None, caught, False))
        return ir.Block(s, e, out + self.body(orelse) + self.body(finalbody))

    # -- expressions -----------------------------------------------------------
    def expr(self, node: ast.expr | None) -> ir.Node:
        if node is None:
            return ir.Other(0, 0, [])
        starts, end_line, end_col = self.starts, node.end_lineno, node.end_col_offset
        if starts is not None and end_line is not None and end_col is not None:  # ASCII: columns are offsets
            s, e = starts[node.lineno - 1] + node.col_offset, starts[end_line - 1] + end_col
        else:
            s, e = self.span(node)
        convert = _EXPRESSIONS.get(type(node))
        if convert is not None:
            return convert(self, node, s, e)
        if self.depth > _MAX_DEPTH:
            return ir.Other(s, e, [])
        self.depth += 1
        try:
            children = [self.expr(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        finally:
            self.depth -= 1
        return ir.Other(s, e, children)

    def call(self, node: ast.Call, s: int, e: int) -> ir.Node:
        func = node.func
        callee = self.dotted(func)
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            args += [self.expr(k.value) for k in node.keywords if k.arg is None]
        return ir.Call(s, e, callee, args, None if callee is not None else self.expr(func))

    def dotted(self, node: ast.expr) -> str | None:
        """`KSR.tm.t_relay` for a chain of names: the text as written when it holds nothing else."""
        if type(node) is ast.Name:
            return node.id
        starts = self.starts
        if starts is not None and node.end_lineno == node.lineno and node.end_col_offset is not None:
            line = starts[node.lineno - 1]
            written = self.text[line + node.col_offset : line + node.end_col_offset]
            if _NAME_CHARS.issuperset(written) and ".." not in written and not written[:1].isdigit():
                return written
        return _dotted(node)

    def constant(self, node: ast.Constant, s: int, e: int) -> ir.Node:
        value = node.value
        if isinstance(value, str):
            return self.string(value, s, e)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return ir.Num(s, e, value)
        return ir.Other(s, e, [])

    def name(self, node: ast.Name, s: int, e: int) -> ir.Node:
        return ir.Name(s, e, node.id)

    def attribute(self, node: ast.Attribute, s: int, e: int) -> ir.Node:
        dotted = self.dotted(node)
        return ir.Name(s, e, dotted) if dotted else ir.Other(s, e, [self.expr(node.value)])

    def binop(self, node: ast.BinOp, s: int, e: int) -> ir.Node:
        """`"text " + KSR.pv.get("$ru")`: common, and its calls matter."""
        return ir.Other(s, e, [self.expr(node.left), self.expr(node.right)])

    def unary(self, node: ast.UnaryOp, s: int, e: int) -> ir.Node:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            return ir.Not(s, e, operand)
        if isinstance(node.op, ast.USub) and isinstance(operand, ir.Num):
            return ir.Num(s, e, -operand.value)
        return ir.Other(s, e, [operand])

    def boolop(self, node: ast.BoolOp, s: int, e: int) -> ir.Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        values = [self.expr(v) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = ir.BoolOp(s, v.end, op, out, v)
        return out

    def seq(self, node: ast.Tuple | ast.List | ast.Set, s: int, e: int) -> ir.Node:
        return ir.Seq(s, e, [self.expr(x) for x in node.elts])

    def ifexp(self, node: ast.IfExp, s: int, e: int) -> ir.Node:
        return ir.IfExp(s, e, self.expr(node.test), self.expr(node.body), self.expr(node.orelse))

    def opaque(self, node: ast.expr, s: int, e: int) -> ir.Node:
        """A lambda: its body runs later, elsewhere."""
        return ir.Other(s, e, [])

    def compare(self, node: ast.Compare, s: int, e: int) -> ir.Node:
        """`a < b < c` as `a < b and b < c`."""
        left = self.expr(node.left)
        parts: list[ir.Node] = []
        for op, comp in zip(node.ops, node.comparators):
            right = self.expr(comp)
            name = _COMPARE.get(type(op))
            start = left.start if left.start or left.end else s
            parts.append(
                ir.Compare(start, right.end, name, left, right) if name else ir.Other(s, e, [left, right])
            )
            left = right
        out = parts[0]
        for p in parts[1:]:
            out = ir.BoolOp(s, e, "and", out, p)
        return out

    def string(self, value: str, s: int, e: int) -> ir.Str:
        text = self.text
        first = text[s : s + 1]
        if (first == '"' or first == "'") and text[s : s + 3] != first * 3 and text[e - 1 : e] == first:
            inner = text[s + 1 : e - 1]  # the common case: one quote, no prefix
            return ir.Str(s, e, value, s + 1, e - 1, inner == value)
        written = text[s:e]
        q = 0
        while q < len(written) and written[q] not in "\"'":
            q += 1
        quote = written[q : q + 3] if written[q : q + 3] in ('"""', "'''") else written[q : q + 1]
        inner_s, inner_e = s + q + len(quote), e - len(quote)
        if not quote or not written.endswith(quote) or inner_e < inner_s:
            return ir.Str(s, e, value, s, e, False)
        return ir.Str(s, e, value, inner_s, inner_e, text[inner_s:inner_e] == value)


# The converter of each expression type; any other is an `ir.Other` over its children.
_EXPRESSIONS: dict[type[ast.expr], Callable[[_Converter, Any, int, int], ir.Node]] = {
    ast.Call: _Converter.call,
    ast.Constant: _Converter.constant,
    ast.Name: _Converter.name,
    ast.Attribute: _Converter.attribute,
    ast.Compare: _Converter.compare,
    ast.BinOp: _Converter.binop,
    ast.UnaryOp: _Converter.unary,
    ast.BoolOp: _Converter.boolop,
    ast.Tuple: _Converter.seq,
    ast.List: _Converter.seq,
    ast.Set: _Converter.seq,
    ast.IfExp: _Converter.ifexp,
    ast.Lambda: _Converter.opaque,
}
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")


def _docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
