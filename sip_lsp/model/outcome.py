"""The call-outcome model: what happens to a call after each final response (issue 13).

A *failover point* is where a final response is handled: a Kamailio/OpenSIPS
failure_route (with the `t_on_failure` sites that arm it), an Asterisk `Dial()` step
and what follows it, a FreeSWITCH `bridge` and the actions after it, a KEMI failure
handler. Each has an `OutcomeTable`: every final code (300-699) and the local cases
(no reply before the timer, the caller cancelled, no destination) lands in exactly
one `Row`, which says what the engine then does with the call and which lines decide
it. Dialects build the tables (they know the engine); rules judge them; `sip-lsp
table`, code lenses and hovers show them. Words a user reads about an outcome live in
the catalogue (headings `outcome_*`), never here.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from sip_lsp.model.spans import Span, shift_all, shift_optional
from sip_lsp.model.value import Value


class Outcome(str, Enum):
    """What the engine does with the call when a row's codes are the final status."""

    RETRY_SAME = "retry-same"  # the same dialled party again via another gateway, trunk or destination
    NEW_PARTY = "new-party"  # another user, number, contact or service (hunt, forward, fork)
    REPLY = "reply"  # a code the script sends upstream (`reply` holds it, `span` the line)
    FORWARD = "forward"  # the winning reply relayed to the caller unchanged
    MEDIA = "media"  # voicemail, an announcement, an IVR
    END = "end"  # the call ends; `reply` holds the code the engine then sends upstream
    UNKNOWN = "unknown"  # the text cannot tell (a variable destination): no rule warns


class Local(str, Enum):
    """A final status no remote party sent: the engine makes it up."""

    TIMEOUT = "timeout"  # no final reply before the timer (408 in SIP engines)
    CANCELLED = "cancelled"  # the caller cancelled (487)
    NO_DESTINATION = "no-destination"  # DNS failure, no gateway left, nothing to dial


# Rows of the same shape recur in every handler of a large config (a 100k-line script has
# thousands of tables whose rows hold the same 100-300 codes): one set object per distinct
# set keeps a 100k-line document inside the server's memory budget (~50 MB less).
# A pure memo keyed by the set itself, so nothing of one document reaches another.
_INTERNED: dict[frozenset[int], frozenset[int]] = {}
_INTERNED_MAX = 4096


def _interned(codes: frozenset[int]) -> frozenset[int]:
    found = _INTERNED.get(codes)
    if found is None:
        if len(_INTERNED) >= _INTERNED_MAX:
            _INTERNED.clear()
        # built in sorted order: the copy handed out must not depend on which document (or
        # dialect) made an equal set first, since a set's iteration order follows how it was built
        found = frozenset(sorted(codes))
        # keyed by the copy: a row made from another row's codes (a shift, FreeSWITCH's rows
        # kept per decision) is found by identity, not by comparing its ~300 codes (4.6 -> 1.2 us)
        _INTERNED[found] = found
    return found


class Row(Value):
    """The codes (and local cases) that share one outcome at one failover point."""

    __slots__ = ("codes", "local", "outcome", "reply", "span", "guards", "note")

    def __init__(
        self,
        codes: frozenset[int],
        local: frozenset[Local],
        outcome: Outcome,
        reply: int | None = None,  # REPLY: the code sent; END: the code the engine sends for it
        span: Span | None = None,  # the deciding line: the retry action, the reply, the media step
        guards: tuple[Span, ...] = (),  # the status tests that narrowed the codes to this row
        note: str = "",  # a catalogue heading key that says more (outcome_note_*), or ""
    ) -> None:
        self.codes: Final = _interned(codes)
        self.local: Final = local
        self.outcome: Final = outcome
        self.reply: Final = reply
        self.span: Final = span
        self.guards: Final = guards
        self.note: Final = note

    def shift(self, delta: int) -> Row:
        return Row(
            self.codes,
            self.local,
            self.outcome,
            self.reply,
            shift_optional(self.span, delta),
            shift_all(self.guards, delta),
            self.note,
        )


class OutcomeTable(Value):
    """Every final code at one failover point, each in exactly one row."""

    __slots__ = ("kind", "name", "span", "armed_by", "rows", "block")

    def __init__(
        self,
        kind: str,  # failure_route | dial | bridge | kemi_failure
        name: str,  # the route, the Dial's target, the bridge string, the handler function
        span: Span,  # the failover point: the route header, the Dial step, the bridge action
        armed_by: tuple[Span, ...] = (),  # t_on_failure sites that arm a failure route
        rows: tuple[Row, ...] = (),
        block: str | None = None,  # enclosing route/context/extension name
    ) -> None:
        self.kind: Final = kind
        self.name: Final = name
        self.span: Final = span
        self.armed_by: Final = armed_by
        self.rows: Final = rows
        self.block: Final = block

    def shift(self, delta: int) -> OutcomeTable:
        return OutcomeTable(
            self.kind,
            self.name,
            self.span.shift(delta),
            shift_all(self.armed_by, delta),
            tuple(r.shift(delta) for r in self.rows),
            self.block,
        )

    def row_for(self, code: int) -> Row | None:
        """The row whose codes hold `code`."""
        return next((r for r in self.rows if code in r.codes), None)

    def row_for_local(self, case: Local) -> Row | None:
        return next((r for r in self.rows if case in r.local), None)

    def row_of(self, code: int | None, local: Local | None) -> Row | None:
        """The row of a simulated status: the local case when one is given, else the code."""
        if local is not None:
            return self.row_for_local(local)
        return self.row_for(code) if code is not None else None
