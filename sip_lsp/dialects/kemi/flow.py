"""Status-set walk of KEMI failure handlers: which final codes reach each failover call, and the
outcome table of each handler (model.outcome).

The native walk (sip_lsp/dialects/ser/flow.py) on the KEMI tree: a handler armed
with `KSR.tm.t_on_failure("name")` starts from every final code 300-699 and the
local cases (timeout, cancelled); tests on if/else narrow the set (a bare 1/-1
result narrows nothing: it is always true); `return`, `KSR.x.exit()`,
`sys.exit()` and a final reply end the path; the script's own functions called on
the way are walked with the set they are called with, and what they return flows
on in the caller. Each path that ends settles its codes' outcome (the first path
in text order decides; a path that calls someone beats one that only replies), as
the native walk does; falling off the handler relays the winning reply (tm).

A walk may carry a `trail` (simulate.py): each state then remembers the steps of
its path, and the decisions keep the trail that made them. Off by default.
"""

from __future__ import annotations

import re
from typing import Any

from sip_lsp.dialects.kemi import ir
from sip_lsp.dialects.kemi.values import OPS, Script
from sip_lsp.dialects.ser.flow import CANCELLED, TIMEOUT, with_locals
from sip_lsp.model import (
    FINAL_CODES,
    FailoverKind,
    FailoverSite,
    GuardFix,
    Local,
    Outcome,
    OutcomeTable,
    Row,
    Span,
    Step,
    StepKind,
)
from sip_lsp.model.codesets import NONE, split, union

_MAX_DEPTH = 32
# Local cases walked as codes of their own, as the native cfg's walk does (ser/flow.py).
LOCAL_CODES = ((Local.TIMEOUT, TIMEOUT), (Local.CANCELLED, CANCELLED))
_LOCALS = frozenset({TIMEOUT, CANCELLED})
START = frozenset(sorted(FINAL_CODES | _LOCALS))
# tm refuses a new branch of a cancelled transaction (Kamailio keeps forking after a 6xx).
_REFUSED = frozenset({CANCELLED})
_ACTIONS = frozenset({Outcome.RETRY_SAME, Outcome.NEW_PARTY, Outcome.MEDIA, Outcome.UNKNOWN})
# A target that looks like a voicemail, announcement or IVR service.
_MEDIA = re.compile(r"voice\s*mail|\bvm\b|vmail|mailbox|announce|\bivr\b|media", re.IGNORECASE)
# The dialled party in a rewrite's value: the request URI, its user, the original or To user.
_SAME_PARTY = re.compile(r"\$(?:rU|ru|ou|oU|tU|\(ru|\(rU|\(ou)")

Trail = tuple[Step, ...]


class State:
    """What holds on one path: the codes still possible and what ran before. Never changed once made."""

    __slots__ = (
        "codes",
        "authenticated",
        "rewrites",
        "shaping",
        "hunting",
        "decided",
        "target",
        "nodest",
        "trail",
    )

    def __init__(
        self,
        codes: frozenset[int],
        authenticated: bool = False,  # uac_auth ran (SC304 does not apply)
        rewrites: bool = False,  # the target was rewritten (SC303 does not apply)
        shaping: tuple[Span, ...] = (),  # the tests that narrowed `codes`
        hunting: bool = False,  # a failover already ran on this path
        decided: frozenset[int] = frozenset(),  # codes an earlier action on this path settled
        target: Outcome = Outcome.RETRY_SAME,  # whom a t_relay() calls after the rewrites so far
        nodest: bool = False,  # on the path where ds_next_dst()/next_gw() found no destination
        trail: Trail = (),  # the steps of this path (simulate only)
    ) -> None:
        self.codes = codes
        self.authenticated, self.rewrites = authenticated, rewrites
        self.shaping = shaping
        self.hunting = hunting
        self.decided, self.target, self.nodest = decided, target, nodest
        self.trail = trail

    def _with(self, codes: frozenset[int], shaping: tuple[Span, ...], trail: Trail) -> State:
        return State(
            codes,
            self.authenticated,
            self.rewrites,
            shaping,
            self.hunting,
            self.decided,
            self.target,
            self.nodest,
            trail,
        )

    def narrowed(self, codes: frozenset[int], test: Span | None) -> State:
        if len(codes) == len(self.codes) or test is None:
            return self if len(codes) == len(self.codes) else self._with(codes, self.shaping, self.trail)
        return self._with(codes, _with_test(self.shaping, test), self.trail)

    def stepped_as(self, trail: Trail) -> State:
        return self if trail is self.trail else self._with(self.codes, self.shaping, trail)

    def stepped(self, step: Step) -> State:
        return self._with(self.codes, self.shaping, self.trail + (step,))

    def marked(
        self,
        authenticated: bool = False,
        rewrites: bool = False,
        hunting: bool = False,
        decided: frozenset[int] = frozenset(),
        target: Outcome | None = None,
        nodest: bool = False,
    ) -> State:
        return State(
            self.codes,
            self.authenticated or authenticated,
            self.rewrites or rewrites,
            self.shaping,
            self.hunting or hunting,
            union(self.decided, decided) if decided else self.decided,
            self.target if target is None else target,
            self.nodest or nodest,
            self.trail,
        )


