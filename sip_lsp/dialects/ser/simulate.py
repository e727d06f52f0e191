"""One final status walked through a Kamailio/OpenSIPS failure route, step by step (issue 14).

The outcome table comes from walking every code at once (flow.Walker); here the
same walker runs with one code and a recorder on its hooks: each status test it
meets says true or false, each route(X) call, failover action, reply and exit
becomes a `Step`. A test that splits {603} leaves an empty side, which the walker
never enters, so a status test takes exactly one path. A condition the text cannot
decide (a flag, a variable) sends the code down both sides, as in the table; the
steps kept are those on the path whose decision the table's row holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.ser import _Builder
from sip_lsp.dialects.ser.conditions import case_test, status_test, status_var
from sip_lsp.dialects.ser.facts import FAILURE_KINDS, REPLY_FUNCS
from sip_lsp.dialects.ser.flow import (
    _MAX_DEPTH,
    _REFUSED,
    _REFUSED_OPENSIPS,
    CANCELLED,
    NEW_BRANCH,
    NEXT_DESTINATION,
    NO_DESTINATION_TESTS,
    TIMEOUT,
    FlowResult,
    RouteDef,
    State,
    Walker,
    _destination,
    _Env,
    _final_reply,
    _merge,
    _reply_code,
    with_locals,
)
from sip_lsp.dialects.ser.syntax import Call, If, Jump, Lit, Name, Node, Switch, Var
from sip_lsp.model import Local, Outcome, OutcomeTable, PartedAnalysis, Row, Simulation, Span, Step, StepKind

# Where a step stands among the conditions the text cannot decide: ((fork number, side), ...).
Path = tuple[tuple[int, bool], ...]
_LOCAL_CODE = {Local.TIMEOUT: TIMEOUT, Local.CANCELLED: CANCELLED}
_SIP_CODE = {TIMEOUT: 408, CANCELLED: 487}


def simulate(
    text: str, ctx: DialectContext, table: OutcomeTable, code: int | None, local: Local | None
) -> Simulation | None:
    """Walk `code` (or the local case) through the failure route of `table`; None when it is not in `text`."""
    walked = _LOCAL_CODE.get(local) if local is not None else code
    if walked is None or (local is None and not 300 <= walked <= 699):
        return None
    flavor = ctx.flavor or "kamailio"
    builder = _Builder(PartedAnalysis(dialect=flavor, text=text, path=ctx.path, comment="#"), ctx, flavor)
    builder.collect()
    handler = _handler(builder, table)
    if handler is None:
        return None
    walk = _Recording(handler, table.name, builder.routes, flavor, table.armed_by, walked, local)
    try:
        walk.run(frozenset({walked}))
    except RecursionError:
        return None
    row = _row(table, walk.result.tables[-1], walked, local)
    if row is None:
        return None
    return Simulation(table, _SIP_CODE.get(walked, walked), local, walk.kept(), row)


def _row(table: OutcomeTable, walked: OutcomeTable, code: int, local: Local | None) -> Row | None:
    """The table's row that says what this walk decided; the walk's own row when none does (a bug)."""
    mine = walked.row_of(code, local)
    if mine is None:
        return None
    for row in table.rows:
        holds = local in row.local if local is not None else code in row.codes
        if holds and (row.outcome, row.reply, row.span) == (mine.outcome, mine.reply, mine.span):
            return row
    return mine


def _handler(builder: _Builder, table: OutcomeTable) -> RouteDef | None:
    """The failure route whose header is the table's span."""
    head = table.span
    for facts, _, base, path, chunk, _ in builder.chunks:
        if path != head.path:
            continue
        for kind, _name, route in facts.routes:
            if (
                kind in FAILURE_KINDS
                and base + route.start == head.start
                and base + route.name_end == head.end
            ):
                return RouteDef(route, base, path, chunk)
    return None


