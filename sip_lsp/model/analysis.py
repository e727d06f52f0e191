"""An analysis: every fact one dialect extracted from one document, maybe made of parts.

A dialect that caches facts per block hands them over as `Facts` parts placed
with a shift (`PartedAnalysis`): after an edit most blocks only move, and their
Facts are reused instead of copied. Rules judge any `FactSource`: a whole
Analysis, or one part at the offsets it was made at.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final, Literal, Protocol, overload

from sip_lsp.model.facts import (
    Block,
    CauseSite,
    CodeSite,
    DispatchSite,
    FailoverSite,
    IgnoredStep,
    Knob,
    Note,
    Reference,
    StatusTest,
    TruthUse,
)
from sip_lsp.model.outcome import OutcomeTable
from sip_lsp.model.value import Value

# The Analysis lists a dialect may hand over in `Facts` parts instead.
FACT_LISTS = (
    "blocks",
    "code_sites",
    "status_tests",
    "failover_sites",
    "knobs",
    "cause_sites",
    "dispatch_sites",
    "references",
    "truth_uses",
    "outcome_tables",
    "ignored_steps",
)
FactList = Literal[
    "blocks",
    "code_sites",
    "status_tests",
    "failover_sites",
    "knobs",
    "cause_sites",
    "dispatch_sites",
    "references",
    "truth_uses",
    "outcome_tables",
    "ignored_steps",
]


class FactSource(Protocol):
    """What rules read: the dialect and the fact lists (an Analysis or one of its parts)."""

    @property
    def dialect(self) -> str: ...
    @property
    def blocks(self) -> Sequence[Block]: ...
    @property
    def code_sites(self) -> Sequence[CodeSite]: ...
    @property
    def status_tests(self) -> Sequence[StatusTest]: ...
    @property
    def failover_sites(self) -> Sequence[FailoverSite]: ...
    @property
    def knobs(self) -> Sequence[Knob]: ...
    @property
    def cause_sites(self) -> Sequence[CauseSite]: ...
    @property
    def dispatch_sites(self) -> Sequence[DispatchSite]: ...
    @property
    def references(self) -> Sequence[Reference]: ...
    @property
    def truth_uses(self) -> Sequence[TruthUse]: ...
    @property
    def outcome_tables(self) -> Sequence[OutcomeTable]: ...
    @property
    def ignored_steps(self) -> Sequence[IgnoredStep]: ...


class Suppressions(Value):
    """Inline `sip-lsp: disable=` comments, by 0-based line; filled while the dialect reads them."""

    __slots__ = ("lines", "file")
    __hash__ = None  # type: ignore[assignment]  # mutable: equal by value, not hashable

    def __init__(
        self, lines: dict[int, frozenset[str]] | None = None, file: frozenset[str] = frozenset()
    ) -> None:
        self.lines = {} if lines is None else lines
        self.file = file

    def hides(self, rule: str, line: int) -> bool:
        """`rule` is an id or a name, matched without regard to case."""
        rule = rule.upper()
        return _match(rule, self.file) or _match(rule, self.lines.get(line, frozenset()))


def _match(rule: str, ids: frozenset[str]) -> bool:
    if not ids:
        return False
    ids = frozenset(i.upper() for i in ids)
    return "ALL" in ids or rule in ids or any(rule.startswith(i) for i in ids if len(i) < 5)


class Facts:
    """The facts of one piece of a document (a block), made once and placed at any offset.

    Compared and hashed by identity: the findings cache in sip_lsp.lint keys on it.
    """

    __slots__ = ("dialect", *FACT_LISTS)

    def __init__(
        self,
        dialect: str,
        blocks: Sequence[Block] = (),
        code_sites: Sequence[CodeSite] = (),
        status_tests: Sequence[StatusTest] = (),
        failover_sites: Sequence[FailoverSite] = (),
        knobs: Sequence[Knob] = (),
        cause_sites: Sequence[CauseSite] = (),
        dispatch_sites: Sequence[DispatchSite] = (),
        references: Sequence[Reference] = (),
        truth_uses: Sequence[TruthUse] = (),
        outcome_tables: Sequence[OutcomeTable] = (),
        ignored_steps: Sequence[IgnoredStep] = (),
    ) -> None:
        self.dialect: Final = dialect
        self.blocks: Final = blocks
        self.code_sites: Final = code_sites
        self.status_tests: Final = status_tests
        self.failover_sites: Final = failover_sites
        self.knobs: Final = knobs
        self.cause_sites: Final = cause_sites
        self.dispatch_sites: Final = dispatch_sites
        self.references: Final = references
        self.truth_uses: Final = truth_uses
        self.outcome_tables: Final = outcome_tables
        self.ignored_steps: Final = ignored_steps

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Facts({shown})"


class Analysis:
    """Every fact one dialect extracted from one document (plus what it included).

    A builder: the dialect appends to its lists. Not slotted: `PartedAnalysis`
    fills its fact lists on first read.
    """

    # Set by dialects that cache facts per block: see `PartedAnalysis`.
    parts: Sequence[tuple[Facts, int]] = ()

    def __init__(
        self,
        dialect: str,  # kamailio | opensips | asterisk | freeswitch | kemi | unknown
        text: str,
        path: str | None = None,
        blocks: list[Block] | None = None,
        code_sites: list[CodeSite] | None = None,
        status_tests: list[StatusTest] | None = None,
        failover_sites: list[FailoverSite] | None = None,
        knobs: list[Knob] | None = None,
        cause_sites: list[CauseSite] | None = None,
        dispatch_sites: list[DispatchSite] | None = None,
        references: list[Reference] | None = None,
        # KEMI scripts: KSR 1/-1 results tested for truth (SC315); other dialects leave it empty.
        truth_uses: list[TruthUse] | None = None,
        notes: list[Note] | None = None,
        suppressions: Suppressions | None = None,
        # The comment leader used for suppression comments ("#", ";", "<!--", "--", "//").
        comment: str = "#",
        included: list[str] | None = None,
        outcome_tables: list[OutcomeTable] | None = None,
        ignored_steps: list[IgnoredStep] | None = None,
    ) -> None:
        """A None list starts empty (a fresh one per analysis)."""
        self.dialect = dialect
        self.text = text
        self.path = path
        self.blocks = [] if blocks is None else blocks
        self.code_sites = [] if code_sites is None else code_sites
        self.status_tests = [] if status_tests is None else status_tests
        self.failover_sites = [] if failover_sites is None else failover_sites
        self.knobs = [] if knobs is None else knobs
        self.cause_sites = [] if cause_sites is None else cause_sites
        self.dispatch_sites = [] if dispatch_sites is None else dispatch_sites
        self.references = [] if references is None else references
        self.truth_uses = [] if truth_uses is None else truth_uses
        self.notes = [] if notes is None else notes
        self.suppressions = Suppressions() if suppressions is None else suppressions
        self.comment = comment
        self.included = [] if included is None else included
        self.outcome_tables = [] if outcome_tables is None else outcome_tables
        self.ignored_steps = [] if ignored_steps is None else ignored_steps

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dialect={self.dialect!r}, path={self.path!r}, {len(self.text)} chars)"

    @overload
    def placed(self, name: Literal["blocks"]) -> Iterator[tuple[Block, int]]: ...
    @overload
    def placed(self, name: Literal["code_sites"]) -> Iterator[tuple[CodeSite, int]]: ...
    @overload
    def placed(self, name: Literal["status_tests"]) -> Iterator[tuple[StatusTest, int]]: ...
    @overload
    def placed(self, name: Literal["failover_sites"]) -> Iterator[tuple[FailoverSite, int]]: ...
    @overload
    def placed(self, name: Literal["knobs"]) -> Iterator[tuple[Knob, int]]: ...
    @overload
    def placed(self, name: Literal["cause_sites"]) -> Iterator[tuple[CauseSite, int]]: ...
    @overload
    def placed(self, name: Literal["dispatch_sites"]) -> Iterator[tuple[DispatchSite, int]]: ...
    @overload
    def placed(self, name: Literal["references"]) -> Iterator[tuple[Reference, int]]: ...
    @overload
    def placed(self, name: Literal["truth_uses"]) -> Iterator[tuple[TruthUse, int]]: ...
    @overload
    def placed(self, name: Literal["outcome_tables"]) -> Iterator[tuple[OutcomeTable, int]]: ...
    @overload
    def placed(self, name: Literal["ignored_steps"]) -> Iterator[tuple[IgnoredStep, int]]: ...
    @overload
    def placed(self, name: FactList) -> Iterator[tuple[object, int]]: ...

    def placed(self, name: FactList) -> Iterator[tuple[object, int]]:
        """(fact, shift) for each fact of the list `name`: its spans sit `shift` characters early.

        Reads the parts as they are, for a consumer that needs a few facts at
        document offsets without a shifted copy of every one (see PartedAnalysis).
        """
        if not self.parts:
            return ((x, 0) for x in getattr(self, name))
        return ((x, d) for facts, d in self.parts for x in getattr(facts, name))


class PartedAnalysis(Analysis):
    """An Analysis made of `parts`: (Facts, shift) pairs whose spans sit `shift` characters early.

    After an edit most blocks only move: their Facts are reused with a new shift
    instead of being copied. The fact lists (`code_sites` ...) are joined and
    shifted on first read, so a consumer that reads them sees a plain Analysis.
    """

    def __init__(self, dialect: str, text: str, path: str | None = None, comment: str = "#") -> None:
        self.dialect, self.text, self.path, self.comment = dialect, text, path, comment
        self.notes: list[Note] = []
        self.suppressions = Suppressions()
        self.included: list[str] = []
        self.parts: list[tuple[Facts, int]] = []

    def __getattr__(self, name: str) -> list[object]:
        """A fact list, joined from the parts and shifted to document offsets on its first read."""
        if name not in FACT_LISTS:
            raise AttributeError(name)
        joined = [x if d == 0 else x.shift(d) for facts, d in self.parts for x in getattr(facts, name)]
        setattr(self, name, joined)
        return joined
