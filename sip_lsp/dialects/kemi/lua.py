"""KEMI Lua (app_lua): tree-sitter-lua tree -> `ir.Module`.

Functions are `function f()`, `local function f()`, `f = function() end` at the top
of the chunk (Kamailio calls them by their global name). An ERROR node is walked
for the statements and calls it still holds: a half-typed script keeps its facts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.tsparse import Offsets, pieces, text_of, top_level_comments, unescape

if TYPE_CHECKING:
    from tree_sitter import Node

_COMPARE = {"==": "==", "~=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LOOPS = frozenset({"while_statement", "repeat_statement", "for_statement"})
_MAX_DEPTH = 200  # deeper nesting is left out (tree-sitter itself never recurses)


def parse_module(text: str) -> ir.Module:
    offsets, parts = pieces("lua", text, _HEADS)
    module = ir.Module("lua")
    module.broken = len(parts) > 1
    for root, data, base in parts:
        conv = _Converter(offsets, data, base)
        module.broken = module.broken or root.has_error
        for child in root.named_children:
            conv.toplevel(child, module)
        if b"sip-lsp" in data:  # every comment may hold a suppression
            module.comments += conv.comments(root)
        else:  # those that may span a cut (pieces.py)
            module.comments += top_level_comments(root, data, conv.at)
    return module


# Lines that start a top-level function: where a broken script is cut (tsparse.pieces).
_HEADS = (b"function ", b"local function ")


class _Converter:
    def __init__(self, offsets: Offsets, data: bytes, base: int = 0) -> None:
        self.offsets, self.data, self.base = offsets, data, base
        self.depth = 0
        # The string offset of a byte offset in this piece (an addition for an ASCII text).
        self.at = base.__add__ if not offsets.starts else self._at

    def _at(self, byte: int) -> int:
        return self.offsets(self.base + byte)

    def comments(self, root: Node) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        stack = [root]
        while stack:  # comments sit among statements; an expression rarely holds one
            node = stack.pop()
            for c in node.children:
                if c.type == "comment":
                    out.append((self.at(c.start_byte), self.at(c.end_byte), text_of(c, self.data)))
                elif c.child_count and c.is_named and c.type in _CONTAINERS:
                    stack.append(c)
        out.sort()
        return out

    # -- top level -------------------------------------------------------------
    def toplevel(self, node: Node, module: ir.Module) -> None:
        kind = node.type
        if kind == "function_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                module.funcs.append(self.func(node, name, node))
            return
        if kind in ("assignment_statement", "variable_declaration"):
            assign = node if kind == "assignment_statement" else _first(node, "assignment_statement")
            if assign is not None:
                names = _first(assign, "variable_list")
                values = _first(assign, "expression_list")
                if names is not None and values is not None:
                    fn = [v for v in values.named_children if v.type == "function_definition"]
                    target = names.named_children[:1]
                    if fn and target:
                        module.funcs.append(self.func(fn[0], target[0], node))
                        return
            self._require(node, module)
        elif kind == "ERROR":
            for child in node.named_children:
                self.toplevel(child, module)
            return
        else:
            self._require(node, module)
        module.toplevel.extend(self.stmt(node))

    def _require(self, node: Node, module: ir.Module) -> None:
        """`require "name"` / `require("name")` at the top: a module of the script."""
        for call in _calls_named(node, "require"):
            args = call.child_by_field_name("arguments")
            arg = args if args is not None and args.type == "string" else None
            if args is not None and arg is None:
                strings = [a for a in args.named_children if a.type == "string"]
                arg = strings[0] if strings else None
            if arg is not None:
                s = self.string(arg)
                module.imports.append(ir.Import(s.value, s.inner_start, s.inner_end, None))

    def func(self, node: Node, name_node: Node, whole: Node) -> ir.Func:
        params = node.child_by_field_name("parameters")
        names = tuple(text_of(p, self.data) for p in params.named_children) if params is not None else ()
        body_node = node.child_by_field_name("body")
        body = self.block(body_node) if body_node is not None else []
        first = body_node.named_children[0] if body_node is not None and body_node.named_children else None
        body_start = indent = None
        if first is not None and params is not None and first.start_point[0] > params.end_point[0]:
            col = first.start_point[1]
            body_start = self.at(first.start_byte - col)
            indent = self.data[first.start_byte - col : first.start_byte].decode("utf-8", "replace")
        return ir.Func(
            self.at(whole.start_byte),
            self.at(whole.end_byte),
            text_of(name_node, self.data),
            self.at(name_node.start_byte),
            self.at(name_node.end_byte),
            names,
            body,
            body_start=body_start,
            indent=indent,
        )

    # -- statements ------------------------------------------------------------
    def block(self, node: Node | None) -> list[ir.Node]:
        out: list[ir.Node] = []
        if node is None:
            return out
        if self.depth > _MAX_DEPTH:
            return out
        self.depth += 1
        try:
            for child in node.named_children:
                out.extend(self.stmt(child))
        finally:
            self.depth -= 1
        return out

    def stmt(self, node: Node) -> list[ir.Node]:
        kind = node.type
        s, e = self.at(node.start_byte), self.at(node.end_byte)
        if kind == "function_call":
            return [ir.ExprStmt(s, e, self.expr(node))]
        if kind == "variable_declaration":
            assign = _first(node, "assignment_statement")
            if assign is None:
                return []
            return self.stmt(assign)
        if kind == "assignment_statement":
            names = _first(node, "variable_list")
            values = _first(node, "expression_list")
            targets = tuple(
                text_of(n, self.data)
                for n in (names.named_children if names else ())
                if n.type == "identifier"
            )
            exprs = [self.expr(v) for v in values.named_children] if values is not None else []
            if len(exprs) == 1:
                return [ir.Assign(s, e, targets, exprs[0])]
            out: list[ir.Node] = [ir.Assign(s, e, (t,), v) for t, v in zip(targets, exprs)]
            out += [ir.ExprStmt(v.start, v.end, v) for v in exprs[len(targets) :]]
            return out or [ir.Assign(s, e, targets, None)]
        if kind == "if_statement":
            return [self.if_chain(node, s, e)]
        if kind in _LOOPS:
            cond = node.child_by_field_name("condition") if kind == "while_statement" else None
            return [ir.Loop(s, e, self.expr(cond) if cond is not None else None, self.block(_body(node)))]
        if kind == "do_statement":
            return [ir.Block(s, e, self.block(_body(node)))]
        if kind == "return_statement":
            values = _first(node, "expression_list")
            value = values.named_children[0] if values is not None and values.named_children else None
            return [ir.Return(s, e, self.expr(value) if value is not None else None)]
        if kind == "break_statement":
            return [ir.Jump(s, e, "break")]
        if kind == "block":
            return [ir.Block(s, e, self.block(node))]
        if kind == "ERROR":
            out = []
            for child in node.named_children:
                out.extend(self.stmt(child))
            return out
        if kind in (
            "function_declaration",
            "comment",
            "goto_statement",
            "label_statement",
            "empty_statement",
        ):
            return []
        if kind in _EXPRESSIONS:  # a stray expression (inside ERROR): keep its calls
            return [ir.ExprStmt(s, e, self.expr(node))]
        return []

    def if_chain(self, node: Node, s: int, e: int) -> ir.If:
        cond = node.child_by_field_name("condition")
        then = self.block(node.child_by_field_name("consequence"))
        alternatives = [c for c in node.named_children if c.type in ("elseif_statement", "else_statement")]
        return ir.If(s, e, self.expr(cond), then, self.alternatives(alternatives, e))

    def alternatives(self, alts: list[Node], e: int) -> list[ir.Node] | None:
        if not alts:
            return None
        first = alts[0]
        if first.type == "else_statement":
            return self.block(_body(first) or first)
        s = self.at(first.start_byte)
        cond = first.child_by_field_name("condition")
        then = self.block(first.child_by_field_name("consequence"))
        return [ir.If(s, e, self.expr(cond), then, self.alternatives(alts[1:], e))]

    # -- expressions -----------------------------------------------------------
    def expr(self, node: Node | None) -> ir.Node:
        if node is None:
            return ir.Other(0, 0, [])
        kind = node.type
        s, e = self.at(node.start_byte), self.at(node.end_byte)
        if kind == "function_call":
            name = node.child_by_field_name("name")
            args = node.child_by_field_name("arguments")
            if args is None:
                arg_nodes = []
            elif args.type in ("string", "table_constructor"):  # f"x", f{...}
                arg_nodes = [self.expr(args)]
            else:
                arg_nodes = [self.expr(a) for a in args.named_children if a.type != "comment"]
            callee = _dotted(name, self.data)
            func = None if callee is not None or name is None else self.expr(name)
            return ir.Call(s, e, callee, arg_nodes, func)
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.expr(inner[0]) if inner else ir.Other(s, e, [])
        if kind == "binary_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op = _operator(node)
            lx, rx = self.expr(left), self.expr(right)
            if op in ("and", "or"):
                return ir.BoolOp(s, e, op, lx, rx)
            if op in _COMPARE:
                return ir.Compare(s, e, _COMPARE[op], lx, rx)
            return ir.Other(s, e, [lx, rx])
        if kind == "unary_expression":
            operand = node.child_by_field_name("operand")
            op = node.children[0].type if node.children else ""
            ox = self.expr(operand)
            if op == "not":
                return ir.Not(s, e, ox)
            if op == "-" and type(ox) is ir.Num:
                return ir.Num(s, e, -ox.value)
            return ir.Other(s, e, [ox])
        if kind == "string":
            return self.string(node)
        if kind == "number":
            return _number(s, e, text_of(node, self.data))
        if kind == "identifier":
            return ir.Name(s, e, text_of(node, self.data))
        if kind in ("dot_index_expression", "method_index_expression"):
            dotted = _dotted(node, self.data)
            if dotted is not None:
                return ir.Name(s, e, dotted)
        if kind == "function_definition":
            return ir.Other(s, e, [])
        children = (
            [self.expr(c) for c in node.named_children if c.type != "comment"] if self.depth < 200 else []
        )
        if kind == "table_constructor":
            return ir.Seq(s, e, children)
        return ir.Other(s, e, children)

    def string(self, node: Node) -> ir.Str:
        s, e = self.at(node.start_byte), self.at(node.end_byte)
        content = node.child_by_field_name("content")
        if content is None:
            raw = text_of(node, self.data)
            quote = raw[:1]
            inner = 1 if quote in "\"'" else raw.find("[", 1) + 1 if quote == "[" else 0
            return ir.Str(s, e, "", s + inner, s + inner, True)
        cs, ce = self.at(content.start_byte), self.at(content.end_byte)
        escapes = [c for c in content.children if c.type == "escape_sequence"]
        value = text_of(content, self.data)
        if escapes:
            parts, pos = [], content.start_byte
            for esc in escapes:
                parts.append(self.data[pos : esc.start_byte].decode("utf-8", "replace"))
                parts.append(unescape(text_of(esc, self.data)))
                pos = esc.end_byte
            parts.append(self.data[pos : content.end_byte].decode("utf-8", "replace"))
            value = "".join(parts)
        return ir.Str(s, e, value, cs, ce, not escapes)


_EXPRESSIONS = frozenset(
    {
        "function_call",
        "binary_expression",
        "unary_expression",
        "parenthesized_expression",
        "dot_index_expression",
    }
)
# Node kinds whose children may be comments worth reading (statement containers).
_CONTAINERS = frozenset(
    {
        "chunk",
        "block",
        "function_declaration",
        "function_definition",
        "if_statement",
        "elseif_statement",
        "else_statement",
        "while_statement",
        "repeat_statement",
        "for_statement",
        "do_statement",
        "variable_declaration",
        "assignment_statement",
        "expression_list",
        "ERROR",
    }
)


def _first(node: Node, kind: str) -> Node | None:
    for c in node.named_children:
        if c.type == kind:
            return c
    return None


def _body(node: Node) -> Node | None:
    body = node.child_by_field_name("body")
    return body if body is not None else _first(node, "block")


def _operator(node: Node) -> str:
    for c in node.children:
        if not c.is_named:
            return c.type
    return ""


def _dotted(node: Node | None, data: bytes) -> str | None:
    """`KSR.tm.t_relay` for a chain of names, else None."""
    if node is None:
        return None
    if node.type == "identifier":
        return text_of(node, data)
    written = text_of(node, data)
    if _NAME_CHARS.issuperset(written) and ".." not in written and ":" not in written:
        return written  # the chain as written holds nothing but names and dots
    parts = []
    while node.type in ("dot_index_expression", "method_index_expression"):
        field = node.child_by_field_name("field") or node.child_by_field_name("method")
        if field is None or field.type != "identifier":
            return None
        parts.append(text_of(field, data))
        node = node.child_by_field_name("table")
        if node is None:
            return None
    if node.type != "identifier":
        return None
    parts.append(text_of(node, data))
    return ".".join(reversed(parts))


def _calls_named(node: Node, name: str) -> Iterator[Node]:
    """`name(...)` calls directly in a top-level statement (not inside functions)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "function_call":
            callee = n.child_by_field_name("name")
            if callee is not None and callee.type == "identifier" and callee.text == name.encode():
                yield n
        if n.type not in ("function_definition", "function_declaration"):
            stack.extend(n.named_children)


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")


def _number(s: int, e: int, written: str) -> ir.Node:
    if written.isdigit():
        return ir.Num(s, e, int(written))
    try:
        value: float | int = int(written, 0) if not any(c in written for c in ".eEpP") else float(written)
    except ValueError:
        try:
            value = float(written)
        except ValueError:
            return ir.Other(s, e, [])
    return ir.Num(s, e, value)
