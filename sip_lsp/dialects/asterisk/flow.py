"""Where the dialplan goes after a failed Dial(): failovers and DIALSTATUS dispatch.

After Dial() returns, DIALSTATUS says why it failed (apps/app_dial.c). The
walk starts after each Dial with every final code that maps to a failed
DIALSTATUS, follows priorities, labels, Goto/GotoIf, Gosub/Return, Macro and
`Goto(prefix-${DIALSTATUS},1)` dispatch, narrows the set at DIALSTATUS tests,
and records the codes that reach the next Dial() (a failover).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from sip_lsp.dialects.asterisk.engine import Tables
from sip_lsp.dialects.asterisk.outcomes import MEDIA, TIMEOUT, Event
from sip_lsp.dialects.asterisk.parse import Ctx, Ext, Step, split_top
from sip_lsp.dialects.asterisk.party import Frame, bind, call_args, destination, merged, parties, rebind
from sip_lsp.model import FailoverKind, FailoverSite, Outcome, Span, StepKind
from sip_lsp.model.codesets import NONE, split

# Applications after which this channel's dialplan does not go on.
_STOP = frozenset({"hangup", "busy", "congestion", "pjsiphangup", "macroexit"})
_VOICEMAIL = re.compile(r"voice_?mail|(^|[^a-z])vm([^a-z]|$)|vmail", re.I)
_TEST = re.compile(
    r'"?\$\{(DIALSTATUS|HANGUPCAUSE)\}"?\s*(!=|==|=)\s*"?([A-Za-z0-9_]*)"?'
    r'|"?([A-Za-z0-9_]+)"?\s*(!=|==|=)\s*"?\$\{(DIALSTATUS|HANGUPCAUSE)\}"?'
)
DISPATCH = re.compile(r"^\s*([^$]*?)\$\{(DIALSTATUS|HANGUPCAUSE)\}\s*$")
_NOT_JOINER = re.compile(r"\$\{[^}]*\}|\"[^\"]*\"|[\w\s=!$\[\]()]")  # all but the && / || of a condition
_OPTION_ARGS = re.compile(r"\([^)]*\)")  # the (args) of Dial options like U(sub) or M(macro)
_JUMPS = frozenset({"goto", "gotoif", "gosub", "gosubif", "macro", "execif"})
_LOOP = frozenset({"while", "endwhile", "exitwhile", "continuewhile"})
_MAX_STEPS = 4000
_MAX_DEPTH = 8


class Test(NamedTuple):
    """One `${DIALSTATUS} = VALUE` comparison inside an expression (a tuple: made for every test found)."""

    variable: str
    op: str
    value: str
    span: Span  # the whole comparison
    value_span: Span


def find_tests(step: Step) -> tuple[Test, ...]:
    """The DIALSTATUS/HANGUPCAUSE comparisons in `step`'s arguments (kept on the step: facts and flow ask)."""
    if step.tests is None:
        step.tests = _find_tests(step)
    return step.tests


def mentions_status(args: str) -> bool:
    """Whether `args` may hold a DIALSTATUS/HANGUPCAUSE test (most arguments do not: no regex for them)."""
    return "DIALSTATUS" in args or "HANGUPCAUSE" in args


_NAMED_TEST = re.compile(
    r'"?\$\{(\w+)\}"?\s*(!=|==|=)\s*"?([A-Za-z0-9_]*)"?|"?([A-Za-z0-9_]+)"?\s*(!=|==|=)\s*"?\$\{(\w+)\}"?'
)
_ALIAS = re.compile(r"\s*(\w+)\s*=\s*\$\{(DIALSTATUS|HANGUPCAUSE)\}\s*$")
_SET_NAME = re.compile(r"\s*(\w+)\s*=")


def copies(step: Step, aliases: dict[str, str]) -> None:
    """Keep `aliases` (variable -> DIALSTATUS/HANGUPCAUSE) up to date after `Set(SV=${DIALSTATUS})`."""
    if step.name != "set":
        return
    m = _ALIAS.match(step.args)
    if m:
        aliases[m.group(1)] = m.group(2)
    else:
        named = _SET_NAME.match(step.args)
        if named:
            aliases.pop(named.group(1), None)


def alias_tests(step: Step, aliases: dict[str, str]) -> bool:
    """Tests of a copy of DIALSTATUS (`"${SV}"="BUSY"` after `Set(SV=${DIALSTATUS})`), kept on the step."""
    if not aliases or "${" not in step.args or not any("${" + a + "}" in step.args for a in aliases):
        return False
    base, path = step.args_start, step.span.path
    found = list(find_tests(step))
    for m in _NAMED_TEST.finditer(step.args):
        if m.group(1):
            name, op, value, vg = m.group(1), m.group(2), m.group(3), 3
        else:
            name, op, value, vg = m.group(6), m.group(5), m.group(4), 4
        if name in aliases and _compared(step, m.start(), m.end()):
            whole = Span(base + m.start(), base + m.end(), path)
            found.append(
                Test(aliases[name], op, value, whole, Span(base + m.start(vg), base + m.end(vg), path))
            )
    step.tests = tuple(sorted(found, key=lambda x: x.span.start))
    return len(found) > 0


