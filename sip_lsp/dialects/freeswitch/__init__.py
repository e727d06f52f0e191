"""FreeSWITCH XML dialplans: contexts, extensions, conditions, actions -> facts.

mod_dialplan_xml queues the actions of an extension's matching conditions (the
anti-actions of failing ones) and the session runs them in order. What this
module extracts, and where FreeSWITCH decides it:
- `respond <code> [reason]` (mod_dptools -> mod_sofia INDICATE_RESPOND): a
  sent code. A final code hangs the call up with respond_code set, and
  sofia_on_hangup answers 401/407 through sofia_reg_auth_challenge (realm from
  sip_challenge_realm), so those carry their challenge header.
- `hangup <cause>` and every token of continue_on_fail, failure_causes,
  fail_on_single_reject, transfer_on_fail: cause sites (causes).
- `bridge a|b`: each `|` group after the first is dialled only when the
  previous one failed with a code fail_on_single_reject lets through.
- an action after a failed `bridge` runs only for the causes continue_on_fail /
  failure_causes let through (audio_bridge_function); a later bridge to
  another target is a failover, a later bridge into voicemail is not.
- conditions on `${sip_invite_failure_status}`, `${originate_disposition}`...:
  status tests (status), unless an earlier bridge of the same extension is to
  set them: every condition is decided at routing time, before any action runs
  (mod_dialplan_xml parse_exten), so that one is an IgnoredStep (SC316) and its
  actions are never queued; so is an <action> outside any <condition>.
- every bridge gets an OutcomeTable (outcome.bridge_table): each final code
  through sofia's cause, the `|` hunt, continue_on_fail and what follows.
- whom a later `|` element or bridge calls (dial.destination): the dialled
  number via another gateway is retry-same, another user new-party (hunt,
  forward), voicemail media, a variable unknown.
`<X-PRE-PROCESS cmd="include">` is not followed into the included files: each
is checked when it is opened, and then starts from what runs before it in its
context (context.py: the continue="true" extensions of the including `D.xml`
before the include and the earlier files of the same glob), so their
continue_on_fail governs its bridges.
Each extension's facts are kept by its text (extension_chunks, _Extension) and
handed over as one part of a model.PartedAnalysis, so a keystroke re-scans,
re-walks and re-judges only the extension it changed.
A caller's CANCEL hangs up the A leg: switch_ivr_originate stops when the
caller channel is no longer ready and no later action runs, so cancel
(SC302) does not apply to these failovers (`cancel_applies=False`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sip_lsp.catalog import Catalog, Engine
from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.common import suppressions
from sip_lsp.dialects.freeswitch import causes as fc
from sip_lsp.dialects.freeswitch import chunks as extension_chunks
from sip_lsp.dialects.freeswitch import context as fs_context
from sip_lsp.dialects.freeswitch import dial as dial
from sip_lsp.dialects.freeswitch import outcome as outcome
from sip_lsp.dialects.freeswitch import status as status
from sip_lsp.dialects.freeswitch import xmlscan
from sip_lsp.model import (
    FINAL_CODES,
    Analysis,
    Block,
    CauseSite,
    CodeSite,
    Facts,
    FailoverKind,
    FailoverSite,
    GuardFix,
    IgnoredStep,
    Knob,
    Outcome,
    OutcomeTable,
    PartedAnalysis,
    Reference,
    Role,
    Span,
    StatusTest,
)
from sip_lsp.text import LineIndex, read_text

ENGINE = "freeswitch"
# Variables whose value is a cause list, and how its tokens are matched.
CAUSE_VARS = {
    "continue_on_fail": "exact",
    "failure_causes": "exact",
    "fail_on_single_reject": "substring",
    "transfer_on_fail": "exact",
}
KNOB_VARS = frozenset(
    {
        "hangup_after_bridge",
        "originate_continue_on_timeout",
        "hangup_on_single_reject",
        "sip_ignore_remote_cause",
    }
)
SETTERS = frozenset({"set", "export"})
# Applications after which nothing later in the extension runs on this call.
ENDS_CALL = frozenset({"hangup", "transfer", "redirect", "deflect"})
MAX_DEPTH = 64  # outline nesting kept for conditions
GLOBAL = frozenset(range(600, 700))  # RFC 3261 §16.7: final everywhere
_VOICEMAIL = re.compile(r"voicemail", re.I)
_WORD = re.compile(r"\S+")
_FIELD_VAR = re.compile(r"\$\{(\w+)\}")
_RESPOND = re.compile(r"\s*(\S+)\s*(.*?)\s*\Z", re.S)

_FACTS = "facts"  # slot key prefix of an extension's facts (see _Walker._chunk)


def analyze(text: str, ctx: DialectContext) -> Analysis:
    """Facts of one FreeSWITCH XML document; never raises on bad input."""
    analysis = PartedAnalysis(ENGINE, text, ctx.path, comment="<!--")
    _analyze(text, ctx, analysis)
    return analysis


def bridge_points(text: str, ctx: DialectContext) -> list[tuple[outcome.Point, dial.DialString]]:
    """Each bridge's decision inputs as a cold analysis of `text` makes its table (simulate reads them)."""
    points: list[tuple[outcome.Point, dial.DialString]] = []
    _analyze(text, ctx, PartedAnalysis(ENGINE, text, ctx.path, comment="<!--"), points)
    return points


