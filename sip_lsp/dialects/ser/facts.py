"""Facts that depend on one block alone: replies sent, status tests, references, knobs.

Path-sensitive within the block: a reply knows whether a header append or a
challenge ran before it on its path (SC201) and whether it sits in the branch
taken when a local lookup failed (SC202).
"""

# No `from __future__ import annotations` here: NamedTuple would compile each string annotation,
# and the first compile() in a process sets up every AST type (with them ~4 % of `check`).
import re
from collections.abc import Iterable
from typing import NamedTuple

from sip_lsp.dialects.ser.conditions import (
    REQUEST_STATUS,
    Test,
    call_test,
    case_test,
    comparison_test,
    has_variable,
    status_var,
)
from sip_lsp.dialects.ser.syntax import (
    Assign,
    Binary,
    Call,
    ExprStmt,
    If,
    Jump,
    Lit,
    Name,
    Node,
    Route,
    Seq,
    Switch,
    Unary,
    Var,
    While,
)
from sip_lsp.model import Block, CodeSite, Facts, Knob, Reference, Role, Span, StatusTest

# First argument is the code, second the reason phrase (tm t_reply, sl sl_send_reply, ...).
# sl_reply_error/t_reply_error derive the code from the last internal error: nothing to record.
REPLY_FUNCS = frozenset(
    {
        "sl_send_reply",
        "send_reply",
        "t_reply",
        "sl_reply",
        "t_send_reply",
        "send_reply_mode",
        "t_reply_with_body",
        "sl_reply_with_body",
    }
)
# Calls that add a header to the next reply: append_to_reply, or a challenge function
# that builds WWW-/Proxy-Authenticate (auth module).
HEADER_APPENDS = frozenset({"append_to_reply", "www_challenge", "proxy_challenge", "auth_challenge"})
# Location/routing lookups whose failure is a local miss (registrar, drouting, dispatcher,
# alias_db, lcr, dialplan, enum, domain, carrierroute).
LOOKUPS = frozenset(
    {
        "lookup",
        "lookup_branches",
        "lookup_to_dset",
        "registered",
        "do_routing",
        "route_to_gw",
        "ds_select_dst",
        "ds_select_domain",
        "ds_select",
        "alias_db_lookup",
        "load_gws",
        "dp_translate",
        "enum_query",
        "lookup_domain",
        "cr_route",
    }
)
REF_KINDS = {
    "route": "route",
    "t_on_failure": "failure_route",
    "t_on_branch": "branch_route",
    "t_on_reply": "onreply_route",
    "t_on_branch_failure": "branch_failure_route",
}
_RETURN_CODE = frozenset({"$rc", "$retcode", "$?"})
FAILURE_KINDS = frozenset({"failure_route", "branch_failure_route"})
# modparam names whose value lists response codes.
CODE_LIST_PARAMS = frozenset(
    {"ds_ping_reply_codes", "options_reply_codes", "probing_reply_codes", "failover_reply_codes"}
)
_CODE3 = re.compile(r"\d{3}")
# `$rs` written in a string (xlog, acc): not followed by a name character.
_RS = re.compile(r"\$rs(?![A-Za-z0-9_])")
# textops calls that add a header to the request being routed (not to a reply).
REQUEST_HEADER_APPENDS = frozenset({"append_hf", "insert_hf"})
# Headers that only mean something in a response (RFC 3261 §20): appended to the request
# right before a reply, the author meant append_to_reply() (SC314).
_REPLY_HEADER = re.compile(
    r"^\s*(Retry-After|WWW-Authenticate|Proxy-Authenticate|Authentication-Info|Unsupported|Warning"
    r"|Min-Expires|Min-SE|Error-Info|Server)\s*:",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"(class\s*=\s*)?(-?\d+)")


class LocalTest(NamedTuple):
    """A status test as one block shows it; the flow completes it (ChunkFacts.facts)."""

    test: StatusTest
    reads_rs: bool  # it compares $rs: the request's status in a failure handler (SC308)


class NamedRoute(NamedTuple):
    """A route with the kind and name the flow knows it by (`event_route[tm:branch-failure:X]`
    is branch_failure_route X)."""

    kind: str
    name: str
    route: Route


class ArmingSite(NamedTuple):
    """A t_on_failure-like reference: the handler it arms and where it is written."""

    handler: tuple[str, str]  # (kind, name)
    span: Span


class Sink:
    """Facts collected for one chunk, with absolute spans."""

    def __init__(self, base: int, path: str | None, text: str) -> None:
        self.base, self.path, self.text = base, path, text
        self.code_sites: list[CodeSite] = []
        self.tests: list[LocalTest] = []
        self.references: list[Reference] = []
        self.knobs: list[Knob] = []

    def span(self, start: int, end: int) -> Span:
        return Span(self.base + start, self.base + end, self.path)


