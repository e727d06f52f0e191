"""KEMI JavaScript (app_jsdt, Duktape): tree-sitter-javascript tree -> `ir.Module`.

Functions are `function f() {}`, `var f = function () {}` and `const f = () => ...`
at the top of the program (Kamailio calls them by their global name). An ERROR
node is walked for the statements and calls it still holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.tsparse import Offsets, pieces, text_of, top_level_comments, unescape

if TYPE_CHECKING:
    from tree_sitter import Node

_COMPARE = {
    "==": ("==", False),
    "!=": ("!=", False),
    "===": ("==", True),
    "!==": ("!=", True),
    "<": ("<", False),
    "<=": ("<=", False),
    ">": (">", False),
    ">=": (">=", False),
}
_LOOPS = frozenset({"while_statement", "for_statement", "for_in_statement", "do_statement"})
_FUNCTIONS = frozenset({"function_expression", "arrow_function", "function", "generator_function"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_MAX_DEPTH = 200


def parse_module(text: str) -> ir.Module:
    offsets, parts = pieces("javascript", text, _HEADS)
    module = ir.Module("javascript")
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
_HEADS = (b"function ", b"async function ", b"var ", b"let ", b"const ")


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
        while stack:
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
        if kind == "import_statement":
            source = node.child_by_field_name("source")
            if source is not None and source.type == "string":
                module.imports.append(self.imported(source))
            return
        if kind != "function_declaration" and b"require" in self.data[node.start_byte : node.end_byte]:
            module.imports += [self.imported(arg) for arg in _required(node)]
        if kind == "function_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                module.funcs.append(self.func(node, name, node))
            return
        if kind in _DECLARATIONS:
            rest = []
            for decl in node.named_children:
                if decl.type != "variable_declarator":
                    continue
                name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
                if name is not None and value is not None and value.type in _FUNCTIONS:
                    module.funcs.append(self.func(value, name, node))
                else:
                    rest.append(decl)
            if not rest:
                return
        if kind == "ERROR":
            for child in node.named_children:
                self.toplevel(child, module)
            return
        module.toplevel.extend(self.stmt(node))

    def imported(self, source: Node) -> ir.Import:
        """A module loaded by `import ... from "./x.js"` or `require("./x.js")`: its top-level functions."""
        s = self.string(source, self.at(source.start_byte), self.at(source.end_byte))
        return ir.Import(s.value, s.inner_start, s.inner_end, None)

    def func(self, node: Node, name_node: Node, whole: Node) -> ir.Func:
        params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        if params is None:
            names: tuple[str, ...] = ()
        elif params.type == "identifier":
            names = (text_of(params, self.data),)
        else:
            names = tuple(text_of(p, self.data) for p in params.named_children if p.type == "identifier")
        body_node = node.child_by_field_name("body")
        body_start = indent = None
        if body_node is None:
            body: list[ir.Node] = []
        elif body_node.type == "statement_block":
            body = self.block(body_node)
            first = next((c for c in body_node.named_children if c.type != "comment"), None)
            if first is not None and first.start_point[0] > body_node.start_point[0]:
                col = first.start_point[1]
                body_start = self.at(first.start_byte - col)
                indent = self.data[first.start_byte - col : first.start_byte].decode("utf-8", "replace")
        else:  # an arrow function's expression body: its value is returned
            value = self.expr(body_node)
            body = [ir.Return(value.start, value.end, value)]
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
        if node is None or self.depth > _MAX_DEPTH:
            return out
        self.depth += 1
        try:
            if node.type in ("statement_block", "program", "ERROR", "else_clause"):
                for child in node.named_children:
                    out.extend(self.stmt(child))
            else:  # a single statement as the body (`if (x) return;`)
                out.extend(self.stmt(node))
        finally:
            self.depth -= 1
        return out

    def stmt(self, node: Node) -> list[ir.Node]:
        kind = node.type
        s, e = self.at(node.start_byte), self.at(node.end_byte)
        if kind == "expression_statement":
            inner = [c for c in node.named_children if c.type != "comment"]
            if not inner:
                return []
            return [self.expression_statement(inner[0], s, e)]
        if kind in _DECLARATIONS:
            out: list[ir.Node] = []
            for decl in node.named_children:
                if decl.type != "variable_declarator":
                    continue
                name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
                names = (text_of(name, self.data),) if name is not None and name.type == "identifier" else ()
                out.append(ir.Assign(s, e, names, self.expr(value) if value is not None else None))
            return out
        if kind == "if_statement":
            cond = node.child_by_field_name("condition")
            then = self.block(node.child_by_field_name("consequence"))
            alt = node.child_by_field_name("alternative")
            orelse = None
            if alt is not None:
                inner = [c for c in alt.named_children if c.type != "comment"]
                orelse = self.block(inner[0]) if len(inner) == 1 else self.block(alt)
            return [ir.If(s, e, self.expr(cond), then, orelse)]
        if kind in _LOOPS:
            cond = (
                node.child_by_field_name("condition") if kind in ("while_statement", "do_statement") else None
            )
            cx = self.expr(cond) if cond is not None else None
            return [ir.Loop(s, e, cx, self.block(node.child_by_field_name("body")))]
        if kind == "statement_block":
            return [ir.Block(s, e, self.block(node))]
        if kind == "return_statement":
            returned = [c for c in node.named_children if c.type != "comment"]
            return [ir.Return(s, e, self.expr(returned[0]) if returned else None)]
        if kind == "throw_statement":
            return [ir.Leave(s, e, None)]
        if kind in ("break_statement", "continue_statement"):
            return [ir.Jump(s, e, "break" if kind == "break_statement" else "continue")]
        if kind == "switch_statement":
            return [self.switch(node, s, e)]
        if kind == "try_statement":
            body = self.block(node.child_by_field_name("body"))
            handler = node.child_by_field_name("handler")
            final = node.child_by_field_name("finalizer")
            out = list(body)
            if handler is not None:
                out.append(ir.Branches(s, e, None, [self.block(handler.child_by_field_name("body"))], False))
            if final is not None:
                out.extend(self.block(final.child_by_field_name("body")))
            return [ir.Block(s, e, out)]
        if kind == "labeled_statement":
            labelled = node.child_by_field_name("body")
            return self.stmt(labelled) if labelled is not None else []
        if kind == "ERROR":
            out = []
            for child in node.named_children:
                out.extend(self.stmt(child))
            return out
        if kind in _EXPRESSIONS:
            return [self.expression_statement(node, s, e)]
        return []

    def expression_statement(self, node: Node, s: int, e: int) -> ir.Node:
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            names = (text_of(left, self.data),) if left is not None and left.type == "identifier" else ()
            return ir.Assign(s, e, names, self.expr(right) if right is not None else None)
        return ir.ExprStmt(s, e, self.expr(node))

    def switch(self, node: Node, s: int, e: int) -> ir.Node:
        """Cases fall through to the next until a break: each body runs its case's statements on."""
        subject = node.child_by_field_name("value")
        body = node.child_by_field_name("body")
        cases = (
            [c for c in body.named_children if c.type in ("switch_case", "switch_default")] if body else []
        )
        stmts = [[st for b in c.children_by_field_name("body") for st in self.stmt(b)] for c in cases]
        bodies = []
        for i in range(len(stmts)):
            run: list[ir.Node] = []
            for later in stmts[i:]:
                stop = next((k for k, st in enumerate(later) if type(st) is ir.Jump), None)
                run.extend(later if stop is None else later[:stop])
                if stop is not None:
                    break
            bodies.append(run)
        exhaustive = any(c.type == "switch_default" for c in cases)
        return ir.Branches(s, e, self.expr(subject) if subject is not None else None, bodies, exhaustive)

    # -- expressions -----------------------------------------------------------
    def expr(self, node: Node | None) -> ir.Node:
        if node is None:
            return ir.Other(0, 0, [])
        kind = node.type
        s, e = self.at(node.start_byte), self.at(node.end_byte)
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            arg_nodes = (
                [self.expr(a) for a in args.named_children if a.type != "comment"] if args is not None else []
            )
            callee = _dotted(fn, self.data)
            func = None if callee is not None or fn is None else self.expr(fn)
            return ir.Call(s, e, callee, arg_nodes, func)
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.expr(inner[0]) if inner else ir.Other(s, e, [])
        if kind == "binary_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            op_node = node.child_by_field_name("operator")
            op = op_node.type if op_node is not None else _operator(node)
            lx, rx = self.expr(left), self.expr(right)
            if op in ("&&", "||"):
                return ir.BoolOp(s, e, "and" if op == "&&" else "or", lx, rx)
            if op in _COMPARE:
                name, strict = _COMPARE[op]
                return ir.Compare(s, e, name, lx, rx, strict)
            return ir.Other(s, e, [lx, rx])
        if kind == "unary_expression":
            arg = node.child_by_field_name("argument")
            op_node = node.child_by_field_name("operator")
            op = op_node.type if op_node is not None else (node.children[0].type if node.children else "")
            ax = self.expr(arg)
            if op == "!":
                return ir.Not(s, e, ax)
            if op == "-" and type(ax) is ir.Num:
                return ir.Num(s, e, -ax.value)
            return ir.Other(s, e, [ax])
        if kind == "ternary_expression":
            cond = node.child_by_field_name("condition")
            a, b = node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
            return ir.IfExp(s, e, self.expr(cond), self.expr(a), self.expr(b))
        if kind == "string":
            return self.string(node, s, e)
        if kind == "template_string" and not any(
            c.type == "template_substitution" for c in node.named_children
        ):
            value = text_of(node, self.data)[1:-1]
            return ir.Str(s, e, value, s + 1, e - 1, "\\" not in value)
        if kind == "number":
            return _number(s, e, text_of(node, self.data))
        if kind == "identifier":
            return ir.Name(s, e, text_of(node, self.data))
        if kind == "member_expression":
            dotted = _dotted(node, self.data)
            if dotted is not None:
                return ir.Name(s, e, dotted)
        if kind in _FUNCTIONS:
            return ir.Other(s, e, [])
        if kind == "array":
            return ir.Seq(s, e, [self.expr(c) for c in node.named_children if c.type != "comment"])
        children = (
            [self.expr(c) for c in node.named_children if c.type != "comment"] if self.depth < 200 else []
        )
        return ir.Other(s, e, children)

    def string(self, node: Node, s: int, e: int) -> ir.Str:
        parts = []
        raw = True
        for c in node.named_children:
            if c.type == "escape_sequence":
                raw = False
                parts.append(unescape(text_of(c, self.data)))
            else:
                parts.append(text_of(c, self.data))
        return ir.Str(s, e, "".join(parts), s + 1, max(s + 1, e - 1), raw)


