"""FreeSWITCH cause-list semantics: which SIP failures continue, which stop a hunt.

Every rule here is read from the FreeSWITCH sources and cited where it lives:
- switch_true (switch_utils.h): yes/on/true/t/enabled/active/allow, or a
  non-zero number. So `continue_on_fail=603` is simply "true".
- continue_on_fail / failure_causes (mod_dptools.c audio_bridge_function,
  switch_channel.c switch_channel_handle_cause): tokens split on ',' and
  trimmed (switch_separate_string), each compared case-insensitively with the
  cause name or with its number printed with "%u"; ATTENDED_TRANSFER never
  continues; with neither variable set only NO_ANSWER, NO_USER_RESPONSE and
  ORIGINATOR_CANCEL continue.
- fail_on_single_reject (switch_ivr_originate.c): a leg's cause stops the `|`
  hunt when its NAME occurs anywhere in the value (switch_stristr(cause_str,
  value): substring, case-insensitive), negated by a leading '!'. A true value
  only ends the current `,` group early: the check between `|` groups is
  skipped when switch_true(value), so the hunt goes on.
- switch_channel_str2cause (hangup): a leading digit is read with atoi.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import NamedTuple, TypeVar

from sip_lsp.catalog import Engine, EngineCause
from sip_lsp.model import FINAL_CODES

_TRUE = frozenset({"yes", "on", "true", "t", "enabled", "active", "allow"})
# Words that are plainly booleans, never meant as causes.
BOOLEAN_WORDS = _TRUE | frozenset({"no", "off", "false", "f", "disabled", "inactive", "disallow"})
_NUMBER = re.compile(r"[+-]?[0-9.]*\Z")
_LEADING_INT = re.compile(r"\s*[+-]?([0-9]*)")
_MEMO_LIMIT = 50_000  # entries; a memo restarts beyond (its keys are user input)
DEFAULT_CONTINUE = frozenset({"NO_ANSWER", "NO_USER_RESPONSE", "ORIGINATOR_CANCEL"})
NEVER_CONTINUE = "ATTENDED_TRANSFER"

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


def switch_true(value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() in _TRUE:
        return True
    return bool(value) and bool(_NUMBER.match(value)) and _atoi(value) != 0


def _atoi(value: str) -> int:
    m = _LEADING_INT.match(value)
    digits = m.group(1) if m else ""
    sign = -1 if value.strip().startswith("-") else 1
    return sign * int(digits) if digits else 0


class Token(NamedTuple):
    """One token of a comma-separated cause list, with its offsets in the value."""

    text: str
    start: int
    end: int


def tokens(value: str) -> list[Token]:
    """Comma-separated tokens, trimmed, with their (start, end) in `value`."""
    out = []
    pos = 0
    for part in value.split(","):
        a, b = pos, pos + len(part)
        while a < b and value[a] in " '":
            a += 1
        while b > a and value[b - 1] in " '":
            b -= 1
        if a < b:
            out.append(Token(value[a:b], a, b))
        pos += len(part) + 1
    return out


class Resolved(NamedTuple):
    """What a cause-list token stands for."""

    cause: str | None  # the cause name, None for no cause
    codes: frozenset[int]  # the final codes that produce it


def _remember(memo: dict[_K, _V], key: _K, compute: Callable[[], _V]) -> _V:
    """`memo[key]`, computed on first use; the memo restarts when it grows past _MEMO_LIMIT."""
    found = memo.get(key)
    if found is None:
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        found = memo[key] = compute()
    return found


class CauseTable:
    """An engine's causes with the SIP failure codes that produce each (300-699).

    Its answers are memoised: cause lists repeat across a dialplan.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cause_of: dict[int, str] = {}  # final code -> cause name
        by_name: dict[str, set[int]] = {name: set() for name in engine.causes}
        for code in sorted(FINAL_CODES):
            cause = engine.cause_for_sip(code)
            if cause is not None:
                self.cause_of[code] = cause.name
                by_name.setdefault(cause.name, set()).add(code)
        self._codes = {name: frozenset(codes) for name, codes in by_name.items()}
        self.names = tuple(engine.causes)  # every cause name, made once (not per status test)
        self._names_by_length = sorted(engine.causes, key=len, reverse=True)
        self._causes_of: dict[frozenset[int], tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, str], Resolved] = {}
        self._codes_of: dict[frozenset[str], frozenset[int]] = {}
        self._continuing: dict[tuple[str | None, str | None], frozenset[int]] = {}
        self._hunt: dict[str | None, frozenset[int]] = {}

    def causes_of(self, codes: frozenset[int]) -> list[str]:
        """The distinct causes of `codes`, in code order."""

        def distinct() -> tuple[str, ...]:
            return tuple(dict.fromkeys(self.cause_of[c] for c in sorted(codes) if c in self.cause_of))

        found: tuple[str, ...] = _remember(self._causes_of, codes, distinct)
        return list(found)

    def resolve(self, how: str, token: str) -> Resolved:
        """What `token` stands for, read the `how` way: "exact", "str2cause" or "substring"."""
        key = (how, token)
        found = self._resolved.get(key)  # called for every token of every cause list
        if found is None:
            if len(self._resolved) > _MEMO_LIMIT:
                self._resolved.clear()
            found = self._resolved[key] = self._resolve(how, token)
        return found

    def _resolve(self, how: str, token: str) -> Resolved:
        if how == "substring":
            cause = self.substring(token)
        elif how == "str2cause":
            cause = self.str2cause(token)
        else:
            cause = self.exact(token)
        return Resolved(cause.name, self.codes(cause.name)) if cause else Resolved(None, frozenset())

    def by_cause(self) -> dict[str, frozenset[int]]:
        """Every cause name -> the final codes that produce it (each code under one cause)."""
        return self._codes

    def codes(self, name: str) -> frozenset[int]:
        return self._codes.get(name, frozenset())

    def codes_of(self, names: frozenset[str]) -> frozenset[int]:
        """Final codes whose cause is one of `names`."""
        return _remember(self._codes_of, names, lambda: self.codes_where(lambda n: n in names))

    def codes_where(self, keep: Callable[[str], bool]) -> frozenset[int]:
        """Final codes whose cause satisfies `keep(name)`."""
        out: set[int] = set()
        for name, codes in self._codes.items():
            if keep(name):
                out |= codes
        return frozenset(out)

    def exact(self, token: str) -> EngineCause | None:
        """The cause a continue_on_fail/failure_causes token compares equal to."""
        up = token.upper()
        cause = self.engine.causes.get(up)
        if cause is not None:
            return cause
        if token.isdigit():
            return next((c for c in self.engine.causes.values() if str(c.number) == token), None)
        return None

    def str2cause(self, token: str) -> EngineCause | None:
        """switch_channel_str2cause: atoi for a leading digit, else the name."""
        token = token.strip()
        if token[:1].isdigit():
            number = _atoi(token)
            return next((c for c in self.engine.causes.values() if c.number == number), None)
        return self.engine.causes.get(token.upper())

    def substring(self, token: str) -> EngineCause | None:
        """The longest cause name occurring inside `token` (fail_on_single_reject)."""
        up = token.upper()
        return next((self.engine.causes[n] for n in self._names_by_length if n in up), None)

    def continuing(self, continue_on_fail: str | None, failure_causes: str | None) -> frozenset[int]:
        """Final codes after which the dialplan goes on past a failed bridge."""
        return _remember(
            self._continuing,
            (continue_on_fail, failure_causes),
            lambda: self._continuing_codes(continue_on_fail, failure_causes),
        )

    def _continuing_codes(self, continue_on_fail: str | None, failure_causes: str | None) -> frozenset[int]:
        return self.codes_where(lambda name: self.continues(continue_on_fail, failure_causes, name))

    def continues(self, continue_on_fail: str | None, failure_causes: str | None, name: str) -> bool:
        """Whether the dialplan goes on after a bridge failed with cause `name`."""
        if continue_on_fail is None and failure_causes is None:
            return name in DEFAULT_CONTINUE
        if name == NEVER_CONTINUE:
            return False
        cause = self.engine.causes.get(name)
        number = str(cause.number) if cause is not None else None

        def listed(value: str) -> bool:
            names = {t.upper() for t, _, _ in tokens(value)}
            return name in names or number in names

        if failure_causes is not None and not listed(failure_causes):
            return True
        return switch_true(continue_on_fail) or listed(continue_on_fail or "")

    def hunt_continues(self, fail_on_single_reject: str | None, name: str) -> bool:
        """Whether a `|` list dials its next element after a leg failed with cause `name`."""
        value = fail_on_single_reject
        if not value or switch_true(value):
            return True
        return (name in value.upper()) == value.startswith("!")

    def hunt_goes_on(self, fail_on_single_reject: str | None) -> frozenset[int]:
        """Final codes after which a `|` group failover dials the next group."""
        return _remember(self._hunt, fail_on_single_reject, lambda: self._hunt_codes(fail_on_single_reject))

    def _hunt_codes(self, fail_on_single_reject: str | None) -> frozenset[int]:
        value = fail_on_single_reject
        if not value or switch_true(value):
            return FINAL_CODES
        negate = value.startswith("!")
        up = value.upper()

        def goes_on(name: str) -> bool:
            return (name in up) == negate

        return self.codes_where(goes_on)
