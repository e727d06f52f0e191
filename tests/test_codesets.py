"""model/codesets.py: one object per distinct code set, and set algebra that gives the same answers."""

from __future__ import annotations

from sip_lsp.model.codesets import NONE, shared, split, union


def test_equal_sets_are_one_object_listed_in_code_order() -> None:
    built_backwards = frozenset(range(699, 599, -1))
    first = shared(built_backwards)
    again = shared(frozenset(range(600, 700)))
    assert first is again
    assert first == built_backwards
    assert list(first) == sorted(first)  # whichever document made it first


def test_split_and_union_agree_with_plain_set_algebra() -> None:
    codes, admits = frozenset({404, 486, 487, 603}), frozenset({486, 603, 500})
    inside, outside = split(codes, admits)
    assert inside == frozenset({486, 603}) and outside == frozenset({404, 487})
    assert split(codes, admits) == (inside, outside)
    assert split(frozenset(codes), frozenset(admits))[0] is inside  # remembered, shared
    assert union(inside, outside) == codes
    assert union(inside, outside) is shared(codes)
    assert union(codes, codes) is codes
    assert split(codes, NONE) == (NONE, codes)