def _find_tests(step: Step) -> tuple[Test, ...]:
    if not mentions_status(step.args):
        return ()
    base, path = step.args_start, step.span.path
    return tuple(
        [
            Test(
                found.variable,
                found.op,
                found.value,
                Span(base + found.start, base + found.end, path),
                Span(base + found.value_start, base + found.value_end, path),
            )
            for found in _tests_in(step.args)
            if _compared(step, found.start, found.end)
        ]
    )


# Applications whose argument is a condition even when written without `$[...]` (AEL's `if (...)`).
_CONDITIONS = frozenset({"gotoif", "gosubif", "execif", "while", "exitif", "if", "elseif"})


def _compared(step: Step, start: int, end: int) -> bool:
    """Whether `step.args[start:end]` is a comparison Asterisk evaluates: inside `$[...]`.

    Elsewhere `=` is text: `Set(X=${DIALSTATUS})` assigns, `NoOp(status=${DIALSTATUS})`
    prints. An AEL condition or a GotoIf without `$[` is taken as written.
    """
    spans = _expressions(step.args)
    if not spans:
        return step.name in _CONDITIONS
    return any(a <= start and end <= b for a, b in spans)


@lru_cache(maxsize=4096)  # see _tests_in
def _expressions(args: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of each outermost `$[...]` in `args`."""
    out: list[tuple[int, int]] = []
    i = args.find("$[")
    while i >= 0:
        depth, j = 0, i + 1
        while j < len(args):
            if args[j] == "[":
                depth += 1
            elif args[j] == "]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        out.append((i, j + 1))
        i = args.find("$[", j + 1)
    return tuple(out)


class _Comparison(NamedTuple):
    """A comparison found in an argument string, with offsets into it."""

    variable: str
    op: str
    value: str
    start: int
    end: int
    value_start: int
    value_end: int


# This memo, _spec_parts' and _joiner's: the same conditions and Goto specs recur from context
# to context and walk to walk (together ~7% of an Asterisk lint, ~10% of a re-lint).
@lru_cache(maxsize=4096)
def _tests_in(args: str) -> tuple[_Comparison, ...]:
    out = []
    for m in _TEST.finditer(args):
        if m.group(1):
            variable, op, value, vg = m.group(1), m.group(2), m.group(3), 3
        else:
            variable, op, value, vg = m.group(6), m.group(5), m.group(4), 4
        out.append(_Comparison(variable, op, value, m.start(), m.end(), m.start(vg), m.end(vg)))
    return tuple(out)


def dials_voicemail(step: Step) -> bool:
    """Dial(Local/vm-100@...) reaches voicemail: forwarding, not a failover."""
    target = split_top(step.args, ",")[0][1]
    return bool(_VOICEMAIL.search(target))


def dial_options(step: Step) -> str:
    parts = split_top(step.args, ",")
    return _OPTION_ARGS.sub("", parts[2][1]) if len(parts) > 2 else ""


def status_values(t: Tables, dial: Step | None) -> tuple[str, ...]:
    """DIALSTATUS values the dialplan can continue with after `dial`.

    Failed values always; ANSWER only with option g (go on when the callee
    hangs up); DONTCALL and TORTURE only with privacy options p/P
    (apps/app_dial.c). CANCEL and INVALIDARGS end the dialplan.
    """
    values = list(t.failed)
    opts = dial_options(dial) if dial else ""
    if "g" in opts:
        values.append("ANSWER")
    if "p" in opts or "P" in opts:
        values += ["DONTCALL", "TORTURE"]
    return tuple(values)


_WILD = re.compile(r"[xXzZnN.!\[]")


class _Prefix:
    """`_literal.` (one character or more after it) or `_literal!` (any): a prefix test, no regex."""

    __slots__ = ("prefix", "least")

    def __init__(self, prefix: str, least: int) -> None:
        self.prefix, self.least = prefix, least

    def match(self, name: str) -> bool:
        return name.startswith(self.prefix) and len(name) >= self.least and "\n" not in name


# An extension pattern as something that tells whether it matches a name.
Matcher = re.Pattern[str] | _Prefix


@lru_cache(maxsize=16384)  # re's own cache holds 512: a large dialplan recompiled every pattern
def pattern_regex(pattern: str) -> Matcher | None:
    """An Asterisk extension pattern (`_NXX.`, `_f[n]-.`) as a regex (or a prefix test when that will do)."""
    body = pattern[1:]
    wild = _WILD.search(body)
    if wild is not None and wild.start() == len(body) - 1 and body[-1] in ".!":
        return _Prefix(body[:-1], len(body) if body[-1] == "." else len(body) - 1)
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch in "xX":
            out.append("[0-9]")
        elif ch in "zZ":
            out.append("[1-9]")
        elif ch in "nN":
            out.append("[2-9]")
        elif ch == ".":
            out.append(".+")
        elif ch == "!":
            out.append(".*")
        elif ch == "[":
            end = body.find("]", i)
            if end < 0:
                return None
            inner = body[i + 1 : end].replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{inner}]" if inner else "")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out) + r"\Z")
    except re.error:
        return None


class Caller(NamedTuple):
    """A Gosub/Macro call, with the name of the extension it sits in."""

    call: Step
    ext_name: str


class CallEdge(NamedTuple):
    """The (context, extension) a Gosub/Macro calls, and the call."""

    callee: tuple[str, str]
    caller: Caller


class Index:
    """Lookups over the dialplan's contexts, built once per analysis.

    Records what it was asked (`reads`, `caller_reads`): a result computed
    through it stays valid while those contexts and callers are the same objects.
    """

    __slots__ = ("contexts", "callers", "patterns", "reads", "caller_reads", "orders", "found")

    def __init__(
        self, contexts: dict[str, Ctx], callers: Mapping[tuple[str, str], Sequence[tuple[Step, str]]]
    ) -> None:
        self.contexts, self.callers = contexts, callers
        self.patterns: dict[str, list[tuple[Matcher, Ext]]] = {}
        self.reads: dict[str, Ctx | None] = {}
        self.caller_reads: dict[tuple[str, str], list[tuple[Step, str]]] = {}
        self.orders: dict[str, list[Ctx]] = {}  # search orders met since `record`
        self.found: dict[tuple[str, str], Ext | None] = {}  # lookups since `record`

    def record(self) -> None:
        """Start recording afresh: the reads of one piece's results (lookups are read again too)."""
        self.reads, self.caller_reads, self.orders, self.found = {}, {}, {}, {}

    def context(self, name: str) -> Ctx | None:
        ctx = self.reads[name] = self.contexts.get(name)
        return ctx

    def callers_of(self, key: tuple[str, str]) -> list[tuple[Step, str]]:
        """The Gosub/Macro calls into (context, extension), with the extension each sits in."""
        found = self.caller_reads[key] = list(self.callers.get(key, ()))
        return found

    def find_ext(self, ctx_name: str, name: str) -> Ext | None:
        """The extension `name` reaches in `ctx_name`: literal, pattern, then templates and includes."""
        key = (ctx_name, name)
        if key not in self.found:  # None is a result too
            self.found[key] = self._find_ext(ctx_name, name)
        return self.found[key]

    def _find_ext(self, ctx_name: str, name: str) -> Ext | None:
        for ctx in self._search_order(ctx_name):
            ext = ctx.exts.get(name)
            if ext is not None:
                return ext
            for rx, pext in self._patterns(ctx):
                if rx.match(name):
                    return pext
        return None

    def _search_order(self, ctx_name: str) -> list[Ctx]:
        """`ctx_name`, then what it inherits and includes, depth first, each once."""
        out = self.orders.get(ctx_name)
        if out is None:
            out = self.orders[ctx_name] = self._search(ctx_name)
        return out

    def _search(self, ctx_name: str) -> list[Ctx]:
        out: list[Ctx] = []
        seen: set[str] = set()
        todo = [ctx_name]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            ctx = self.context(name)
            if ctx is None:
                continue
            seen.add(name)
            out.append(ctx)
            todo += reversed([*ctx.templates, *(n for n, _ in ctx.includes)])
        return out

    def _patterns(self, ctx: Ctx) -> list[tuple[Matcher, Ext]]:
        cached = self.patterns.get(ctx.name)
        if cached is None:
            cached = []
            for name, ext in ctx.exts.items():
                rx = pattern_regex(name) if name.startswith("_") else None
                if rx is not None:
                    cached.append((rx, ext))
            self.patterns[ctx.name] = cached
        return cached

    def all_exts(self, ctx_name: str) -> list[tuple[str, Ext]]:
        """Every extension `ctx_name` reaches, with the context it is written in."""
        return [(ctx.name, ext) for ctx in self._search_order(ctx_name) for ext in ctx.exts.values()]


def target(step: Step, spec: str) -> tuple[str, str, str] | None:
    """`[[context,]exten,]priority` relative to `step` -> (context, exten, priority)."""
    parts = _spec_parts(spec)
    if not parts or not parts[-1]:
        return None
    if len(parts) == 1:
        return step.context, step.exten, parts[0]
    if len(parts) == 2:
        return step.context, parts[0], parts[1]
    return parts[0], parts[1], parts[2]


@lru_cache(maxsize=4096)  # see _tests_in
def _spec_parts(spec: str) -> tuple[str, ...]:
    """The fields of `[[context,]exten,]priority`, stripped, the priority without its `(args)`."""
    parts = [p.strip() for _, p in split_top(spec, ",")]
    if len(parts) == 1 and "|" in parts[0]:
        parts = [p.strip() for p in parts[0].split("|")]
    return tuple([p.split("(", 1)[0].strip() if i == len(parts) - 1 else p for i, p in enumerate(parts)])


def branch_specs(args: str) -> tuple[str, str, str] | None:
    """`cond?true:false` -> (cond, true, false); None without `?`."""
    q = split_top(args, "?")
    if len(q) < 2:
        return None
    cond = q[0][1]
    rest = args[q[1][0] :]
    c = split_top(rest, ":")
    return cond, c[0][1], rest[c[1][0] :] if len(c) > 1 else ""


def status_map(t: Tables, several: bool) -> dict[str, frozenset[int]]:
    """DIALSTATUS value -> the callee codes that can be behind it after a Dial of one or `several` callees.

    With several callees (`A&B`), wait_for_answer reports BUSY if any line was
    busy, else CONGESTION if any was congested, else CHANUNAVAIL, and NOANSWER
    when a line counted nothing: the other lines may have failed with any code.
    """
    codes = dict(t.status_codes)
    codes["NOANSWER"] = codes.get("NOANSWER", frozenset()) | {TIMEOUT}  # Dial's own timeout (outcomes)
    if not several:
        return codes
    every = frozenset().union(*(codes.get(v, frozenset()) for v in t.failed))
    wide = dict(codes)
    wide["BUSY"] = codes["BUSY"] | codes["CONGESTION"] | codes["CHANUNAVAIL"]
    wide["CONGESTION"] = codes["CONGESTION"] | codes["CHANUNAVAIL"]
    wide["NOANSWER"] = every
    return wide


class Status:
    """A DIALSTATUS map and the unions the walks take of it, each computed once per Flow."""

    __slots__ = ("codes", "failed", "_sides")

    def __init__(self, codes: dict[str, frozenset[int]], failed: tuple[str, ...]) -> None:
        self.codes = codes
        self.failed = frozenset().union(*(codes.get(v, frozenset()) for v in failed))  # where a walk starts
        self._sides: dict[frozenset[str], tuple[frozenset[int], frozenset[int]]] = {}

    def sides(self, named: frozenset[str]) -> tuple[frozenset[int], frozenset[int]]:
        """(codes behind the values `named`, codes behind the others)."""
        found = self._sides.get(named)
        if found is None:
            # With several callees the values' code sets overlap: the other branch
            # gets the codes of the values not named, not the complement.
            inside = frozenset().union(*(self.codes[v] for v in named))
            outside = frozenset().union(*(c for v, c in self.codes.items() if v not in named))
            found = self._sides[named] = (inside, outside)
        return found


def narrow(
    status: Status, causes: dict[str, frozenset[int]], tests: Sequence[Test], cond: str, codes: frozenset[int]
) -> tuple[frozenset[int], frozenset[int]] | None:
    """(true, false) code sets for a condition made of DIALSTATUS/HANGUPCAUSE tests, None if not one.

    Tests of one kind joined by `|` (all `=`) or by `&` (all `!=`): an OR of
    equalities is true for the codes behind any value named, an AND of
    inequalities for the others. `${HANGUPCAUSE} = N` splits by the codes behind
    cause N (wait_for_answer copies the callee's hangup cause to the caller), so
    `"${DIALSTATUS}"="CONGESTION" | "${HANGUPCAUSE}"="38"` is one set too.
    """
    if not tests:
        return None
    named: set[str] = set()
    by_cause: frozenset[int] = frozenset()
    for test in tests:
        if test.variable == "HANGUPCAUSE" and test.value in causes:
            by_cause |= causes[test.value]
        elif test.variable == "DIALSTATUS" and test.value.upper() in status.codes:
            named.add(test.value.upper())
        else:
            return None
    ops = {x.op for x in tests}
    joiner = _joiner(cond)
    if named:
        inside, outside = status.sides(frozenset(named))
    else:
        inside, outside = frozenset(), codes
    if by_cause:
        inside, outside = inside | by_cause, outside - by_cause
    if ops <= {"=", "=="} and joiner <= {"|"}:
        return split(codes, inside)[0], split(codes, outside)[0]
    if ops == {"!="} and joiner <= {"&"}:
        return split(codes, outside)[0], split(codes, inside)[0]
    return None


@lru_cache(maxsize=4096)  # see _tests_in
def _joiner(cond: str) -> frozenset[str]:
    """The characters joining a condition's tests (`&`, `|`, or anything unexpected)."""
    return frozenset(_NOT_JOINER.sub("", cond))


def _loop_end(ext: Ext, start: int) -> int | None:
    """Index of the EndWhile closing the While at `start`."""
    depth = 0
    for j in range(start, len(ext.steps)):
        name = ext.steps[j].name
        depth += (name == "while") - (name == "endwhile")
        if depth == 0:
            return j
    return None


def _loop_start(ext: Ext, inside: int) -> int | None:
    """Index of the innermost While enclosing `inside`."""
    depth = 0
    for j in range(inside - 1, -1, -1):
        name = ext.steps[j].name
        depth += (name == "endwhile") - (name == "while")
        if depth < 0:
            return j
    return None


class Tagged(NamedTuple):
    """A span with the name of the context whose text it lies in: contexts may move
    between analyses (see chunks), the span is placed when a fact is built."""

    context: str
    span: Span


class Record(NamedTuple):
    """One Dial() reached after a failed one, as one walk found it."""

    dial: Step
    codes: frozenset[int]  # the codes that reach it
    tests: tuple[Tagged, ...]  # the DIALSTATUS tests that narrowed them
    via: tuple[Tagged, ...]  # the jumps on the way
    destination: Outcome  # whom it calls: the party dialled before (retry-same), another, unknown


def _tag(step: Step) -> Tagged:
    return Tagged(step.context, step.span)


def call_edges(step: Step, ext_name: str) -> list[CallEdge]:
    """A Gosub/Macro call's edges: the (context, extension) called, and the call."""
    return [CallEdge((dest[0], dest[1]), Caller(step, ext_name)) for dest in call_targets(step)]


def call_targets(step: Step) -> list[tuple[str, str, str]]:
    """The (context, extension, priority) a Gosub/Macro call goes to."""
    name = step.name
    if name == "macro":
        macro = split_top(step.args, ",")[0][1].strip()
        return [(f"macro-{macro}", "s", "1")] if macro else []
    specs = [step.args] if name == "gosub" else list((branch_specs(step.args) or ("", "", ""))[1:])
    out = []
    for spec in specs:
        dest = target(step, spec) if spec.strip() else None
        if dest and "${" not in "".join(dest):
            out.append(dest)
    return out


def failover_sites(records: Iterable[Record], place: Callable[[Tagged], Span]) -> list[FailoverSite]:
    """One site per Dial() reached after a failed one, merging what every walk found there.

    authenticated: res_pjsip answers 401/407 itself with the endpoint's
    outbound_auth, so a challenge that reaches DIALSTATUS was refused.
    cancel_applies: a caller's CANCEL makes Dial() return -1 and ends
    the dialplan, so no Dial() runs after it.
    """
    via: dict[Step, tuple[Tagged, ...]] = {}  # the first walk's
    codes: dict[Step, set[int]] = {}
    tests: dict[Step, set[Tagged]] = {}
    whom: dict[Step, list[Outcome]] = {}
    for record in records:
        step = record.dial
        if step in via:
            codes[step].update(record.codes)
            tests[step].update(record.tests)
            whom[step].append(record.destination)
        else:
            via[step], codes[step], tests[step] = record.via, set(record.codes), set(record.tests)
            whom[step] = [record.destination]
    return [
        failover_site(
            Record(step, frozenset(codes[step]), tuple(tests[step]), via[step], merged(whom[step])), place
        )
        for step in via
    ]


def failover_site(record: Record, place: Callable[[Tagged], Span]) -> FailoverSite:
    """The site of one Dial() from all that reached it (merged into one record)."""
    step, codes, tests, via, whom = record
    shaping = sorted(map(place, set(tests)), key=_in_files) if tests else ()
    return FailoverSite(
        span=place(_tag(step)),
        action=step.app,
        kind=FailoverKind.NEXT_DESTINATION,
        codes=codes,
        block=step.context,
        shaping_tests=tuple(shaping),
        via=tuple(map(place, via)),
        authenticated=True,
        cancel_applies=False,
        engine="asterisk",
        destination=whom,
    )


def _in_files(span: Span) -> tuple[str, int]:
    return span.path or "", span.start


# Jumps a walk made (Tagged), and where each Gosub/Macro on the way returns to (with the frame there).
_Tags = tuple[Tagged, ...]
_Stack = tuple[tuple[Ext, int, Frame], ...]
_Parties = frozenset[str | None]  # the party keys of the Dial a walk started from (party.parties)


# Where a walk stands (step i of an extension) and what it carries there: the codes still
# possible, the tests that narrowed them, the jumps on the way, and where each Gosub/Macro
# called on the way returns to; whom the first Dial called and the ${ARGn} of the current frame
# (party.Frame). A plain tuple: a walk makes one per step it takes, and a NamedTuple made the
# Asterisk lint 3-4% slower.
_At = tuple[Ext, int, frozenset[int], _Tags, _Tags, _Stack, _Parties, Frame]


# One step a traced walk took (Flow.trace): what it did, where, and the values a heading names.
Traced = tuple[StepKind, Tagged | None, tuple[tuple[str, str], ...]]


class Flow:
    """Walks the dialplan from each Dial() and records the Dial() calls reached after a failure.

    With `trace` set to a list (a simulation of one status, never the lint) the walk
    also notes each step it takes there, in the order it takes them: a step on a
    branch is noted when the walk pops that branch (`_pending`), so a branch the
    status does not reach leaves nothing.
    """

    __slots__ = (
        "tables",
        "index",
        "status",
        "records",
        "events",
        "causes",
        "trace",
        "_pending",
        "_statuses",
        "_origin",
    )

    def __init__(self, tables: Tables, index: Index) -> None:
        self.tables, self.index = tables, index
        self.records: list[Record] = []
        self.events: list[Event] = []  # where each walk stopped, for the outcome tables
        self._origin: Step | None = None  # the Dial being walked from
        self.trace: list[Traced] | None = None  # set by a simulation: the steps walked
        self._pending: dict[int, list[Traced]] = {}  # id of a branch not yet walked -> its steps
        self.causes = {
            str(c.number): tables.cause_codes.get(c.name, frozenset())  # HANGUPCAUSE -> codes behind it
            for c in tables.engine.causes.values()
        }
        self._statuses: dict[bool, Status] = {}  # by whether the Dial has several callees
        self.status = self._status(several=False)  # of the Dial being walked

    def walks(self, dials: Iterable[tuple[Ext, int]]) -> list[Record]:
        """What the walks from each Dial() (its extension and index there) reach, in walk order."""
        self.records, self.events = [], []
        for ext, i in dials:
            self.status = self._status(several="&" in split_top(ext.steps[i].args, ",")[0][1])
            dial = self._origin = ext.steps[i]
            origin = parties(dial.args, dial.exten, None)
            self._walk((ext, i + 1, self.status.failed, (), (), (), origin, None))
        return self.records

    def _status(self, several: bool) -> Status:
        status = self._statuses.get(several)
        if status is None:
            status = self._statuses[several] = Status(status_map(self.tables, several), self.tables.failed)
        return status

    def walk_from(self, ext: Ext, i: int, codes: frozenset[int]) -> None:
        """Walk from the Dial at `ext.steps[i]` with `codes` only (a simulation; `trace` notes the steps)."""
        self.records, self.events = [], []
        self.status = self._status(several="&" in split_top(ext.steps[i].args, ",")[0][1])
        dial = self._origin = ext.steps[i]
        self._walk(
            (ext, i + 1, codes & self.status.failed, (), (), (), parties(dial.args, dial.exten, None), None)
        )

    def _walk(self, start: _At) -> None:
        work = [start]
        seen: set[tuple[int, int, frozenset[int], _Stack, _Parties, Frame]] = set()
        steps = 0
        tracing = self.trace is not None
        while work and steps < _MAX_STEPS:
            at = work.pop()
            ext, i, codes, tests, via, stack, origin, frame = at
            key = (id(ext), i, codes, stack, origin, frame)
            noted = self._pending.pop(id(at), None) if tracing else None
            if not codes or key in seen:
                continue
            if noted and self.trace is not None:
                self.trace += noted
            seen.add(key)
            steps += 1
            if i >= len(ext.steps):
                self._event(Outcome.END if not stack else Outcome.UNKNOWN, None, codes, tests)
                continue
            step = ext.steps[i]
            name = step.name
            if name == "dial":
                # The origin itself again (a loop, a subroutine called twice) is a retry too.
                self._record(step, step.args, codes, tests, via, origin, frame)
            elif name in _STOP:
                self._event(Outcome.UNKNOWN if name == "macroexit" else Outcome.END, step, codes, tests)
            elif name in MEDIA:
                self._event(Outcome.MEDIA, step, codes, tests)
            elif name == "return":
                work += self._return(step, at)
            elif name in _JUMPS:
                work += self._jump(step, name, at)
            elif name in _LOOP:
                work += self._loop(step, name, at)
            else:
                work.append((ext, i + 1, codes, tests, via, stack, origin, frame))

    def _loop(self, step: Step, name: str, at: _At) -> list[_At]:
        """While/EndWhile/ExitWhile/ContinueWhile (apps/app_while.c): back to the While, or past EndWhile."""
        ext, i, codes, tests, via, stack, origin, frame = at
        if name == "while":
            found = find_tests(step)
            split = narrow(self.status, self.causes, found, step.args, codes)
            body, leave = split if split else (codes, codes)
            shaped = tests + tuple(Tagged(step.context, x.span) for x in found) if split else tests
            end = _loop_end(ext, i)
            out: list[_At] = [(ext, i + 1, body, shaped, via, stack, origin, frame)]
            out += [(ext, end + 1, leave, shaped, via, stack, origin, frame)] if end is not None else []
            if self.trace is not None:
                for k, went in enumerate(out):
                    self._pending.setdefault(id(went), []).append(
                        self._test(step, step.args.strip(), k, split is not None)
                    )
            return out
        start = _loop_start(ext, i)
        if start is None:
            return [(ext, i + 1, codes, tests, via, stack, origin, frame)]
        if name == "exitwhile":
            end = _loop_end(ext, start)
            return [(ext, end + 1, codes, tests, via, stack, origin, frame)] if end is not None else []
        return [(ext, start, codes, tests, via + (_tag(step),), stack, origin, frame)]

    def _return(self, step: Step, at: _At) -> list[_At]:
        """Back after the Gosub/Macro that called this walk, or after every call into this extension.

        Leaving the frame the walk started in, the first Dial's ${ARGn} take the call's values.
        """
        _, _, codes, tests, via, stack, origin, _ = at
        if stack:
            back, i, outer = stack[-1]
            return self._note([(back, i, codes, tests, via, stack[:-1], origin, outer)], step, StepKind.CALL)
        out: list[_At] = []
        key = (step.context, step.exten)
        for call, ext_name in self.index.callers_of(key):
            ctx = self.index.context(call.context)
            ext = ctx.exts.get(ext_name) if ctx is not None else None
            if ext is not None and call in ext.steps:
                bound = rebind(origin, call.exten, _passed(call, key))
                out.append(
                    (ext, ext.steps.index(call) + 1, codes, tests, via + (_tag(call),), (), bound, None)
                )
        return self._note(out, step, StepKind.CALL)

    def _jump(self, step: Step, name: str, at: _At) -> list[_At]:
        ext, i, codes, tests, via, stack, origin, frame = at
        cond = ""  # the condition of a GotoIf/GosubIf/ExecIf: its branches are tests (traced)
        known = True  # whether the status decides the condition (else both branches are walked)
        if name in ("goto", "gosub", "macro"):
            branches = [(step.args, codes, tests)]
            if name == "macro":
                called = call_targets(step)
                branches = [(f"{called[0][0]},s,1" if called else "", codes, tests)]
        else:
            parts = branch_specs(step.args)
            if parts is None:
                return [(ext, i + 1, codes, tests, via, stack, origin, frame)]
            cond, yes, no = parts
            found = find_tests(step)
            in_cond = [x for x in found if x.span.start - step.args_start < len(cond)]
            split = narrow(self.status, self.causes, in_cond, cond, codes)
            yes_codes, no_codes = split if split else (codes, codes)
            shaped = tests + tuple(Tagged(step.context, x.span) for x in found) if split else tests
            known = split is not None
            if name == "execif":
                return self._execif(
                    step, ((yes, yes_codes), (no, no_codes)), (*at[:3], shaped, *at[4:]), cond.strip(), known
                )
            branches = [(yes, yes_codes, shaped), (no, no_codes, shaped)]
        calls = name in ("gosub", "gosubif", "macro")
        out: list[_At] = []
        for k, (spec, sub_codes, sub_tests) in enumerate(branches):
            made: list[_At] = []
            dest = target(step, spec) if spec.strip() else None
            if not spec.strip():
                made.append((ext, i + 1, sub_codes, sub_tests, via, stack, origin, frame))
            elif dest is not None:
                inner = frame
                new_stack = stack
                if calls:
                    passed = call_args(step.args if name == "macro" else spec, name == "macro")
                    inner = tuple([bind(a, step.exten, frame) for a in passed])
                    if len(stack) < _MAX_DEPTH:
                        new_stack = stack + ((ext, i + 1, frame),)
                made += self._goto(dest, sub_codes, sub_tests, via + (_tag(step),), new_stack, origin, inner)
                if calls and len(stack) >= _MAX_DEPTH:
                    made.append((ext, i + 1, sub_codes, sub_tests, via, stack, origin, frame))
            if self.trace is not None:
                self._note_branch(step, (cond, known), k, spec if dest is not None else "", made)
            out += made
        return out

    def _note_branch(self, step: Step, test_of: tuple[str, bool], k: int, spec: str, made: list[_At]) -> None:
        """Trace a jump's branch `k` (0: the true one): its test, then where it goes."""
        cond, known = test_of
        test = (self._test(step, cond.strip(), k, known),) if cond else ()
        dest = target(step, spec) if spec else None
        for at in made:
            jump: tuple[Traced, ...] = ()
            if dest is not None:
                shown = spec.strip()
                if "${" in dest[1]:  # Goto(s-${DIALSTATUS},1): the extension this status reaches
                    shown = shown.replace(dest[1], at[0].name)
                where = (("app", step.app), ("target", shown), ("exten", at[0].name))
                jump = ((StepKind.CALL, _tag(step), where),)
            self._pending.setdefault(id(at), []).extend((*test, *jump))

    def _note(self, out: list[_At], step: Step, kind: StepKind) -> list[_At]:
        """Trace `step` (a Return) on each branch it leads to: back to the caller's extension."""
        if self.trace is not None:
            for at in out:
                back = f"{at[0].steps[0].context},{at[0].name}" if at[0].steps else at[0].name
                where = (("app", step.app), ("target", back), ("note", "simulate_note_ast_return"))
                self._pending.setdefault(id(at), []).append((kind, _tag(step), where))
        return out

    def _execif(
        self,
        step: Step,
        branches: tuple[tuple[str, frozenset[int]], ...],
        at: _At,
        cond: str = "",
        known: bool = True,
    ) -> list[_At]:
        """ExecIf(cond?app(args):app(args)) (apps/app_exec.c): each branch's codes run its application.

        A Dial records a failover; Hangup, Busy ... end those codes' walk; Return
        takes them back to the caller; any other application lets them go on.
        """
        ext, i, _, tests, via, stack, origin, frame = at
        out: list[_At] = []
        for k, (spec, sub) in enumerate(branches):
            app, _, rest = spec.strip().partition("(")
            app = app.strip().lower()
            if self.trace is not None and sub and (app == "dial" or app in _STOP):
                self.trace.append(self._test(step, cond, k, known))  # the walk ends in this branch now
            if not sub or app == "dial":
                if app == "dial":
                    self._record(step, rest.rsplit(")", 1)[0], sub, tests, via, origin, frame)
                continue
            if app in _STOP:
                self._event(Outcome.UNKNOWN, step, sub, tests)
                continue
            if app == "return":
                made = self._return(step, (ext, i, sub, tests, via, stack, origin, frame))
            else:
                made = [(ext, i + 1, sub, tests, via, stack, origin, frame)]
            if self.trace is not None:
                self._note_execif(self._test(step, cond, k, known), made)
            out += made
        return out

    def _note_execif(self, test: Traced, made: list[_At]) -> None:
        """Trace an ExecIf branch that goes on: its `test` (the line shows the application it ran)."""
        for went in made:
            self._pending[id(went)] = [test, *self._pending.get(id(went), ())]

    @staticmethod
    def _test(step: Step, cond: str, k: int, known: bool) -> Traced:
        """A test's branch `k` (0: true); `known` False: the status does not decide it, both are walked."""
        kind = StepKind.TEST_TRUE if k == 0 else StepKind.TEST_FALSE
        either = () if known else (("note", "simulate_note_ast_either"),)
        return (kind, _tag(step), (("app", step.app), ("test", cond), *either))

    def _goto(
        self,
        dest: tuple[str, str, str],
        codes: frozenset[int],
        tests: _Tags,
        via: _Tags,
        stack: _Stack,
        origin: _Parties,
        frame: Frame,
    ) -> list[_At]:
        ctx, exten, prio = dest
        m = DISPATCH.match(exten) if "${" in exten else None
        if m and m.group(2) == "DIALSTATUS":
            out: list[_At] = []
            prefix = m.group(1).strip()
            for value in self.tables.failed:  # status_values without a Dial's options
                sub = split(codes, self.status.codes.get(value, NONE))[0]
                ext = self.index.find_ext(ctx, prefix + value) if sub else None
                if ext is not None:
                    out += self._enter(ext, prio, (sub, tests, via, stack, origin, frame))
            return out
        if "${" in ctx or "${" in exten:
            return []
        ext = self.index.find_ext(ctx, exten)
        return self._enter(ext, prio, (codes, tests, via, stack, origin, frame)) if ext else []

    @staticmethod
    def _enter(
        ext: Ext, prio: str, carried: tuple[frozenset[int], _Tags, _Tags, _Stack, _Parties, Frame]
    ) -> list[_At]:
        number = int(prio) if ext.steps and prio.isdigit() else None
        codes, tests, via, stack, origin, frame = carried
        for i, step in enumerate(ext.steps):
            if step.prio == number or step.label == prio:
                return [(ext, i, codes, tests, via, stack, origin, frame)]
        return []

    def _record(
        self,
        step: Step,
        args: str,
        codes: frozenset[int],
        tests: _Tags,
        via: _Tags,
        origin: _Parties,
        frame: Frame,
    ) -> None:
        """A Dial (`args`: its arguments) reached with `codes`; whom it calls, next to the first Dial's."""
        if not codes:
            return
        if dials_voicemail(step):
            self._event(Outcome.MEDIA, step, codes, tests)
            return
        whom = destination(origin, parties(args, step.exten, frame))
        self._event(whom, step, codes, tests)
        real = codes - {TIMEOUT}
        if real:
            self.records.append(Record(step, real, tests, via, whom))

    def _event(self, outcome: Outcome, step: Step | None, codes: frozenset[int], tests: _Tags) -> None:
        if codes and self._origin is not None:
            self.events.append(Event(self._origin, outcome, step, codes, tests))
            if self.trace is not None:
                self.trace.append(_stopped(outcome, step))


def _stopped(outcome: Outcome, step: Step | None) -> Traced:
    """The traced step where a walk stopped: the end of the call, or an action that decides the row."""
    if step is None:  # fell off the extension: autofallthrough
        return (
            StepKind.EXIT,
            None,
            (("outcome", outcome.value), ("note", "simulate_note_ast_extension_end")),
        )
    ends = outcome in (Outcome.END, Outcome.UNKNOWN) and step.name != "dial"
    kind = StepKind.EXIT if ends else StepKind.ACTION
    return (kind, _tag(step), (("app", step.app), ("args", step.args.strip()), ("outcome", outcome.value)))


def _passed(call: Step, key: tuple[str, str]) -> Frame:
    """The ${ARGn} a Gosub/Macro/GosubIf `call` passes to the extension `key`."""
    if call.name == "macro":
        return call_args(call.args, True)
    specs = [call.args] if call.name == "gosub" else list((branch_specs(call.args) or ("", "", ""))[1:])
    for spec in specs:
        dest = target(call, spec) if spec.strip() else None
        if dest is not None and dest[:2] == key:
            return tuple([bind(a, call.exten, None) for a in call_args(spec, False)])
    return None
