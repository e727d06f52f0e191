"""Kamailio / OpenSIPS routing scripts: text -> `Analysis` (facts only).

Pipeline: blank m4/template machinery (preprocessor) -> cut at block headers
(parser.split) -> parse each chunk, cached by its text in the document's
BlockCache (ctx.cache), so an edit re-parses only the chunk it touches ->
follow include_file/import_file inside the workspace -> per-block facts
(facts) -> status-set flow through failure handlers (flow).

The result is a model.PartedAnalysis: each chunk's facts are placed with how
far the chunk moved since they were collected, so an edit copies no fact of
the chunks it only moves, and the rules' findings for them stay cached.
"""

from __future__ import annotations

from sip_lsp.dialects import DialectContext, note_text
from sip_lsp.dialects.common import kemi_scripts, suppressions
from sip_lsp.dialects.common.block_cache import Slot
from sip_lsp.dialects.common.includes import Includes
from sip_lsp.dialects.ser import arming, flow, flow_cache, includer, preprocessor
from sip_lsp.dialects.ser.facts import ChunkFacts, Sink, collect_route, collect_toplevel
from sip_lsp.dialects.ser.parser import Parsed, parse_chunk, split
from sip_lsp.dialects.ser.syntax import Lit, Route
from sip_lsp.model import Analysis, Block, Facts, Knob, Note, PartedAnalysis, Span
from sip_lsp.text import read_text

_BLOCKS = "ser"  # this dialect's table in the document's BlockCache
# Slot keys of a chunk's parse and suppression comments; facts are keyed by the chunk's path.
_PARSED, _SUPPRESSIONS = "parsed", "suppressions"
_BRANCH_FAILURE_EVENT = "tm:branch-failure"


def analyze(text: str, ctx: DialectContext) -> Analysis:
    """Facts of a Kamailio/OpenSIPS script; `ctx` is a dialects.DialectContext."""
    flavor = ctx.flavor or "kamailio"
    analysis = PartedAnalysis(dialect=flavor, text=text, path=ctx.path, comment="#")
    _Builder(analysis, ctx, flavor).build()
    return analysis


def _parsed(slot: Slot, chunk: str) -> Parsed:
    p = slot.get(_PARSED)
    if p is None:
        try:
            p = parse_chunk(chunk)
        except RecursionError:  # absurd nesting: give up on this chunk only
            p = Parsed()
        slot[_PARSED] = p
    return p