def _analyze(
    text: str,
    ctx: DialectContext,
    analysis: PartedAnalysis,
    points: list[tuple[outcome.Point, dial.DialString]] | None = None,
) -> None:
    """Scan with known extensions masked (extension_chunks), then walk into facts: a part
    per extension, then one with the blocks (and anything found outside an extension).

    With `points` (a simulation) every extension is walked here, none taken from a cache.
    """
    doc, chunks = (xmlscan.scan(text), {}) if points is not None else extension_chunks.split(text, ctx.cache)
    mark = suppressions.MARK
    comments = [(c.start, c.text) for c in doc.comments if mark in c.text]
    for chunk in chunks.values():
        if chunk.masked:
            comments += [(chunk.start + at, comment) for at, comment in chunk.comments if mark in comment]
    if comments:
        comments.sort(key=lambda c: c[0])
        _suppressions(comments, ctx.lines_of(text), analysis)
    table = _table(ctx.catalog)
    walker = _Walker(_Sink(), table, text, doc=doc, chunks=chunks, parts=analysis.parts)
    walker.points = points
    found = _context_before(ctx, table) if ctx.path and "<context" not in text else None
    if found is None:
        blocks = walker.visit(doc.roots)
    else:
        blocks = walker.visit(doc.roots, _State(dict(found[1])), found[0])
    analysis.parts.append((walker.a.facts(blocks), 0))


def _context_before(ctx: DialectContext, table: fc.CauseTable | None) -> tuple[str, dict[str, _Value]] | None:
    """The context an included file joins and the variables the text before it passes on.

    See context.py: `D/x.xml` included by `D.xml`'s `<X-PRE-PROCESS cmd="include">`
    inside a context; its continue="true" extensions before the include, then the
    earlier files of the same glob, run first on the call. Spans keep their file.
    """
    if ctx.path is None:
        return None
    read = ctx.read or read_text
    try:
        found = fs_context.before(ctx.path, read, ctx.root, os.listdir)
    except (OSError, ValueError):
        return None
    if found is None:
        return None
    key = (found.parent, found.parent_text, found.siblings, id(table))
    held = _BEFORE.get(key)
    if held is None:
        carry = _State()
        sink = _Sink()
        walker = _Walker(sink, table, found.parent_text)
        for el in found.extensions:
            walker._extension(el, carry, found.context)
        carry.vars = _tagged(carry.vars, found.parent)
        for path, text in found.siblings:
            walker = _Walker(sink, table, text)
            for el in xmlscan.scan(text).iter():
                if el.name == "extension":
                    walker._extension(el, carry, found.context)
            carry.vars = _tagged(carry.vars, path)
        if len(_BEFORE) > 16:
            _BEFORE.clear()
        held = _BEFORE[key] = (found.context, carry.vars)
    return held


_BEFORE: dict[tuple[object, ...], tuple[str, dict[str, _Value]]] = {}


def _tagged(values: dict[str, _Value], path: str) -> dict[str, _Value]:
    """`values` with the spans of this file (path None) marked as in `path`."""
    return {
        k: v if v.span.path is not None else _Value(v.text, Span(v.span.start, v.span.end, path))
        for k, v in values.items()
    }


def _table(catalog: Catalog | None) -> fc.CauseTable | None:
    if catalog is None:
        from sip_lsp.catalog import default_catalog

        catalog = default_catalog()
    engine = catalog.engines.get(ENGINE)
    return None if engine is None else _cause_table(engine)


@lru_cache(maxsize=4)  # a pure function of the engine table (compared by identity); catalogues get reloaded
def _cause_table(engine: Engine) -> fc.CauseTable:
    return fc.CauseTable(engine)


def _suppressions(comments: list[tuple[int, str]], lines: LineIndex, analysis: Analysis) -> None:
    """`sip-lsp: disable=` comments, in document order (start of "<!--", text between the markers)."""
    for start, comment in comments:
        found = [(start + 4 + at, whole, ids) for at, whole, ids in suppressions.directives(comment)]
        suppressions.record(analysis.suppressions, found, lines)


@dataclass
class _Value:
    """A variable's value as set in the dialplan, with where it was written."""

    text: str
    span: Span


# A condition branch: (condition start, runs as an action, outer branch), innermost first.
_Branch = tuple[int, bool, "_Branch | None"]


@dataclass(slots=True)
class _Step:
    """One queued action: its element, app, data and condition branch.

    The branch is a linked list, innermost first: (condition start, runs as an
    action, outer branch) or None, so nesting depth d costs O(d), not O(d^2).
    """

    el: xmlscan.Element
    app: str
    data: xmlscan.Attr | None
    branch: _Branch | None
    block: str


