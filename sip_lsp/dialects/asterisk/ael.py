"""AEL (extensions.ael): a tolerant scan, not a parser.

Finds contexts for the outline, the same code and cause sites as
extensions.conf (Hangup, PJSIPHangup, Busy, Congestion), DIALSTATUS tests in
`if (...)` and the `case VALUE:` labels of `switch (${DIALSTATUS})`. Each Dial() gets its
outcome table: the text is compiled to priorities (ael_steps) and walked by the
same flow as extensions.conf, which also gives the failover sites (SC301-SC304),
the SC313 Hangup() sites and the DIALSTATUS dispatch sites (SC310) at the AEL spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from sip_lsp.dialects.asterisk import facts, unanswered
from sip_lsp.dialects.asterisk.ael_steps import Compiler
from sip_lsp.dialects.asterisk.engine import Tables
from sip_lsp.dialects.asterisk.flow import (
    Flow,
    Index,
    alias_tests,
    call_edges,
    copies,
    failover_sites,
    find_tests,
)
from sip_lsp.dialects.asterisk.outcomes import Event, table
from sip_lsp.dialects.asterisk.parse import Ext, Step
from sip_lsp.dialects.asterisk.unanswered import entry
from sip_lsp.model import Analysis, Block, CauseSite, CodeSite, DispatchSite, Span, StatusTest

_GOTO_APPS = frozenset({"goto", "gotoif", "gosub", "gosubif"})

_COMMENT = re.compile(r"//[^\n]*|/\*.*?(\*/|\Z)", re.S)
_CONTEXT = re.compile(r"^[ \t]*(?:abstract\s+|extend\s+)*(context|macro)\s+([\w-]+)", re.M)
_APP = re.compile(r"\b(Hangup|PJSIPHangup|Busy|Congestion|Dial|Set)\s*\(", re.I)
_SWITCH = re.compile(r"switch\s*\(\s*\$\{(DIALSTATUS|HANGUPCAUSE)\}\s*\)\s*\{", re.I)
_CASE = re.compile(r"\bcase\s+([A-Za-z0-9_]+)\s*:")
_IF = re.compile(r"\bif\s*\(")
_NOT_NEWLINE = re.compile(r"[^\n]")


def analyze(text: str, analysis: Analysis, t: Tables | None) -> None:
    """Blocks, code and cause sites and status tests of an extensions.ael into `analysis`."""
    clean = _COMMENT.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text)
    contexts = list(_CONTEXT.finditer(clean))
    for n, m in enumerate(contexts):
        end = contexts[n + 1].start() if n + 1 < len(contexts) else len(text)
        name = m.group(2) if m.group(1) == "context" else f"macro-{m.group(2)}"
        analysis.blocks.append(Block(name, "context", Span(m.start(1), end), Span(m.start(2), m.end(2))))
    starts = [m.start() for m in contexts]
    for m in _APP.finditer(clean):
        close = _closing(clean, m.end())
        context = _context_at(contexts, starts, m.start())
        step = Step(
            context,
            "",
            0,
            None,
            m.group(1),
            m.group(1).lower(),
            text[m.end() : close],
            m.end(),
            Span(m.start(), min(close + 1, len(text))),
        )
        if step.name != "dial":
            facts.step_facts(step, t, analysis)
    for m in _IF.finditer(clean):
        close = _closing(clean, m.end())
        step = Step(
            _context_at(contexts, starts, m.start()),
            "",
            0,
            None,
            "if",
            "if",
            text[m.end() : close],
            m.end(),
            Span(m.start(), close),
        )
        if t is not None:
            facts.tests(step, t, analysis)
    if t is not None:
        for m in _SWITCH.finditer(clean):
            _switch(clean, m, t, analysis)
        _compiled_facts(text, clean, t, analysis)


def _compiled_facts(text: str, clean: str, t: Tables, analysis: Analysis) -> None:
    """What extensions.conf gets from its priorities, from the AEL compiled to them (ael_steps).

    An outcome table and a failover site per Dial() (the flow's walks), the SC313
    Hangup() sites on unanswered paths (unanswered: straight runs, then the jumps),
    and the `goto prefix-${DIALSTATUS}|1` dispatch sites (SC310). Steps keep the AEL
    offsets, so every span points into the AEL text.
    """
    compiled = _compile(text, clean)
    if compiled is None:
        return
    dials, index = compiled
    _copies(t, index, analysis)  # before the walks: they narrow at the tests of a copy too
    flow = Flow(t, index)
    records = flow.walks(dials)
    found: dict[Step, list[Event]] = {ext.steps[i]: [] for ext, i in dials}
    for event in flow.events:
        found.setdefault(event.origin, []).append(event)
    for dial, events in found.items():
        analysis.outcome_tables.append(table(t, dial, events, _in_place))
    analysis.failover_sites.extend(failover_sites(records, _in_place))
    _declines(t, index, flow, analysis)
    _dispatches(text, t, index, analysis)


def _copies(t: Tables, index: Index, analysis: Analysis) -> None:
    """Tests of a copy of DIALSTATUS (`SV=${DIALSTATUS};` then `if ("${SV}" = "BUSY")`) as status tests.

    The scan above finds the direct tests; these only the compiled steps show.
    """
    for ctx in index.contexts.values():
        for ext in ctx.exts.values():
            aliases: dict[str, str] = {}
            for step in ext.steps:
                direct = find_tests(step) if aliases else ()
                if alias_tests(step, aliases):
                    sink = _Sink(analysis.text)
                    facts.tests(step, t, sink)
                    known = {x.span for x in direct}
                    keep = [i for i, x in enumerate(find_tests(step)) if x.span not in known]
                    analysis.status_tests.extend(sink.status_tests[i] for i in keep)
                    analysis.cause_sites.extend(sink.cause_sites[i] for i in keep)
                copies(step, aliases)


class _Sink:
    """Where facts.tests puts one step's facts before the new ones are kept."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.code_sites: list[CodeSite] = []
        self.cause_sites: list[CauseSite] = []
        self.status_tests: list[StatusTest] = []


def _declines(t: Tables, index: Index, flow: Flow, analysis: Analysis) -> None:
    """SC313: each entry extension's straight run, then the jumps where a run stops unanswered."""
    starts: list[unanswered.Start] = []
    for ctx in index.contexts.values():
        for ext in ctx.exts.values():
            if not entry(ctx.name, ext.name, t):  # a macro's `~~s~~` is none: its caller may have answered
                continue
            run = unanswered.straight_run(ext, t)
            if run.site is not None:
                analysis.cause_sites.append(run.site)
            elif run.start is not None:
                starts.append(run.start)
    if starts:
        analysis.cause_sites.extend(site for _, site in unanswered.walk(starts, index, t, flow.causes))


def _dispatches(text: str, t: Tables, index: Index, analysis: Analysis) -> None:
    """`goto s-${DIALSTATUS}|1` (or `Goto(...)`) dispatch sites, as extensions.conf's `dispatch`.

    A target the compiler rewrote (`jump x@ctx`, a macro call) has no span in the text: skipped.
    """
    local = facts.Local(text, 0)
    for ctx in index.contexts.values():
        for ext in ctx.exts.values():
            dial: Step | None = None
            for step in ext.steps:
                if step.name == "dial":
                    dial = step
                elif step.name in _GOTO_APPS and "${" in step.args:
                    facts.references(step, step.name, dial, t, local)
    for pending in local.pending:
        if text[pending.span.start : pending.span.end] != pending.word:
            continue
        site = facts.dispatch(pending, t, index)
        if site is not None:
            span, prefix, missing, stray = site
            analysis.dispatch_sites.append(
                DispatchSite(span.span, prefix, "DIALSTATUS", missing, tuple([(n, s.span) for n, s in stray]))
            )


def compiled_dials(text: str) -> tuple[list[tuple[Ext, int]], Index] | None:
    """Every Dial() of an extensions.ael compiled to priorities, and the index its walks read (simulate)."""
    compiled = _compile(text, _COMMENT.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text))
    return compiled if compiled is not None and compiled[0] else None