class _Builder:
    def __init__(self, analysis: PartedAnalysis, ctx: DialectContext, flavor: str) -> None:
        self.an, self.ctx, self.flavor = analysis, ctx, flavor
        # (chunk's facts, shift since collected, base, path, chunk text, its cache slot)
        self.chunks: list[tuple[ChunkFacts, int, int, str | None, str, Slot]] = []
        # Noted as each chunk is read, so the flow step makes no more passes over every chunk
        # (a keystroke on a 100k-line OpenSIPS script: ~93 -> ~67 ms). The t_on_failure sites by
        # the handler they arm (span as collected, its chunk's shift):
        self.armed: dict[tuple[str, str], list[tuple[Span, int]]] = {}
        self.handlers: list[int] = []  # the chunks (by index) that hold failure handlers
        self.named = flow.NamedRoutes()
        self.entries: list[int] = []  # the chunks that hold entries to walk for SC312
        self.handled: set[tuple[str, str]] = set()  # (kind, name) of every failure handler walked
        self.include = Includes(ctx, analysis)
        self.unread = False  # an include was not read: its routes are unknown
        # Chunks from here on come from the includer read as context (includer.py): they arm,
        # define and are called, but their own facts belong to that file's analysis.
        self.context_from: int | None = None
        self.context_paths: set[str] = set()

    def build(self) -> None:
        self.collect()
        self.run_flow()

    def collect(self) -> None:
        """Parse the document and what it includes into chunks with their local facts."""
        docs: list[tuple[str | None, str]] = [(None, self.an.text)]
        blocks = self.ctx.cache.blocks(_BLOCKS)
        i = 0
        while i < len(docs) or self.adopt_includer(docs):
            path, text = docs[i]
            i += 1
            masked = preprocessor.mask(text, path or self.ctx.path)
            starts = split(masked)
            for k, s in enumerate(starts):
                e = starts[k + 1] if k + 1 < len(starts) else len(masked)
                chunk = masked[s:e]
                slot = blocks.slot(chunk)
                p = _parsed(slot, chunk)
                self.chunk(slot, p, s, path, chunk)
                for inc in p.includes:
                    target = self.include(inc.path, Span(s + inc.start, s + inc.end, path))
                    if target is not None:
                        docs.append(target)
                        if self.context_from is not None:
                            self.context_paths.add(target[0])
                    elif self.context_from is None:
                        self.unread = True

    def adopt_includer(self, docs: list[tuple[str | None, str]]) -> bool:
        """Once the document and its includes are read: add the script that includes it, as context."""
        ctx = self.ctx
        if self.context_from is not None or ctx.path is None:
            return False
        self.context_from = len(self.chunks)
        found = includer.top_includer(ctx.path, self.an.text, ctx.root, ctx.read or read_text)
        if found is None or not self.include.adopt(found[0]):
            return False
        docs.append(found)
        self.context_paths.add(found[0])
        return True

    def chunk(self, slot: Slot, p: Parsed, base: int, path: str | None, text: str) -> None:
        facts = _chunk_facts(slot, p, base, path, text)
        k, d = len(self.chunks), base - facts.base
        self.chunks.append((facts, d, base, path, text, slot))
        for key, span in facts.arming:
            sites = self.armed.get(key)
            if sites is None:
                self.armed[key] = [(span, d)]
            else:
                sites.append((span, d))
        if facts.handlers:
            self.handlers.append(k)
        if facts.named:
            self.named.add(facts.named, base, path, text)
        if facts.entries:
            self.entries.append(k)
        if path is None:
            found = _suppressions(slot, p, text)
            if found:
                moved = [(base + offset, whole_file, ids) for offset, whole_file, ids in found]
                suppressions.record(self.an.suppressions, moved, self.ctx.lines_of(self.an.text))
            if p.calls and (self.ctx.path or self.ctx.root):
                self.kemi_scripts(p, base)

    def kemi_scripts(self, p: Parsed, base: int) -> None:
        """A note on `modparam("app_lua", "load", "x.lua")` when x.lua is not in the workspace."""
        for call in p.calls:
            if call.name != "modparam" or len(call.args) < 3:
                continue
            module, param, value = call.args[:3]
            if not (isinstance(module, Lit) and isinstance(param, Lit) and isinstance(value, Lit)):
                continue
            if value.kind != "str" or not kemi_scripts.names_script(module.value, param.value):
                continue
            if kemi_scripts.find(value.value, self.ctx.path, self.ctx.root) is None:
                message = note_text(self.ctx, "note_kemi_script_missing", name=value.value)
                self.an.notes.append(Note(Span(base + value.inner_start, base + value.inner_end), message))

    def run_flow(self) -> None:
        """Walk the failure handlers, then place every chunk's facts completed by the walks."""
        armed = self.armed
        far: flow_cache.Possible = {}  # test sets of walks that followed route(X), by document offset
        walks: list[tuple[flow_cache.Walk, ...]] = [()] * len(self.chunks)  # per chunk, its handlers' walks
        placed: list[tuple[Facts, int]] = []
        for k in self.handlers:
            facts, _, base, path, text, slot = self.chunks[k]
            context = self.context_from is not None and k >= self.context_from
            for kind, name, r in facts.handlers:
                key = (kind, name)
                self.handled.add(key)
                try:
                    walk, d = flow_cache.analyze(
                        slot,
                        (r, base, path, text),
                        name,
                        self.routes,
                        self.flavor,
                        tuple(armed.get(key, ())),
                        far,
                    )
                except RecursionError:
                    continue
                walks[k] += (walk,)
                if (walk.facts.failover_sites or walk.facts.outcome_tables) and (
                    not context or _touches_document(walk.facts)
                ):
                    placed.append((walk.facts, d))
        parts = self.an.parts
        own = self.chunks[: self.context_from] if self.context_from is not None else self.chunks
        # Per chunk on every keystroke: no closure made, no starred unpacking (~0.4 us each).
        for (facts, d, _, _, _, _), mine in zip(own, walks):
            extra = tuple(far.get((t.span.start + d, t.span.path)) for t, _ in facts.tests) if far else None
            by = (mine, extra)
            done = facts.kept(self.flavor, by)
            if done is None:
                done = facts.facts(self.flavor, by, _test_sets(facts, mine, extra))
            parts.append((done, d))
        parts += placed
        lost = [k for k in self.lost_handlers() if k.span.path not in self.context_paths]
        if lost:
            parts.append((Facts(self.flavor, knobs=lost), 0))

    def lost_handlers(self) -> list[Knob]:
        """t_on_failure() sites replaced before the relay, or naming no failure route (SC312)."""
        found = arming.Lost()
        for k in self.entries:
            facts, _, base, path, _, slot = self.chunks[k]
            for r in facts.entries:
                where = (r, base, path)
                key = ("arming", r.start)
                kept = slot.get(key)
                if kept is not None:
                    arming.add_kept(kept, where, found)
                    continue
                try:
                    kept = arming.walk_entry(where, self.routes, found)
                except RecursionError:
                    continue
                if kept is not None:
                    slot[key] = kept
        knobs = [
            Knob(span, "lost_failure_route", f"{name} {other}") for span, name, other in found.sites.values()
        ]
        for (kind, name), sites in self.armed.items():
            # "0" is index 0, the main route's: t_on_failure("0") is the old idiom that disarms
            if (
                kind == "failure_route"
                and (kind, name) not in self.handled
                and name != "0"
                and not self.unread
            ):
                knobs += [
                    Knob(span.shift(d) if d else span, "missing_failure_route", name) for span, d in sites
                ]
        return knobs

    def routes(self) -> flow.NamedRoutes:
        """Named routes by name, for the walks that follow route(X)."""
        return self.named