EMPTY = State(frozenset())
# Expressions with no calls in them: most arguments.
_LEAVES = frozenset({ir.Str, ir.Num, ir.Name})


def merge(a: State, b: State) -> State:
    if a is b or not b.codes:
        return a
    if not a.codes:
        return b
    shaping = _joined(a.shaping, b.shaping)
    return State(
        union(a.codes, b.codes),
        a.authenticated and b.authenticated,
        a.rewrites and b.rewrites,
        shaping,
        a.hunting and b.hunting,
        a.decided if a.decided is b.decided else split(a.decided, b.decided)[0],
        a.target if a.target is b.target else Outcome.UNKNOWN,
        a.nodest and b.nodest,
        a.trail,  # the first path in text order tells the story
    )


def _with_test(shaping: tuple[Span, ...], test: Span) -> tuple[Span, ...]:
    """`shaping` and `test` once (a walk makes one Span per test: the same test is the same object)."""
    for s in shaping:
        if s is test:
            return shaping
    return shaping + (test,)


def _joined(a: tuple[Span, ...], b: tuple[Span, ...]) -> tuple[Span, ...]:
    """`a`, then the tests of `b` it does not hold (one walk's spans: compared by identity)."""
    if a is b or not b:
        return a
    out = a
    for s in b:
        out = _with_test(out, s)
    return out


def _extends(trail: Trail, before: Trail) -> bool:
    """`trail` goes on from `before` (a step may since have gained a note: compared by place and kind)."""
    if len(trail) < len(before):
        return False
    return all(a is b or (a.span == b.span and a.kind is b.kind) for a, b in zip(trail, before))


def _same(a: Span, b: Span) -> bool:
    return a.start == b.start and a.end == b.end


# What settled a code's outcome: (outcome, code replied, deciding span, the tests on the way).
Decision = tuple[Outcome, "int | None", "Span | None", tuple[Span, ...]]


class Result:
    def __init__(self) -> None:
        # (action start, handler, via) -> the failover site
        self.sites: dict[tuple[int, str | None, str, tuple[Span, ...]], FailoverSite] = {}
        self.possible: dict[int, frozenset[int]] = {}  # test start -> codes that reach it
        self.tables: list[OutcomeTable] = []


class Decisions:
    """What each code of one handler leads to, as (codes, decision, trail) in the order settled."""

    def __init__(self) -> None:
        # shared code sets (the walk's algebra): a decision costs a few look-ups, not set copies
        self.settled: list[tuple[frozenset[int], Decision, Trail]] = []
        self.decided: frozenset[int] = NONE  # every code some path settled
        self.by_fallback: frozenset[int] = NONE  # those settled by a reply or forward, which an action beats
        self.no_destination: tuple[Decision, Trail] | None = None
        self.ends: dict[int, Trail] = {}  # code -> the trail of the path that settled it, to its end


class _Env:
    __slots__ = ("func", "via", "stack", "returned", "loops", "in_callee")

    def __init__(self, func: ir.Func, via: tuple[Span, ...], stack: tuple[int, ...], in_callee: bool) -> None:
        self.func, self.via, self.stack, self.in_callee = func, via, stack, in_callee
        self.returned: list[State] = []
        self.loops: list[list[State]] = []


