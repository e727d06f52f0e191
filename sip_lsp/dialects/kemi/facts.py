"""Facts of one function of a KEMI script, the same as the native dialect's, from KSR calls.

Replies sent (`KSR.sl.sl_send_reply(404, "Not Found")`), status tests, handler arming
by name, knobs, and the KSR results used as truth values (SC315). Path-sensitive
within the function like the native collector: a reply knows whether a header
append or a challenge ran before it (SC201) and whether it sits where a local
lookup failed (SC202).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.ksr import ARM_KINDS
from sip_lsp.dialects.kemi.values import OPS, Leaf, Script
from sip_lsp.model import CodeSite, Knob, Reference, Role, Span

_CODE3 = re.compile(r"\d{3}")


class TruthProto:
    """A KSR 1/-1 result used as a truth value, before the flow adds what it leads to."""

    __slots__ = ("node", "function", "value", "replacement", "taken", "skipped")

    def __init__(
        self,
        node: ir.Node,  # the call (or local) as written
        function: str,  # the KSR function whose result it is
        value: bool | None,  # True/False: the whole condition is then always that; None: part of one
        replacement: str,  # the call compared with `> 0`, in the script's language
        taken: list[ir.Node],  # statements that always run because of it (the then of `if X`)
        skipped: list[ir.Node],  # statements that never run because of it
    ) -> None:
        self.node, self.function, self.value = node, function, value
        self.replacement, self.taken, self.skipped = replacement, taken, skipped


class Collected:
    """Every local fact of the script, spans in the document."""

    def __init__(self) -> None:
        self.code_sites: list[CodeSite] = []
        self.tests: list[tuple[Leaf, str | None]] = []  # (test, function it is in)
        self.references: list[Reference] = []
        self.knobs: list[Knob] = []
        self.truths: list[TruthProto] = []
        self.arming: dict[tuple[str, str], list[Span]] = {}  # (kind, name) -> t_on_* name spans
        self.calls: set[str] = set()  # names of the script's own functions called (`self.` dropped)


def collect(script: Script, funcs: list[ir.Func], toplevel: bool = True) -> Collected:
    """The facts of `funcs`, and with `toplevel` of the statements outside any function."""
    out = Collected()
    for func in funcs:
        _Walker(script, out, func).body(func.body, False)
    if toplevel:
        _Walker(script, out, None).body(script.module.toplevel, False)
    return out


def moved(found: Collected, delta: int) -> Collected:
    """`found` of a piece that moved by `delta` (its tree moved in place already: truths follow it)."""
    out = Collected()
    out.code_sites = [c.shift(delta) for c in found.code_sites]
    out.tests = [(leaf.moved(delta), block) for leaf, block in found.tests]
    out.references = [r.shift(delta) for r in found.references]
    out.knobs = [k.shift(delta) for k in found.knobs]
    out.truths = found.truths
    out.arming = {key: [s.shift(delta) for s in spans] for key, spans in found.arming.items()}
    out.calls = found.calls
    return out


def join(parts: list[Collected]) -> Collected:
    """The facts of pieces in text order as one."""
    out = Collected()
    for part in parts:
        out.code_sites += part.code_sites
        out.tests += part.tests
        out.references += part.references
        out.knobs += part.knobs
        out.truths += part.truths
        for key, spans in part.arming.items():
            out.arming.setdefault(key, []).extend(spans)
    return out


class _Walker:
    def __init__(self, script: Script, out: Collected, func: ir.Func | None) -> None:
        self.script, self.out, self.func = script, out, func
        self.ksr = script.ksr
        self.text = script.text
        self.block = func.name if func is not None else None
        self.appended = False  # a header append or challenge ran on the path so far (SC201)
        # id(condition) -> (the value that takes `then`, statements it runs, statements it skips)
        self.whole: dict[int, tuple[bool, list[ir.Node], list[ir.Node]]] = {}

    # -- statements ------------------------------------------------------------
    def body(self, stmts: list[ir.Node], miss: bool) -> bool:
        """Walk statements; True when they always leave the function."""
        leaves = False
        for st in stmts:
            if self.statement(st, miss):
                leaves = True
        return leaves

    def statement(self, st: ir.Node, miss: bool) -> bool:
        if isinstance(st, ir.ExprStmt):
            self.expr(st.expr, miss, False)
            return isinstance(st.expr, ir.Call) and self.ksr.has("exit", st.expr.callee)
        if isinstance(st, ir.Assign):
            if st.value is not None:
                self.expr(st.value, miss, False)
            return False
        if isinstance(st, ir.If):
            return self.if_statement(st, miss)
        if isinstance(st, ir.Loop):
            if st.cond is not None:
                self.expr(st.cond, miss, True)
            self.body(st.body, miss)
            return False
        if isinstance(st, ir.Block):
            return self.body(st.body, miss)
        if isinstance(st, ir.Branches):
            if st.subject is not None:
                self.expr(st.subject, miss, False)
            saved = self.appended
            merged, all_leave = saved, bool(st.bodies) and st.exhaustive
            for b in st.bodies:
                self.appended = saved
                if not self.body(b, miss):
                    all_leave = False
                    merged = merged or self.appended
            self.appended = merged
            return all_leave
        if isinstance(st, (ir.Return, ir.Leave)):
            if st.value is not None:
                self.expr(st.value, miss, False)
            return True
        return False

    def if_statement(self, st: ir.If, miss: bool) -> bool:
        self.mark_whole(st)
        self.expr(st.cond, miss, True)
        miss_then, miss_else = self.lookup_miss(st.cond)
        saved = self.appended
        then_leaves = self.body(st.then, miss or miss_then)
        after_then = self.appended
        self.appended = saved
        else_leaves = st.orelse is not None and self.body(st.orelse, miss or miss_else)
        if then_leaves:
            return else_leaves
        self.appended = after_then if else_leaves else self.appended or after_then
        return False

    def mark_whole(self, st: ir.If) -> None:
        """`if X` / `if not X`: X alone decides the branch, so its constant value says which runs."""
        node, value = st.cond, True
        while isinstance(node, ir.Not):
            node, value = node.operand, not value
        then, orelse = st.then, st.orelse or []
        self.whole[id(node)] = (value, then if value else orelse, orelse if value else then)

    def lookup_miss(self, cond: ir.Node) -> tuple[bool, bool]:
        """(then, else) is the branch where a local lookup failed: `lookup() < 0`, `not (rc > 0)`."""
        node, flip = cond, False
        while isinstance(node, ir.Not):
            node, flip = node.operand, not flip
        if not isinstance(node, ir.Compare) or not isinstance(node.right, ir.Num):
            return False, False
        target: ir.Node | None = node.left
        if isinstance(target, ir.Name):
            target = self.script.aliases(self.func).get(target.id)
        if not isinstance(target, ir.Call) or not self.ksr.has("lookup", target.callee):
            return False, False
        fn = OPS.get(node.op)
        if fn is None:
            return False, False
        on_one, on_minus = fn(1, node.right.value), fn(-1, node.right.value)
        then_miss, else_miss = on_minus and not on_one, on_one and not on_minus
        return (else_miss, then_miss) if flip else (then_miss, else_miss)

    # -- expressions -----------------------------------------------------------
    def expr(self, node: ir.Node, miss: bool, truth: bool, under_not: bool = False) -> None:
        kind = type(node)
        if truth or kind is ir.Compare:
            leaf = self.script.test(node, self.func)
            if leaf is not None:
                self.record_test(leaf)
            if truth and (kind is ir.Call or kind is ir.Name):
                self.truth_use(node, under_not)
        walk = _INSIDE.get(kind)  # a literal or a name holds nothing more
        if walk is not None:
            walk(self, node, miss, truth)

    def call_expr(self, node: ir.Call, miss: bool, truth: bool) -> None:
        for a in node.args:
            self.expr(a, miss, False)
        if node.func is not None:
            self.expr(node.func, miss, False)
        self.call(node, miss)

    def not_expr(self, node: ir.Not, miss: bool, truth: bool) -> None:
        self.expr(node.operand, miss, True, True)

    def bool_expr(self, node: ir.BoolOp, miss: bool, truth: bool) -> None:
        self.expr(node.left, miss, True)
        self.expr(node.right, miss, truth)

    def if_expr(self, node: ir.IfExp, miss: bool, truth: bool) -> None:
        self.expr(node.test, miss, True)
        self.expr(node.body, miss, truth)
        self.expr(node.orelse, miss, truth)

    def compare_expr(self, node: ir.Compare, miss: bool, truth: bool) -> None:
        self.expr(node.left, miss, False)
        self.expr(node.right, miss, False)

    def other_expr(self, node: ir.Other, miss: bool, truth: bool) -> None:
        for c in node.children:
            self.expr(c, miss, False)

    def seq_expr(self, node: ir.Seq, miss: bool, truth: bool) -> None:
        for c in node.items:
            self.expr(c, miss, False)

    def truth_use(self, node: ir.Node, under_not: bool) -> None:
        function = self.script.int_call(node, self.func)
        if function is None:
            return
        written = self.text[node.start : node.end]
        replacement = f"{written} > 0"
        if under_not and self.script.language != "python":
            replacement = f"({replacement})"  # `not X > 0` is `(not X) > 0` in Lua and JavaScript
        value, taken, skipped = self.whole.get(id(node), (None, [], []))
        self.out.truths.append(TruthProto(node, function, value, replacement, taken, skipped))

    def call(self, call: ir.Call, miss: bool) -> None:
        name = call.callee
        role = self.ksr.role(name)
        if role is None or name is None:
            if name is not None and not name.startswith("KSR."):
                self.out.calls.add(name[5:] if name.startswith("self.") else name)
            return
        if role == "reply":
            self.reply(call, name, miss)
        elif role == "header_append":
            self.appended = True
        elif role in ARM_KINDS and call.args:
            target = call.args[0]
            if isinstance(target, ir.Str) and "$" not in target.value:
                span = Span(target.inner_start, target.inner_end)
                kind = ARM_KINDS[role]
                self.out.references.append(Reference(span, target.value, kind))
                self.out.arming.setdefault((kind, target.value), []).append(span)
        elif role == "disable_6xx" and call.args:
            arg = call.args[0]
            value = self.text[arg.start : arg.end]
            on = isinstance(arg, ir.Num) and arg.value != 0
            self.out.knobs.append(Knob(Span(call.start, call.end), name.rsplit(".", 1)[-1], value, on))

    def reply(self, call: ir.Call, name: str, miss: bool) -> None:
        if not call.args:
            return
        arg = call.args[0]
        if isinstance(arg, ir.Num):
            start, end = arg.start, arg.end
            written = self.text[start:end]
        elif isinstance(arg, ir.Str) and arg.raw and "$" not in arg.value:
            start, end = arg.inner_start, arg.inner_end
            written = arg.value
        else:
            return  # a code from a variable is not diagnosed
        phrase = phrase_span = None
        if len(call.args) > 1:
            p = call.args[1]
            if isinstance(p, ir.Str) and p.raw and "$" not in p.value:
                phrase, phrase_span = p.value, Span(p.inner_start, p.inner_end)
        code = int(written) if _CODE3.fullmatch(written) else None
        self.out.code_sites.append(
            CodeSite(
                Span(start, end),
                written,
                code,
                Role.SENT,
                name.rsplit(".", 1)[-1],
                phrase,
                phrase_span,
                self.block,
                self.appended,
                miss,
                True,
            )
        )

    def record_test(self, leaf: Leaf) -> None:
        for code, s, e in leaf.codes:
            site = CodeSite(
                Span(s, e), code, int(code), Role.MATCHED, leaf.kind, block=self.block, code_required=False
            )
            self.out.code_sites.append(site)
        self.out.tests.append((leaf, self.block))


# What walks inside each kind of expression (by exact type: one lookup per node).
_INSIDE: dict[type[ir.Node], Callable[[_Walker, Any, bool, bool], None]] = {
    ir.Call: _Walker.call_expr,
    ir.Not: _Walker.not_expr,
    ir.BoolOp: _Walker.bool_expr,
    ir.IfExp: _Walker.if_expr,
    ir.Compare: _Walker.compare_expr,
    ir.Other: _Walker.other_expr,
    ir.Seq: _Walker.seq_expr,
}
