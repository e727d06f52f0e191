"""Plain data shared by dialects, rules, CLI and server.

Dialects fill an `Analysis` with facts; rules read those facts and return
`Finding`s; the CLI and the server present them. Nothing here knows about LSP.

Positions are Python string offsets (code points) into the analysed text.
`Span.path` is None for the analysed document itself and an absolute path for
a fact that lives in an included file.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import ClassVar

# Final response codes a failure handler can see: every 3-digit code 300-699,
# registered or not (an unregistered one is handled as its class's x00).
FINAL_CODES: frozenset[int] = frozenset(range(300, 700))
ALL_CODES: frozenset[int] = frozenset(range(100, 700))


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    path: str | None = None


class Role(str, Enum):
    """What a code does where it is written."""

    SENT = "sent"              # a reply the script sends (sl_send_reply, respond, PJSIPHangup)
    MATCHED = "matched"        # part of a status test (t_check_status, $T_reply_code == N)
    CONFIGURED = "configured"  # a module parameter list (ds_ping_reply_codes, failover_reply_codes)
    CAUSE = "cause"            # a cause number standing for codes (Hangup(17))


@dataclass(frozen=True, slots=True)
class CodeSite:
    """A response code (and maybe its phrase) as written in the file."""

    span: Span                       # the code token
    text: str                        # the code as written ("604", "60x", "abc")
    code: int | None                 # the integer when `text` is 3 digits, else None
    role: Role
    function: str = ""               # sl_send_reply, respond, t_check_status, ...
    phrase: str | None = None        # the reason phrase sent with it, if literal
    phrase_span: Span | None = None
    block: str | None = None         # enclosing route/context/extension name
    # SC201: the dialect saw a header append (append_to_reply, %$digest_challenge,
    # a challenge function) before this reply on its path, or the engine adds one itself.
    has_header_append: bool = False
    # SC202: the reply follows a local lookup/routing miss (lookup() failed, no route).
    after_local_miss: bool = False
    # SC102 applies only where the syntax requires a code (a reply's first argument).
    code_required: bool = True


@dataclass(frozen=True, slots=True)
class StatusTest:
    """A test of the response status, with the exact set of codes it admits."""

    span: Span
    kind: str                        # t_check_status | compare | branch_timeout | cancelled | dialstatus | cause_list
    text: str                        # the pattern/comparison as written
    admits: frozenset[int]           # codes (100-699) for which the test is true
    # For a regex: the codes its author named, read as if anchored (`^(...)$`).
    # SC306 fires when `admits` has final codes beyond `named`. None: not a regex.
    named: frozenset[int] | None = None
    # The codes that can be the status where the test stands (e.g. 300-699 in a
    # failure route); SC307 fires when `admits & possible` is empty. None: unknown.
    possible: frozenset[int] | None = None
    block: str | None = None
    in_failure_handler: bool = False
    # SC308: `$rs` read in a failure route (the current message is the request).
    reads_request_status: bool = False
    # Span of the variable to rewrite for SC308 ($rs -> $T_reply_code).
    variable_span: Span | None = None
    # Span of the regex inside its quotes, for SC306's anchoring fix. None: no fix.
    pattern_span: Span | None = None


class FailoverKind(str, Enum):
    NEXT_DESTINATION = "next-destination"  # ds_next_dst, use_next_gw, lb_next, bridge a|b ...
    NEW_BRANCH = "new-branch"              # t_relay, append_branch, a second Dial() ...


@dataclass(frozen=True, slots=True)
class GuardFix:
    """Where and how a dialect would insert a guard in front of a failover.

    Rules stay dialect-free: they pick the text for the guard they need.
    """

    offset: int                      # insertion offset in the document
    texts: dict[str, str]            # guard kind ("6xx", "cancel") -> text to insert
    path: str | None = None


@dataclass(frozen=True, slots=True)
class FailoverSite:
    """An action that sends the request somewhere else after a failure."""

    span: Span                       # the action (function name and arguments)
    action: str                      # ds_next_dst, t_relay, bridge, Dial ...
    kind: FailoverKind
    codes: frozenset[int]            # status codes that can reach the action
    block: str | None = None
    authenticated: bool = False      # uac_auth() ran on the path (SC304 does not apply)
    rewrites_target: bool = False    # $du/$ru rewritten to a new target first (not SC303)
    shaping_tests: tuple[Span, ...] = ()   # the tests that narrowed `codes`
    armed_by: tuple[Span, ...] = ()        # t_on_failure("X") sites that arm the handler
    via: tuple[Span, ...] = ()             # route(X) calls on the way, outermost first
    guard: GuardFix | None = None
    # Engines where cancel is impossible to continue from (Asterisk) set this False.
    cancel_applies: bool = True
    # An earlier failover action ran on every path to this one (`ds_next_dst()` then
    # `t_relay()`): it is the same retry, judged once at the earlier action.
    follows_failover: bool = False
    engine: str = ""                 # kamailio | opensips | asterisk | freeswitch


@dataclass(frozen=True, slots=True)
class Knob:
    """A setting that changes failover semantics (disable_6xx_block=1 ...)."""

    span: Span
    name: str                        # disable_6xx_block, t_set_disable_6xx, ...
    value: str
    disables_6xx_block: bool = False


@dataclass(frozen=True, slots=True)
class CauseSite:
    """A cause token (name or number) in a cause list or hangup."""

    span: Span
    engine: str                      # freeswitch | asterisk
    token: str                       # as written
    cause: str | None                # canonical cause name when known, else None (SC309)
    context: str                     # continue_on_fail, failure_causes, Hangup, DIALSTATUS ...
    codes: frozenset[int] = frozenset()  # SIP codes that produce this cause in the engine


@dataclass(frozen=True, slots=True)
class DispatchSite:
    """Goto(prefix-${DIALSTATUS},1): which values have handlers (SC310)."""

    span: Span
    prefix: str
    variable: str                    # DIALSTATUS | HANGUPCAUSE
    missing: tuple[str, ...]         # values with no handler and no catch-all
    # handler name -> its span, for handlers whose suffix matches no value
    stray: tuple[tuple[str, Span], ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A route, context, extension or condition: the document's outline."""

    name: str
    kind: str                        # request_route, route, failure_route, context, extension, ...
    span: Span
    name_span: Span
    children: tuple["Block", ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """A use of a named block: route(X), t_on_failure("X"), Goto(ctx,...)."""

    span: Span                       # the name as written
    name: str
    kind: str                        # the block kind it points to (route, failure_route, context ...)


@dataclass(frozen=True, slots=True)
class Note:
    """Something the dialect wants to tell the user that is not a rule (include outside root)."""

    span: Span
    message: str


@dataclass
class Suppressions:
    """Inline `sip-lsp: disable=` comments, by 0-based line."""

    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    file: frozenset[str] = frozenset()

    def hides(self, rule: str, line: int) -> bool:
        """`rule` is an id or a name, matched without regard to case."""
        rule = rule.upper()
        return _match(rule, self.file) or _match(rule, self.lines.get(line, frozenset()))


def _match(rule: str, ids: frozenset[str]) -> bool:
    if not ids:
        return False
    ids = frozenset(i.upper() for i in ids)
    return "ALL" in ids or rule in ids or any(rule.startswith(i) for i in ids if len(i) < 5)


@dataclass
class Analysis:
    """Every fact one dialect extracted from one document (plus what it included)."""

    dialect: str                     # kamailio | opensips | asterisk | freeswitch | unknown
    text: str
    path: str | None = None
    blocks: list[Block] = field(default_factory=list)
    code_sites: list[CodeSite] = field(default_factory=list)
    status_tests: list[StatusTest] = field(default_factory=list)
    failover_sites: list[FailoverSite] = field(default_factory=list)
    knobs: list[Knob] = field(default_factory=list)
    cause_sites: list[CauseSite] = field(default_factory=list)
    dispatch_sites: list[DispatchSite] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    suppressions: Suppressions = field(default_factory=Suppressions)
    # The comment leader used for suppression comments ("#", ";", "<!--").
    comment: str = "#"
    included: list[str] = field(default_factory=list)
    # Set by dialects that cache facts per block: see `PartedAnalysis`.
    parts: ClassVar[Sequence[tuple["Facts", int]]] = ()

    def placed(self, name: str) -> Iterator[tuple[object, int]]:
        """(fact, shift) for each fact of the list `name`: its spans sit `shift` characters early.

        Reads the parts as they are, for a consumer that needs a few facts at
        document offsets without a shifted copy of every one (see PartedAnalysis).
        """
        if not self.parts:
            return ((x, 0) for x in getattr(self, name))
        return ((x, d) for facts, d in self.parts for x in getattr(facts, name))


# The Analysis lists a dialect may hand over in `Facts` parts instead.
FACT_LISTS = ("blocks", "code_sites", "status_tests", "failover_sites", "knobs", "cause_sites",
              "dispatch_sites", "references")


@dataclass(eq=False, slots=True)
class Facts:
    """The facts of one piece of a document (a block), made once and read at any offset.

    A dialect that caches facts per block keeps one `Facts` per block and places
    it with a shift (see `PartedAnalysis`); rules read the same attributes as on
    an Analysis and keep their findings in `judged` (see rules.run_rules).
    """

    dialect: str
    blocks: Sequence[Block] = ()
    code_sites: Sequence[CodeSite] = ()
    status_tests: Sequence[StatusTest] = ()
    failover_sites: Sequence[FailoverSite] = ()
    knobs: Sequence[Knob] = ()
    cause_sites: Sequence[CauseSite] = ()
    dispatch_sites: Sequence[DispatchSite] = ()
    references: Sequence[Reference] = ()
    # The rules' findings and the catalogue they were judged with (two slots: judging
    # a fresh document allocates nothing but findings, so no GC pass starts mid-lint).
    judged: tuple = field(default=(), repr=False)
    judged_by: object = field(default=None, repr=False)


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

    def __getattr__(self, name: str):
        if name not in FACT_LISTS:
            raise AttributeError(name)
        joined = [x if d == 0 else shifted(x, d) for facts, d in self.parts for x in getattr(facts, name)]
        setattr(self, name, joined)
        return joined


def shifted(value, d: int):
    """`value` (a span, fact, finding or a tuple of them) with every offset in it `d` later."""
    cls = type(value)
    if cls is Span:
        return Span(value.start + d, value.end + d, value.path)
    plan = _PLANS.get(cls)
    if plan is None:
        if value is None or not is_dataclass(cls):
            return tuple(shifted(v, d) for v in value) if cls is tuple else value
        if cls is GuardFix:
            return GuardFix(value.offset + d, value.texts, value.path)
        plan = _PLANS[cls] = tuple((f.name, f.type not in _NO_OFFSETS) for f in fields(cls))
    args = []
    for name, moves in plan:
        v = getattr(value, name)
        if moves and v is not None:
            v = Span(v.start + d, v.end + d, v.path) if type(v) is Span else shifted(v, d)
        args.append(v)
    return cls(*args)


# Field types that hold no offset: `shifted` copies them as they are.
_NO_OFFSETS = frozenset({"str", "str | None", "int", "int | None", "bool", "Role", "FailoverKind",
                         "frozenset[int]", "frozenset[int] | None", "frozenset[str]", "dict[str, str]",
                         "tuple[str, ...]"})
# Dataclass -> (field name, may hold offsets) for each field, in order.
_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}


@dataclass(frozen=True, slots=True)
class Edit:
    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool = True                # applied by `check --fix` and source.fixAll


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str                        # SC301
    name: str                        # retry-after-global-failure
    severity: str                    # error | warning | information | hint
    span: Span
    message: str
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    tags: tuple[str, ...] = ()       # deprecated | unnecessary
