"""Sets of SIP codes shared by every walk and table of a lint: one object per distinct set.

Each dialect narrows sets of the 400 final codes (300-699) by the same few status tests,
DIALSTATUS values and cause maps, over and over: a 100k-line script would otherwise hold
thousands of equal copies (tens of MB), and every intersection costs microseconds. Here an
equal set is handed out as one object, so a set met again is found by identity, and the
set algebra of the walks is remembered. These are pure memo tables keyed by their whole
input: nothing of one document reaches another, whatever order documents come in.
"""

from __future__ import annotations

_MAX = 4096  # entries per table before it starts afresh (a large script has a few hundred)

_SHARED: dict[frozenset[int], frozenset[int]] = {}
_SPLITS: dict[tuple[frozenset[int], frozenset[int]], tuple[frozenset[int], frozenset[int]]] = {}
_UNIONS: dict[tuple[frozenset[int], frozenset[int]], frozenset[int]] = {}

NONE: frozenset[int] = frozenset()


def shared(codes: frozenset[int]) -> frozenset[int]:
    """The one object equal to `codes`, built in sorted order.

    Sorted, because a set's iteration order (and its repr) follows how it was built:
    what is handed out must not depend on which document made an equal set first.
    Keyed by that copy, so a set handed out before is found by identity.
    """
    found = _SHARED.get(codes)
    if found is None:
        if len(_SHARED) >= _MAX:
            _SHARED.clear()
        found = frozenset(sorted(codes))
        _SHARED[found] = found
    return found


def split(codes: frozenset[int], admits: frozenset[int]) -> tuple[frozenset[int], frozenset[int]]:
    """(the codes `admits` holds, the rest), both shared."""
    key = (codes, admits)
    found = _SPLITS.get(key)
    if found is None:
        if len(_SPLITS) >= _MAX:
            _SPLITS.clear()
        found = _SPLITS[key] = (shared(codes & admits), shared(codes - admits))
    return found


def union(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    """`a | b`, shared."""
    if a is b:
        return a
    key = (a, b)
    found = _UNIONS.get(key)
    if found is None:
        if len(_UNIONS) >= _MAX:
            _UNIONS.clear()
        found = _UNIONS[key] = shared(a | b)
    return found
