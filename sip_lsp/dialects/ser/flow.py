"""Status-set analysis of failure handlers: which final codes reach each failover.

In failure_route the status is the winning reply tm picked; a 6xx wins
(RFC 3261 §16.7 step 6), so the walk starts from every final code 300-699 and
narrows the set through status tests on if/else and switch, drops it after
exit/return/drop or a final reply, and follows route(X) calls (recursion-safe).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter

from sip_lsp.dialects.ser.conditions import case_test, status_test, status_var
from sip_lsp.dialects.ser.facts import REPLY_FUNCS
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
)
from sip_lsp.model.codesets import NONE, shared, split, union

# Gateway failover: dispatcher, drouting, lcr, load_balancer.
NEXT_DESTINATION = frozenset({"ds_next_dst", "ds_next_domain", "use_next_gw", "next_gw", "lb_next"})
# tm functions allowed in FAILURE_ROUTE that start a new branch (tm.c cmds: t_relay*,
# t_relay_to_<proto>); core append_branch; serial forking over the callee's own destination
# set by q value (tm t_next_contacts/t_next_contact_flow, OpenSIPS core next_branches): the
# next contact of the same AoR, not another gateway, so not SC303's failover on 486.
NEW_BRANCH = frozenset(
    {
        "t_relay",
        "t_relay_to",
        "append_branch",
        "t_reuse_branch",
        "t_next_contacts",
        "t_next_contact_flow",
        "next_branches",
    }
)
# Branches towards the callee's other contacts (forking) or a loaded destination set: another party.
FORKS = frozenset({"append_branch", "t_next_contacts", "t_next_contact_flow", "next_branches"})
# Loads the callee's contacts for t_next_contacts: what follows rings them, not the same target.
LOAD_CONTACTS = frozenset({"t_load_contacts"})
AUTH = frozenset({"uac_auth"})
REWRITES = frozenset(
    {
        "rewritehostport",
        "rewriteuri",
        "seturi",
        "sethostport",
        "rewritehost",
        "sethost",
        "rewriteuser",
        "setuser",
        "rewritehostporttrans",
        "sethostporttrans",
    }
)
TARGET_VARS = ("$du", "$ru", "$rU", "$rd", "$fs")
# Rewrites of the request URI's user part (or the whole URI): the party called, not the route to it.
PARTY_VARS = frozenset({"$ru", "$rU"})
PARTY_REWRITES = frozenset({"rewriteuri", "seturi", "rewriteuser", "setuser"})
# A target that looks like a voicemail, announcement or IVR service.
_MEDIA = re.compile(r"voice\s*mail|\bvm\b|vmail|mailbox|announce|\bivr\b|media", re.IGNORECASE)
_GLOBAL = frozenset(range(600, 700))
# Local cases walked as codes of their own, outside 300-699: no remote party sent them.
# t_check_status() sees the local timeout as 408 and a cancelled transaction's reply as 487.
TIMEOUT, CANCELLED = 1408, 1487
_LOCALS = frozenset({TIMEOUT, CANCELLED})
_LOCAL_CODES = ((Local.TIMEOUT, TIMEOUT), (Local.CANCELLED, CANCELLED))
_START = FINAL_CODES | _LOCALS
# Calls whose false side is "no destination left" (Local.NO_DESTINATION): the next gateway
# or destination set, or a first selection made in the failure route.
NO_DESTINATION_TESTS = NEXT_DESTINATION | frozenset(
    {"ds_select_dst", "ds_select_domain", "ds_select", "do_routing", "route_to_gw", "load_gws", "lb_start"}
)
# The dialled party in a rewrite's value: the request URI, its user, the original or To user.
_SAME_PARTY = re.compile(r"\$(?:rU|ru|ou|oU|tU|\(ru|\(rU|\(ou)")
_MAX_DEPTH = 32
# Any route( in a block (even in a comment) may call another block's route.
_CALLS = re.compile(r"\broute\s*\(")


class RouteDef:
    """A route where it was found: its chunk's text (offsets are relative to it) and base."""

    __slots__ = ("route", "base", "path", "text")

    def __init__(self, route: Route, base: int, path: str | None, text: str) -> None:
        self.route = route
        self.base = base
        self.path = path
        self.text = text


