"""Plain data shared by dialects, rules, CLI and server.

Dialects fill an `Analysis` with facts; rules read those facts and return
`Finding`s; the CLI and the server present them. Nothing here knows about LSP.

Positions are Python string offsets (code points) into the analysed text.
`Span.path` is None for the analysed document itself and an absolute path for
a fact that lives in an included file.

The classes are slotted `Record`s, not dataclasses: importing `dataclasses` and
creating ~15 of them cost every `check` ~12 ms, and a frozen dataclass stores
each field through `object.__setattr__` (dialects build tens of thousands).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import Enum

# Final response codes a failure handler can see: every 3-digit code 300-699,
# registered or not (an unregistered one is handled as its class's x00).
FINAL_CODES: frozenset[int] = frozenset(range(300, 700))
ALL_CODES: frozenset[int] = frozenset(range(100, 700))


class Record:
    """Value equality, hashing and repr over `_fields` (the `__slots__` unless declared).

    What `@dataclass(frozen=True)` gave: `==` compares same-class field tuples
    and the hash is the field tuple's. Each class writes its own `__init__`,
    whose annotations are the field types (`shifted` reads them).
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _shown: tuple[str, ...] = ()  # the fields repr shows

    def __init_subclass__(cls) -> None:
        if "_fields" not in cls.__dict__ and "__slots__" in cls.__dict__:
            cls._fields = cls.__slots__
        if "_shown" not in cls.__dict__:
            cls._shown = cls._fields

    def _values(self) -> tuple:
        return tuple([getattr(self, f) for f in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._shown)
        return f"{type(self).__qualname__}({shown})"


def replace(obj: Record, **changes: object) -> Record:
    """A copy of `obj` with some fields changed (through `__init__`, like dataclasses.replace)."""
    values = {f: getattr(obj, f) for f in obj._fields}
    values.update(changes)
    return type(obj)(**values)


class Span(Record):
    __slots__ = ("start", "end", "path")

    def __init__(self, start: int, end: int, path: str | None = None) -> None:
        self.start = start
        self.end = end
        self.path = path


class Role(str, Enum):
    """What a code does where it is written."""

    SENT = "sent"  # a reply the script sends (sl_send_reply, respond, PJSIPHangup)
    MATCHED = "matched"  # part of a status test (t_check_status, $T_reply_code == N)
    CONFIGURED = "configured"  # a module parameter list (ds_ping_reply_codes, failover_reply_codes)
    CAUSE = "cause"  # a cause number standing for codes (Hangup(17))


class CodeSite(Record):
    """A response code (and maybe its phrase) as written in the file."""

    __slots__ = (
        "span",
        "text",
        "code",
        "role",
        "function",
        "phrase",
        "phrase_span",
        "block",
        "has_header_append",
        "after_local_miss",
        "code_required",
    )

    def __init__(
        self,
        span: Span,  # the code token
        text: str,  # the code as written ("604", "60x", "abc")
        code: int | None,  # the integer when `text` is 3 digits, else None
        role: Role,
        function: str = "",  # sl_send_reply, respond, t_check_status, ...
        phrase: str | None = None,  # the reason phrase sent with it, if literal
        phrase_span: Span | None = None,
        block: str | None = None,  # enclosing route/context/extension name
        # SC201: the dialect saw a header append (append_to_reply, %$digest_challenge,
        # a challenge function) before this reply on its path, or the engine adds one itself.
        has_header_append: bool = False,
        # SC202: the reply follows a local lookup/routing miss (lookup() failed, no route).
        after_local_miss: bool = False,
        # SC102 applies only where the syntax requires a code (a reply's first argument).
        code_required: bool = True,
    ) -> None:
        self.span = span
        self.text = text
        self.code = code
        self.role = role
        self.function = function
        self.phrase = phrase
        self.phrase_span = phrase_span
        self.block = block
        self.has_header_append = has_header_append
        self.after_local_miss = after_local_miss
        self.code_required = code_required


class StatusTest(Record):
    """A test of the response status, with the exact set of codes it admits."""

    __slots__ = (
        "span",
        "kind",
        "text",
        "admits",
        "named",
        "possible",
        "block",
        "in_failure_handler",
        "reads_request_status",
        "variable_span",
        "pattern_span",
    )

    def __init__(
        self,
        span: Span,
        kind: str,  # t_check_status | compare | branch_timeout | cancelled | dialstatus | cause_list
        text: str,  # the pattern/comparison as written
        admits: frozenset[int],  # codes (100-699) for which the test is true
        # For a regex: the codes its author named, read as if anchored (`^(...)$`).
        # SC306 fires when `admits` has final codes beyond `named`. None: not a regex.
        named: frozenset[int] | None = None,
        # The codes that can be the status where the test stands (e.g. 300-699 in a
        # failure route); SC307 fires when `admits & possible` is empty. None: unknown.
        possible: frozenset[int] | None = None,
        block: str | None = None,
        in_failure_handler: bool = False,
        # SC308: `$rs` read in a failure route (the current message is the request).
        reads_request_status: bool = False,
        # Span of the variable to rewrite for SC308 ($rs -> $T_reply_code).
        variable_span: Span | None = None,
        # Span of the regex inside its quotes, for SC306's anchoring fix. None: no fix.
        pattern_span: Span | None = None,
    ) -> None:
        self.span = span
        self.kind = kind
        self.text = text
        self.admits = admits
        self.named = named
        self.possible = possible
        self.block = block
        self.in_failure_handler = in_failure_handler
        self.reads_request_status = reads_request_status
        self.variable_span = variable_span
        self.pattern_span = pattern_span


class FailoverKind(str, Enum):
    NEXT_DESTINATION = "next-destination"  # ds_next_dst, use_next_gw, lb_next, bridge a|b ...
    NEW_BRANCH = "new-branch"  # t_relay, append_branch, a second Dial() ...


class GuardFix(Record):
    """Where and how a dialect would insert a guard in front of a failover.

    Rules stay dialect-free: they pick the text for the guard they need.
    """

    __slots__ = ("offset", "texts", "path")

    def __init__(
        self,
        offset: int,  # insertion offset in the document
        texts: dict[str, str],  # guard kind ("6xx", "cancel") -> text to insert
        path: str | None = None,
    ) -> None:
        self.offset = offset
        self.texts = texts
        self.path = path


class FailoverSite(Record):
    """An action that sends the request somewhere else after a failure."""

    __slots__ = (
        "span",
        "action",
        "kind",
        "codes",
        "block",
        "authenticated",
        "rewrites_target",
        "shaping_tests",
        "armed_by",
        "via",
        "guard",
        "cancel_applies",
        "follows_failover",
        "engine",
    )

    def __init__(
        self,
        span: Span,  # the action (function name and arguments)
        action: str,  # ds_next_dst, t_relay, bridge, Dial ...
        kind: FailoverKind,
        codes: frozenset[int],  # status codes that can reach the action
        block: str | None = None,
        authenticated: bool = False,  # uac_auth() ran on the path (SC304 does not apply)
        rewrites_target: bool = False,  # $du/$ru rewritten to a new target first (not SC303)
        shaping_tests: tuple[Span, ...] = (),  # the tests that narrowed `codes`
        armed_by: tuple[Span, ...] = (),  # t_on_failure("X") sites that arm the handler
        via: tuple[Span, ...] = (),  # route(X) calls on the way, outermost first
        guard: GuardFix | None = None,
        # Engines where cancel is impossible to continue from (Asterisk) set this False.
        cancel_applies: bool = True,
        # An earlier failover action ran on every path to this one (`ds_next_dst()` then
        # `t_relay()`): it is the same retry, judged once at the earlier action.
        follows_failover: bool = False,
        engine: str = "",
    ) -> None:  # kamailio | opensips | asterisk | freeswitch
        self.span = span
        self.action = action
        self.kind = kind
        self.codes = codes
        self.block = block
        self.authenticated = authenticated
        self.rewrites_target = rewrites_target
        self.shaping_tests = shaping_tests
        self.armed_by = armed_by
        self.via = via
        self.guard = guard
        self.cancel_applies = cancel_applies
        self.follows_failover = follows_failover
        self.engine = engine


class Knob(Record):
    """A setting that changes failover semantics (disable_6xx_block=1 ...)."""

    __slots__ = ("span", "name", "value", "disables_6xx_block")

    def __init__(
        self,
        span: Span,
        name: str,  # disable_6xx_block, t_set_disable_6xx, ...
        value: str,
        disables_6xx_block: bool = False,
    ) -> None:
        self.span = span
        self.name = name
        self.value = value
        self.disables_6xx_block = disables_6xx_block


class CauseSite(Record):
    """A cause token (name or number) in a cause list or hangup."""

    __slots__ = ("span", "engine", "token", "cause", "context", "codes")

    def __init__(
        self,
        span: Span,
        engine: str,  # freeswitch | asterisk
        token: str,  # as written
        cause: str | None,  # canonical cause name when known, else None (SC309)
        context: str,  # continue_on_fail, failure_causes, Hangup, DIALSTATUS ...
        codes: frozenset[int] = frozenset(),
    ) -> None:  # SIP codes that produce this cause in the engine
        self.span = span
        self.engine = engine
        self.token = token
        self.cause = cause
        self.context = context
        self.codes = codes


class DispatchSite(Record):
    """Goto(prefix-${DIALSTATUS},1): which values have handlers (SC310)."""

    __slots__ = ("span", "prefix", "variable", "missing", "stray")

    def __init__(
        self,
        span: Span,
        prefix: str,
        variable: str,  # DIALSTATUS | HANGUPCAUSE
        missing: tuple[str, ...],  # values with no handler and no catch-all
        # handler name -> its span, for handlers whose suffix matches no value
        stray: tuple[tuple[str, Span], ...] = (),
    ) -> None:
        self.span = span
        self.prefix = prefix
        self.variable = variable
        self.missing = missing
        self.stray = stray


class Block(Record):
    """A route, context, extension or condition: the document's outline."""

    __slots__ = ("name", "kind", "span", "name_span", "children")

    def __init__(
        self,
        name: str,
        kind: str,  # request_route, route, failure_route, context, extension, ...
        span: Span,
        name_span: Span,
        children: tuple[Block, ...] = (),
    ) -> None:
        self.name = name
        self.kind = kind
        self.span = span
        self.name_span = name_span
        self.children = children


class Reference(Record):
    """A use of a named block: route(X), t_on_failure("X"), Goto(ctx,...)."""

    __slots__ = ("span", "name", "kind")

    def __init__(
        self,
        span: Span,  # the name as written
        name: str,
        kind: str,
    ) -> None:  # the block kind it points to (route, failure_route, context ...)
        self.span = span
        self.name = name
        self.kind = kind


class Note(Record):
    """Something the dialect wants to tell the user that is not a rule (include outside root)."""

    __slots__ = ("span", "message")

    def __init__(self, span: Span, message: str) -> None:
        self.span = span
        self.message = message


class Suppressions(Record):
    """Inline `sip-lsp: disable=` comments, by 0-based line."""

    __slots__ = ("lines", "file")
    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

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


class Analysis(Record):
    """Every fact one dialect extracted from one document (plus what it included).

    Not slotted: `PartedAnalysis` fills its fact lists on first read.
    """

    _fields = (
        "dialect",
        "text",
        "path",
        "blocks",
        "code_sites",
        "status_tests",
        "failover_sites",
        "knobs",
        "cause_sites",
        "dispatch_sites",
        "references",
        "notes",
        "suppressions",
        "comment",
        "included",
    )
    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was
    # Set by dialects that cache facts per block: see `PartedAnalysis`.
    parts: Sequence[tuple[Facts, int]] = ()

    def __init__(
        self,
        dialect: str,  # kamailio | opensips | asterisk | freeswitch | unknown
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
        notes: list[Note] | None = None,
        suppressions: Suppressions | None = None,
        # The comment leader used for suppression comments ("#", ";", "<!--").
        comment: str = "#",
        included: list[str] | None = None,
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
        self.notes = [] if notes is None else notes
        self.suppressions = Suppressions() if suppressions is None else suppressions
        self.comment = comment
        self.included = [] if included is None else included

    def placed(self, name: str) -> Iterator[tuple[object, int]]:
        """(fact, shift) for each fact of the list `name`: its spans sit `shift` characters early.

        Reads the parts as they are, for a consumer that needs a few facts at
        document offsets without a shifted copy of every one (see PartedAnalysis).
        """
        if not self.parts:
            return ((x, 0) for x in getattr(self, name))
        return ((x, d) for facts, d in self.parts for x in getattr(facts, name))


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
)


class Facts(Record):
    """The facts of one piece of a document (a block), made once and read at any offset.

    A dialect that caches facts per block keeps one `Facts` per block and places
    it with a shift (see `PartedAnalysis`); rules read the same attributes as on
    an Analysis and keep their findings in `judged` (see rules.run_rules).
    Compared and hashed by identity.
    """

    __slots__ = ("dialect", *FACT_LISTS, "judged", "judged_by")
    _shown = ("dialect", *FACT_LISTS)
    __eq__ = object.__eq__
    __hash__ = object.__hash__

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
        # The rules' findings and the catalogue they were judged with (two slots: judging
        # a fresh document allocates nothing but findings, so no GC pass starts mid-lint).
        judged: tuple = (),
        judged_by: object = None,
    ) -> None:
        self.dialect = dialect
        self.blocks = blocks
        self.code_sites = code_sites
        self.status_tests = status_tests
        self.failover_sites = failover_sites
        self.knobs = knobs
        self.cause_sites = cause_sites
        self.dispatch_sites = dispatch_sites
        self.references = references
        self.judged = judged
        self.judged_by = judged_by


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
        if not isinstance(value, Record):
            return tuple(shifted(v, d) for v in value) if cls is tuple else value
        if cls is GuardFix:
            return GuardFix(value.offset + d, value.texts, value.path)
        types = cls.__init__.__annotations__
        plan = _PLANS[cls] = tuple((f, types[f] not in _NO_OFFSETS) for f in cls._fields)
    args = []
    for name, moves in plan:
        v = getattr(value, name)
        if moves and v is not None:
            v = Span(v.start + d, v.end + d, v.path) if type(v) is Span else shifted(v, d)
        args.append(v)
    return cls(*args)