@dataclass(slots=True)
class _Bridge:
    step: _Step
    target: str
    legs: tuple[dial.Leg, ...]
    continuing: frozenset[int]
    shaped_by: tuple[Span, ...]
    gateways: bool  # every leg is a sofia gateway (it answers challenges)


@dataclass
class _State:
    vars: dict[str, _Value] = field(default_factory=dict)


_FACT_LISTS = (
    "code_sites",
    "cause_sites",
    "failover_sites",
    "knobs",
    "references",
    "status_tests",
    "ignored_steps",
    "outcome_tables",
)


class _Sink:
    """The fact lists a walk fills: one extension's (its part), or facts thrown away."""

    __slots__ = _FACT_LISTS

    def __init__(self) -> None:
        self.code_sites: list[CodeSite] = []
        self.cause_sites: list[CauseSite] = []
        self.failover_sites: list[FailoverSite] = []
        self.knobs: list[Knob] = []
        self.references: list[Reference] = []
        self.status_tests: list[StatusTest] = []
        self.ignored_steps: list[IgnoredStep] = []
        self.outcome_tables: list[OutcomeTable] = []

    def facts(self, blocks: Sequence[Block] = ()) -> Facts:
        """The lists as one PartedAnalysis part (the sink is not filled again)."""
        return Facts(
            ENGINE,
            blocks=blocks,
            code_sites=self.code_sites,
            status_tests=self.status_tests,
            failover_sites=self.failover_sites,
            knobs=self.knobs,
            cause_sites=self.cause_sites,
            references=self.references,
            outcome_tables=self.outcome_tables,
            ignored_steps=self.ignored_steps,
        )


class _Extension:
    """One walked extension at `base`: its facts as made at `made_at`, its block and the
    variables it passes on (continue="true"), kept in its chunk's cache slot.

    An edit before the extension only moves it: `moved` shifts the block and the
    passed variables, while the facts stay as made and go into the analysis as a
    part with the shift (model.PartedAnalysis), so they are neither copied nor
    judged again (the findings cache keys on them). This is what keeps a
    keystroke on a 20k-line dialplan from shifting and re-judging ~30k facts.
    """

    __slots__ = ("table", "facts", "made_at", "base", "block", "carry")

    def __init__(
        self,
        table: fc.CauseTable | None,
        facts: Facts,
        made_at: int,
        base: int,
        block: Block,
        carry: dict[str, _Value] | None,
    ) -> None:
        self.table, self.facts, self.made_at, self.base = table, facts, made_at, base
        self.block = block
        self.carry = carry  # the vars a continue="true" extension passes on, else None

    def moved(self, base: int) -> _Extension:
        d = base - self.base
        carry = None
        if self.carry is not None:
            carry = {k: _Value(v.text, v.span.shift(d)) for k, v in self.carry.items()}
        return _Extension(self.table, self.facts, self.made_at, base, self.block.shift(d), carry)

    def part(self) -> tuple[Facts, int]:
        return self.facts, self.base - self.made_at


def _exclusive(a: _Step, b: _Step) -> bool:
    """True when one runs as an action and the other as an anti-action of one condition."""
    if a.branch is b.branch:
        return False  # queued the same way by the same condition (one branch object, _branches)
    mine = dict(_pairs(a.branch))
    return any(cid in mine and mine[cid] != pol for cid, pol in _pairs(b.branch))


def _branches(condition: xmlscan.Element, outer: _Branch | None) -> tuple[_Branch, _Branch]:
    """The branches of a condition's actions and of its anti-actions, each made once for all of them."""
    return (condition.start, True, outer), (condition.start, False, outer)


def _pairs(branch: _Branch | None) -> Iterator[tuple[int, bool]]:
    """(condition start, as an action) for each condition of a branch."""
    while branch is not None:
        cid, polarity, branch = branch
        yield cid, polarity