def walk_handler(
    script: Script,
    handler: ir.Func,
    armed_by: tuple[Span, ...],
    guard: GuardFix | None,
    result: Result,
    start: frozenset[int] = START,
    trail: bool = False,
    path: str | None = None,
    enter: tuple[tuple[str, str], ...] = (),
) -> Decisions:
    """Walk one failure handler from its entry: failover sites, the codes reaching tests, its table.

    `start`, `trail` and `enter` (the values of the first step) serve simulate.py: one status
    walked, each path's steps kept. `path`: the module file that defines the handler (its spans
    name it), None for the script itself.
    """
    flow = _Flow(script, handler, armed_by, guard, result, trail, path)
    entry = State(start)
    head = Span(handler.start, handler.name_end, path)
    if trail:
        entry = entry.stepped(Step(head, StepKind.ENTER, enter))
    try:
        end = flow.body(handler.body, entry, _Env(handler, (), (id(handler),), False))
        if trail and end.codes:
            last = Span(max(handler.start, handler.end - 1), handler.end, path)
            end = end.stepped(Step(last, StepKind.EXIT, (("note", "simulate_note_route_end"),)))
        flow.decide(end, Outcome.FORWARD)  # falling off the end: tm relays the winning reply
    except RecursionError:
        pass
    if start is START:
        result.tables.append(table(handler, head, armed_by, flow.decisions))
    return flow.decisions


def table(handler: ir.Func, head: Span, armed_by: tuple[Span, ...], res: Decisions) -> OutcomeTable:
    """The handler's outcome table from the decisions its walk made (as ser/flow.py builds one)."""
    forward: Decision = (Outcome.FORWARD, None, None, ())
    settled = [(c, d) for c, d, _ in res.settled]
    settled.append((split(START, res.decided)[1], forward))
    # (outcome, reply, deciding line) -> [decision, its code sets, its local cases]
    groups: dict[tuple[Outcome, int | None, int | None], list[Any]] = {}

    def group(decision: Decision) -> list[Any]:
        outcome, reply, span, guards = decision
        key = (outcome, reply, None if span is None else span.start)
        found = groups.get(key)
        if found is None:
            found = groups[key] = [decision, [], set()]
        elif guards:
            d = found[0]
            found[0] = (d[0], d[1], d[2], _joined(d[3], guards))
        return found

    for codes, decision in settled:
        if codes:
            group(decision)[1].append(codes)
    nodest = res.no_destination[0] if res.no_destination is not None else forward
    group(nodest)[2].add(Local.NO_DESTINATION)
    rows = []
    for d, parts, local in groups.values():
        codes = parts[0] if parts else NONE
        for part in parts[1:]:
            codes = union(codes, part)
        if TIMEOUT in codes or CANCELLED in codes:
            local.update(case for case, code in LOCAL_CODES if code in codes)
            codes = split(codes, _LOCALS)[1]
        # Row interns a sorted copy: its order never depends on how this walk built the set
        rows.append(Row(codes, frozenset(local), d[0], d[1], d[2], d[3]))
    return OutcomeTable("kemi_failure", handler.name, head, armed_by, tuple(rows), handler.name)


