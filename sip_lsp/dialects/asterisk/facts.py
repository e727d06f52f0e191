"""What each Asterisk application call says about SIP codes: local facts, then dispatch.

Hangup(cause) and Set(PRI_CAUSE=n) are cause sites, PJSIPHangup(code|name),
Busy() and Congestion() sent codes, DIALSTATUS/HANGUPCAUSE comparisons status
tests, Goto/Gosub/Macro targets references. A context's local facts depend on
its text only (`Local`, placed with a shift when the context moves); a
Goto(prefix-${DIALSTATUS},1) dispatch needs the target context (`dispatch`).
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

from sip_lsp.dialects.asterisk.engine import Tables, hangup_cause
from sip_lsp.dialects.asterisk.flow import (
    DISPATCH,
    CallEdge,
    Index,
    Tagged,
    alias_tests,
    call_edges,
    copies,
    find_tests,
    mentions_status,
    status_values,
    target,
)
from sip_lsp.dialects.asterisk.parse import Ext, Parsed, Step, split_top
from sip_lsp.dialects.asterisk.unanswered import Start, entry, straight_run
from sip_lsp.model import FINAL_CODES, Block, CauseSite, CodeSite, Facts, Reference, Role, Span, StatusTest

# Busy() and Congestion() indicate busy/congestion; chan_pjsip answers an
# unanswered INVITE with these (channels/chan_pjsip.c chan_pjsip_indicate).
_INDICATED = {"busy": 486, "congestion": 503}
_GOTO_APPS = ("goto", "gotoif", "gosub", "gosubif")
_CALL_APPS = ("gosub", "gosubif", "macro")
# The applications step_facts reads: any other step matters only when it names a status.
_FACT_APPS = frozenset({"hangup", "set", "pjsiphangup", *_INDICATED})
_PRI_CAUSE = re.compile(r"\s*PRI_CAUSE\s*=\s*(\d+)\s*$")


class Pending(NamedTuple):
    """A Goto(prefix-${...},1) seen locally, judged once the target context is known (`dispatch`)."""

    goto: Step
    spec: str  # its target, `[[context,]exten,]priority`
    span: Span  # the extension field
    word: str  # its text
    dial: Step | None  # the Dial() before it in the extension


class Dispatch(NamedTuple):
    """A Goto(prefix-${DIALSTATUS},1) dispatch site, its spans tagged with their context."""

    span: Tagged
    prefix: str
    missing: tuple[str, ...]  # DIALSTATUS values with no handler
    stray: tuple[tuple[str, Tagged], ...]  # handlers (name, span) whose suffix is no value


class FactSink(Protocol):
    """Where step facts go: a context's `Local`, or the Analysis of an AEL file."""

    @property
    def text(self) -> str: ...  # the text the steps' offsets point into
    @property
    def code_sites(self) -> list[CodeSite]: ...
    @property
    def cause_sites(self) -> list[CauseSite]: ...
    @property
    def status_tests(self) -> list[StatusTest]: ...


class Local:
    """The facts of one parsed text that need nothing outside it, at one base offset."""

    __slots__ = (
        "text",
        "origin",
        "blocks",
        "code_sites",
        "cause_sites",
        "status_tests",
        "references",
        "pending",
        "calls",
        "dials",
        "unanswered",
    )

    def __init__(self, text: str, origin: int) -> None:
        self.text, self.origin = text, origin  # offsets are `origin` + offsets in `text`
        self.blocks: list[Block] = []
        self.code_sites: list[CodeSite] = []
        self.cause_sites: list[CauseSite] = []
        self.status_tests: list[StatusTest] = []
        self.references: list[Reference] = []
        self.pending: list[Pending] = []
        self.calls: list[CallEdge] = []  # of every Gosub/Macro
        self.dials: list[tuple[Ext, int]] = []  # every Dial(), where the flow's walks start
        self.unanswered: list[Start] = []  # SC313: where a straight run jumps still unanswered

    def facts(self) -> Facts:
        """The facts the rules judge, at `origin`: placed with a shift wherever the text moves."""
        return Facts(
            "asterisk",
            blocks=self.blocks,
            code_sites=self.code_sites,
            status_tests=self.status_tests,
            cause_sites=self.cause_sites,
            references=self.references,
        )