class _Walker:
    """Walks a scanned tree into facts; `base` is where the tree's offset 0 lies in `text`.

    The document's walker (the one with `parts`) hands each extension to a walker
    of its own, whose sink becomes the extension's part (see _chunk and _walk).
    """

    def __init__(
        self,
        sink: _Sink,
        table: fc.CauseTable | None,
        text: str,
        base: int = 0,
        origin: int = 0,
        doc: xmlscan.Document | None = None,
        chunks: dict[int, extension_chunks.Chunk] | None = None,
        parts: list[tuple[Facts, int]] | None = None,
    ) -> None:
        self.a = sink
        self.parts = parts  # the document's walker: the analysis's parts, one per extension
        self.table = table
        self.text = text
        self.base = base
        self.origin = origin  # where the walked extension starts in `text`
        self.doc = doc
        self.chunks = chunks or {}
        self.local = True  # the facts depend on the extension's text only (cacheable)
        # A simulation's recorder: each bridge's decision inputs and dial string (never in a lint).
        self.points: list[tuple[outcome.Point, dial.DialString]] | None = None

    def _span(self, start: int, end: int) -> Span:
        return Span(self.base + start, self.base + end)

    # ------------------------------------------------------------- structure

    def visit(
        self, roots: list[xmlscan.Element], start: _State | None = None, context: str | None = None
    ) -> list[Block]:
        """Top-level blocks; extensions outside a context (an <include> file) share state,
        starting from `start` (what runs before the file in `context`, see _context_before)."""
        out: list[Block] = []
        first = start or _State()
        stack = [(el, first) for el in reversed(roots)]
        while stack:
            el, carry = stack.pop()
            if el.name == "context":
                out.append(self._context(el))
            elif el.name == "extension":
                out.append(self._extension(el, carry, context))
            else:
                stack.extend((child, carry) for child in reversed(el.children))
        return out

    def _block(self, el: xmlscan.Element, kind: str, name: str, children: Iterable[Block] = ()) -> Block:
        attr = el.get("name")
        name_span = self._span(attr.start, attr.end) if attr else self._span(el.start + 1, el.name_end)
        return Block(
            name or kind, kind, self._span(el.start, max(el.end, el.tag_end)), name_span, tuple(children)
        )

    def _context(self, el: xmlscan.Element) -> Block:
        carry = _State()
        children = []
        for child in el.children:
            if child.name == "extension":
                children.append(self._extension(child, carry, el.value("name")))
        return self._block(el, "context", el.value("name"), children)

    def _extension(self, el: xmlscan.Element, carry: _State, context: str | None) -> Block:
        chunk = self.chunks.get(el.start)
        if chunk is not None:
            return self._chunk(chunk, el, carry, context)
        if self.parts is not None:  # no chunk (an extension never closed...): a part of its own
            return self._place(self._walk(el, el.start, 0, carry, context)[0], carry)
        name = el.value("name") or context or ""
        state = _State(dict(carry.vars))
        steps: list[_Step] = []
        conditions = self._conditions(el, name, steps)
        self._run(steps, state)
        if fc.switch_true(el.value("continue")):
            carry.vars = state.vars
        return self._block(el, "extension", el.value("name"), conditions)

    def _chunk(
        self, chunk: extension_chunks.Chunk, el: xmlscan.Element, carry: _State, context: str | None
    ) -> Block:
        """An extension's facts from its chunk's slot, moved to where it is now (see _Extension).

        On a miss the extension is walked (a masked one scanned alone first) and
        its facts kept when they depend on its text only: the same context name,
        engine table and inherited continue="true" variables (at the same
        distance) give the same facts.
        """
        start = chunk.start
        inherited = (
            tuple((k, v.text, v.span.start - start, v.span.end - start) for k, v in carry.vars.items())
            if carry.vars
            else ()
        )
        key = (_FACTS, context, id(self.table), inherited)
        foreign = any(v.span.path is not None for v in carry.vars.values())
        done: _Extension | None = None if foreign else chunk.slot.get(key)
        if done is not None and done.table is self.table:
            if done.base != start:
                done = chunk.slot[key] = done.moved(start)
        else:
            root, base = (chunk.root(), start) if chunk.masked else (el, 0)
            done, local = self._walk(root, start, base, carry, context)
            if (
                not foreign
                and local
                and (
                    chunk.masked or (self.doc is not None and extension_chunks.reusable(chunk, el, self.doc))
                )
            ):
                chunk.slot[key] = done
        return self._place(done, carry)

    def _walk(
        self, root: xmlscan.Element, start: int, base: int, carry: _State, context: str | None
    ) -> tuple[_Extension, bool]:
        """Walk the extension `root` (at `start`; its tree's offset 0 at `base`) into its own
        facts; True when they depend on its text only (see `local`)."""
        sink = _Sink()
        walker = _Walker(sink, self.table, self.text, base, origin=start)
        walker.points = self.points
        state = _State(carry.vars)
        block = walker._extension(root, state, context)
        # _extension replaces state.vars only when the extension passes them on
        passed = state.vars if state.vars is not carry.vars else None
        return _Extension(self.table, sink.facts(), start, start, block, passed), walker.local

    def _place(self, done: _Extension, carry: _State) -> Block:
        """Add the extension's facts as a part, and pass on what it passes on."""
        assert self.parts is not None  # only the document's walker places extensions
        self.parts.append(done.part())
        if done.carry is not None:
            carry.vars = done.carry
        return done.block

    def _conditions(self, ext: xmlscan.Element, block: str, steps: list[_Step]) -> list[Block]:
        """Queue the actions of every (nested) condition in document order; return their blocks.

        Iterative, so a deeply nested file cannot exhaust the stack; blocks nest at
        most MAX_DEPTH deep (deeper conditions hang off the last level).
        """
        out: list[Block] = []
        bridges: list[_Step] = []  # the queued bridges so far that run at once (not inline)
        # [condition, the branches of its actions and anti-actions, next child, its blocks, dead]
        frames: list[list[Any]] = []
        for top in ext.children:
            if top.name != "condition":
                if top.name in ("action", "anti-action"):
                    self._outside(top)
                continue
            frames.append([top, _branches(top, None), 0, [], self._routing_time(top, block, bridges)])
            while frames:
                frame = frames[-1]
                el, (acting, anti), i, kids, dead = frame
                children = el.children
                while i < len(children):
                    child = children[i]
                    i += 1
                    kind = child.name
                    if kind == "action" or kind == "anti-action":
                        if dead and kind == "action":
                            continue  # decided at routing time, before the bridge: never queued
                        attrs = child.attrs
                        app = attrs.get("application")
                        app = app.value.strip() if app else ""
                        branch = acting if kind == "action" else anti
                        step = _Step(child, app, attrs.get("data"), branch, block)
                        steps.append(step)
                        if app == "bridge" and not fc.switch_true(child.value("inline")):
                            bridges.append(step)
                    elif kind == "condition":
                        gone = dead or self._routing_time(child, block, bridges)
                        frames.append([child, _branches(child, acting), 0, [], gone])
                        break
                frame[2] = i
                if frames[-1] is not frame:
                    continue
                frames.pop()
                label = " ".join(p for p in (el.value("field"), el.value("expression")) if p)
                made = self._block(
                    el, "condition", label or "condition", sorted(kids, key=lambda b: b.span.start)
                )
                (frames[min(len(frames), MAX_DEPTH) - 1][3] if frames else out).append(made)
        return out

    # ------------------------------------------------------------- conditions

    def _outside(self, el: xmlscan.Element) -> None:
        """An <action> that is a direct child of <extension>: parse_exten never reads it."""
        app = el.value("application") or el.name
        self.a.ignored_steps.append(IgnoredStep(self._span(el.start, el.tag_end), "outside-condition", app))

    def _routing_time(self, el: xmlscan.Element, block: str, bridges: list[_Step]) -> bool:
        """Record the condition's status tests, or an SC316 step when it tests what an
        earlier bridge of the extension (`bridges`, queued before it) sets: mod_dialplan_xml
        decides it at routing time, with the variable still empty. True when its actions
        are then never queued (the expression does not match the empty value)."""
        tests = [el] + [c for c in el.children if c.name == "regex"]
        found: tuple[xmlscan.Element, xmlscan.Attr, re.Match[str]] | None = None
        if bridges and self.table is not None:
            names = _bridge_variables(self.table.engine)
            for t in tests:
                attr = t.get("field")
                if attr is None:
                    continue
                hit = _FIELD_VAR.search(attr.value)
                if hit is not None and hit.group(1) in names:
                    found = (t, attr, hit)
                    break
        if found is None:
            self._status_tests(tests, block)
            return False
        t, attr, hit = found
        related = tuple(self._span(b.data.start, b.data.end) for b in bridges if b.data is not None)
        span = attr.span(hit.start(), hit.end(), self.base)
        self.a.ignored_steps.append(IgnoredStep(span, "routing-time", hit.group(1), related[-1:]))
        expr = t.value("expression")
        rx = status._compile(expr) if expr else None
        return rx is not None and rx.search("") is None

    def _status_tests(self, tests: list[xmlscan.Element], block: str) -> None:
        """Status tests of a condition's field and of its <regex> children (`tests`)."""
        for t in tests:
            kind = status.field_kind(t.value("field"))
            expr = t.get("expression")
            if kind is None or expr is None:
                continue
            span = self._span(expr.start, expr.end)
            if kind[0] == "status":
                found = status.status_admits(expr.value)
                if found is not None:
                    self.a.status_tests.append(
                        StatusTest(
                            span=span,
                            kind="t_check_status",
                            text=expr.value,
                            admits=found[0],
                            named=found[1],
                            block=block,
                            pattern_span=span,
                        )
                    )
            elif self.table is not None:
                names = status.cause_names(expr.value, self.table.names)
                if names is not None:
                    codes = self.table.codes_of(names)
                    self.a.status_tests.append(
                        StatusTest(span=span, kind="cause_list", text=expr.value, admits=codes, block=block)
                    )

    # ------------------------------------------------------------- actions

    def _run(self, steps: list[_Step], state: _State) -> None:
        bridges: list[_Bridge] = []
        points: list[tuple[int, _Step, dial.DialString, outcome.Knobs]] = []
        for at, step in enumerate(steps):
            app = step.app
            data = step.data
            if app in SETTERS or app == "multiset":
                self._set(step, state)
            elif app == "unset" and data is not None:
                state.vars.pop(data.value.strip(), None)
            elif app == "bridge" and data is not None:
                ds = dial.parse(data.value)
                points.append((at, step, ds, _knobs(ds, state)))
                bridges = self._bridge(step, ds, state, bridges)
            elif app == "respond" and data is not None:
                self._respond(step)
            elif app == "hangup" and data is not None and data.value.strip():
                self._cause(data, 0, len(data.value), "hangup", "str2cause")
            elif app in ("transfer", "execute_extension") and data is not None:
                self._references(data)
            if app in ENDS_CALL or (app == "respond" and _final(step)):
                bridges = [b for b in bridges if _exclusive(b.step, step)]
        if self.table is not None:
            for at, step, ds, knobs in points:
                self._outcome(steps, at, step, ds, knobs, self.table)

    # ------------------------------------------------------------- outcomes

    def _outcome(
        self,
        steps: list[_Step],
        at: int,
        step: _Step,
        ds: dial.DialString,
        knobs: outcome.Knobs,
        table: fc.CauseTable,
    ) -> None:
        """The bridge's OutcomeTable (outcome.bridge_table) with what follows it in the extension."""
        attr = step.data
        if attr is None:
            return
        following = self._following(steps, at, step, ds)
        span = self._span(attr.start, attr.end)
        made = outcome.point(span, ds, knobs, following, lambda leg: attr.span(leg.start, leg.end, self.base))
        self.a.outcome_tables.append(outcome.bridge_table(table, attr.value.strip(), step.block, made))
        if self.points is not None:
            self.points.append((made, ds))

    def _following(
        self, steps: list[_Step], at: int, bridge: _Step, dialled: dial.DialString
    ) -> outcome.Next:
        """What the dialplan runs next when it goes on past `bridge` (dialling `dialled`); END at the end."""
        for later in steps[at + 1 :]:
            if _exclusive(bridge, later):
                continue
            app, data = later.app, later.data
            span = self._span(later.el.start, later.el.tag_end)
            if app == "bridge" and data is not None:
                ds = dial.parse(data.value)
                first = ds.threads[0][0] if ds.threads else ()
                where = self._span(data.start, data.end)
                return outcome.Next(dial.destination(dialled.legs(), first), None, None, where)
            if app == "respond" and data is not None and _final(later):
                parts = _respond_parts(data.value)
                code = parts[1] if parts is not None else None
                return outcome.Next(Outcome.REPLY if code else Outcome.UNKNOWN, code, None, span)
            if app == "hangup":
                token = _token(data.value) if data is not None else None
                cause = self.table.resolve("str2cause", token[0]).cause if token and self.table else None
                return outcome.Next(Outcome.END, None, cause or "NORMAL_CLEARING", span)
            if app in outcome.MEDIA_APPS:
                return outcome.Next(Outcome.MEDIA, None, None, span)
            if app in outcome.HANDED_ON or app in ENDS_CALL:
                return outcome.Next(Outcome.UNKNOWN, None, None, span)
        return outcome.Next(Outcome.END, None, None, None)

    def _set(self, step: _Step, state: _State) -> None:
        data = step.data
        if data is None:
            return
        text = data.value
        for name, local, va, vb in _assignments(text, step.app == "multiset"):
            span = data.span(va, vb, self.base)
            if name in CAUSE_VARS:
                self._cause_list(data, va, vb, name)
            else:
                self.a.knobs.append(Knob(span, name, text[va:vb].strip()))
            # `export nolocal:` reaches only the B leg: the bridge's originate reads it
            # (fail_on_single_reject), the caller channel does not (continue_on_fail).
            if local or name == "fail_on_single_reject":
                state.vars[name] = _Value(text[va:vb].strip(), span)

    def _cause_list(self, attr: xmlscan.Attr, start: int, end: int, var: str) -> None:
        """Cause sites for each token of a cause-list value."""
        if self.table is None:
            return
        resolve, how, append = self.table.resolve, CAUSE_VARS[var], self.a.cause_sites.append
        plain = attr.plain_start()
        at = None if plain is None else self.base + plain + start
        for token, a, b in _list_tokens(attr.value[start:end], var):
            cause, codes = resolve(how, token)
            span = attr.span(start + a, start + b, self.base) if at is None else Span(at + a, at + b)
            append(CauseSite(span, ENGINE, token, cause, var, codes))

    def _cause(self, attr: xmlscan.Attr, start: int, end: int, context: str, how: str) -> None:
        """A cause site for the single token in `attr.value[start:end]`, if any."""
        found = _token(attr.value[start:end])
        if found is not None and self.table is not None:
            token, a, b = found
            cause, codes = self.table.resolve(how, token)
            self.a.cause_sites.append(
                CauseSite(attr.span(start + a, start + b, self.base), ENGINE, token, cause, context, codes)
            )

    def _bridge(self, step: _Step, ds: dial.DialString, state: _State, prior: list[_Bridge]) -> list[_Bridge]:
        attr = step.data
        if attr is None:
            return prior
        legs = ds.legs()
        # Cause lists in {...}/[...] are checked, but only fail_on_single_reject is
        # read from there: continue_on_fail comes from the caller channel.
        for v in ds.globals:
            if v.name in CAUSE_VARS:
                self._cause_list(attr, v.start, v.end, v.name)
        for leg in legs:
            for v in leg.vars:
                if v.name in CAUSE_VARS:
                    self._cause_list(attr, v.start, v.end, v.name)
        # `error/<cause>` fails the leg with that cause (mod_dptools error_outgoing_channel).
        for leg in legs:
            if leg.text.startswith("error/"):
                self._cause(attr, leg.start + len("error/"), leg.end, "error/", "str2cause")
        fosr = ds.var("fail_on_single_reject")
        if fosr is not None:
            fosr_value: _Value | None = _Value(fosr.value, attr.span(fosr.start, fosr.end, self.base))
        else:
            fosr_value = state.vars.get("fail_on_single_reject")
        self._hunt(step, ds, fosr_value, fosr is not None)
        target = attr.value.strip()
        voicemail = bool(legs) and all(_VOICEMAIL.search(leg.text) for leg in legs)
        live = [b for b in prior if not _exclusive(b.step, step)]
        if live and not voicemail and all(b.target != target for b in live):
            last = live[-1]
            first = ds.threads[0][0] if ds.threads else ()
            towards = dial.destination(last.legs, first)
            self.a.failover_sites.append(
                FailoverSite(
                    span=self._span(attr.start, attr.end),
                    action="bridge",
                    kind=FailoverKind.NEXT_DESTINATION,
                    codes=last.continuing,
                    block=step.block,
                    authenticated=last.gateways,
                    shaping_tests=last.shaped_by,
                    cancel_applies=False,
                    engine=ENGINE,
                    destination=towards,
                )
            )
        if voicemail:
            return prior
        cof, fcv = state.vars.get("continue_on_fail"), state.vars.get("failure_causes")
        if (cof is not None and "$" in cof.text) or (fcv is not None and "$" in fcv.text):
            continuing: frozenset[int] = frozenset()  # set from a variable: unknown, judge nothing
        else:
            continuing = (
                self.table.continuing(cof.text if cof else None, fcv.text if fcv else None)
                if self.table
                else FINAL_CODES
            )
        shaped = tuple(v.span for v in (cof, fcv) if v is not None)
        return prior + [_Bridge(step, target, tuple(legs), continuing, shaped, _gateways(legs))]

    def _hunt(self, step: _Step, ds: dial.DialString, fosr: _Value | None, in_dial: bool) -> None:
        """A failover site for each `|` group after the first."""
        if fosr is not None and "$" in fosr.text:
            codes: frozenset[int] = frozenset()  # set from a variable: unknown, judge nothing
        else:
            codes = self.table.hunt_goes_on(fosr.text if fosr else None) if self.table else FINAL_CODES
        shaped = (fosr.span,) if fosr else ()
        guard = guarded = None
        attr = step.data
        if attr is None:
            return
        for thread, hunts in zip(ds.threads, ds.hunts):
            for (before, group), towards in zip(itertools.pairwise(thread), hunts):
                if towards is Outcome.MEDIA or all(_VOICEMAIL.search(leg.text) for leg in group):
                    continue
                if not (in_dial or guarded):
                    guard, guarded = self._guard(step, fosr), True
                leg = group[0]
                self.a.failover_sites.append(
                    FailoverSite(
                        span=attr.span(leg.start, leg.end, self.base),
                        action="bridge",
                        kind=FailoverKind.NEXT_DESTINATION,
                        codes=codes,
                        block=step.block,
                        authenticated=_gateways(before),
                        shaping_tests=shaped,
                        guard=guard,
                        cancel_applies=False,
                        engine=ENGINE,
                        destination=towards,
                    )
                )

    def _guard(self, step: _Step, fosr: _Value | None) -> GuardFix | None:
        """`set fail_on_single_reject=<causes of every 6xx>` in front of the bridge.

        The causes come from the engine table (600 -> USER_BUSY, 603 -> CALL_REJECTED
        ...), merged with a list already set; a true or negated value is left alone.
        """
        if self.table is None:
            return None
        action = _guard_action(fosr.text if fosr is not None else None, tuple(self.table.causes_of(GLOBAL)))
        if action is None:
            return None
        text, at = self.text, self.base + step.el.start
        low = max(0, at - 256)
        newline_at = text.rfind("\n", low, at)
        line_start = newline_at + 1 if newline_at >= 0 or low == 0 else at
        if newline_at < self.origin:
            self.local = False  # the indentation comes from before the extension
        indent = text[line_start:at]
        newline = "\r\n" if text[max(0, line_start - 2) : line_start] == "\r\n" else "\n"
        if indent.strip():
            indent, newline = " ", ""
        return GuardFix(at, {"6xx": action + newline + indent})

    def _respond(self, step: _Step) -> None:
        attr = step.data
        if attr is None:
            return
        parts = _respond_parts(attr.value)
        if parts is None:
            return
        word, code, phrase, (a, b), (pa, pb) = parts
        self.a.code_sites.append(
            CodeSite(
                attr.span(a, b, self.base),
                word,
                code,
                Role.SENT,
                "respond",
                phrase,
                attr.span(pa, pb, self.base) if phrase else None,
                step.block,
                code in (401, 407),
            )
        )

    def _references(self, attr: xmlscan.Attr) -> None:
        """`transfer [-bleg|-both] <ext> [dialplan] [context]` and execute_extension."""
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(attr.value)]
        if words and words[0][0] in ("-bleg", "-both", "-aleg"):
            words = words[1:]
        if not words or "$" in words[0][0]:
            return
        ext, a, b = words[0]
        self.a.references.append(Reference(attr.span(a, b, self.base), ext, "extension"))
        if len(words) >= 3 and "$" not in words[2][0]:
            ctx, a, b = words[2]
            self.a.references.append(Reference(attr.span(a, b, self.base), ctx, "context"))