_EXPRESSIONS = frozenset(
    {"call_expression", "assignment_expression", "binary_expression", "unary_expression", "member_expression"}
)
_CONTAINERS = frozenset(
    {
        "program",
        "statement_block",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "if_statement",
        "else_clause",
        "while_statement",
        "for_statement",
        "do_statement",
        "switch_statement",
        "switch_body",
        "switch_case",
        "switch_default",
        "try_statement",
        "catch_clause",
        "finally_clause",
        "lexical_declaration",
        "variable_declaration",
        "variable_declarator",
        "expression_statement",
        "ERROR",
    }
)


def _required(node: Node) -> list[Node]:
    """The string arguments of `require("...")` calls in a top-level statement, outside functions."""
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn, args = n.child_by_field_name("function"), n.child_by_field_name("arguments")
            if fn is not None and fn.type == "identifier" and fn.text == b"require" and args is not None:
                first = args.named_children[:1]
                if first and first[0].type == "string":
                    out.append(first[0])
        if n.type not in _FUNCTIONS and n.type != "function_declaration":
            stack.extend(reversed(n.named_children))
    return out


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
    if node.type == "member_expression" and _NAME_CHARS.issuperset(written) and ".." not in written:
        return written  # the chain as written holds nothing but names and dots
    parts = []
    while node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        parts.append(text_of(prop, data))
        node = node.child_by_field_name("object")
        if node is None:
            return None
    if node.type not in ("identifier", "this"):
        return None
    parts.append(text_of(node, data))
    return ".".join(reversed(parts))


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")


def _number(s: int, e: int, written: str) -> ir.Node:
    if written.isdigit():
        return ir.Num(s, e, int(written))
    w = written.replace("_", "")
    try:
        if w[:2].lower() in ("0x", "0o", "0b"):
            value: float | int = int(w, 0)
        else:
            value = int(w) if w.isdigit() else float(w)
    except ValueError:
        return ir.Other(s, e, [])
    return ir.Num(s, e, value)
