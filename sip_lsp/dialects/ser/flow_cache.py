"""Flow results per failure handler, reused while the handler's chunk is unchanged.

A handler that calls no route(X) depends only on its own parse (cached per
chunk text) and the flavor, so after an edit elsewhere its failover sites and
test sets are the last ones shifted by how far the chunk moved. On a 100k-line
script a keystroke then walks only the edited handler (DESIGN §6: cache per block).
"""
from __future__ import annotations

import re
from dataclasses import fields

from sip_lsp.dialects.ser import flow
from sip_lsp.model import FailoverSite, GuardFix, Span

# Any route( in the handler (even in a comment) makes it depend on other blocks: not cached.
_CALLS = re.compile(r"\broute\s*\(")
_MAX = 20000
# (route node, path, handler name, flavor) -> (base, sites, possible) as last computed,
# or None for a handler that calls routes.
_CACHE: dict[tuple, tuple[int, list, list] | None] = {}
_UNSEEN = ()
_FIELDS = tuple(f.name for f in fields(FailoverSite))
_set = object.__setattr__


def analyze(h: flow.RouteDef, name: str, routes: dict, flavor: str, armed_by: tuple[Span, ...],
            result: flow.FlowResult) -> None:
    """`flow.analyze_handler`, from the cache when the handler's chunk was seen before."""
    route = h.route
    key = (route, h.path, name, flavor)
    hit = _CACHE.get(key, _UNSEEN)
    if hit is _UNSEEN:
        if len(_CACHE) >= _MAX:
            _CACHE.clear()
        if _CALLS.search(h.text, route.open, route.end):
            hit = _CACHE[key] = None
    if hit is None:
        flow.analyze_handler(h, name, routes, flavor, armed_by, result)
        return
    if hit is _UNSEEN:
        own = flow.FlowResult()
        flow.analyze_handler(h, name, routes, flavor, armed_by, own)
        hit = _CACHE[key] = (h.base, list(own.sites.values()), list(own.possible.items()))
    elif hit[0] != h.base or any(s.armed_by != armed_by for s in hit[1]):
        hit = _CACHE[key] = _moved(hit, h.base, armed_by)
    _, sites, possible = hit
    for site in sites:
        result.sites[(site.span.start, site.span.path, name, site.via)] = site
    for k, codes in possible:
        prev = result.possible.get(k)
        result.possible[k] = codes if prev is None else prev | codes


def _moved(hit: tuple[int, list, list], base: int, armed_by: tuple[Span, ...]) -> tuple[int, list, list]:
    d = base - hit[0]

    def sh(s: Span) -> Span:
        return Span(s.start + d, s.end + d, s.path) if d else s

    sites = []
    for s in hit[1]:
        new = object.__new__(FailoverSite)  # dataclasses.replace re-runs __init__: twice the cost
        for f in _FIELDS:
            _set(new, f, getattr(s, f))
        _set(new, "span", sh(s.span))
        _set(new, "shaping_tests", tuple(sh(t) for t in s.shaping_tests))
        _set(new, "armed_by", armed_by)
        if s.guard:
            _set(new, "guard", GuardFix(s.guard.offset + d, s.guard.texts, s.guard.path))
        sites.append(new)
    return base, sites, [((start + d, path), codes) for (start, path), codes in hit[2]]
