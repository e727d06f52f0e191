"""Kamailio KEMI scripts (Python, Lua, JavaScript calling `KSR.`): text -> `Analysis` (facts only).

Pipeline: the language's front end (python.py: `ast`; lua.py, javascript.py:
tree-sitter) makes one tree (ir.py), piece by piece (pieces.py: a top-level function
each, kept in the document's BlockCache) -> local facts per function (facts.py) ->
status-set walks through the functions armed with `KSR.tm.t_on_failure("name")`,
in the script or a module it loads (flow.py: failover sites and one outcome table
per handler, kind `kemi_failure`) -> one Analysis with the same facts as the native
dialect, plus the KSR results used as truth values (`truth_uses`) for SC315. Facts
and walks are kept per piece while nothing they read moved (cached.py); simulate.py
walks one status. What the KSR functions are and do comes from the catalogue
(catalog/engines/kemi.yaml, ksr.py).
"""

from __future__ import annotations

import contextlib
import os

from sip_lsp.catalog import Catalog
from sip_lsp.dialects import DialectContext, note_text
from sip_lsp.dialects.common import suppressions
from sip_lsp.dialects.kemi import cached, facts, flow, ir, modules, pieces
from sip_lsp.dialects.kemi.ksr import ksr_for
from sip_lsp.dialects.kemi.values import Leaf, Script
from sip_lsp.model import (
    ALL_CODES,
    Analysis,
    Block,
    GuardFix,
    Knob,
    Note,
    OutcomeTable,
    Span,
    StatusTest,
    TruthUse,
)

LANGUAGES = {".py": "python", ".lua": "lua", ".js": "javascript", ".mjs": "javascript"}
COMMENTS = {"python": "#", "lua": "--", "javascript": "//"}
# Entry points Kamailio calls by their default names (app_* modules' kemi handlers).
_ENTRIES = {"ksr_request_route": "request_route", "ksr_reply_route": "reply_route"}
# The KSR.tm function that arms a handler of each kind, for the note on a name that finds none.
_ARMED_WITH = {
    "failure_route": "t_on_failure",
    "branch_failure_route": "t_on_branch_failure",
    "onreply_route": "t_on_reply",
    "branch_route": "t_on_branch",
}
# The knob SC312 reads for a failure handler name no function has (rules/outcomes.py).
MISSING_FUNCTION = "missing_failure_function"
# Codes worth naming when an always-true test lets every code reach a failover.
_NOTABLE = frozenset({*range(600, 700), 486, 487})


def language_of(path: str | None, text: str) -> str:
    """python | lua | javascript, from the extension, else from the text's look."""
    ext = os.path.splitext(path or "")[1].lower()
    if ext in LANGUAGES:
        return LANGUAGES[ext]
    head = text[:4000]
    if "def " in head or "import KSR" in head:
        return "python"
    if "function " in head and (" end" in head or "\nend" in head) and "{" not in head:
        return "lua"
    return "javascript" if "function" in head or "{" in head else "python"


def analyze(text: str, ctx: DialectContext) -> Analysis:
    """Facts of a KEMI script. Never raises on bad input."""
    language = language_of(ctx.path, text)
    analysis = Analysis(dialect="kemi", text=text, path=ctx.path, comment=COMMENTS[language])
    try:
        blocks = ctx.cache.blocks(pieces.TABLE)
        module = pieces.parse(language, text, blocks, parse) or parse(language, text)
    except (RecursionError, MemoryError, ValueError):
        return analysis
    _suppressions(analysis, module, ctx)
    catalog = ctx.catalog if isinstance(ctx.catalog, Catalog) else None
    script = Script(module, ksr_for(catalog), text)
    loaded = modules.Modules(ctx, analysis, module, parse)
    with contextlib.suppress(RecursionError):  # absurd nesting: what was gathered stays
        _Builder(analysis, script, ctx, loaded).build()
    return analysis


def parse(language: str, text: str) -> ir.Module:
    """The one tree of a script in `language`; the parser is imported on first use."""
    if language == "python":
        from sip_lsp.dialects.kemi import python

        return python.parse_module(text)
    if language == "lua":
        from sip_lsp.dialects.kemi import lua

        return lua.parse_module(text)
    from sip_lsp.dialects.kemi import javascript

    return javascript.parse_module(text)


def _suppressions(analysis: Analysis, module: ir.Module, ctx: DialectContext) -> None:
    """`sip-lsp: disable=` in the comments the language's own parser found (`#`, `--`, `//`, blocks)."""
    text = analysis.text
    found = [d for start, end, _ in module.comments for d in suppressions.directives(text, start, end)]
    if found:
        suppressions.record(analysis.suppressions, found, ctx.lines_of(text))