def _touches_document(facts: Facts) -> bool:
    """Whether a walk of a failure route of the includer reaches the document (a span without a path)."""
    return any(s.span.path is None for s in facts.failover_sites) or any(
        r.span is not None and r.span.path is None for t in facts.outcome_tables for r in t.rows
    )


def _chunk_facts(slot: Slot, p: Parsed, base: int, path: str | None, text: str) -> ChunkFacts:
    """Local facts of a chunk, cached by its text: an edit elsewhere only shifts them."""
    cached: ChunkFacts | None = slot.get(path)
    if cached is not None:
        return cached
    sink = Sink(base, path, text)
    blocks, routes, entries = [], [], []
    for r in p.routes:
        kind, name, ns, ne = _identity(r)
        routes.append((kind, name, r))
        if arming.is_entry(kind, r) and arming.may_lose(r, text):
            entries.append(r)
        blocks.append(
            Block(name, kind, Span(base + r.start, base + r.end, path), Span(base + ns, base + ne, path))
        )
        try:
            collect_route(r, sink)
        except RecursionError:
            continue
    for c in p.calls:
        collect_toplevel(c, sink)
    facts = slot[path] = ChunkFacts(base, blocks, routes, sink, tuple(entries))
    return facts


def _suppressions(slot: Slot, p: Parsed, text: str) -> tuple[suppressions.Directive, ...]:
    """The chunk's `sip-lsp: disable` comments, at offsets in the chunk."""
    found = slot.get(_SUPPRESSIONS)
    if found is None:
        found = slot[_SUPPRESSIONS] = tuple(
            d for s, e in p.comments for d in suppressions.directives(text, s, e)
        )
    return found


def _test_sets(
    facts: ChunkFacts, walks: tuple[flow_cache.Walk, ...], extra: tuple[frozenset[int] | None, ...] | None
) -> tuple[frozenset[int] | None, ...]:
    """For each test of the chunk, the codes the walks found can reach it (None: no walk reached it)."""
    out = []
    for i, (test, _) in enumerate(facts.tests):
        codes = extra[i] if extra else None
        offset = test.span.start - facts.base
        for walk in walks:
            found = walk.possible.get(offset)
            if found is not None:
                codes = found if codes is None else codes | found
        out.append(codes)
    return tuple(out)


def _identity(r: Route) -> tuple[str, str, int, int]:
    """(kind, name, name start, name end); event_route[tm:branch-failure:X] is branch failure X."""
    kind, name, ns, ne = r.kind, r.name, r.name_start, r.name_end
    if kind == "event_route" and name.startswith(_BRANCH_FAILURE_EVENT):
        rest = name[len(_BRANCH_FAILURE_EVENT) :]
        if rest.startswith(":"):
            ns = ne - len(rest) + 1
            name = rest[1:]
        kind = "branch_failure_route"
    return kind, name, ns, ne