def calls_route(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may hold a route(X) call (conservative: comments count too)."""
    # str.find first: the pattern has no literal prefix, so search tries every offset.
    return text.find("route", start, end) != -1 and _CALLS.search(text, start, end) is not None


class NamedRoutes(Mapping[str, list[RouteDef]]):
    """The named routes of a document by name, noted as its chunks are read.

    A walk follows the few routes its route(X) calls name: their RouteDefs are made
    then, not for every route of the document (a keystroke on a 100k-line script
    reads 16k routes and follows one).
    """

    __slots__ = ("_found", "_made")

    def __init__(self) -> None:
        self._found: dict[str, list[tuple[Route, int, str | None, str]]] = {}
        self._made: dict[str, list[RouteDef]] = {}

    def add(self, routes: Iterable[tuple[str, str, Route]], base: int, path: str | None, text: str) -> None:
        """The (kind, name, route) of one chunk at `base`."""
        for _, name, route in routes:
            found = self._found.get(name)
            if found is None:
                self._found[name] = [(route, base, path, text)]
            else:
                found.append((route, base, path, text))

    def __getitem__(self, name: str) -> list[RouteDef]:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = [RouteDef(*where) for where in self._found[name]]
        return made

    def __contains__(self, name: object) -> bool:
        return name in self._found

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


class State:
    """What holds on one path: the codes still possible and what ran before.

    Never changed once built (paths share states); a new state is made at every narrowing.
    """

    __slots__ = ("codes", "authenticated", "rewrites", "shaping", "hunting", "decided", "target", "nodest")

    def __init__(
        self,
        codes: frozenset[int],
        authenticated: bool = False,
        rewrites: bool = False,
        shaping: tuple[Span, ...] = (),
        hunting: bool = False,
        decided: frozenset[int] = frozenset(),
        target: Outcome = Outcome.RETRY_SAME,
        nodest: bool = False,
    ) -> None:
        self.codes, self.authenticated, self.rewrites = codes, authenticated, rewrites
        self.shaping = shaping
        self.hunting = hunting  # a failover action already ran on this path
        self.decided = decided  # codes whose outcome an earlier action on this path settled
        self.target = target  # whom a t_relay() calls after the rewrites on this path
        self.nodest = nodest  # on the path where ds_next_dst()/next_gw() found no destination

    def narrowed(self, codes: frozenset[int], shaping: tuple[Span, ...]) -> State:
        return State(
            codes,
            self.authenticated,
            self.rewrites,
            shaping,
            self.hunting,
            self.decided,
            self.target,
            self.nodest,
        )

    def marked(
        self,
        authenticated: bool = False,
        rewrites: bool = False,
        hunting: bool = False,
        decided: frozenset[int] = frozenset(),
        target: Outcome | None = None,
        nodest: bool = False,
    ) -> State:
        """This state after an action that authenticates, rewrites the target or hunts."""
        return State(
            self.codes,
            self.authenticated or authenticated,
            self.rewrites or rewrites,
            self.shaping,
            self.hunting or hunting,
            union(self.decided, decided) if decided else self.decided,
            self.target if target is None else target,
            self.nodest or nodest,
        )


# What Span equality compares, read in C: comparing Spans themselves costs ~9% of a Kamailio lint.
_SPAN_KEY = attrgetter("start", "end", "path")


def _joined(a: tuple[Span, ...], b: tuple[Span, ...]) -> tuple[Span, ...]:
    """`a`, then the spans of `b` it does not hold."""
    if a is b or not b:
        return a
    held = set(map(_SPAN_KEY, a))
    return a + tuple(s for s in b if _SPAN_KEY(s) not in held)


def _merge(a: State, b: State) -> State:
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
        a.decided if a.decided is b.decided else shared(a.decided & b.decided),
        a.target if a.target is b.target else Outcome.UNKNOWN,
        a.nodest and b.nodest,
    )


_EMPTY = State(frozenset())


class _Env:
    """Where a walk is: the route it is in, the route(X) calls that led there."""

    __slots__ = ("rd", "via", "stack", "returned", "in_callee")

    def __init__(self, rd: RouteDef, via: tuple[Span, ...], stack: tuple[str, ...], in_callee: bool) -> None:
        self.rd = rd
        self.via = via
        self.stack = stack
        self.in_callee = in_callee
        self.returned: list[State] = []

    def span(self, start: int, end: int) -> Span:
        return Span(self.rd.base + start, self.rd.base + end, self.rd.path)


# A failover site as walks reach it: (start, path, handler name, route(X) calls on the way).
SiteKey = tuple[int, str | None, str, tuple[Span, ...]]


# What settled a code's outcome: (outcome, code replied, deciding span, the tests on the way).
Decision = tuple[Outcome, int | None, Span | None, tuple[Span, ...]]


class FlowResult:
    """What the walks of failure handlers found: failover sites, the codes reaching each test,
    and what each final code leads to (the first path in text order that settles it)."""

    def __init__(self) -> None:
        self.sites: dict[SiteKey, FailoverSite] = {}
        self.possible: dict[tuple[int, str | None], frozenset[int]] = {}  # by (test start, path)
        # What each code leads to, as (codes, decision) in the order the walk settled them: a few
        # sets per handler, not a decision per code (a table per handler of 400 codes would cost
        # the lint of a 1k-line script about twice its time). Shared sets, changed only through
        # the remembered codesets.split/union: every handler of a script settles the same few sets, and
        # copying them as plain sets cost a 1k-line lint ~1 ms (7 %).
        self.settled: list[tuple[frozenset[int], Decision]] = []
        self.decided: frozenset[int] = NONE  # every code some path settled
        self.by_fallback: frozenset[int] = NONE  # those settled by a reply or forward, which an action beats
        self.no_destination: Decision | None = None  # what runs when ds_next_dst()/next_gw() fail
        self.tables: list[OutcomeTable] = []
        self.blocked: frozenset[int] = NONE  # 6xx codes that reached a retry OpenSIPS refuses (2.1)


def analyze_handler(
    handler: RouteDef,
    name: str,
    routes: Callable[[], Mapping[str, list[RouteDef]]],
    flavor: str,
    armed_by: tuple[Span, ...],
    result: FlowResult,
) -> None:
    """Walk one failure handler (named `name`) from entry, recording failover sites and test sets.

    `routes()` gives the named routes, called only at a route(X) call: most handlers make none.
    """
    Walker(handler, name, routes, flavor, armed_by, result).run()


class Walker:
    """The status-set walk of one failure handler; dialects.ser.simulate records one code's path."""

    def __init__(
        self,
        handler: RouteDef,
        name: str,
        routes: Callable[[], Mapping[str, list[RouteDef]]],
        flavor: str,
        armed_by: tuple[Span, ...],
        result: FlowResult,
    ) -> None:
        self.handler = handler
        self.name = name
        self.routes = routes
        self.flavor = flavor
        self.armed_by, self.result = armed_by, result
        self.guard = _guard(handler, flavor)

    def run(self, start: frozenset[int] = _START) -> None:
        """Walk the handler with the codes `start` (every final code and the local cases)."""
        env = _Env(self.handler, (), (), in_callee=False)
        end, _ = self.body(self.handler.route.body, State(start), env)
        self.fell_off(end)
        self.result.tables.append(self.table())

    def fell_off(self, end: State) -> None:
        """Falling off the handler's end: tm relays the winning reply (engine-semantics 1.8)."""
        self.decide(end, Outcome.FORWARD)

    def table(self) -> OutcomeTable:
        """The handler's outcome table from the decisions the walk made (engine-semantics §1, §2)."""
        res = self.result
        forward: Decision = (Outcome.FORWARD, None, None, ())
        settled = [*res.settled, (split(_START, res.decided)[1], forward)]
        groups: dict[tuple[Outcome, int | None, tuple[int, int, str | None] | None], _Group] = {}
        for codes, decision in settled:
            if not codes:
                continue
            group = _group(groups, decision)
            group.codes = union(group.codes, split(codes, FINAL_CODES)[0])
            if TIMEOUT in codes or CANCELLED in codes:
                group.local |= {case for case, code in _LOCAL_CODES if code in codes}
        group = _group(groups, res.no_destination or forward)
        group.local.add(Local.NO_DESTINATION)
        rows: list[Row] = []
        for g in groups.values():
            # the 6xx whose retry OpenSIPS refused get a row of their own: its note is not about the rest
            blocked, rest = split(g.codes, res.blocked) if res.blocked else (NONE, g.codes)
            if blocked and (rest or g.local):
                rows.append(
                    Row(
                        frozenset(blocked),
                        frozenset(),
                        g.outcome,
                        g.reply,
                        g.span,
                        g.guards,
                        _note(blocked, res.blocked),
                    )
                )
            else:
                rest = g.codes
            rows.append(
                Row(
                    frozenset(rest),
                    frozenset(g.local),
                    g.outcome,
                    g.reply,
                    g.span,
                    g.guards,
                    _note(rest, res.blocked),
                )
            )
        rd = self.handler
        route = rd.route
        head = Span(rd.base + route.start, rd.base + route.name_end, rd.path)
        return OutcomeTable(route.kind, self.name, head, self.armed_by, tuple(rows), self.name)

    def decide(
        self, st: State, outcome: Outcome, reply: int | None = None, span: Span | None = None
    ) -> frozenset[int]:
        """Settle the outcome of the codes on `st` not settled before; returns the codes settled here."""
        res = self.result
        if st.nodest:
            if res.no_destination is None:
                res.no_destination = (outcome, reply, span, st.shaping)
            return frozenset()
        codes = split(st.codes, st.decided)[1] if st.decided else st.codes
        # The first path in text order decides, but a path that calls someone beats one that
        # only replies or forwards: that reply is the fallback (a lookup miss, say).
        fresh = split(codes, res.decided)[1] if res.decided else codes
        if outcome in _ACTIONS:
            taken = split(res.by_fallback, codes)[0] if res.by_fallback else NONE
            if taken:
                res.settled = [(split(earlier, taken)[1], d) for earlier, d in res.settled]
                res.by_fallback = split(res.by_fallback, taken)[1]
                fresh = union(fresh, taken)
        elif fresh:
            res.by_fallback = union(res.by_fallback, fresh)
        if fresh:
            res.decided = union(res.decided, fresh)
            res.settled.append((fresh, (outcome, reply, span, st.shaping)))
        return codes

    # -- statements ------------------------------------------------------
    def body(self, stmts: list[Node], st: State, env: _Env) -> tuple[State, bool]:
        """Walk statements; returns the state flowing on and whether a `break` ended them."""
        for node in stmts:
            if not st.codes:
                return _EMPTY, False
            if isinstance(node, Jump):
                return self.jump(node, st, env)
            st = self.statement(node, st, env)
        return st, False

    def jump(self, node: Jump, st: State, env: _Env) -> tuple[State, bool]:
        """break, return, exit, drop: (the state flowing on, whether it was a `break`)."""
        if node.word == "break":
            return st, True
        if node.word == "return" and env.in_callee:
            env.returned.append(st)
        else:  # exit, drop, return: tm relays the winning reply (engine-semantics 1.8, 2.5)
            self.decide(st, Outcome.FORWARD)
        return _EMPTY, False

    def statement(self, node: Node, st: State, env: _Env) -> State:
        if isinstance(node, ExprStmt):
            return self.effect(node.expr, st, env)
        if isinstance(node, If):
            t, f = self.narrow(node.cond, st, env)
            t_out, _ = self.body(node.then, t, env)
            f_out = self.body(node.orelse, f, env)[0] if node.orelse is not None else f
            return _merge(t_out, f_out)
        if isinstance(node, Assign):
            st = self.effect(node.value, st, env)
            clears = isinstance(node.value, Var) and node.value.text == "$null"
            if isinstance(node.target, Var) and node.target.text in TARGET_VARS and not clears:
                var = node.target.text
                st = st.marked(rewrites=True, target=_rewritten(var, node.value, env.rd.text, st.target))
            return st
        if isinstance(node, Switch):
            return self.switch(node, st, env)
        if isinstance(node, While):
            t, f = self.narrow(node.cond, st, env)
            out, _ = self.body(node.body, t, env)
            return _merge(f, out)
        if isinstance(node, Seq):
            return self.body(node.body, st, env)[0]
        return st

    def switch(self, node: Switch, st: State, env: _Env) -> State:
        st = self.effect(node.subject, st, env)
        on_status = status_var(node.subject)
        text = env.rd.text
        out = _EMPTY
        rest = st.codes
        fall = _EMPTY
        has_default = False
        for case in node.cases:
            if case.values is None:
                has_default = True
                entry = st.narrowed(rest, st.shaping) if on_status else st
            elif on_status:
                admits: frozenset[int] = frozenset()
                for v in case.values:
                    t = case_test(v, text)
                    if t is not None:
                        admits |= with_locals(t.admits)
                        self._possible(env.span(t.start, t.end), st.codes)
                rest = split(rest, admits)[1]
                entry = st.narrowed(
                    split(st.codes, admits)[0], st.shaping + (env.span(case.start, case.end),)
                )
            else:
                entry = st
            entry = _merge(fall, entry)
            if not entry.codes:
                fall = _EMPTY
                continue
            res, broke = self.body(case.body, entry, env)
            if broke:
                out = _merge(out, res)
                fall = _EMPTY
            else:
                fall = res
        out = _merge(out, fall)
        if not has_default:
            out = _merge(out, st.narrowed(rest, st.shaping) if on_status else st)
        return out

    # -- conditions --------------------------------------------------------
    def narrow(self, cond: Node | None, st: State, env: _Env) -> tuple[State, State]:
        """(state when true, state when false)."""
        if cond is None or not st.codes:
            return st, st
        test = status_test(cond, env.rd.text)
        if test is not None:
            span = env.span(test.start, test.end)
            self._possible(span, st.codes)
            admitted, rest = split(st.codes, with_locals(test.admits))
            return self._shaped(st, admitted, span), self._shaped(st, rest, span)
        if isinstance(cond, Binary):
            if cond.op == "&&":
                ta, fa = self.narrow(cond.left, st, env)
                tb, fb = self.narrow(cond.right, ta, env)
                return tb, _merge(fa, fb)
            if cond.op == "||":
                ta, fa = self.narrow(cond.left, st, env)
                tb, fb = self.narrow(cond.right, fa, env)
                return _merge(ta, tb), fb
        elif isinstance(cond, Unary) and cond.op == "!":
            when_true, when_false = self.narrow(cond.operand, st, env)
            return when_false, when_true
        elif isinstance(cond, Call) and cond.name in NO_DESTINATION_TESTS:
            # false: no destination left, the failover did not happen (Local.NO_DESTINATION)
            return self.effect(cond, st, env), st.marked(nodest=True)
        elif isinstance(cond, Call) and (cond.name in NEW_BRANCH or cond.name.startswith("t_relay_to")):
            # true only for the codes tm lets a new branch go out on (K 1.6, O 2.1, 2.4)
            after = self.effect(cond, st, env)
            refused = _REFUSED_OPENSIPS if self.flavor == "opensips" else _REFUSED
            return after.narrowed(split(after.codes, refused)[1], after.shaping), after
        elif isinstance(cond, Call) and cond.name == "t_branch_replied":  # false: nothing came back (K 1.4)
            no_reply, replied = _split_local(st, TIMEOUT)
            return replied, no_reply
        st = self.effect(cond, st, env)
        return st, st

    @staticmethod
    def _shaped(st: State, codes: frozenset[int], test: Span) -> State:
        """`st` narrowed to `codes`; the test counts as shaping only when it removed codes."""
        if len(codes) == len(st.codes):
            return st
        shaping = st.shaping if _SPAN_KEY(test) in map(_SPAN_KEY, st.shaping) else st.shaping + (test,)
        return st.narrowed(codes, shaping)

    def _possible(self, span: Span, codes: frozenset[int]) -> None:
        key = (span.start, span.path)
        codes = split(codes, FINAL_CODES)[0]
        prev = self.result.possible.get(key)
        self.result.possible[key] = codes if prev is None else union(prev, codes)

    # -- calls ---------------------------------------------------------------
    def effect(self, node: Node | None, st: State, env: _Env) -> State:
        """The state after evaluating `node` for its side effects."""
        if not st.codes:
            return st
        if not isinstance(node, Call):
            if isinstance(node, Binary):
                return self.effect(node.right, self.effect(node.left, st, env), env)
            if isinstance(node, Unary):
                return self.effect(node.operand, st, env)
            return st
        name = node.name
        if name == "route" and node.args:
            return self.call_route(node, st, env)
        if name in NEXT_DESTINATION or name in NEW_BRANCH or name.startswith("t_relay_to"):
            kind = FailoverKind.NEXT_DESTINATION if name in NEXT_DESTINATION else FailoverKind.NEW_BRANCH
            destination = _destination(name, st)
            self.record(node, kind, st, env, destination)
            # tm refuses a new branch of a cancelled transaction (K 1.6, O 2.4), and OpenSIPS any
            # after a 6xx (T_NO_NEW_BRANCHES_FLAG, 2.1): the retry's t_relay() fails and what the
            # script does then decides those.
            refused = _REFUSED_OPENSIPS if self.flavor == "opensips" else _REFUSED
            blocked, rest = split(st.codes, refused)
            if self.flavor == "opensips" and blocked:
                self.result.blocked = union(self.result.blocked, split(blocked, _GLOBAL)[0])
            settles = st.narrowed(rest, st.shaping)
            settled = self.decide(settles, destination, span=env.span(node.start, node.end))
            return st.marked(hunting=True, decided=settled)
        if name in AUTH:
            return st.marked(authenticated=True)
        if name in REWRITES:
            return st.marked(rewrites=True, target=_rewrite_call(node, env.rd.text, st.target))
        if name in LOAD_CONTACTS:
            return st.marked(target=Outcome.NEW_PARTY)
        if name in REPLY_FUNCS and _final_reply(node):
            self.decide(st, Outcome.REPLY, _reply_code(node), env.span(node.start, node.end))
            return _EMPTY
        return st

    def call_route(self, node: Call, st: State, env: _Env) -> State:
        target = node.args[0]
        if isinstance(target, Lit):
            name = target.value
        elif isinstance(target, (Name, Var)):
            name = target.text
        else:
            return st
        defs = self.routes().get(name)
        if not defs or name in env.stack or len(env.stack) > _MAX_DEPTH:
            return st
        out = _EMPTY
        via = env.via + (env.span(node.start, node.end),)
        for rd in defs:
            callee = _Env(rd, via, env.stack + (name,), in_callee=True)
            res, _ = self.body(rd.route.body, st, callee)
            for r in callee.returned:
                res = _merge(res, r)
            out = _merge(out, res)
        return out

    def record(self, node: Call, kind: FailoverKind, st: State, env: _Env, destination: Outcome) -> None:
        span = env.span(node.start, node.end)
        key = (span.start, span.path, self.name, env.via)
        prev = self.result.sites.get(key)
        mine = split(st.codes, FINAL_CODES)[0]
        codes = mine if prev is None else union(prev.codes, mine)
        shaping = st.shaping if prev is None else _joined(prev.shaping_tests, st.shaping)
        authenticated = st.authenticated if prev is None else prev.authenticated and st.authenticated
        rewrites = st.rewrites if prev is None else prev.rewrites_target and st.rewrites
        follows = st.hunting if prev is None else prev.follows_failover and st.hunting
        self.result.sites[key] = FailoverSite(
            span,
            node.name,
            kind,
            codes,
            block=self.name,
            authenticated=authenticated,
            rewrites_target=rewrites,
            shaping_tests=shaping,
            armed_by=self.armed_by,
            via=env.via,
            guard=self.guard,
            cancel_applies=True,
            engine=self.flavor,
            follows_failover=follows,
            destination=destination if prev is None or prev.destination is destination else Outcome.UNKNOWN,
        )


class _Group:
    """The codes and local cases that share one decision, while a table is built."""

    __slots__ = ("outcome", "reply", "span", "guards", "codes", "local")

    def __init__(self, decision: Decision) -> None:
        self.outcome, self.reply, self.span, self.guards = decision
        self.codes: frozenset[int] = NONE
        self.local: set[Local] = set()


def _group(
    groups: dict[tuple[Outcome, int | None, tuple[int, int, str | None] | None], _Group], decision: Decision
) -> _Group:
    """The group of `decision`, made on first use; codes that share it join its guards."""
    outcome, reply, span, guards = decision
    key = (outcome, reply, None if span is None else _SPAN_KEY(span))
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(decision)
    else:
        group.guards = _joined(group.guards, guards)
    return group


_REFUSED = frozenset({CANCELLED})
_ACTIONS = frozenset({Outcome.RETRY_SAME, Outcome.NEW_PARTY, Outcome.MEDIA, Outcome.UNKNOWN})
_REFUSED_OPENSIPS = _GLOBAL | _REFUSED


def with_locals(admits: frozenset[int], timeout: bool = True) -> frozenset[int]:
    """A status test's codes with the local cases it also admits (408: timeout, 487: cancelled).

    `timeout` False: a 408 in the test does not stand for tm's own timeout (KEMI: the other
    branch of a two-way test holds it).
    """
    key = (admits, timeout)
    found = _WITH_LOCALS.get(key)
    if found is None:
        extra = {TIMEOUT} if timeout and 408 in admits else set()
        if 487 in admits:
            extra.add(CANCELLED)
        if len(_WITH_LOCALS) >= 4096:
            _WITH_LOCALS.clear()
        found = _WITH_LOCALS[key] = union(admits, frozenset(extra)) if extra else admits
    return found


# A pure memo, like codesets': every status test of a script asks for the same few sets.
_WITH_LOCALS: dict[tuple[frozenset[int], bool], frozenset[int]] = {}


def _split_local(st: State, case: int) -> tuple[State, State]:
    """(the path where the local `case` holds, the path where it does not)."""
    inside, outside = split(st.codes, frozenset({case}))
    return st.narrowed(inside, st.shaping), st.narrowed(outside, st.shaping)


def _destination(action: str, st: State) -> Outcome:
    """Whom a failover action calls: the same dialled party via another route, or someone else."""
    if action in NEXT_DESTINATION:
        return Outcome.RETRY_SAME  # another gateway or destination set for the same $rU
    if action in FORKS:
        return Outcome.NEW_PARTY  # the callee's other contacts, or a loaded destination set
    return st.target  # t_relay(): towards whatever the rewrites on the path made the target


def _rewritten(var: str, value: Node | None, text: str, before: Outcome) -> Outcome:
    """Whom the request goes to after `var = value`."""
    written = "" if value is None else text[value.start : value.end]
    if _MEDIA.search(written):
        return Outcome.MEDIA
    if var not in PARTY_VARS:
        return before  # $du, $rd, $fs: another route to the same party
    if _SAME_PARTY.search(written):
        return before  # the same number, another host
    if isinstance(value, (Var, Call)):
        return Outcome.UNKNOWN  # a number from a variable: the text cannot tell
    return Outcome.NEW_PARTY  # another user or number: forwarding


def _rewrite_call(call: Call, text: str, before: Outcome) -> Outcome:
    """Whom the request goes to after rewritehostport("...") and the like."""
    arg = call.args[0] if call.args else None
    written = "" if arg is None else text[arg.start : arg.end]
    if _MEDIA.search(written):
        return Outcome.MEDIA
    if call.name not in PARTY_REWRITES:
        return before  # a new host or port: another route
    if _SAME_PARTY.search(written):
        return before
    return Outcome.NEW_PARTY


def _reply_code(call: Call) -> int | None:
    """The literal code a reply sends, or None when it comes from a variable."""
    arg = call.args[0] if call.args else None
    if isinstance(arg, Lit):
        v = arg.value.strip()
        if v.isdigit():
            return int(v)
    return None


def _note(codes: frozenset[int], blocked: frozenset[int]) -> str:
    """A heading key that says more about a row (engine-semantics 2.1), or ""."""
    return "outcome_note_6xx_blocked" if blocked and not blocked.isdisjoint(codes) else ""


def _final_reply(call: Call) -> bool:
    """A reply with a code >= 200 (or one from a variable, assumed final)."""
    if not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, Lit):
        v = arg.value.strip()
        return not v.isdigit() or int(v) >= 200
    return True