class _Builder:
    def __init__(
        self, analysis: Analysis, script: Script, ctx: DialectContext, loaded: modules.Modules
    ) -> None:
        self.an, self.script, self.ctx, self.loaded = analysis, script, ctx, loaded

    def build(self) -> None:
        an, script = self.an, self.script
        module = script.module
        walks: cached.Walks | None = None
        if module.pieces:  # parsed in pieces: what each piece gathered is kept with it
            found, found_keys = cached.collect(script, module)
            walks = cached.Walks(module, found_keys)
        else:
            found = facts.collect(script, module.funcs)
        an.code_sites, an.references, an.knobs = found.code_sites, found.references, found.knobs
        an.blocks = self.blocks(found)
        result = flow.Result()
        for (kind, name), spans in found.arming.items():
            handlers = script.handlers(name)
            if not handlers:
                defined = self.loaded.defined(name)  # a module the script loads may define it
                if defined is None:
                    self.missing(kind, name, spans)
                elif kind == "failure_route":
                    self.walk_module(defined, tuple(spans), result)
                continue
            if kind != "failure_route":
                continue
            for handler in handlers:
                if walks is not None:
                    walks.walk(script, handler, tuple(spans), self.guard, result)
                else:
                    flow.walk_handler(script, handler, tuple(spans), self.guard(handler), result)
        an.failover_sites = sorted(result.sites.values(), key=lambda s: (s.span.start, s.block or ""))
        an.outcome_tables = result.tables
        an.status_tests = [self.test(leaf, block, result) for leaf, block in found.tests]
        an.truth_uses = [self.truth(t, result) for t in found.truths]

    def guard(self, handler: ir.Func) -> GuardFix | None:
        return flow.guard_for(handler, self.script.language, self.script.text)

    def walk_module(
        self, defined: tuple[str, ir.Module, str, ir.Func], armed_by: tuple[Span, ...], result: flow.Result
    ) -> None:
        """Walk a failure handler a loaded module defines: its sites and table name the module's file."""
        path, module, text, handler = defined
        script = self.loaded.script(path, lambda: Script(module, self.script.ksr, text))
        guard = flow.guard_for(handler, module.language, text, path)
        flow.walk_handler(script, handler, armed_by, guard, result, path=path)

    def blocks(self, found: facts.Collected) -> list[Block]:
        kinds: dict[str, str] = {}
        for kind, name in found.arming:
            kinds.setdefault(name, kind)
        out = []
        for f in self.script.module.funcs:
            kind = kinds.get(f.name) or _ENTRIES.get(f.name, "function")
            out.append(Block(f.name, kind, Span(f.start, f.end), Span(f.name_start, f.name_end)))
        return out

    def missing(self, kind: str, name: str, spans: list[Span]) -> None:
        """A handler name no function has: SC312 for a failure handler, a note for the others."""
        if kind == "failure_route":
            self.an.knobs += [Knob(span, MISSING_FUNCTION, name) for span in spans]
            return
        function = f"KSR.tm.{_ARMED_WITH.get(kind, 't_on_branch')}"
        message = note_text(self.ctx, "note_kemi_handler_missing", function=function, name=name)
        self.an.notes += [Note(span, message) for span in spans]

    def test(self, leaf: Leaf, block: str | None, result: flow.Result) -> StatusTest:
        possible = result.possible.get(leaf.start)
        in_failure = possible is not None
        if possible is None and leaf.kind == "compare" and not leaf.when_true:
            possible = ALL_CODES  # a number compared with a string: false wherever it stands
        read = leaf.read
        reads = read is not None and read.request and in_failure
        variable = Span(*read.variable) if read is not None and reads and read.variable else None
        return StatusTest(
            Span(leaf.start, leaf.end),
            leaf.kind,
            leaf.text,
            leaf.when_true,
            leaf.named,
            possible,
            block,
            in_failure,
            reads,
            variable,
            Span(*leaf.pattern) if leaf.pattern else None,
        )

    def truth(self, t: facts.TruthProto, result: flow.Result) -> TruthUse:
        span = Span(t.node.start, t.node.end)
        action: str | None = None
        action_span: Span | None = None
        codes: frozenset[int] = frozenset()
        if t.value and t.taken:
            lo, hi = t.taken[0].start, t.taken[-1].end
            sites = [s for s in result.sites.values() if lo <= s.span.start < hi and not s.follows_failover]
            if sites:
                site = max(sites, key=lambda s: (len(s.codes & _NOTABLE), -s.span.start))
                action, action_span, codes = site.action, site.span, site.codes
        if action is None and t.value is not None and t.skipped:
            call = _first_call(t.skipped)
            if call is not None:
                action, action_span = call.callee, Span(call.start, call.end)
        return TruthUse(span, t.function, t.value, t.replacement, action, action_span, codes)


def handler_of(text: str, ctx: DialectContext, table: OutcomeTable) -> tuple[ir.Module, ir.Func, str] | None:
    """(tree, function, its file's text) of the failure handler `table` is of, in `text` or its modules."""
    language = language_of(ctx.path, text)
    try:
        module = parse(language, text)
    except (RecursionError, MemoryError, ValueError):
        return None
    path = table.span.path
    if path is not None:
        loaded = modules.Modules(ctx, Analysis(dialect="kemi", text=text, path=ctx.path), module, parse)
        defined = loaded.defined(table.name)
        if defined is None or defined[0] != path:
            return None
        module, text = defined[1], defined[2]
    for func in module.funcs:
        if func.name == table.name and func.start == table.span.start:
            return module, func, text
    return None


def _first_call(stmts: list[ir.Node]) -> ir.Call | None:
    """The first KSR call made as a statement in `stmts`, depth first."""
    for st in stmts:
        if isinstance(st, ir.ExprStmt):
            expr = st.expr
            if isinstance(expr, ir.Call) and (expr.callee or "").startswith("KSR."):
                return expr
            continue
        inner: list[list[ir.Node]] = []
        if isinstance(st, ir.If):
            inner = [st.then, st.orelse or []]
        elif isinstance(st, (ir.Loop, ir.Block)):
            inner = [st.body]
        elif isinstance(st, ir.Branches):
            inner = st.bodies
        for body in inner:
            found = _first_call(body)
            if found is not None:
                return found
    return None
