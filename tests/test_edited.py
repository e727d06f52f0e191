"""common/edited.py: the lines an edit changed, and the Asterisk header scan that rescans only them."""

from __future__ import annotations

import random

import pytest

from sip_lsp.dialects.asterisk.chunks import _context_starts
from sip_lsp.dialects.asterisk.parse import context_starts
from sip_lsp.dialects.common import edited
from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.dialects.common.edited import edited_lines

DIALPLAN = """[general]
static=yes

[from-phones] ; the phones
exten => _X.,1,Dial(PJSIP/${EXTEN},30)
 same => n,Hangup()
  [indented]
exten => s,1,NoOp()
[no-close
[commented ; not ] a header
"""
PIECES = ("[", "]", "\n", ";", " ", "x", "[ctx]\n", "\n[", "exten => s,1,NoOp()\n", ";--", "--;")


def _reference(old: str, new: str) -> edited.Edited:
    """The same answer the slow way: character by character."""
    n = min(len(old), len(new))
    prefix = next((i for i in range(n) if old[i] != new[i]), n)
    suffix = 0
    while suffix < n - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = new.rfind("\n", 0, prefix) + 1

    def end(text: str, at: int) -> int:
        found = text.find("\n", at)
        return len(text) if found < 0 else found

    return edited.Edited(start, end(old, len(old) - suffix), end(new, len(new) - suffix))


def _edit(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    if text and rng.random() < 0.4:
        return text[:at] + text[at + rng.randrange(1, 6) :]
    return text[:at] + rng.choice(PIECES) + text[at:]


@pytest.mark.parametrize("seed", range(20))
def test_the_edited_lines_are_those_a_character_by_character_comparison_finds(seed: int) -> None:
    rng = random.Random(seed)
    old = DIALPLAN * rng.randrange(1, 4)
    for _ in range(30):
        new = _edit(old, rng)
        assert edited_lines(old, new) == _reference(old, new)
        old = new


def test_texts_longer_than_a_compared_block() -> None:
    old = "exten => s,1,NoOp()\n" * 20_000  # 400k characters: several 64k blocks
    for at in (0, 5, 65_536, 200_001, len(old) - 1, len(old)):
        new = old[:at] + "[x]\n" + old[at:]
        assert edited_lines(old, new) == _reference(old, new)
    assert edited_lines(old, old) == _reference(old, old)


@pytest.mark.parametrize("seed", range(20))
def test_headers_found_after_edits_equal_a_scan_of_the_whole_text(seed: int) -> None:
    rng = random.Random(seed)
    cache = BlockCache()
    text = DIALPLAN * rng.randrange(1, 5)
    for _ in range(40):
        text = _edit(text, rng)
        assert _context_starts(text, cache) == context_starts(text)