def collect_route(route: Route, sink: Sink) -> None:
    _Walker(sink, route).run()


def collect_toplevel(call: Call, sink: Sink) -> None:
    """modparam(...) settings: knobs and configured code lists."""
    if call.name != "modparam" or len(call.args) < 3:
        return
    param, value = call.args[1], call.args[2]
    if not isinstance(param, Lit) or not isinstance(value, Lit):
        return
    if param.value == "disable_6xx_block":
        v = value.value.strip()
        sink.knobs.append(
            Knob(
                sink.span(value.inner_start, value.inner_end),
                "disable_6xx_block",
                v,
                disables_6xx_block=v.lstrip("-").isdigit() and int(v) != 0,
            )
        )
    elif param.value in CODE_LIST_PARAMS and "\\" not in value.raw:
        for m in _LIST_ITEM.finditer(value.value):
            if m.group(1):
                continue
            digits = m.group(2)
            sink.code_sites.append(
                CodeSite(
                    sink.span(value.inner_start + m.start(2), value.inner_start + m.end(2)),
                    digits,
                    int(digits) if _CODE3.fullmatch(digits) else None,
                    Role.CONFIGURED,
                    function=param.value,
                )
            )


class _Walker:
    def __init__(self, sink: Sink, route: Route) -> None:
        self.sink, self.route, self.text = sink, route, sink.text
        self.block = route.name
        self.failure = route.kind in FAILURE_KINDS
        self.appended = False
        # A reply header appended to the request on this path: (its call's span, the header).
        self.request_hf: tuple[Span, str] | None = None
        self.request_hf_found: set[int] = set()
        self.lookup_vars: set[str] = set()
        self.after_lookup = False

    def run(self) -> None:
        self.body(self.route.body, miss=False)

    def body(self, stmts: list[Node], miss: bool) -> bool:
        """Walk statements; True when they always leave the route (exit, return, drop)."""
        leaves = False
        for st in stmts:  # statements after a leave are dead but still hold facts
            if isinstance(st, Jump):
                leaves = leaves or st.word != "break"
            elif self.statement(st, miss):
                leaves = True
        return leaves

    def statement(self, st: Node, miss: bool) -> bool:
        """Walk one statement; True when it always leaves the route."""
        was_lookup = self.after_lookup
        self.after_lookup = False
        if isinstance(st, ExprStmt):
            self.expr(st.expr, miss)
            self.after_lookup = _is_lookup(st.expr)
        elif isinstance(st, If):
            return self.if_statement(st, miss, was_lookup)
        elif isinstance(st, Assign):
            self.expr(st.value, miss)
            if _is_lookup(st.value) and isinstance(st.target, Var):
                self.lookup_vars.add(st.target.text)
        elif isinstance(st, Switch):
            self.switch(st, miss, was_lookup)
        elif isinstance(st, While):
            self.expr(st.cond, miss)
            self.body(st.body, miss)
        elif isinstance(st, Seq):
            return self.body(st.body, miss)
        return False

    def if_statement(self, st: If, miss: bool, was_lookup: bool) -> bool:
        self.expr(st.cond, miss)
        miss_then, miss_else = self.lookup_miss(st.cond, was_lookup)
        saved, saved_hf = self.appended, self.request_hf
        then_leaves = self.body(st.then, miss or miss_then)
        after_then, then_hf = self.appended, self.request_hf
        self.appended, self.request_hf = saved, saved_hf
        else_leaves = st.orelse is not None and self.body(st.orelse, miss or miss_else)
        if then_leaves:
            return else_leaves
        self.appended = after_then if else_leaves else self.appended or after_then
        self.request_hf = then_hf if else_leaves else self.request_hf or then_hf
        return False

    def switch(self, st: Switch, miss: bool, was_lookup: bool) -> None:
        self.expr(st.subject, miss)
        on_status = status_var(st.subject)
        on_rc = was_lookup and isinstance(st.subject, Var) and st.subject.text in _RETURN_CODE
        saved, saved_hf = self.appended, self.request_hf
        merged, merged_hf = saved, saved_hf
        for case in st.cases:
            case_miss = miss
            for v in case.values or ():
                if on_status:
                    self.record_test(case_test(v, self.text))
                if on_rc and _negative(v):
                    case_miss = True
            self.appended, self.request_hf = saved, saved_hf
            if not self.body(case.body, case_miss):
                merged = merged or self.appended
                merged_hf = merged_hf or self.request_hf
        self.appended, self.request_hf = merged, merged_hf

    def lookup_miss(self, cond: Node | None, was_lookup: bool) -> tuple[bool, bool]:
        """(then, else) branch is the miss of a lookup: `!lookup()`, `$var(rc) < 0`."""
        if _is_lookup(cond):
            return False, True
        if isinstance(cond, Unary) and cond.op == "!" and _is_lookup(cond.operand):
            return True, False
        if isinstance(cond, Binary) and isinstance(cond.left, Var):
            name = cond.left.text
            if name in self.lookup_vars or (was_lookup and name in _RETURN_CODE):
                lit = cond.right
                neg = _negative(lit)
                zero = isinstance(lit, Lit) and lit.value.strip() == "0"
                if (
                    (cond.op == "<" and zero)
                    or (cond.op in ("==", "<=", "<") and neg)
                    or (cond.op == "<=" and zero)
                ):
                    return True, False
        return False, False

    def expr(self, node: Node | None, miss: bool) -> None:
        if isinstance(node, Call):
            test = call_test(node, self.text)
            if test is None:
                self.call(node, miss)
            else:
                self.record_test(test)
        elif isinstance(node, Binary):
            test = comparison_test(node, self.text)
            if test is None:
                self.expr(node.left, miss)
                self.expr(node.right, miss)
            else:
                self.record_test(test)
        elif isinstance(node, Unary):
            self.expr(node.operand, miss)
        elif isinstance(node, Var) and node.text == REQUEST_STATUS:
            self.read_rs(node.start, node.end)

    def read_rs(self, start: int, end: int) -> None:
        """`$rs` read outside a status test (logged, stored, passed on): SC308 in a failure route."""
        if not self.failure:
            return
        span = self.sink.span(start, end)
        test = StatusTest(
            span,
            "read",
            REQUEST_STATUS,
            frozenset(),
            block=self.block,
            in_failure_handler=True,
            reads_request_status=True,
            variable_span=span,
        )
        self.sink.tests.append(LocalTest(test, True))

    def call(self, call: Call, miss: bool) -> None:
        name = call.name
        sink = self.sink
        for a in call.args:
            if isinstance(a, Lit):
                if "$digest_challenge" in a.value:
                    self.appended = True
                if self.failure and REQUEST_STATUS in a.value:
                    for m in _RS.finditer(self.text, a.start, a.end):
                        self.read_rs(m.start(), m.end())
            elif isinstance(a, Call):
                self.call(a, miss)
            elif isinstance(a, (Var, Binary)):
                self.expr(a, miss)
        if name in REPLY_FUNCS:
            self.reply(call, miss)
        elif name in HEADER_APPENDS:
            self.appended = True
        elif name in REQUEST_HEADER_APPENDS and call.args:
            arg = call.args[0]
            header = _REPLY_HEADER.match(arg.value) if isinstance(arg, Lit) and arg.kind == "str" else None
            if header:
                self.request_hf = (sink.span(call.start, call.end), header.group(1))
        elif name in REF_KINDS and call.args:
            target = call.args[0]
            if isinstance(target, Lit) and target.kind == "str" and "$" not in target.value:
                sink.references.append(
                    Reference(sink.span(target.inner_start, target.inner_end), target.value, REF_KINDS[name])
                )
            elif isinstance(target, (Name, Lit)):
                t = target.text if isinstance(target, Name) else target.value
                sink.references.append(Reference(sink.span(target.start, target.end), t, REF_KINDS[name]))
        elif name == "t_set_disable_6xx" and call.args:
            arg = call.args[0]
            value = self.text[arg.start : arg.end]
            lit = arg.value.strip() if isinstance(arg, Lit) else ""
            sink.knobs.append(
                Knob(
                    sink.span(call.start, call.end),
                    name,
                    value,
                    disables_6xx_block=lit.lstrip("-").isdigit() and int(lit) != 0,
                )
            )

    def reply(self, call: Call, miss: bool) -> None:
        hf = self.request_hf
        if hf is not None and hf[0].start not in self.request_hf_found:
            self.request_hf_found.add(hf[0].start)
            self.sink.knobs.append(Knob(hf[0], "append_hf", hf[1]))
        if not call.args:
            return
        arg = call.args[0]
        if isinstance(arg, Lit):
            if arg.kind == "str" and has_variable(arg.value):
                return  # the code comes from a variable
            start, end = arg.inner_start, arg.inner_end
        elif isinstance(arg, Unary) and arg.op == "-" and isinstance(arg.operand, Lit):
            start, end = arg.start, arg.end
        else:
            return  # variables and #!define names are not diagnosed
        written = self.text[start:end]
        phrase = phrase_span = None
        if len(call.args) > 1 and isinstance(call.args[1], Lit) and call.args[1].kind == "str":
            p = call.args[1]
            if "$" not in p.value:
                phrase, phrase_span = p.value, self.sink.span(p.inner_start, p.inner_end)
        self.sink.code_sites.append(
            CodeSite(
                self.sink.span(start, end),
                written,
                int(written) if _CODE3.fullmatch(written) else None,
                Role.SENT,
                function=call.name,
                phrase=phrase,
                phrase_span=phrase_span,
                block=self.block,
                has_header_append=self.appended,
                after_local_miss=miss,
            )
        )

    def record_test(self, test: Test | None) -> None:
        if test is None:
            return
        sink = self.sink
        for written in test.codes:
            sink.code_sites.append(
                CodeSite(
                    sink.span(written.start, written.end),
                    written.code,
                    int(written.code),
                    Role.MATCHED,
                    function=test.kind,
                    block=self.block,
                    code_required=False,
                )
            )
        var = test.var
        reads_rs = var is not None and var.text == REQUEST_STATUS
        status_test = StatusTest(
            sink.span(test.start, test.end),
            test.kind,
            test.pattern,
            test.admits,
            test.named,
            block=self.block,
            in_failure_handler=self.failure,
            reads_request_status=reads_rs and self.failure,
            variable_span=sink.span(var.start, var.end) if var is not None and reads_rs else None,
            pattern_span=sink.span(*test.regex) if test.regex else None,
        )
        sink.tests.append(LocalTest(status_test, reads_rs))


