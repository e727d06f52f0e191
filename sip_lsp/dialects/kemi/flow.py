"""Status-set walk of KEMI failure handlers: which final codes reach each failover call.

The native walk (sip_lsp/dialects/ser/flow.py) on the KEMI tree: a handler armed
with `KSR.tm.t_on_failure("name")` starts from every final code 300-699; tests on
if/else narrow the set (a bare 1/-1 result narrows nothing: it is always true);
`return`, `KSR.x.exit()`, `sys.exit()` and a final reply end the path; the script's
own functions called on the way are walked with the set they are called with, and
what they return flows on in the caller.
"""

from __future__ import annotations

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.values import Script
from sip_lsp.model import FINAL_CODES, FailoverKind, FailoverSite, GuardFix, Span

_MAX_DEPTH = 32


class State:
    """What holds on one path: the codes still possible and what ran before. Never changed once made."""

    __slots__ = ("codes", "authenticated", "rewrites", "shaping", "hunting")

    def __init__(
        self,
        codes: frozenset[int],
        authenticated: bool = False,  # uac_auth ran (SC304 does not apply)
        rewrites: bool = False,  # the target was rewritten (SC303 does not apply)
        shaping: tuple[Span, ...] = (),  # the tests that narrowed `codes`
        hunting: bool = False,  # a failover already ran on this path
    ) -> None:
        self.codes = codes
        self.authenticated, self.rewrites = authenticated, rewrites
        self.shaping = shaping
        self.hunting = hunting

    def narrowed(self, codes: frozenset[int], test: Span) -> State:
        if len(codes) == len(self.codes):
            return self
        shaping = self.shaping if any(_same(test, s) for s in self.shaping) else self.shaping + (test,)
        return State(codes, self.authenticated, self.rewrites, shaping, self.hunting)

    def marked(self, authenticated: bool = False, rewrites: bool = False, hunting: bool = False) -> State:
        return State(
            self.codes,
            self.authenticated or authenticated,
            self.rewrites or rewrites,
            self.shaping,
            self.hunting or hunting,
        )


EMPTY = State(frozenset())
# Expressions with no calls in them: most arguments.
_LEAVES = frozenset({ir.Str, ir.Num, ir.Name})
# Set algebra remembered: a script narrows the same few sets by the same few tests
# over and over, and each & or | on 400 codes costs microseconds (as in ser/flow.py).
_ANDS: dict[tuple[frozenset[int], frozenset[int]], frozenset[int]] = {}
_ORS: dict[tuple[frozenset[int], frozenset[int]], frozenset[int]] = {}