def _knobs(ds: dial.DialString, state: _State) -> outcome.Knobs:
    """The variables that shape a bridge's outcome where it runs ({...} in the dial string wins)."""

    def value(name: str, in_dial: bool = False) -> str | None:
        found = ds.var(name) if in_dial else None
        if found is not None:
            return found.value
        held = state.vars.get(name)
        return held.text if held is not None else None

    return outcome.Knobs(
        value("continue_on_fail"),
        value("failure_causes"),
        value("fail_on_single_reject", True),
        value("originate_continue_on_timeout", True),
        value("sip_ignore_remote_cause"),
    )


@lru_cache(maxsize=4096)
def _assignments(text: str, multi: bool) -> tuple[tuple[str, bool, int, int], ...]:
    """(variable, local, value start, value end) of the cause-list and knob variables
    that set/export (`name=value`) or multiset (`a=1 b=2`) data assigns.

    A pure function of the data: dialplans repeat the same assignments.
    """
    pieces = [(m.start(), m.end()) for m in _WORD.finditer(text)] if multi else [(0, len(text))]
    out = []
    for a, b in pieces:
        eq = text.find("=", a, b)
        if eq < 0:
            continue
        name = text[a:eq].strip()
        local = not name.startswith("nolocal:")
        name = name if local else name[len("nolocal:") :]
        if name in CAUSE_VARS or name in KNOB_VARS:
            out.append((name, local, eq + 1, b))
    return tuple(out)