def _is_lookup(node: Node | None) -> bool:
    return isinstance(node, Call) and node.name in LOOKUPS


def _negative(node: Node | None) -> bool:
    return (
        isinstance(node, Unary)
        and node.op == "-"
        and isinstance(node.operand, Lit)
        and node.operand.value.isdigit()
        and int(node.operand.value) > 0
    )


class ChunkFacts:
    """Every local fact of one chunk, with the spans of the base it was collected at.

    An edit elsewhere only moves the chunk: the analysis places these facts with
    a shift (model.PartedAnalysis) instead of copying them. The flow step
    completes the status tests (`possible`, reads of $rs in a failure handler);
    `completed` keeps the last completion and `completed_by` what it came from,
    so an unchanged chunk hands the same Facts (and cached findings) over again.
    """

    __slots__ = (
        "base",
        "blocks",
        "routes",
        "code_sites",
        "references",
        "arming",
        "knobs",
        "tests",
        "handlers",
        "named",
        "entries",
        "completed",
        "completed_by",
    )

    def __init__(
        self,
        base: int,
        blocks: list[Block],
        routes: Iterable[tuple[str, str, Route]],
        sink: Sink,
        entries: tuple[Route, ...] = (),
    ) -> None:
        self.base, self.blocks = base, blocks
        self.routes = [NamedRoute(*r) for r in routes]
        # The routes the flow step looks for, sorted out once per chunk text, not on every keystroke:
        self.handlers = tuple(r for r in self.routes if r.kind in FAILURE_KINDS)  # failure handlers
        self.named = tuple(
            r for r in self.routes if r.kind == "route" and r.route.name_start != r.route.start
        )
        self.entries = entries  # entry routes whose walk may find a lost t_on_failure (arming.may_lose)
        self.code_sites, self.references = sink.code_sites, sink.references
        # Each t_on_failure-like reference, for the flow step.
        self.arming = tuple(
            ArmingSite((r.kind, r.name), r.span) for r in sink.references if r.kind in FAILURE_KINDS
        )
        self.knobs, self.tests = sink.knobs, sink.tests
        self.completed: Facts | None = None
        self.completed_by: tuple[object, ...] = ()

    def kept(self, dialect: str, by: tuple[object, ...]) -> Facts | None:
        """The chunk's Facts as last completed, if that was from the same flow results `by`."""
        done = self.completed
        if done is None or done.dialect != dialect or self.completed_by != by:
            return None
        return done

    def facts(
        self, dialect: str, by: tuple[object, ...], test_sets: tuple[frozenset[int] | None, ...]
    ) -> Facts:
        """The chunk's Facts with test i completed by `test_sets[i]`, the codes that reach it.

        `by` names the flow results the sets come from: while it is the same, `kept()` hands
        the same Facts over again (and the findings cached for them stay valid).
        """
        tests = [
            self._complete(local.test, local.reads_rs, possible)
            for local, possible in zip(self.tests, test_sets)
        ]
        done = self.completed = Facts(
            dialect, self.blocks, self.code_sites, tests, knobs=self.knobs, references=self.references
        )
        self.completed_by = by
        return done

    @staticmethod
    def _complete(test: StatusTest, reads_rs: bool, possible: frozenset[int] | None) -> StatusTest:
        """A chunk's test with what the flow found about it (itself when the flow found nothing new)."""
        in_failure = test.in_failure_handler or possible is not None
        reads = reads_rs and in_failure
        if possible is None and (reads or test.variable_span is None):
            return test
        return StatusTest(
            test.span,
            test.kind,
            test.text,
            test.admits,
            test.named,
            possible=possible,
            block=test.block,
            in_failure_handler=in_failure,
            reads_request_status=reads,
            variable_span=test.variable_span if reads else None,
            pattern_span=test.pattern_span,
        )