def _and(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    found = _ANDS.get((a, b))
    if found is None:
        if len(_ANDS) > 4096:
            _ANDS.clear()
        found = _ANDS[(a, b)] = a & b
    return found


def _or(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    if a is b:
        return a
    found = _ORS.get((a, b))
    if found is None:
        if len(_ORS) > 4096:
            _ORS.clear()
        found = _ORS[(a, b)] = a | b
    return found


def merge(a: State, b: State) -> State:
    if a is b or not b.codes:
        return a
    if not a.codes:
        return b
    shaping = a.shaping + tuple(s for s in b.shaping if not any(_same(s, t) for t in a.shaping))
    return State(
        _or(a.codes, b.codes),
        a.authenticated and b.authenticated,
        a.rewrites and b.rewrites,
        shaping,
        a.hunting and b.hunting,
    )


def _same(a: Span, b: Span) -> bool:
    return a.start == b.start and a.end == b.end


class Result:
    def __init__(self) -> None:
        # (action start, handler, via) -> the failover site
        self.sites: dict[tuple[int, str, tuple[Span, ...]], FailoverSite] = {}
        self.possible: dict[int, frozenset[int]] = {}  # test start -> codes that reach it


class _Env:
    __slots__ = ("func", "via", "stack", "returned", "loops", "in_callee")

    def __init__(self, func: ir.Func, via: tuple[Span, ...], stack: tuple[int, ...], in_callee: bool) -> None:
        self.func, self.via, self.stack, self.in_callee = func, via, stack, in_callee
        self.returned: list[State] = []
        self.loops: list[list[State]] = []


def walk_handler(
    script: Script, handler: ir.Func, armed_by: tuple[Span, ...], guard: GuardFix | None, result: Result
) -> None:
    """Walk one failure handler from its entry, recording failover sites and the codes reaching tests."""
    flow = _Flow(script, handler, armed_by, guard, result)
    try:
        flow.body(handler.body, State(FINAL_CODES), _Env(handler, (), (id(handler),), False))
    except RecursionError:
        return


class _Flow:
    def __init__(
        self,
        script: Script,
        handler: ir.Func,
        armed_by: tuple[Span, ...],
        guard: GuardFix | None,
        result: Result,
    ) -> None:
        self.script, self.ksr = script, script.ksr
        self.handler, self.armed_by, self.guard, self.result = handler, armed_by, guard, result

    # -- statements ------------------------------------------------------------
    def body(self, stmts: list[ir.Node], st: State, env: _Env) -> State:
        for node in stmts:
            if not st.codes:
                return EMPTY
            st = self.statement(node, st, env)
        return st

    def statement(self, node: ir.Node, st: State, env: _Env) -> State:
        if isinstance(node, ir.ExprStmt):
            return self.effect(node.expr, st, env)
        if isinstance(node, ir.Assign):
            return self.effect(node.value, st, env) if node.value is not None else st
        if isinstance(node, ir.If):
            t, f = self.narrow(node.cond, st, env)
            t_out = self.body(node.then, t, env)
            f_out = self.body(node.orelse, f, env) if node.orelse is not None else f
            return merge(t_out, f_out)
        if isinstance(node, ir.Loop):
            t, f = self.narrow(node.cond, st, env) if node.cond is not None else (st, st)
            env.loops.append([])
            out = self.body(node.body, t, env)
            for s in env.loops.pop():
                out = merge(out, s)
            return merge(f, out)
        if isinstance(node, ir.Block):
            return self.body(node.body, st, env)
        if isinstance(node, ir.Branches):
            if node.subject is not None:
                st = self.effect(node.subject, st, env)
            out = EMPTY if node.exhaustive and node.bodies else st
            for b in node.bodies:
                out = merge(out, self.body(b, st, env))
            return out
        if isinstance(node, ir.Return):
            if node.value is not None:
                st = self.effect(node.value, st, env)
            if env.in_callee and st.codes:
                env.returned.append(st)
            return EMPTY
        if isinstance(node, ir.Leave):
            return EMPTY
        if isinstance(node, ir.Jump):
            if env.loops:
                env.loops[-1].append(st)
            return EMPTY
        return st

    # -- conditions ------------------------------------------------------------
    def narrow(self, cond: ir.Node, st: State, env: _Env) -> tuple[State, State]:
        if not st.codes:
            return st, st
        if isinstance(cond, ir.Not):
            t, f = self.narrow(cond.operand, st, env)
            return f, t
        if isinstance(cond, ir.BoolOp):
            ta, fa = self.narrow(cond.left, st, env)
            if cond.op == "and":
                tb, fb = self.narrow(cond.right, ta, env)
                return tb, merge(fa, fb)
            tb, fb = self.narrow(cond.right, fa, env)
            return merge(ta, tb), fb
        leaf = self.script.test(cond, env.func) if isinstance(cond, (ir.Compare, ir.Call, ir.Name)) else None
        st = self.effect(cond, st, env)
        if leaf is None or not st.codes:
            return st, st
        self._possible(leaf.start, st.codes)
        span = Span(leaf.start, leaf.end)
        yes = st.narrowed(_and(st.codes, leaf.when_true), span)
        return yes, st.narrowed(_and(st.codes, leaf.when_false), span)

    def _possible(self, start: int, codes: frozenset[int]) -> None:
        prev = self.result.possible.get(start)
        self.result.possible[start] = codes if prev is None else _or(prev, codes)

    # -- calls -----------------------------------------------------------------
    def effect(self, node: ir.Node | None, st: State, env: _Env) -> State:
        """The state after evaluating `node` for its side effects (calls, in evaluation order)."""
        if node is None or not st.codes or type(node) in _LEAVES:
            return st
        if isinstance(node, ir.Call):
            for a in node.args:
                st = self.effect(a, st, env)
            return self.call(node, st, env)
        if isinstance(node, (ir.BoolOp, ir.Compare)):
            return self.effect(node.right, self.effect(node.left, st, env), env)
        if isinstance(node, ir.Not):
            return self.effect(node.operand, st, env)
        if isinstance(node, ir.IfExp):
            st = self.effect(node.test, st, env)
            return merge(self.effect(node.body, st, env), self.effect(node.orelse, st, env))
        if isinstance(node, ir.Other):
            for c in node.children:
                st = self.effect(c, st, env)
        return st

    def call(self, node: ir.Call, st: State, env: _Env) -> State:
        name = node.callee
        role = self.ksr.role(name)
        if role is None:
            target = self.script.resolve(node, env.func)
            return self.call_function(node, target, st, env) if target is not None else st
        if role == "next_destination" or role == "new_branch":
            kind = FailoverKind.NEXT_DESTINATION if role == "next_destination" else FailoverKind.NEW_BRANCH
            self.record(node, kind, st, env)
            return st.marked(hunting=True)
        if role == "auth":
            return st.marked(authenticated=True)
        if role == "rewrite":
            return st.marked(rewrites=True)
        if role == "pv_set" and node.args:
            arg = node.args[0]
            if isinstance(arg, ir.Str) and self.ksr.has("rewrite_pvs", arg.value.strip()):
                return st.marked(rewrites=True)
            return st
        if role == "exit":
            return EMPTY
        if role == "reply" and _final_reply(node):
            return EMPTY
        return st

    def call_function(self, node: ir.Call, target: ir.Func, st: State, env: _Env) -> State:
        if id(target) in env.stack or len(env.stack) > _MAX_DEPTH:
            return st
        callee = _Env(target, env.via + (Span(node.start, node.end),), env.stack + (id(target),), True)
        out = self.body(target.body, st, callee)
        for r in callee.returned:
            out = merge(out, r)
        return out

    def record(self, node: ir.Call, kind: FailoverKind, st: State, env: _Env) -> None:
        span = Span(node.start, node.end)
        key = (span.start, self.handler.name, env.via)
        prev = self.result.sites.get(key)
        codes = st.codes if prev is None else _or(prev.codes, st.codes)
        shaping = st.shaping
        if prev is not None:  # the same site met again on another path: both paths' tests
            met = prev.shaping_tests
            shaping = met + tuple(s for s in st.shaping if not any(_same(s, t) for t in met))
        self.result.sites[key] = FailoverSite(
            span,
            node.callee or "",
            kind,
            codes,
            block=self.handler.name,
            authenticated=st.authenticated if prev is None else prev.authenticated and st.authenticated,
            rewrites_target=st.rewrites if prev is None else prev.rewrites_target and st.rewrites,
            shaping_tests=shaping,
            armed_by=self.armed_by,
            via=env.via,
            guard=self.guard,
            cancel_applies=True,
            follows_failover=st.hunting if prev is None else prev.follows_failover and st.hunting,
            engine="kamailio",
        )


def _final_reply(call: ir.Call) -> bool:
    """A reply with a code >= 200 (or one from a variable, assumed final)."""
    if not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, ir.Num):
        return arg.value >= 200
    if isinstance(arg, ir.Str) and arg.value.strip().isdigit():
        return int(arg.value.strip()) >= 200
    return True


# Guards in each language: end the handler when the test holds (KSR tests return 1 or -1).
_GUARD_TESTS = {"6xx": 'KSR.tm.t_check_status("6[0-9][0-9]") > 0', "cancel": "KSR.tm.t_is_canceled() > 0"}


def guard_for(func: ir.Func, language: str, text: str) -> GuardFix | None:
    """Where and what to insert at the head of a handler to stop on a 6xx or a cancel."""
    if func.body_start is None or func.indent is None:
        return None
    indent = func.indent
    unit = "\t" if "\t" in indent else "    " if language == "python" else "  " if not indent else indent[:4]
    if language != "python" and indent and " " in indent and "\t" not in indent:
        unit = indent if len(indent) <= 4 else indent[:4]
    nl = text.find("\n", func.body_start)
    eol = "\r\n" if nl > 0 and text[nl - 1] == "\r" else "\n"
    texts = {}
    for key, test in _GUARD_TESTS.items():
        if language == "python":
            texts[key] = f"{indent}if {test}:{eol}{indent}{unit}return 1{eol}"
        elif language == "lua":
            texts[key] = f"{indent}if {test} then{eol}{indent}{unit}return 1{eol}{indent}end{eol}"
        else:
            texts[key] = f"{indent}if ({test}) {{{eol}{indent}{unit}return 1;{eol}{indent}}}{eol}"
    return GuardFix(func.body_start, texts)