# Field types (as `__init__` annotates them) that hold no offset: `shifted` copies them as they are.
_NO_OFFSETS = frozenset(
    {
        "str",
        "str | None",
        "int",
        "int | None",
        "bool",
        "Role",
        "FailoverKind",
        "frozenset[int]",
        "frozenset[int] | None",
        "frozenset[str]",
        "dict[str, str]",
        "tuple[str, ...]",
    }
)
# Record class -> (field name, may hold offsets) for each field, in order.
_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}


class Edit(Record):
    __slots__ = ("span", "new_text")

    def __init__(self, span: Span, new_text: str) -> None:
        self.span = span
        self.new_text = new_text


class Fix(Record):
    __slots__ = ("title", "edits", "safe")

    def __init__(
        self, title: str, edits: tuple[Edit, ...], safe: bool = True
    ) -> None:  # applied by `check --fix` and source.fixAll
        self.title = title
        self.edits = edits
        self.safe = safe


class Related(Record):
    __slots__ = ("span", "message")

    def __init__(self, span: Span, message: str) -> None:
        self.span = span
        self.message = message


class Finding(Record):
    __slots__ = ("rule", "name", "severity", "span", "message", "related", "fixes", "tags")

    def __init__(
        self,
        rule: str,  # SC301
        name: str,  # retry-after-global-failure
        severity: str,  # error | warning | information | hint
        span: Span,
        message: str,
        related: tuple[Related, ...] = (),
        fixes: tuple[Fix, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> None:  # deprecated | unnecessary
        self.rule = rule
        self.name = name
        self.severity = severity
        self.span = span
        self.message = message
        self.related = related
        self.fixes = fixes
        self.tags = tags