def local_facts(parsed: Parsed, text: str, origin: int, t: Tables | None) -> Local:
    """Outline, codes, causes, tests, references and pending dispatches of `parsed` (`text` at `origin`)."""
    out = Local(text, origin)
    out.blocks = _blocks(parsed)
    for context in parsed.contexts.values():
        for name, span in context.includes:
            if span.path is None:
                out.references.append(Reference(span, name, "context"))
        for ext in context.exts.values():
            if t is not None and entry(context.name, ext.name, t):
                run = straight_run(ext, t)
                if run.site is not None:
                    out.cause_sites.append(run.site)
                elif run.start is not None:
                    out.unanswered.append(run.start)
            dial: Step | None = None
            aliases: dict[str, str] = {}  # copies of DIALSTATUS/HANGUPCAUSE so far
            for i, step in enumerate(ext.steps):
                name = step.name
                aliased = alias_tests(step, aliases)
                copies(step, aliases)
                if name == "dial":
                    dial = step
                    out.dials.append((ext, i))
                elif name in _CALL_APPS:
                    out.calls += call_edges(step, ext.name)
                if step.span.path is None:
                    if name in _FACT_APPS or aliased or mentions_status(step.args):
                        step_facts(step, t, out, origin, aliased)
                    if name in _GOTO_APPS or name == "macro":
                        references(step, name, dial, t, out)
    return out


def _blocks(parsed: Parsed) -> list[Block]:
    out: list[Block] = []
    for context in parsed.order:
        children = tuple(
            Block(
                ext.name,
                "extension",
                Span(ext.name_span.start, max(ext.end, ext.name_span.end)),
                ext.name_span,
            )
            for ext in context.exts.values()
            if ext.name_span.path is None
        )
        end = max([context.end, *(c.span.end for c in children)])
        out.append(Block(context.name, "context", Span(context.start, end), context.name_span, children))
    return out


def step_facts(step: Step, t: Tables | None, sink: FactSink, origin: int = 0, aliased: bool = False) -> None:
    """Code, cause and status-test facts of one application call (conf and AEL) into `sink`.

    `sink` has the fact lists and the `text` the step's offsets point into, less `origin`.
    """
    name = step.name
    arg0 = split_top(step.args, ",")[0][1] if name in ("hangup", "pjsiphangup") else ""
    if name == "hangup" and t is not None and arg0.strip() and "${" not in arg0:
        _cause(step, arg0, hangup_cause(t, arg0), "Hangup", t, sink)
    elif name == "set" and t is not None:
        m = _PRI_CAUSE.match(step.args)
        if m:
            cause = t.engine.cause(m.group(1))
            _cause(step, m.group(1), cause.name if cause else None, "PRI_CAUSE", t, sink, offset=m.start(1))
    elif name == "pjsiphangup" and arg0.strip() and "${" not in arg0:
        _pjsip_hangup(step, arg0, t, sink)
    elif name in _INDICATED:
        code = _INDICATED[name]
        span = Span(step.span.start, step.span.start + len(step.app))
        sink.code_sites.append(
            CodeSite(
                span, str(code), code, Role.SENT, function=step.app, block=step.context, code_required=False
            )
        )
    if t is not None and (aliased or mentions_status(step.args)):
        tests(step, t, sink, origin)


def _cause(
    step: Step,
    token: str,
    cause: str | None,
    context: str,
    t: Tables,
    sink: FactSink,
    offset: int | None = None,
) -> None:
    lead = len(token) - len(token.lstrip())
    start = step.args_start + (offset if offset is not None else lead)
    word = token.strip()
    sink.cause_sites.append(
        CauseSite(
            Span(start, start + len(word)),
            "asterisk",
            word,
            cause,
            context,
            t.cause_codes.get(cause or "", frozenset()),
        )
    )


def _pjsip_hangup(step: Step, arg: str, t: Tables | None, sink: FactSink) -> None:
    """PJSIPHangup(486) or PJSIPHangup(BUSY_HERE): res/res_pjsip.c ast_sip_str2rc."""
    word = arg.strip()
    start = step.args_start + len(arg) - len(arg.lstrip())
    if word.isdigit():
        code: int | None = int(word) if len(word) == 3 else None
    else:
        key = word.upper()
        key = key[len("PJSIP_SC_") :] if key.startswith("PJSIP_SC_") else key
        code = t.sip_names.get(key) if t else None
    sink.code_sites.append(
        CodeSite(Span(start, start + len(word)), word, code, Role.SENT, function=step.app, block=step.context)
    )


