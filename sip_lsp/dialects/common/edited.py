"""Where a document's text changed since the last analysis, in whole lines.

A keystroke changes a few characters of a text the server analysed a moment ago. A
dialect that scans the whole text for line-level marks (Asterisk context headers) keeps
what it found last time and scans again only the lines between the common prefix and
the common suffix of the two texts. Comparing the texts costs a few block-wise string
comparisons (C memcmp over slices), a fraction of one regular-expression pass.
"""

from __future__ import annotations

from typing import NamedTuple

_BLOCK = 1 << 16  # characters compared at a time before narrowing down inside a block


class Edited(NamedTuple):
    """Whole lines `new[start:new_end]` replaced `old[start:old_end]`; the rest is equal."""

    start: int  # the first changed line's start (the same in both texts)
    old_end: int  # where the last changed line ends in the old text (its newline or the end)
    new_end: int  # the same in the new text

    @property
    def delta(self) -> int:
        """How far everything after the changed lines moved."""
        return self.new_end - self.old_end


def edited_lines(old: str, new: str) -> Edited:
    """The lines of `new` that differ from `old`, widened to whole lines."""
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    start = new.rfind("\n", 0, prefix) + 1
    old_end, new_end = _line_end(old, len(old) - suffix), _line_end(new, len(new) - suffix)
    return Edited(start, old_end, new_end)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i : i + _BLOCK] == b[i : i + _BLOCK]:
        i += _BLOCK
    if i >= n:
        return n
    lo, hi = i, min(i + _BLOCK, n)  # a[:lo] == b[:lo]; they differ before hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid
    return lo if a[lo] != b[lo] else hi


def _common_suffix(a: str, b: str, limit: int) -> int:
    """How many trailing characters `a` and `b` share, at most `limit`."""
    la, lb = len(a), len(b)
    i = 0
    while i < limit and a[la - min(i + _BLOCK, limit) : la - i] == b[lb - min(i + _BLOCK, limit) : lb - i]:
        i = min(i + _BLOCK, limit)
    if i >= limit:
        return limit
    lo, hi = i, min(i + _BLOCK, limit)  # the last lo are equal; they differ within the last hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid
    return lo if a[la - lo - 1] != b[lb - lo - 1] else hi
