"""One final status walked through a failover point, step by step (issue 14 item 2).

The outcome table (model.outcome) says what happens to *every* code at a failover
point; a `Simulation` says *how* one status gets there: which status test was true
or false, which branch ran, which route or subroutine was called, which action ran,
and the row it ends in. Dialects build simulations by walking their handler with a
single status (`dialects.simulate`); `sip-lsp simulate`, the server's "simulate a
response" command and the editors show them. Words a user reads about a step live in
the catalogue (headings `simulate_step_*`, `simulate_fact_*`), never here.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from sip_lsp.model.outcome import Local, OutcomeTable, Row
from sip_lsp.model.spans import Span, shift_optional
from sip_lsp.model.value import Value


class StepKind(str, Enum):
    """What a step did; each has a catalogue heading `simulate_step_<value with _>`."""

    ENTER = "enter"  # the walk starts: the failure route, the step after Dial(), the bridge
    TEST_TRUE = "test-true"  # a status test held for this status: its branch runs
    TEST_FALSE = "test-false"  # a status test did not hold: its branch is skipped
    CALL = "call"  # route(X), Gosub/Goto, a helper function, the next dialplan extension
    ACTION = "action"  # a failover action, a relay, a new target, a media step
    REPLY = "reply"  # the script sends a code upstream
    MAP = "map"  # the engine maps the status (cause, DIALSTATUS, hangup cause)
    EXIT = "exit"  # exit, drop, return, Hangup(): the walk ends here


class Step(Value):
    """One line of a simulation: where, what kind, and the values its heading names."""

    __slots__ = ("span", "kind", "values")

    def __init__(
        self,
        span: Span | None,  # the line that did it; None for what the engine does by itself
        kind: StepKind,
        values: tuple[tuple[str, str], ...] = (),  # named values the heading formats: (("route", "RELAY"),)
    ) -> None:
        self.span: Final = span
        self.kind: Final = kind
        self.values: Final = values

    def shift(self, delta: int) -> Step:
        return Step(shift_optional(self.span, delta), self.kind, self.values)


class Simulation(Value):
    """Where one status goes at one failover point, and what the caller receives."""

    __slots__ = ("table", "code", "local", "steps", "row", "facts")

    def __init__(
        self,
        table: OutcomeTable,  # the failover point walked
        code: int | None,  # the final status walked (None for a local case without a code)
        local: Local | None,  # timeout / cancelled when asked for, else None
        steps: tuple[Step, ...],
        row: Row,  # the table's row the walk ends in: the outcome and the code sent upstream
        facts: tuple[tuple[str, str], ...] = (),  # (heading key, value): the DIALSTATUS per driver
    ) -> None:
        self.table: Final = table
        self.code: Final = code
        self.local: Final = local
        self.steps: Final = steps
        self.row: Final = row
        self.facts: Final = facts

    def shift(self, delta: int) -> Simulation:
        return Simulation(
            self.table.shift(delta),
            self.code,
            self.local,
            tuple(s.shift(delta) for s in self.steps),
            self.row.shift(delta),
            self.facts,
        )
