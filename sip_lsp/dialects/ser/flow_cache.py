"""Flow results per failure handler, kept in its chunk's cache slot while the chunk is unchanged.

A handler that calls no route(X) depends only on its own parse (cached per
chunk text), the flavor and the t_on_failure sites that arm it, so after an
edit elsewhere its failover sites are the last ones placed with a shift (see
model.PartedAnalysis): nothing is copied, and their findings stay cached. On a
100k-line script a keystroke then walks only the edited handler (DESIGN §6:
cache per block).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sip_lsp.dialects.common.block_cache import Slot
from sip_lsp.dialects.ser import flow
from sip_lsp.dialects.ser.syntax import Route
from sip_lsp.model import Facts, OutcomeTable, Span

_UNSEEN = ()
_WALK = "walk"  # slot key prefix: (_WALK, route node, path, handler name, flavor) -> Walk, or None

Possible = dict[tuple[int, str | None], frozenset[int]]
# A failure handler where it stands: (route, its chunk's base, path, chunk text), as in flow.RouteDef.
Handler = tuple[Route, int, str | None, str]
# The t_on_failure sites arming a handler: (span as collected, how far its chunk moved since).
Arming = tuple[tuple[Span, int], ...]
# The named routes by name, made on a walk's first route(X) call.
Routes = Callable[[], Mapping[str, list[flow.RouteDef]]]


class Walk:
    """One walk of a handler from its chunk at `base`: failover sites as Facts, and test sets.

    A cached walk stays inside the handler, so `possible` holds its test sets by
    offset in the chunk ({test start - base: codes}); a walk that follows route(X)
    leaves them in the document-wide map instead. `arming` holds each arming
    span with its shift minus `base`: equal for an arming site that moved
    together with the handler, with no span made to compare.
    """

    __slots__ = ("base", "facts", "possible", "arming")

    def __init__(self, base: int, facts: Facts, possible: dict[int, frozenset[int]], arming: Arming) -> None:
        self.base, self.facts, self.possible = base, facts, possible
        self.arming = tuple((span, d - base) for span, d in arming)

    def armed_alike(self, arming: Arming, base: int) -> bool:
        mine = self.arming
        if len(mine) != len(arming):
            return False
        for (span, d), (m_span, m_d) in zip(arming, mine):
            if span is not m_span or d - base != m_d:
                return False
        return True


def analyze(
    slot: Slot,
    h: Handler,
    name: str,
    routes: Routes,
    flavor: str,
    arming: Arming,
    far: Possible,
) -> tuple[Walk, int]:
    """The handler's walk and how far it moved since; a walk into other routes merges into `far`.

    `slot` is the cache slot of the handler's chunk (dialects.common.block_cache);
    `routes()` gives the named routes, called only when the walk meets a route(X) call.
    """
    route, base, path, text = h
    key = (_WALK, route, path, name, flavor)
    hit = slot.get(key, _UNSEEN)
    # A handler that may call route(X) depends on other blocks: not cached.
    if hit is _UNSEEN and flow.calls_route(text, route.open, route.end):
        hit = slot[key] = None
    if hit is None:
        facts, possible = _walk(flow.RouteDef(*h), name, routes, flavor, arming)
        for k, codes in possible.items():
            prev = far.get(k)
            far[k] = codes if prev is None else prev | codes
        return Walk(base, facts, {}, arming), 0
    if hit is _UNSEEN:
        facts, possible = _walk(flow.RouteDef(*h), name, routes, flavor, arming)
        hit = slot[key] = Walk(
            base, facts, {start - base: codes for (start, _), codes in possible.items()}, arming
        )
    elif not hit.armed_alike(arming, base):
        hit = slot[key] = _rearmed(hit, base, arming)
    return hit, base - hit.base


def _walk(h: flow.RouteDef, name: str, routes: Routes, flavor: str, arming: Arming) -> tuple[Facts, Possible]:
    """flow.analyze_handler's failover sites as Facts, and its test sets by document offset."""
    own = flow.FlowResult()
    flow.analyze_handler(h, name, routes, flavor, _armed_by(arming), own)
    return Facts(flavor, failover_sites=list(own.sites.values()), outcome_tables=own.tables), own.possible


def _armed_by(arming: Arming) -> tuple[Span, ...]:
    return tuple(span.shift(d) if d else span for span, d in arming)


def _rearmed(walk: Walk, base: int, arming: Arming) -> Walk:
    """The walk moved to `base` and armed by other sites (an arming t_on_failure moved on its own)."""
    d = base - walk.base
    armed_by = _armed_by(arming)
    sites = [site.rearmed(d, armed_by) for site in walk.facts.failover_sites]
    tables = [_armed(t.shift(d) if d else t, armed_by) for t in walk.facts.outcome_tables]
    return Walk(
        base, Facts(walk.facts.dialect, failover_sites=sites, outcome_tables=tables), walk.possible, arming
    )


def _armed(t: OutcomeTable, armed_by: tuple[Span, ...]) -> OutcomeTable:
    return OutcomeTable(t.kind, t.name, t.span, armed_by, t.rows, t.block)
