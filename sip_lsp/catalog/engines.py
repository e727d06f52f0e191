"""An engine's cause table (Asterisk, FreeSWITCH) and its SIP <-> cause maps."""

from __future__ import annotations

from sip_lsp.catalog.entries import DialStatus, EngineCause


class Engine:
    """An engine's cause table: names, numbers, and its SIP <-> cause maps."""

    def __init__(
        self,
        name: str,
        causes: dict[str, EngineCause],
        default_from_sip: dict[str, str] | None = None,
        default_to_sip: int | None = None,
        dialstatus: dict[str, DialStatus] | None = None,
        source: str = "",
        sip_names: dict[str, int] | None = None,
        facts: dict[str, object] | None = None,
        templates: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.causes = causes
        self.default_from_sip = default_from_sip or {}
        self.default_to_sip = default_to_sip
        self.dialstatus = dialstatus or {}
        self.source = source
        # Response names the engine accepts in place of a code (PJSIPHangup(BUSY_HERE) -> 486).
        self.sip_names = sip_names or {}
        # Call-outcome facts (`semantics:` in the engine's file): name -> value.
        self.facts = facts or {}
        # Sentence templates for the per-engine facts of a code (render.engine_facts_markdown).
        self.templates = templates or {}
        self._by_token: dict[str, EngineCause] = {}
        self._codes_by_cause: dict[str, frozenset[int]] = {}
        for cause in causes.values():
            self._by_token.setdefault(str(cause.number), cause)
            for token in (cause.name, *cause.aliases):
                self._by_token[token.upper()] = cause

    def __repr__(self) -> str:
        return f"Engine({self.name!r}, {len(self.causes)} causes)"

    def cause(self, token: str) -> EngineCause | None:
        """A cause by name (case-insensitive, aliases too) or number."""
        return self._by_token.get(token.strip().upper())

    def fact(self, name: str, default: object = None) -> object:
        """The value of a call-outcome fact (`semantics.<name>.value`), or `default`."""
        return self.facts.get(name, default)

    def cause_for_sip(self, code: int) -> EngineCause | None:
        """The cause this engine derives from a received SIP failure response."""
        for cause in self.causes.values():
            if code in cause.from_sip:
                return cause
        cls = f"{code // 100}xx"
        name = self.default_from_sip.get(cls) or self.default_from_sip.get("other")
        return self.cause(name) if name else None

    def codes_for_cause(self, name: str) -> frozenset[int]:
        """Every final SIP code (300-699) this engine maps to the cause (computed once per cause)."""
        target = self.cause(name)
        if target is None:
            return frozenset()
        if target.name not in self._codes_by_cause:
            self._codes_by_cause[target.name] = frozenset(
                c for c in range(300, 700) if self.cause_for_sip(c) is target
            )
        return self._codes_by_cause[target.name]

    def codes_for_dialstatus(self, value: str) -> frozenset[int]:
        status = self.dialstatus.get(value.upper())
        if status is None:
            return frozenset()
        names = set(status.causes)
        if status.other_causes:
            claimed = {c for s in self.dialstatus.values() if s is not status for c in s.causes}
            names |= {c for c in self.causes if c not in claimed}
        codes: set[int] = set()
        for name in names:
            codes |= self.codes_for_cause(name)
        return frozenset(codes)