class _Flow:
    def __init__(
        self,
        script: Script,
        handler: ir.Func,
        armed_by: tuple[Span, ...],
        guard: GuardFix | None,
        result: Result,
        trail: bool,
        path: str | None,
    ) -> None:
        self.script, self.ksr, self.path = script, script.ksr, path
        self.handler, self.armed_by, self.guard, self.result = handler, armed_by, guard, result
        self.decisions = Decisions()
        self.trail = trail
        self.tests: dict[int, Span] = {}  # one Span per status test: shaping compares by identity

    def step(self, st: State, node: ir.Node | Span | None, kind: StepKind, **values: str) -> State:
        """`st` with one more step on its trail (only when the walk keeps trails)."""
        if not self.trail:
            return st
        span = node if isinstance(node, Span) or node is None else self.span(node)
        return st.stepped(Step(span, kind, tuple(values.items())))

    def span(self, node: ir.Node) -> Span:
        return Span(node.start, node.end, self.path)

    def decide(
        self, st: State, outcome: Outcome, reply: int | None = None, span: Span | None = None
    ) -> frozenset[int]:
        """Settle the outcome of the codes on `st` not settled before; returns the codes settled here."""
        res = self.decisions
        if not st.codes:
            return frozenset()
        if st.nodest:
            if res.no_destination is None:
                res.no_destination = ((outcome, reply, span, st.shaping), st.trail)
            return frozenset()
        codes = split(st.codes, st.decided)[1] if st.decided else st.codes
        fresh = split(codes, res.decided)[1] if res.decided else codes
        if not fresh and outcome not in _ACTIONS and not self.trail:
            return codes  # every code here was settled on an earlier path
        if outcome in _ACTIONS:
            taken = split(res.by_fallback, codes)[0] if res.by_fallback else NONE
            if taken:
                res.settled = [(split(earlier, taken)[1], d, t) for earlier, d, t in res.settled]
                res.by_fallback = split(res.by_fallback, taken)[1]
                fresh = union(fresh, taken)
        elif fresh:
            res.by_fallback = union(res.by_fallback, fresh)
        if fresh:
            res.decided = union(res.decided, fresh)
            res.settled.append((fresh, (outcome, reply, span, st.shaping), st.trail))
        if self.trail:  # the path that settled a code goes on to its end: keep the longer trail
            for code in st.codes:
                before = res.ends.get(code)
                if code in fresh or (before is not None and _extends(st.trail, before)):
                    res.ends[code] = st.trail
        return codes

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
            if env.in_callee:
                if st.codes:
                    env.returned.append(st)
            else:  # the handler returns: tm relays the winning reply
                self.decide(self.step(st, node, StepKind.EXIT, word="return"), Outcome.FORWARD)
            return EMPTY
        if isinstance(node, ir.Leave):
            self.decide(self.step(st, node, StepKind.EXIT, word="raise"), Outcome.FORWARD)
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
        if leaf is None:
            sides = self.outcome_test(cond, st, env)
            if sides is not None:
                return sides
        st = self.effect(cond, st, env)
        if leaf is None and self.trail and st.codes:  # the text cannot tell: both sides run
            note = "simulate_note_undecided"
            return self.step(st, cond, StepKind.TEST_TRUE, note=note), self.step(
                st, cond, StepKind.TEST_FALSE, note=note
            )
        if leaf is None or not st.codes:
            return st, st
        self._possible(leaf.start, st.codes)
        span = self.tests.get(leaf.start)
        if span is None or span.end != leaf.end:
            span = self.tests[leaf.start] = Span(leaf.start, leaf.end, self.path)
        # tm's local timeout has no reply: where both sides hold 408 (t_branch_replied), it goes
        # with the side that holds the fewer codes (the branch that got no reply)
        t_set, f_set = leaf.when_true, leaf.when_false
        both = 408 in t_set and 408 in f_set
        t_codes = with_locals(t_set, not both or len(t_set) < len(f_set))
        f_codes = with_locals(f_set, not both or len(f_set) <= len(t_set))
        yes = st.narrowed(split(st.codes, t_codes)[0], span)
        no = st.narrowed(split(st.codes, f_codes)[0], span)
        if self.trail:  # the step shows the whole test (`KSR.tm.t_check_status("486") > 0`), not its pattern
            yes = self.step(yes, cond, StepKind.TEST_TRUE)
            no = self.step(no, cond, StepKind.TEST_FALSE)
        return yes, no

    def outcome_test(self, cond: ir.Node, st: State, env: _Env) -> tuple[State, State] | None:
        """A failover call's 1/-1 result as a condition: on -1 no destination was left (Local.NO_DESTINATION)
        or no branch went out; a bare call is true either way (SC315)."""
        node: ir.Node = cond
        op, bound = None, 0.0
        if isinstance(cond, ir.Compare) and isinstance(cond.right, ir.Num):
            node, op, bound = cond.left, cond.op, cond.right.value
        elif isinstance(cond, ir.Compare) and isinstance(cond.left, ir.Num):
            node, op, bound = cond.right, _FLIP.get(cond.op, cond.op), cond.left.value
        called = node
        if isinstance(node, ir.Name):
            value = self.script.aliases(env.func).get(node.id)
            called = value if isinstance(value, ir.Call) else node
        if not isinstance(called, ir.Call):
            return None
        role = self.ksr.role(called.callee)
        ends_on_miss = role == "next_destination" or self.ksr.has("no_destination", called.callee)
        if not ends_on_miss and role != "new_branch":
            return None
        if op is None:
            on_one = on_minus = True
        else:
            fn = OPS.get(op)
            if fn is None:
                return None
            on_one, on_minus = fn(1, bound), fn(-1, bound)
        after = st if node is not called else self.effect(node, st, env)  # a local ran its call already
        if ends_on_miss:  # the -1 path: the call ran (its steps stay), nothing was found
            one, minus = after, st.marked(nodest=True).stepped_as(after.trail)
            if on_one and on_minus:  # always true: with nothing left, the same branch runs
                minus = one  # and relays to the destination that just failed: the same party
                if self.decisions.no_destination is None and called is node:
                    decision = (Outcome.RETRY_SAME, None, self.span(called), st.shaping)
                    self.decisions.no_destination = (decision, one.trail)
        else:  # t_relay(): true only for the codes tm lets a new branch go out on
            one, minus = after.narrowed(split(after.codes, _REFUSED)[1], None), after
        if self.trail:
            one, minus = self._outcome_steps(cond, node is called, ends_on_miss, one, minus, on_one, on_minus)
        yes = [s for s, holds in ((one, on_one), (minus, on_minus)) if holds]
        no = [s for s, holds in ((one, on_one), (minus, on_minus)) if not holds]
        t = merge(yes[0], yes[1]) if len(yes) == 2 else yes[0] if yes else EMPTY
        f = merge(no[0], no[1]) if len(no) == 2 else no[0] if no else EMPTY
        return t, f

    def _outcome_steps(
        self,
        cond: ir.Node,
        ran: bool,
        ends_on_miss: bool,
        one: State,
        minus: State,
        on_one: bool,
        on_minus: bool,
    ) -> tuple[State, State]:
        """The steps of a failover call's result as a condition: on 1 its action step says a
        destination was left; on -1 the test is a step of its own (none left, or tm refused)."""
        same = minus is one
        if ran and one.trail and one.trail[-1].kind is StepKind.ACTION and ends_on_miss:
            action = one.trail[-1]
            noted = Step(
                action.span, action.kind, (*action.values, ("note", "simulate_note_destination_left"))
            )
            one = one.stepped_as(one.trail[:-1] + (noted,))
        elif not ran:
            one = self.step(one, cond, StepKind.TEST_TRUE if on_one else StepKind.TEST_FALSE)
        if same:
            return one, one
        kind = StepKind.TEST_TRUE if on_minus else StepKind.TEST_FALSE
        if ends_on_miss:
            minus = self.step(minus, cond, kind)
        else:
            minus = self.step(minus, cond, kind, note="simulate_note_cancelled_refused")
        return one, minus

    def _possible(self, start: int, codes: frozenset[int]) -> None:
        if self.path is not None:
            return  # a test of a module: the script's status tests are the script's own
        codes = split(codes, FINAL_CODES)[0] if TIMEOUT in codes or CANCELLED in codes else codes
        prev = self.result.possible.get(start)
        self.result.possible[start] = codes if prev is None else union(prev, codes)

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
        ksr = self.ksr
        role = ksr.role(name)
        if role is None:
            target = self.script.resolve(node, env.func)
            return self.call_function(node, target, st, env) if target is not None else st
        if role == "next_destination" or role == "new_branch":
            kind = FailoverKind.NEXT_DESTINATION if role == "next_destination" else FailoverKind.NEW_BRANCH
            destination = self.destination(name, role, st)
            if self.trail:
                values = {"outcome": destination.value}
                if CANCELLED in st.codes:  # tm opens no branch in a cancelled transaction
                    values["note"] = "simulate_note_cancelled_refused"
                st = self.step(st, node, StepKind.ACTION, **values)
            self.record(node, kind, st, env, destination)
            settles = st.narrowed(split(st.codes, _REFUSED)[1], None) if CANCELLED in st.codes else st
            settled = self.decide(settles, destination, span=self.span(node))
            return st.marked(hunting=True, decided=settled)
        if role == "auth":
            return st.marked(authenticated=True)
        if role == "rewrite":
            party = self.rewritten(name, node.args[0] if node.args else None, st.target)
            return st.marked(rewrites=True, target=party)
        if role == "pv_set" and node.args:
            arg = node.args[0]
            if isinstance(arg, ir.Str) and ksr.has("rewrite_pvs", arg.value.strip()):
                value = node.args[1] if len(node.args) > 1 else None
                party = self.rewritten(arg.value.strip(), value, st.target)
                return st.marked(rewrites=True, target=party)
            return st
        if role == "load_contacts":
            return st.marked(target=Outcome.NEW_PARTY)
        if role == "exit":
            self.decide(self.step(st, node, StepKind.EXIT, word=name or ""), Outcome.FORWARD)
            return EMPTY
        if role == "reply" and _final_reply(node):
            code = _reply_code(node)
            st = self.step(st, node, StepKind.REPLY, code="" if code is None else str(code))
            self.decide(st, Outcome.REPLY, code, self.span(node))
            return EMPTY
        return st

    def destination(self, name: str | None, role: str, st: State) -> Outcome:
        """Whom a failover action calls: the same dialled party via another route, or someone else."""
        if role == "next_destination":
            return Outcome.RETRY_SAME  # another gateway or destination set for the same $rU
        if self.ksr.has("fork", name):
            return Outcome.NEW_PARTY  # the callee's other contacts, or a branch to another URI
        return st.target  # t_relay(): towards whatever the rewrites on the path made the target

    def rewritten(self, what: str | None, value: ir.Node | None, before: Outcome) -> Outcome:
        """Whom the request goes to after a rewrite of `what` (a KSR setter or a pseudo-variable)."""
        written = "" if value is None else self.script.text[value.start : value.end]
        if _MEDIA.search(written):
            return Outcome.MEDIA
        if not (self.ksr.has("party_rewrite", what) or self.ksr.has("party_pvs", what)):
            return before  # $du, a host, a port: another route to the same party
        if _SAME_PARTY.search(written):
            return before  # the same number, another host
        if isinstance(value, ir.Str):
            return Outcome.NEW_PARTY  # another user or number: forwarding
        return Outcome.UNKNOWN  # a number from a variable: the text cannot tell

    def call_function(self, node: ir.Call, target: ir.Func, st: State, env: _Env) -> State:
        if id(target) in env.stack or len(env.stack) > _MAX_DEPTH:
            return st
        st = self.step(st, node, StepKind.CALL, target=target.name)
        callee = _Env(target, env.via + (self.span(node),), env.stack + (id(target),), True)
        out = self.body(target.body, st, callee)
        for r in callee.returned:
            out = merge(out, r)
        return out

    def record(self, node: ir.Call, kind: FailoverKind, st: State, env: _Env, destination: Outcome) -> None:
        span = self.span(node)
        key = (span.start, self.path, self.handler.name, env.via)
        prev = self.result.sites.get(key)
        mine = split(st.codes, FINAL_CODES)[0] if TIMEOUT in st.codes or CANCELLED in st.codes else st.codes
        codes = mine if prev is None else union(prev.codes, mine)
        shaping = st.shaping
        if prev is not None:  # the same site met again on another path: both paths' tests
            met = prev.shaping_tests
            shaping = _joined(met, st.shaping)
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
            destination=destination if prev is None or prev.destination is destination else Outcome.UNKNOWN,
        )