def _guard(rd: RouteDef, flavor: str) -> GuardFix:
    """Insertion point at the head of the handler and guard texts in the file's indentation."""
    text, route = rd.text, rd.route
    brace = route.open
    nl = text.find("\n", brace)
    eol = "\r\n" if nl > 0 and text[nl - 1] == "\r" else "\n"
    rest = text[brace + 1 : len(text) if nl == -1 else nl].strip()
    inline = nl == -1 or (rest and not rest.startswith(("#", "//", "/*")))
    offset = brace + 1 if inline else nl + 1
    indent = ""
    k = offset
    while k < len(text):
        line_end = text.find("\n", k)
        line_end = len(text) if line_end == -1 else line_end
        line = text[k:line_end]
        if line.strip():
            indent = line[: len(line) - len(line.lstrip())]
            if line.lstrip().startswith("}"):  # empty handler: one level deeper than `}`
                indent += "\t"
            break
        k = line_end + 1
    indent = indent or "\t"
    unit = "\t" if indent.startswith("\t") else indent
    cancel = "t_was_cancelled()" if flavor == "opensips" else "t_is_canceled()"
    lead = eol if inline else ""

    def guard(test: str) -> str:
        return f"{lead}{indent}if ({test}) {{{eol}{indent}{unit}exit;{eol}{indent}}}{eol}"

    return GuardFix(
        rd.base + offset, {"6xx": guard('t_check_status("6[0-9][0-9]")'), "cancel": guard(cancel)}, rd.path
    )