@lru_cache(maxsize=4096)
def _list_tokens(value: str, var: str) -> tuple[tuple[str, int, int], ...]:
    """The cause tokens of a `var` value with their (start, end); booleans are not causes."""
    head = value.strip().split(" ", 1)[0] if var == "transfer_on_fail" else value
    if head.strip().lower() in fc.BOOLEAN_WORDS:
        return ()
    offset = value.find(head) if head else 0
    out = []
    for token, a, _ in fc.tokens(head):
        if var == "fail_on_single_reject" and token.startswith("!"):
            stripped = token[1:].lstrip()
            token, a = stripped, a + len(token) - len(stripped)
        found = _token(token) if token else None
        if found is not None:
            out.append((found[0], offset + a + found[1], offset + a + found[2]))
    return tuple(out)


@lru_cache(maxsize=1024)
def _guard_action(fosr: str | None, global_causes: tuple[str, ...]) -> str | None:
    """The `set fail_on_single_reject=...` action merging `global_causes` into a list
    already set (`fosr`); None when a true or negated value is left alone."""
    names = [] if fosr is None else [t for t, _, _ in fc.tokens(fosr)]
    if fosr is not None and (fc.switch_true(fosr) or fosr.startswith("!")):
        return None
    have = {n.upper() for n in names}
    names += [c for c in global_causes if c not in have]
    return f'<action application="set" data="fail_on_single_reject={",".join(names)}"/>'