def joined(prev: FailoverSite, site: FailoverSite) -> FailoverSite:
    """One failover site met by the walks of two handlers of the same name (as `record` joins paths)."""
    met = prev.shaping_tests
    shaping = met + tuple(s for s in site.shaping_tests if not any(_same(s, t) for t in met))
    return FailoverSite(
        prev.span,
        prev.action,
        prev.kind,
        union(prev.codes, site.codes),
        block=prev.block,
        authenticated=prev.authenticated and site.authenticated,
        rewrites_target=prev.rewrites_target and site.rewrites_target,
        shaping_tests=shaping,
        armed_by=prev.armed_by,
        via=prev.via,
        guard=prev.guard,
        cancel_applies=prev.cancel_applies,
        follows_failover=prev.follows_failover and site.follows_failover,
        engine=prev.engine,
        destination=prev.destination if prev.destination is site.destination else Outcome.UNKNOWN,
    )


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def _reply_code(call: ir.Call) -> int | None:
    """The literal code a reply sends, or None when it comes from a variable."""
    arg = call.args[0] if call.args else None
    if isinstance(arg, ir.Num) and arg.value == int(arg.value):
        return int(arg.value)
    if isinstance(arg, ir.Str) and arg.value.strip().isdigit():
        return int(arg.value.strip())
    return None


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


def guard_for(func: ir.Func, language: str, text: str, path: str | None = None) -> GuardFix | None:
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
    return GuardFix(func.body_start, texts, path)
