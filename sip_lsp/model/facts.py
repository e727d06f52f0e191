"""What a dialect extracts from a document: each fact a read-only value with its spans.

Every class with offsets in it has one `shift(delta)`: a copy whose offsets are
`delta` later, for a fact made once for a block and placed wherever the block
moves (see analysis.PartedAnalysis).
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from sip_lsp.model.outcome import Outcome
from sip_lsp.model.spans import Span, shift_all, shift_optional
from sip_lsp.model.value import Value

# Final response codes a failure handler can see: every 3-digit code 300-699,
# registered or not (an unregistered one is handled as its class's x00).
FINAL_CODES: frozenset[int] = frozenset(range(300, 700))
ALL_CODES: frozenset[int] = frozenset(range(100, 700))


class Role(str, Enum):
    """What a code does where it is written."""

    SENT = "sent"  # a reply the script sends (sl_send_reply, respond, PJSIPHangup)
    MATCHED = "matched"  # part of a status test (t_check_status, $T_reply_code == N)
    CONFIGURED = "configured"  # a module parameter list (ds_ping_reply_codes, failover_reply_codes)
    CAUSE = "cause"  # a cause number standing for codes (Hangup(17))


class FailoverKind(str, Enum):
    NEXT_DESTINATION = "next-destination"  # ds_next_dst, use_next_gw, lb_next, bridge a|b ...
    NEW_BRANCH = "new-branch"  # t_relay, append_branch, a second Dial() ...


class CodeSite(Value):
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
        self.span: Final = span
        self.text: Final = text
        self.code: Final = code
        self.role: Final = role
        self.function: Final = function
        self.phrase: Final = phrase
        self.phrase_span: Final = phrase_span
        self.block: Final = block
        self.has_header_append: Final = has_header_append
        self.after_local_miss: Final = after_local_miss
        self.code_required: Final = code_required

    def shift(self, delta: int) -> CodeSite:
        return CodeSite(
            self.span.shift(delta),
            self.text,
            self.code,
            self.role,
            self.function,
            self.phrase,
            shift_optional(self.phrase_span, delta),
            self.block,
            self.has_header_append,
            self.after_local_miss,
            self.code_required,
        )


class StatusTest(Value):
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
        self.span: Final = span
        self.kind: Final = kind
        self.text: Final = text
        self.admits: Final = admits
        self.named: Final = named
        self.possible: Final = possible
        self.block: Final = block
        self.in_failure_handler: Final = in_failure_handler
        self.reads_request_status: Final = reads_request_status
        self.variable_span: Final = variable_span
        self.pattern_span: Final = pattern_span

    def shift(self, delta: int) -> StatusTest:
        return StatusTest(
            self.span.shift(delta),
            self.kind,
            self.text,
            self.admits,
            self.named,
            self.possible,
            self.block,
            self.in_failure_handler,
            self.reads_request_status,
            shift_optional(self.variable_span, delta),
            shift_optional(self.pattern_span, delta),
        )


class GuardFix(Value):
    """Where and how a dialect would insert a guard in front of a failover.

    Rules stay dialect-free: they pick the text for the guard they need.
    """

    __slots__ = ("offset", "texts", "path")
    __hash__ = None  # type: ignore[assignment]  # `texts` is a dict: equal by value, not hashable

    def __init__(
        self,
        offset: int,  # insertion offset in the document
        texts: dict[str, str],  # guard kind ("6xx", "cancel") -> text to insert
        path: str | None = None,
    ) -> None:
        self.offset: Final = offset
        self.texts: Final = texts
        self.path: Final = path

    def shift(self, delta: int) -> GuardFix:
        return GuardFix(self.offset + delta, self.texts, self.path)


class FailoverSite(Value):
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
        "destination",
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
        engine: str = "",  # kamailio | opensips | asterisk | freeswitch
        # Whom the action calls (the outcome model): the same dialled party again
        # (retry-same), someone else (new-party: a hunt, forward, fork), or unknown.
        # SC301-SC304 judge retry-same only.
        destination: Outcome = Outcome.RETRY_SAME,
    ) -> None:
        self.span: Final = span
        self.action: Final = action
        self.kind: Final = kind
        self.codes: Final = codes
        self.block: Final = block
        self.authenticated: Final = authenticated
        self.rewrites_target: Final = rewrites_target
        self.shaping_tests: Final = shaping_tests
        self.armed_by: Final = armed_by
        self.via: Final = via
        self.guard: Final = guard
        self.cancel_applies: Final = cancel_applies
        self.follows_failover: Final = follows_failover
        self.engine: Final = engine
        self.destination: Final = destination

    def shift(self, delta: int) -> FailoverSite:
        return self._moved(delta, shift_all(self.armed_by, delta))

    def rearmed(self, delta: int, armed_by: tuple[Span, ...]) -> FailoverSite:
        """Moved by `delta` and armed by `armed_by` (already at their places)."""
        return self._moved(delta, armed_by)

    def _moved(self, delta: int, armed_by: tuple[Span, ...]) -> FailoverSite:
        return FailoverSite(
            self.span.shift(delta),
            self.action,
            self.kind,
            self.codes,
            self.block,
            self.authenticated,
            self.rewrites_target,
            shift_all(self.shaping_tests, delta),
            armed_by,
            shift_all(self.via, delta),
            None if self.guard is None else self.guard.shift(delta),
            self.cancel_applies,
            self.follows_failover,
            self.engine,
            self.destination,
        )


class Knob(Value):
    """A setting that changes failover semantics (disable_6xx_block=1 ...)."""

    __slots__ = ("span", "name", "value", "disables_6xx_block")

    def __init__(
        self,
        span: Span,
        name: str,  # disable_6xx_block, t_set_disable_6xx, ...
        value: str,
        disables_6xx_block: bool = False,
    ) -> None:
        self.span: Final = span
        self.name: Final = name
        self.value: Final = value
        self.disables_6xx_block: Final = disables_6xx_block

    def shift(self, delta: int) -> Knob:
        return Knob(self.span.shift(delta), self.name, self.value, self.disables_6xx_block)


class CauseSite(Value):
    """A cause token (name or number) in a cause list or hangup."""

    __slots__ = ("span", "engine", "token", "cause", "context", "codes")

    def __init__(
        self,
        span: Span,
        engine: str,  # freeswitch | asterisk
        token: str,  # as written
        cause: str | None,  # canonical cause name when known, else None (SC309)
        context: str,  # continue_on_fail, failure_causes, Hangup, DIALSTATUS ...
        codes: frozenset[int] = frozenset(),  # SIP codes that produce this cause in the engine
    ) -> None:
        self.span: Final = span
        self.engine: Final = engine
        self.token: Final = token
        self.cause: Final = cause
        self.context: Final = context
        self.codes: Final = codes

    def shift(self, delta: int) -> CauseSite:
        return CauseSite(
            self.span.shift(delta), self.engine, self.token, self.cause, self.context, self.codes
        )


class DispatchSite(Value):
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
        self.span: Final = span
        self.prefix: Final = prefix
        self.variable: Final = variable
        self.missing: Final = missing
        self.stray: Final = stray

    def shift(self, delta: int) -> DispatchSite:
        stray = tuple([(name, span.shift(delta)) for name, span in self.stray])
        return DispatchSite(self.span.shift(delta), self.prefix, self.variable, self.missing, stray)


class IgnoredStep(Value):
    """A dialplan step the engine does not run as written (SC316).

    FreeSWITCH (mod_dialplan_xml parse_exten): an <action> outside any <condition>
    is never read (kind "outside-condition"); a condition on a variable only a
    bridge sets, after that bridge in one extension, is decided when the call is
    routed, before the bridge runs (kind "routing-time").
    """

    __slots__ = ("span", "kind", "name", "related")

    def __init__(
        self,
        span: Span,  # the action, or the condition's field
        kind: str,  # outside-condition | routing-time
        name: str,  # the application, or the variable tested
        related: tuple[Span, ...] = (),  # the bridges that set the variable later
    ) -> None:
        self.span: Final = span
        self.kind: Final = kind
        self.name: Final = name
        self.related: Final = related

    def shift(self, delta: int) -> IgnoredStep:
        return IgnoredStep(self.span.shift(delta), self.kind, self.name, shift_all(self.related, delta))


class Block(Value):
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
        self.name: Final = name
        self.kind: Final = kind
        self.span: Final = span
        self.name_span: Final = name_span
        self.children: Final = children

    def shift(self, delta: int) -> Block:
        children = tuple([child.shift(delta) for child in self.children])
        return Block(self.name, self.kind, self.span.shift(delta), self.name_span.shift(delta), children)


class Reference(Value):
    """A use of a named block: route(X), t_on_failure("X"), Goto(ctx,...)."""

    __slots__ = ("span", "name", "kind")

    def __init__(
        self,
        span: Span,  # the name as written
        name: str,
        kind: str,  # the block kind it points to (route, failure_route, context ...)
    ) -> None:
        self.span: Final = span
        self.name: Final = name
        self.kind: Final = kind

    def shift(self, delta: int) -> Reference:
        return Reference(self.span.shift(delta), self.name, self.kind)


class Note(Value):
    """Something the dialect wants to tell the user that is not a rule (include outside root)."""

    __slots__ = ("span", "message")

    def __init__(self, span: Span, message: str) -> None:
        self.span: Final = span
        self.message: Final = message

    def shift(self, delta: int) -> Note:
        return Note(self.span.shift(delta), self.message)


class TruthUse(Value):
    """`if KSR.tm.t_check_status("5[0-9][0-9]"):`: a KSR 1/-1 result tested for truth (KEMI, SC315).

    Most KSR functions return 1 or -1 (SR_KEMIP_INT), and -1 is true in Python,
    Lua and JavaScript: the test holds either way.
    """

    __slots__ = ("span", "function", "value", "replacement", "action", "action_span", "codes")

    def __init__(
        self,
        span: Span,  # the call (or the local holding its result) as written
        function: str,  # the KSR function returning 1 or -1 (KSR.tm.t_check_status)
        value: bool | None,  # the condition it decides is then always this; None: part of a larger one
        replacement: str,  # the call compared with `> 0`, in the script's language
        # A failover the always-true test lets every code reach, or a call the never-true test skips.
        action: str | None = None,
        action_span: Span | None = None,
        codes: frozenset[int] = frozenset(),  # the codes that reach `action` (a failover only)
    ) -> None:
        self.span: Final = span
        self.function: Final = function
        self.value: Final = value
        self.replacement: Final = replacement
        self.action: Final = action
        self.action_span: Final = action_span
        self.codes: Final = codes

    def shift(self, delta: int) -> TruthUse:
        return TruthUse(
            self.span.shift(delta),
            self.function,
            self.value,
            self.replacement,
            self.action,
            shift_optional(self.action_span, delta),
            self.codes,
        )
