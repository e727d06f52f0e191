"""Which t_on_failure() is in force when the request is relayed (SC312).

tm keeps one failure route per transaction: the last t_on_failure() before t_relay()
wins (docs/engine-semantics.md 1.7, 2.5). Walking every entry route (request_route,
failure routes) and the routes they call, a t_on_failure("A") still pending when
t_on_failure("B") runs on some path is lost. `if (!t_is_set("failure_route"))` guards
a default: inside it nothing is pending.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sip_lsp.dialects.ser.flow import RouteDef, calls_route
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
from sip_lsp.model import Span

ARM = "t_on_failure"
# Calls that send the request on: the failure route armed so far applies to its branches.
RELAYS = frozenset({"t_relay", "t_forward_nonack", "t_relay_to", "t_replicate", "forward"})
_MAX_DEPTH = 32
# Where a request or a failure starts with nothing armed (the main route is an unnamed `route {}`).
_ENTRY_KINDS = frozenset({"request_route", "failure_route"})

# A pending t_on_failure: (its span, the route it names).
Pending = tuple[Span, str] | None
# (route node, its chunk's base, its path): where a route stands.
Where = tuple[Route, int, str | None]


# The named routes by name (flow.NamedRoutes), asked for at a route(X) call.
Routes = Callable[[], Mapping[str, list[RouteDef]]]


def is_entry(kind: str, route: Route) -> bool:
    """A route whose walk starts with nothing armed: request_route, a failure route, `route {}`."""
    return kind in _ENTRY_KINDS or (kind == "route" and route.name_start == route.start)


def may_lose(route: Route, text: str) -> bool:
    """Whether a walk from `route` can find a lost arming: it arms twice, or calls other routes.

    With one t_on_failure and no route(X), nothing is pending when it runs: such entries
    (the usual failure route that re-arms itself) are never walked, so a cold lint walks
    the request routes for SC312, not every failure route (~3 % of a 1k-line Kamailio lint).
    """
    return text.count(ARM, route.open, route.end) > 1 or calls_route(text, route.open, route.end)


class Lost:
    """Arming sites replaced before the relay: site span -> (its route, the one that replaced it)."""

    def __init__(self) -> None:
        self.sites: dict[tuple[int, str | None], tuple[Span, str, str]] = {}


# What an entry route's walk found, kept in its block's slot when the walk stayed in the
# block (no route(X) followed): (start, end) of each lost site relative to the block's base,
# the route it armed, the one that replaced it. A keystroke elsewhere then walks only the
# entries it changed: on a 100k-line script the walks of 3,000 entries cost ~60 ms a keystroke.
Kept = tuple[tuple[int, int, str, str], ...]


def walk_entry(where: Where, routes: Routes, lost: Lost) -> Kept | None:
    """Walk one entry route from its start with nothing armed; what it found if it stayed in its block."""
    mine = Lost()
    walk = _Walk(routes, mine)
    walk.body(where[0].body, None, where, ())
    for key, site in mine.sites.items():
        lost.sites.setdefault(key, site)
    if walk.left_block:
        return None
    base = where[1]
    return tuple((at.start - base, at.end - base, name, other) for at, name, other in mine.sites.values())


def add_kept(kept: Kept, where: Where, lost: Lost) -> None:
    """Record what an unchanged entry's walk found before, moved to where its block is now."""
    _, base, path = where
    for start, end, name, other in kept:
        span = Span(base + start, base + end, path)
        lost.sites.setdefault((span.start, path), (span, name, other))


class _Walk:
    def __init__(self, routes: Routes, lost: Lost) -> None:
        self.routes, self.lost = routes, lost
        self.left_block = False  # a route(X) was followed: the result depends on other blocks

    def body(self, stmts: list[Node], p: Pending, where: Where, stack: tuple[str, ...]) -> Pending:
        for node in stmts:
            if isinstance(node, Jump):
                if node.word == "break" or (node.word == "return" and stack):
                    return p  # back to the loop, or to the route(X) call
                return None  # exit, drop: nothing is relayed on this path
            p = self.statement(node, p, where, stack)
        return p

    def statement(self, node: Node, p: Pending, where: Where, stack: tuple[str, ...]) -> Pending:
        if isinstance(node, ExprStmt):
            return self.expr(node.expr, p, where, stack)
        if isinstance(node, Assign):
            return self.expr(node.value, p, where, stack)
        if isinstance(node, If):
            guard = _is_set_test(node.cond)
            p = self.expr(node.cond, p, where, stack)
            then_p = None if guard is False else p
            else_p = None if guard is True else p
            a = self.body(node.then, then_p, where, stack)
            b = self.body(node.orelse, else_p, where, stack) if node.orelse is not None else else_p
            return a if a is not None else b
        if isinstance(node, Switch):
            p = self.expr(node.subject, p, where, stack)
            out = p
            for case in node.cases:
                r = self.body(case.body, p, where, stack)
                out = out if out is not None else r
            return out
        if isinstance(node, While):
            p = self.expr(node.cond, p, where, stack)
            r = self.body(node.body, p, where, stack)
            return p if p is not None else r
        if isinstance(node, Seq):
            return self.body(node.body, p, where, stack)
        return p

    def expr(self, node: Node | None, p: Pending, where: Where, stack: tuple[str, ...]) -> Pending:
        if isinstance(node, Binary):
            return self.expr(node.right, self.expr(node.left, p, where, stack), where, stack)
        if isinstance(node, Unary):
            return self.expr(node.operand, p, where, stack)
        if not isinstance(node, Call):
            return p
        name = node.name
        if name == ARM and node.args:
            target = node.args[0]
            if not isinstance(target, Lit) or "$" in target.value:
                return None  # a variable route: the text cannot tell
            _, base, path = where
            span = Span(base + target.inner_start, base + target.inner_end, path)
            if p is not None and p[1] != target.value:
                self.lost.sites.setdefault((p[0].start, p[0].path), (p[0], p[1], target.value))
            return (span, target.value)
        if name in RELAYS or name.startswith("t_relay"):
            return None
        if name == "route" and node.args:
            return self.call(node, p, stack)
        return p

    def call(self, node: Call, p: Pending, stack: tuple[str, ...]) -> Pending:
        target = node.args[0]
        if isinstance(target, Lit):
            name = target.value
        elif isinstance(target, (Name, Var)):
            name = target.text
        else:
            return p
        self.left_block = True
        defs = self.routes().get(name)
        if not defs or name in stack or len(stack) > _MAX_DEPTH:
            return p
        out: Pending = None
        for rd in defs:
            r = self.body(rd.route.body, p, (rd.route, rd.base, rd.path), stack + (name,))
            out = out if out is not None else r
        return out


def _is_set_test(cond: Node | None) -> bool | None:
    """True for `t_is_set("failure_route")`, False for its negation, else None."""
    neg = False
    while isinstance(cond, Unary) and cond.op == "!":
        neg, cond = not neg, cond.operand
    if isinstance(cond, Call) and cond.name == "t_is_set" and cond.args:
        arg = cond.args[0]
        if isinstance(arg, Lit) and arg.value == "failure_route":
            return not neg
    return None