class _Recording(Walker):
    """The walker with one code, writing down what happens to it."""

    def __init__(
        self,
        handler: RouteDef,
        name: str,
        routes: Callable[[], Mapping[str, list[RouteDef]]],
        flavor: str,
        armed_by: tuple[Span, ...],
        code: int,
        local: Local | None,
    ) -> None:
        super().__init__(handler, name, routes, flavor, armed_by, FlowResult())
        self.code, self.local = code, local
        self.steps: list[tuple[Path, Step]] = []
        self.path: Path = ()
        self.forks = 0
        self.decision: Path | None = None  # the path of the decision the table's row holds
        self.undecided: dict[int, int] = {}  # the step of each fork's condition, by fork number

    def kept(self) -> tuple[Step, ...]:
        """The steps on the path that decided the code's row, in the order they ran.

        A condition the text cannot decide says true or false as that path took it.
        """
        decided = self.decision or ()
        sides = dict(decided)
        forks = {i: fork for fork, i in self.undecided.items()}
        kept = []
        for i, (path, step) in enumerate(self.steps):
            if decided[: len(path)] != path:
                continue
            fork = forks.get(i)
            if fork is not None:
                if fork not in sides:
                    continue
                step = Step(
                    step.span, StepKind.TEST_TRUE if sides[fork] else StepKind.TEST_FALSE, step.values
                )
            kept.append(step)
        return tuple(kept)

    def live(self, st: State) -> bool:
        """The walked code is on this path, and the path is not the one where no destination is left."""
        return self.code in st.codes and not st.nodest

    def add(self, span: Span | None, kind: StepKind, *values: tuple[str, str]) -> None:
        self.steps.append((self.path, Step(span, kind, values)))

    # -- the walker's hooks ------------------------------------------------
    def run(self, start: frozenset[int] = frozenset()) -> None:
        rd = self.handler
        end = rd.route.name_end + (rd.text[rd.route.name_end : rd.route.name_end + 1] == "]")
        head = Span(rd.base + rd.route.start, rd.base + end, rd.path)
        status = str(_SIP_CODE.get(self.code, self.code))
        if self.local is None:
            self.add(head, StepKind.ENTER, ("status", status))
        else:
            note = "simulate_note_" + self.local.value
            self.add(head, StepKind.ENTER, ("status", status), ("local", self.local.value), ("note", note))
        super().run(start)

    def fell_off(self, end: State) -> None:
        if self.live(end):
            rd = self.handler
            close = rd.base + max(rd.route.end - 1, rd.route.start)
            self.add(Span(close, close + 1, rd.path), StepKind.EXIT, ("note", "simulate_note_route_end"))
        super().fell_off(end)

    def jump(self, node: Jump, st: State, env: _Env) -> tuple[State, bool]:
        if node.word != "break" and not (node.word == "return" and env.in_callee) and self.live(st):
            self.add(env.span(node.start, node.end), StepKind.EXIT, ("word", node.word))
        return super().jump(node, st, env)

    def decide(
        self, st: State, outcome: Outcome, reply: int | None = None, span: Span | None = None
    ) -> frozenset[int]:
        if not self.live(st) or self.code in st.decided:
            return super().decide(st, outcome, reply, span)
        before = self._settling()
        codes = super().decide(st, outcome, reply, span)
        if self._settling() is not before:
            self.decision = self.path
        return codes

    def _settling(self) -> object:
        """The walk's decision that now holds the code (an action can take it from a fallback)."""
        return next((d for codes, d in self.result.settled if self.code in codes), None)

    def statement(self, node: Node, st: State, env: _Env) -> State:
        if not isinstance(node, If) or not self.live(st):
            return super().statement(node, st, env)
        t, f = self.narrow(node.cond, st, env)
        if not (self.live(t) and self.live(f)):  # a status test: one side only
            t_out = self.body(node.then, t, env)[0]
            f_out = self.body(node.orelse, f, env)[0] if node.orelse is not None else f
            return _merge(t_out, f_out)
        # The text cannot tell: the code goes both ways, each side on a path of its own.
        fork, before = self.forks, self.path
        self.forks += 1
        if node.cond is not None:
            self.undecided[fork] = len(self.steps)
            span = env.span(node.cond.start, node.cond.end)
            self.add(span, StepKind.TEST_TRUE, ("note", "simulate_note_undecided"))
        self.path = before + ((fork, True),)
        t_out = self.body(node.then, t, env)[0]
        self.path = before + ((fork, False),)
        f_out = self.body(node.orelse, f, env)[0] if node.orelse is not None else f
        on_true, on_false = self.live(t_out), self.live(f_out)
        self.path = before + ((fork, on_true),) if on_true != on_false else before
        return _merge(t_out, f_out)

    def switch(self, node: Switch, st: State, env: _Env) -> State:
        if self.live(st) and status_var(node.subject):
            self._cases(node, env)
        return super().switch(node, st, env)

    def _cases(self, node: Switch, env: _Env) -> None:
        """`switch ($T_reply_code)`: each case label before the one the code enters, and that one."""
        text = env.rd.text
        default: Span | None = None
        for case in node.cases:
            label = case.values[-1].end if case.values else case.start
            colon = text.find(":", label, case.end)
            span = env.span(case.start, case.end if colon == -1 else colon + 1)
            if case.values is None:
                default = span
                continue
            admits: frozenset[int] = frozenset()
            for value in case.values:
                test = case_test(value, text)
                if test is not None:
                    admits |= with_locals(test.admits)
            if self.code in admits:
                self.add(span, StepKind.TEST_TRUE)
                return
            self.add(span, StepKind.TEST_FALSE)
        if default is not None:
            self.add(default, StepKind.TEST_TRUE, ("note", "simulate_note_default"))

    def narrow(self, cond: Node | None, st: State, env: _Env) -> tuple[State, State]:
        t, f = super().narrow(cond, st, env)
        if cond is None or not self.live(st):
            return t, f
        test = status_test(cond, env.rd.text)
        if test is not None:
            kind = StepKind.TEST_TRUE if self.code in t.codes else StepKind.TEST_FALSE
            start, end = (cond.start, cond.end) if isinstance(cond, Call) else (test.start, test.end)
            self.add(env.span(start, end), kind)
        elif isinstance(cond, Call) and cond.name in NO_DESTINATION_TESTS:
            # the table's row assumes a destination is left; none left is the no-destination row
            path, action = self.steps[-1]
            if (
                action.kind is StepKind.ACTION
                and path == self.path
                and action.span == env.span(cond.start, cond.end)
            ):
                note = ("note", "simulate_note_destination_left")
                self.steps[-1] = (path, Step(action.span, action.kind, (*action.values, note)))
        elif isinstance(cond, Call) and cond.name == "t_branch_replied":
            kind = StepKind.TEST_TRUE if self.live(t) else StepKind.TEST_FALSE
            self.add(env.span(cond.start, cond.end), kind)
        return t, f

    def effect(self, node: Node | None, st: State, env: _Env) -> State:
        if isinstance(node, Call) and self.live(st):
            self._call(node, st, env)
        return super().effect(node, st, env)

    def _call(self, node: Call, st: State, env: _Env) -> None:
        name, span = node.name, env.span(node.start, node.end)
        if name == "route" and node.args:
            target = node.args[0]
            called = (
                target.value
                if isinstance(target, Lit)
                else target.text
                if isinstance(target, (Name, Var))
                else ""
            )
            # as the walker follows it: a defined route, not one already on the way (no recursion)
            if (
                called
                and called in self.routes()
                and called not in env.stack
                and len(env.stack) <= _MAX_DEPTH
            ):
                self.add(span, StepKind.CALL, ("target", f"route[{called}]"))
        elif name in NEXT_DESTINATION or name in NEW_BRANCH or name.startswith("t_relay_to"):
            outcome = _destination(name, st)
            values: tuple[tuple[str, str], ...] = (("action", name), ("outcome", outcome.value))
            # the relay is what tm refuses; the gateway selection before it still runs (engine-semantics 2.1)
            refused = _REFUSED_OPENSIPS if self.flavor == "opensips" else _REFUSED
            if self.code in refused and name not in NEXT_DESTINATION:
                note = (
                    "simulate_note_cancelled_refused"
                    if self.code == CANCELLED
                    else "simulate_note_6xx_blocked"
                )
                values += (("note", note),)
            self.add(span, StepKind.ACTION, *values)
        elif name in REPLY_FUNCS and _final_reply(node):
            code = _reply_code(node)
            self.add(span, StepKind.REPLY, ("code", "" if code is None else str(code)))
