"""Plain data shared by dialects, rules, CLI and server.

Dialects fill an `Analysis` with facts; rules read those facts and return
`Finding`s; the CLI and the server present them. Nothing here knows about LSP.

    value.py     Value: equality, hash and repr over a class's slots
    spans.py     Span: offsets into a text (code points) and the file they are in
    facts.py     what dialects extract: CodeSite, StatusTest, FailoverSite, TruthUse, ...
    findings.py  what rules return: Finding, Related, Fix, Edit
    outcome.py   OutcomeTable, Row: what each failover point does with every final code
    policy.py    Policy, CodeSet: the user's failover policy (`[policy]`), judged by SC401
    simulation.py  Simulation, Step: one status walked through a failover point
    analysis.py  Analysis (a document's facts), Facts (one block's), Suppressions

Every fact and finding is read-only to the type checker (`Final` fields) and has
one `shift(delta)` that says which of its fields hold offsets.

Why slotted classes with `Final` fields and not `@dataclass(slots=True, frozen=True)`
(measured on this 2-core machine, Python 3.11, CPU time):
- A frozen dataclass stores each field through `object.__setattr__`, about 4x the
  cost of a plain store: a Span 3.5 against 0.9 µs under load (1.3 against 0.3 µs
  idle), an 11-field CodeSite 8.3 against 1.1 µs. A cold lint of 100k lines builds
  130k-290k facts and spans (+13-19 % on the `lint` rows) and a FreeSWITCH
  keystroke on 20k lines 31k (+45 % on that re-lint row).
- A slotted dataclass that is not frozen builds as fast as these classes, but
  importing `dataclasses` (it imports `inspect` and `ast`) costs `sip-lsp check`
  8 ms of its 51 ms (+16 % on the `check kamailio.cfg` row, which imports neither).
- `typing` (for `Final`) costs that row 2.5 ms (+5 %) where nothing else imports it;
  `check` imports it anyway (config, the reports and the dialects' named tuples), so it
  is imported plainly. `explain` does not load the model at all.
With these classes the A/B against the previous commit (interleaved processes):
cold 100k-line lint +1-4 %, re-lint after a 1-character edit -6 to +2 %, check +8 %
(typing, difflib, five modules) or -1.5 % against a main that imports typing already.
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
    IgnoredStep,
    Knob,
    Note,
    Reference,
    Role,
    StatusTest,
    TruthUse,
)
from sip_lsp.model.findings import Edit, Finding, Fix, Related
from sip_lsp.model.outcome import Local, Outcome, OutcomeTable, Row
from sip_lsp.model.policy import NO_POLICY, CodeSet, Policy
from sip_lsp.model.simulation import Simulation, Step, StepKind
from sip_lsp.model.spans import Span
from sip_lsp.model.value import Value

__all__ = [
    "ALL_CODES",
    "FACT_LISTS",
    "FINAL_CODES",
    "NO_POLICY",
    "Analysis",
    "Block",
    "CauseSite",
    "CodeSet",
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
    "IgnoredStep",
    "Knob",
    "Local",
    "Note",
    "Outcome",
    "OutcomeTable",
    "PartedAnalysis",
    "Policy",
    "Reference",
    "Related",
    "Role",
    "Row",
    "Simulation",
    "Span",
    "StatusTest",
    "Step",
    "StepKind",
    "Suppressions",
    "TruthUse",
    "Value",
]
