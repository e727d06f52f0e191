"""Flow results per failure handler, reused while the handler's chunk is unchanged.

A handler that calls no route(X) depends only on its own parse (cached per
chunk text), the flavor and the t_on_failure sites that arm it, so after an
edit elsewhere its failover sites are the last ones placed with a shift (see
model.PartedAnalysis): nothing is copied, and their findings stay cached. On a
100k-line script a keystroke then walks only the edited handler (DESIGN §6:
cache per block).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields

from sip_lsp.dialects.ser import flow
from sip_lsp.dialects.ser.syntax import Route
from sip_lsp.model import Facts, FailoverSite, Span, shifted

# Any route( in the handler (even in a comment) makes it depend on other blocks: not cached.
_CALLS = re.compile(r"\broute\s*\(")
_MAX = 20000
# (route node, path, handler name, flavor) -> _Walked as last computed, or None for a
# handler that calls routes.
_CACHE: dict[tuple, "_Walked | None"] = {}
_UNSEEN = ()
_FIELDS = tuple(f.name for f in fields(FailoverSite))
_set = object.__setattr__

Possible = dict[tuple[int, str | None], frozenset[int]]
# A failure handler where it stands: (route, its chunk's base, path, chunk text), as in flow.RouteDef.
Handler = tuple[Route, int, str | None, str]
# The t_on_failure sites arming a handler: (span as collected, how far its chunk moved since).
Arming = tuple[tuple[Span, int], ...]


class _Walked:
    """One walk of a handler at `base`: its sites as Facts, test sets by offset, the arming sites.

    `arming` holds each arming span with its shift minus `base`: equal for an
    arming site that moved together with the handler, with no span made to compare.
    """

    __slots__ = ("base", "facts", "possible", "arming")

    def __init__(self, base: int, facts: Facts, possible: list, arming: Arming) -> None:
        self.base, self.facts, self.possible = base, facts, possible
        self.arming = tuple((span, d - base) for span, d in arming)

    def armed_alike(self, arming: Arming, base: int) -> bool:
        mine = self.arming
        return len(mine) == len(arming) and all(
            span is m_span and d - base == m_d for (span, d), (m_span, m_d) in zip(arming, mine))


def analyze(h: Handler, name: str, routes: Callable[[], dict], flavor: str, arming: Arming,
            possible: Possible) -> tuple[Facts, int]:
    """The handler's failover sites placed as (Facts, shift); merges its test sets into `possible`.

    `routes()` gives the named routes, called only when the handler is walked.
    """
    route, base, path, text = h
    key = (route, path, name, flavor)
    hit = _CACHE.get(key, _UNSEEN)
    if hit is _UNSEEN:
        if len(_CACHE) >= _MAX:
            _CACHE.clear()
        if _CALLS.search(text, route.open, route.end):
            hit = _CACHE[key] = None
    if hit is None or hit is _UNSEEN:
        walked = _walk(flow.RouteDef(*h), name, routes(), flavor, arming)
        if hit is _UNSEEN:
            _CACHE[key] = walked
        d = 0
    else:
        walked, d = hit, base - hit.base
        if not walked.armed_alike(arming, base):
            walked = _CACHE[key] = _rearmed(walked, base, arming)
            d = 0
    for (start, path), codes in walked.possible:
        k = (start + d, path)
        prev = possible.get(k)
        possible[k] = codes if prev is None else prev | codes
    return walked.facts, d


def _walk(h: flow.RouteDef, name: str, routes: dict, flavor: str, arming: Arming) -> _Walked:
    own = flow.FlowResult()
    flow.analyze_handler(h, name, routes, flavor, _armed_by(arming), own)
    return _Walked(h.base, Facts(flavor, failover_sites=list(own.sites.values())), list(own.possible.items()),
                   arming)


def _armed_by(arming: Arming) -> tuple[Span, ...]:
    return tuple(shifted(span, d) if d else span for span, d in arming)


def _rearmed(walked: _Walked, base: int, arming: Arming) -> _Walked:
    """The walk moved to `base` and armed by other sites (an arming t_on_failure moved on its own)."""
    d = base - walked.base
    armed_by = _armed_by(arming)
    sites = []
    for s in walked.facts.failover_sites:
        new = object.__new__(FailoverSite)  # dataclasses.replace re-runs __init__: twice the cost
        for f in _FIELDS:
            _set(new, f, shifted(getattr(s, f), d))
        _set(new, "armed_by", armed_by)
        sites.append(new)
    possible = [((start + d, path), codes) for (start, path), codes in walked.possible]
    return _Walked(base, Facts(walked.facts.dialect, failover_sites=sites), possible, arming)