def _compile(text: str, clean: str) -> tuple[list[tuple[Ext, int]], Index] | None:
    """(each Dial's extension and index, the contexts and Gosub callers); None when it cannot compile."""
    try:
        contexts = Compiler(text, clean).compile()
    except RecursionError:  # absurd nesting: no tables rather than a crash
        return None
    dials: list[tuple[Ext, int]] = []
    callers: dict[tuple[str, str], list[tuple[Step, str]]] = {}
    for ctx in contexts.values():
        for ext in ctx.exts.values():
            for i, step in enumerate(ext.steps):
                if step.name == "dial":
                    dials.append((ext, i))
                elif step.name in ("gosub", "gosubif", "macro"):
                    for key, call in call_edges(step, ext.name):
                        callers.setdefault(key, []).append(call)
    return dials, Index(contexts, callers)


def _in_place(tagged: tuple[str, Span]) -> Span:
    return tagged[1]  # one text, nothing moves


def _closing(text: str, start: int) -> int:
    """Offset of the `)` closing the parenthesis opened before `start` (or the line end)."""
    depth = 1
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n" or ch == ";":
            return i
    return len(text)


def _context_at(contexts: list[re.Match[str]], starts: list[int], offset: int) -> str:
    i = bisect_right(starts, offset) - 1
    return contexts[i].group(2) if i >= 0 else ""


def _switch(clean: str, m: re.Match[str], t: Tables, analysis: Analysis) -> None:
    depth, i = 1, m.end()
    while i < len(clean) and depth:
        depth += {"{": 1, "}": -1}.get(clean[i], 0)
        i += 1
    variable = m.group(1).upper()
    for case in _CASE.finditer(clean, m.end(), i):
        value = case.group(1)
        span = Span(case.start(1), case.end(1))
        if variable == "DIALSTATUS":
            cause = value.upper() if value.upper() in t.status_codes else None
            codes = t.status_codes.get(value.upper(), frozenset())
        else:
            found = t.engine.cause(value)
            cause = found.name if found else None
            codes = t.cause_codes.get(cause or "", frozenset())
        analysis.status_tests.append(
            StatusTest(Span(case.start(), case.end()), "dialstatus", f"${{{variable}}} = {value}", codes)
        )
        analysis.cause_sites.append(CauseSite(span, "asterisk", value, cause, variable, codes))