@lru_cache(maxsize=1024)
def _respond_parts(data: str) -> tuple[str, int | None, str | None, tuple[int, int], tuple[int, int]] | None:
    """`respond` data as (word, code, phrase, word span, phrase span); None without a literal."""
    m = _RESPOND.match(data)
    if not m or not m.group(1) or m.group(1).startswith("$"):
        return None
    word, rest = m.group(1), m.group(2)
    code = int(word) if word.isdigit() and len(word) == 3 else None
    phrase = rest or None
    if code is not None and 300 <= code < 400 and rest and (":" in rest or "@" in rest):
        phrase = None  # `302 sip:target`: the rest is a contact
    return word, code, phrase, m.span(1), m.span(2)


def _token(text: str) -> tuple[str, int, int] | None:
    """`text` stripped, with its (start, end); None when empty or a $variable."""
    token = text.strip()
    if not token or token.startswith("$"):
        return None
    start = text.find(token)
    return token, start, start + len(token)


@lru_cache(maxsize=4)
def _bridge_variables(engine: Engine) -> frozenset[str]:
    """Variables only a bridge sets on the caller (or on the called leg only): engine facts."""
    names: set[str] = set()
    for fact in ("a_leg_status_variables", "b_leg_only_variables"):
        value = engine.fact(fact, ())
        if isinstance(value, list):
            names.update(str(v) for v in value)
    return frozenset(names)


def _final(step: _Step) -> bool:
    words = step.data.value.split(None, 1) if step.data else []
    return bool(words) and words[0].isdigit() and int(words[0]) >= 300


def _gateways(legs: Sequence[dial.Leg]) -> bool:
    """mod_sofia answers a 401/407 with the gateway's credentials (sofia_reg_handle_sip_r_challenge)."""
    return bool(legs) and all(leg.text.startswith("sofia/gateway/") for leg in legs)