def tests(step: Step, t: Tables, sink: FactSink, origin: int = 0) -> None:
    """The DIALSTATUS/HANGUPCAUSE comparisons of one step, as status tests and cause sites."""
    for test in find_tests(step):
        value = test.value.upper()
        if test.variable == "DIALSTATUS":
            known = value in t.status_codes
            cause, codes = (value if known else None), t.status_codes.get(value, frozenset())
        else:
            # ${HANGUPCAUSE} is a number (main/pbx_variables.c): a name never equals it.
            found = t.engine.cause(value) if value.isdigit() else None
            # 0 is AST_CAUSE_NOTDEFINED (include/asterisk/causes.h): a real value, no cause set.
            cause = found.name if found else ("NOTDEFINED" if value == "0" else None)
            codes = t.cause_codes.get(cause or "", frozenset())
        admits = codes if test.op != "!=" else FINAL_CODES - codes
        text = (
            sink.text[test.span.start - origin : test.span.end - origin]
            if test.span.path is None
            else test.value
        )
        sink.status_tests.append(StatusTest(test.span, "dialstatus", text, admits, block=step.context))
        sink.cause_sites.append(
            CauseSite(test.value_span, "asterisk", test.value, cause, test.variable, codes)
        )


def references(step: Step, name: str, dial: Step | None, t: Tables | None, out: Local) -> None:
    """The contexts and extensions a Goto/GotoIf/Gosub/GosubIf/Macro names; `${...}` targets pending."""
    parts = split_top(step.args, ",")
    if name == "macro":
        off, macro = parts[0]
        word = macro.strip()
        if word and "${" not in word:
            s = step.args_start + off + len(macro) - len(macro.lstrip())
            out.references.append(Reference(Span(s, s + len(word)), f"macro-{word}", "context"))
        return
    specs = [(0, step.args)]
    if name in ("gotoif", "gosubif"):
        q = split_top(step.args, "?")
        if len(q) < 2:
            return
        rest_at = q[1][0]
        specs = [(rest_at + off, part) for off, part in split_top(step.args[rest_at:], ":")]
    for base, spec in specs:
        fields = split_top(spec, ",")
        if len(fields) < 2:
            continue
        kinds = ("extension",) if len(fields) == 2 else ("context", "extension")
        for (off, raw), kind in zip(fields[: len(kinds)], kinds):
            word = raw.strip()
            s = step.args_start + base + off + len(raw) - len(raw.lstrip())
            span = Span(s, s + len(word))
            if word and "${" not in word:
                out.references.append(Reference(span, word, kind))
            elif kind == "extension" and t is not None:
                out.pending.append(Pending(step, spec, span, word, dial))


def _jumped_to(index: Index, names: set[str]) -> set[str]:
    """Those of `names` an explicit Goto/GotoIf/Gosub names as its extension: reachable, not stray.

    Reads every context (through the index, so the result is redone when one changes); runs
    only when a dispatch has a handler whose suffix is no DIALSTATUS value.
    """
    found: set[str] = set()
    for ctx_name in list(index.contexts):
        ctx = index.context(ctx_name)
        for ext in ctx.exts.values() if ctx is not None else ():
            for step in ext.steps:
                if step.name not in _GOTO_APPS or not any(n in step.args for n in names):
                    continue
                specs = [step.args]
                if step.name in ("gotoif", "gosubif"):
                    parts = split_top(step.args, "?")
                    specs = [p for _, p in split_top(step.args[parts[1][0] :], ":")] if len(parts) > 1 else []
                for spec in specs:
                    dest = target(step, spec)
                    if dest is not None and dest[1] in names:
                        found.add(dest[1])
    return found


def dispatch(pending: Pending, t: Tables, index: Index) -> Dispatch | None:
    """Goto(prefix-${DIALSTATUS},1): which values have no handler, which handlers no value."""
    m = DISPATCH.match(pending.word)
    dest = target(pending.goto, pending.spec)
    if not m or m.group(2) != "DIALSTATUS" or dest is None or "${" in dest[0]:
        return None
    prefix = m.group(1).strip()
    missing = tuple(v for v in status_values(t, pending.dial) if index.find_ext(dest[0], prefix + v) is None)
    in_h = pending.goto.exten == "h"  # the h extension runs after any call: DIALSTATUS may be empty
    candidates = [
        (ext.name, Tagged(ctx_name, ext.name_span))
        for ctx_name, ext in index.all_exts(dest[0])
        if prefix
        and ext.name.startswith(prefix)
        and not ext.name.startswith("_")
        and ext.name[len(prefix) :] not in t.status_codes
        and not (in_h and ext.name == prefix)
    ]
    jumped = _jumped_to(index, {name for name, _ in candidates}) if candidates else set()
    stray = tuple(c for c in candidates if c[0] not in jumped)
    return Dispatch(Tagged(pending.goto.context, pending.span), prefix, missing, stray)
