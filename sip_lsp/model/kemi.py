"""The KEMI dialect's own fact: a KSR 1/-1 result used as a truth value (SC315).

Kept apart from the shared classes in `sip_lsp.model`; the kemi dialect hands a
list of them over as `Analysis.truth_uses`.
"""

from __future__ import annotations

from sip_lsp.model import Record, Span


class TruthUse(Record):
    """`if KSR.tm.t_check_status("5[0-9][0-9]"):`: an SR_KEMIP_INT result tested for truth."""

    __slots__ = ("span", "function", "value", "replacement", "action", "action_span", "codes")

    def __init__(
        self,
        span: Span,  # the call (or the local holding its result) as written
        function: str,  # the KSR function returning 1 or -1 (KSR.tm.t_check_status)
        value: bool | None,  # the condition it decides is then always this; None: part of a larger one
        replacement: str,  # the call compared with `> 0`, in the script's language
        action: str | None = None,  # a failover the always-true test lets every code reach, or
        action_span: Span | None = None,  # ... a call the never-true test keeps from running
        codes: frozenset[int] = frozenset(),  # the codes that reach `action` (failover only)
    ) -> None:
        self.span = span
        self.function = function
        self.value = value
        self.replacement = replacement
        self.action = action
        self.action_span = action_span
        self.codes = codes
