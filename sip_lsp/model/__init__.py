"""Plain data shared by dialects, rules, CLI and server.

Dialects fill an `Analysis` with facts; rules read those facts and return
`Finding`s; the CLI and the server present them. Nothing here knows about LSP.

    value.py     Value: equality, hash and repr over a class's slots
    spans.py     Span: offsets into a text (code points) and the file they are in
    facts.py     what dialects extract: CodeSite, StatusTest, FailoverSite, ...
    findings.py  what rules return: Finding, Related, Fix, Edit
    analysis.py  Analysis (a document's facts), Facts (one block's), Suppressions

Every fact and finding is read-only to the type checker (`Final` fields) and has
one `shift(delta)` that says which of its fields hold offsets.

Why slotted classes with `Final` fields and not `@dataclass(slots=True, frozen=True)`
(measured on this 2-core machine, Python 3.11):
- A frozen dataclass stores each field through `object.__setattr__`: 3.5 µs to
  build a Span against 0.9 µs for this class (11 fields: 8.3 against 1.1 µs).
  A cold lint of 100k lines builds 130k-290k facts and spans, a FreeSWITCH
  keystroke on 20k lines 31k: +13-20 % on the `lint` rows, +40 % on that edit row.
- A plain (not frozen) slotted dataclass builds as fast as this, but importing
  `dataclasses` (it imports `inspect` and `ast`) costs `sip-lsp check` 7 ms of CPU,
  +13 % on the `check kamailio.cfg` row, which imports neither today.
- `typing` (for `Final`) costs the same row about 2 ms (+4 %): under the 5 % that
  buys readability, so it is imported plainly.
"""

from __future__ import annotations

from sip_lsp.model.analysis import (
    FACT_LISTS,
    Analysis,
    FactList,
    Facts,
    FactSource,
    PartedAnalysis,
    Suppressions,
)
from sip_lsp.model.facts import (
    ALL_CODES,
    FINAL_CODES,
    Block,
    CauseSite,
    CodeSite,
    DispatchSite,
    FailoverKind,
    FailoverSite,
    GuardFix,
    Knob,
    Note,
    Reference,
    Role,
    StatusTest,
)
from sip_lsp.model.findings import Edit, Finding, Fix, Related
from sip_lsp.model.spans import Span
from sip_lsp.model.value import Value

__all__ = [
    "ALL_CODES",
    "FACT_LISTS",
    "FINAL_CODES",
    "Analysis",
    "Block",
    "CauseSite",
    "CodeSite",
    "DispatchSite",
    "Edit",
    "FactList",
    "FactSource",
    "Facts",
    "FailoverKind",
    "FailoverSite",
    "Finding",
    "Fix",
    "GuardFix",
    "Knob",
    "Note",
    "PartedAnalysis",
    "Reference",
    "Related",
    "Role",
    "Span",
    "StatusTest",
    "Suppressions",
    "Value",
]
