"""Asterisk dialplans (extensions.conf, AEL): text -> Analysis (facts only).

Reads contexts, extensions and priorities (asterisk_parse), then records what
each application says about SIP codes: Hangup(cause) and Set(PRI_CAUSE=n)
as cause sites, PJSIPHangup(code|name), Busy() and Congestion() as sent codes,
DIALSTATUS/HANGUPCAUSE comparisons as status tests, Goto(prefix-${DIALSTATUS},1)
as dispatch sites, and the Dial() calls reachable after a failed Dial() as
failovers (asterisk_flow). Every table comes from catalog/engines/asterisk.yaml.
"""
from __future__ import annotations

import gc
import os
import re

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import note_text
from sip_lsp.dialects.asterisk_engine import Tables, hangup_cause, tables
from sip_lsp.dialects.asterisk_flow import DISPATCH, Flow, Index, find_tests, is_dial, status_values, target
from sip_lsp.dialects.asterisk_parse import Parsed, Step, parse_file, split_top
from sip_lsp.model import (FINAL_CODES, Analysis, Block, CauseSite, CodeSite, DispatchSite, Note,
                           Reference, Role, Span, StatusTest)
from sip_lsp.text import LineIndex, read_text

_SUPPRESS = re.compile(r"sip-lsp:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9_, ]+)")
# Busy() and Congestion() indicate busy/congestion; chan_pjsip answers an
# unanswered INVITE with these (channels/chan_pjsip.c chan_pjsip_indicate).
_INDICATED = {"busy": 486, "congestion": 503}
_GOTO_APPS = ("goto", "gotoif", "gosub", "gosubif")
_AEL_CONTEXT = re.compile(r"^\s*(context|macro)\s+[\w-]+\s*\{", re.M)
_CONF_STATEMENT = re.compile(r"^\s*(exten|same)\s*=>?", re.M)


def analyze(text: str, ctx) -> Analysis:
    """Extract facts from an extensions.conf or AEL document; never raises."""
    analysis = Analysis(dialect="asterisk", text=text, path=ctx.path, comment=";")
    # Analysis allocates many small acyclic objects; cyclic GC passes over a
    # growing heap would make a 100k-line file superlinear.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if _is_ael(text, ctx.path):
            from sip_lsp.dialects import asterisk_ael

            asterisk_ael.analyze(text, analysis, tables(ctx.catalog))
        else:
            _analyze_conf(text, ctx, analysis)
    finally:
        if collecting:
            gc.enable()
    _suppressions(text, analysis)
    return analysis


def _is_ael(text: str, path: str | None) -> bool:
    """extensions.ael by name, or by content when there is no name (`context x {`, no `exten =>`)."""
    if path:
        return path.lower().endswith(".ael")
    return bool(_AEL_CONTEXT.search(text)) and not _CONF_STATEMENT.search(text)


def _analyze_conf(text: str, ctx, analysis: Analysis) -> None:
    parsed = Parsed()
    parse_file(text, None, parsed, _includer(ctx, analysis))
    t = tables(ctx.catalog)
    index = Index(parsed)
    analysis.blocks = _blocks(parsed)
    for context in parsed.contexts.values():
        for name, span in context.includes:
            if span.path is None:
                analysis.references.append(Reference(span, name, "context"))
        for ext in context.exts.values():
            dial: Step | None = None
            for step in ext.steps:
                if is_dial(step):
                    dial = step
                if step.span.path is None:
                    _facts(step, dial, t, index, analysis)
    if t is not None:
        analysis.failover_sites = Flow(t, index).run()


def _includer(ctx, analysis: Analysis):
    """Reads `#include`d files inside the workspace, once each; a Note for the others."""
    # No document path and no workspace root: nothing is inside, nothing is read (not even the cwd).
    base = os.path.dirname(ctx.path) if ctx.path else (ctx.root or "")
    roots = [os.path.realpath(r) for r in (ctx.root, base) if r]
    seen = set(ctx.seen)  # a copy: analysing the same text twice gives the same facts
    if ctx.path:
        seen.add(os.path.realpath(ctx.path))

    def include(name: str, span: Span) -> tuple[str, str] | None:
        folder = os.path.dirname(span.path) if span.path else base
        try:
            path = os.path.realpath(os.path.join(folder, name))
        except (OSError, ValueError):  # a NUL byte or an unusable name
            return None
        if not any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
            if span.path is None:
                analysis.notes.append(Note(span, note_text(ctx, "note_include_outside", name=name)))
            return None
        if path in seen or len(seen) >= 1000:
            return None
        seen.add(path)
        content = _read(ctx, path)
        if content is None:
            return None
        analysis.included.append(path)
        return path, content

    return include


def _read(ctx, path: str) -> str | None:
    if ctx.read is not None:
        return ctx.read(path)
    return read_text(path)


def _blocks(parsed: Parsed) -> list[Block]:
    out = []
    for context in parsed.order:
        children = tuple(
            Block(ext.name, "extension", Span(ext.name_span.start, max(ext.end, ext.name_span.end)), ext.name_span)
            for ext in context.exts.values() if ext.name_span.path is None)
        end = max([context.end, *(c.span.end for c in children)])
        out.append(Block(context.name, "context", Span(context.start, end), context.name_span, children))
    return out


def _facts(step: Step, dial: Step | None, t: Tables | None, index: Index, analysis: Analysis) -> None:
    step_facts(step, t, analysis)
    name = step.app.lower()
    if name in _GOTO_APPS or name == "macro":
        _references(step, name, dial, t, index, analysis)


def step_facts(step: Step, t: Tables | None, analysis: Analysis) -> None:
    """Code, cause and status-test facts of one application call (conf and AEL)."""
    name = step.app.lower()
    arg0 = split_top(step.args, ",")[0][1] if name in ("hangup", "pjsiphangup") else ""
    if name == "hangup" and t is not None and arg0.strip() and "${" not in arg0:
        _cause(step, arg0, hangup_cause(t, arg0), "Hangup", t, analysis)
    elif name == "set" and t is not None:
        m = re.match(r"\s*PRI_CAUSE\s*=\s*(\d+)\s*$", step.args)
        if m:
            cause = t.engine.cause(m.group(1))
            _cause(step, m.group(1), cause.name if cause else None, "PRI_CAUSE", t, analysis,
                   offset=m.start(1))
    elif name == "pjsiphangup" and arg0.strip() and "${" not in arg0:
        _pjsip_hangup(step, arg0, t, analysis)
    elif name in _INDICATED:
        code = _INDICATED[name]
        span = Span(step.span.start, step.span.start + len(step.app))
        analysis.code_sites.append(CodeSite(span, str(code), code, Role.SENT, function=step.app,
                                            block=step.context, code_required=False))
    if t is not None:
        tests(step, t, analysis)


def _cause(step: Step, token: str, cause: str | None, context: str, t: Tables, analysis: Analysis,
           offset: int | None = None) -> None:
    lead = len(token) - len(token.lstrip())
    start = step.args_start + (offset if offset is not None else lead)
    word = token.strip()
    analysis.cause_sites.append(CauseSite(Span(start, start + len(word)), "asterisk", word, cause, context,
                                          t.cause_codes.get(cause or "", frozenset())))


def _pjsip_hangup(step: Step, arg: str, t: Tables | None, analysis: Analysis) -> None:
    """PJSIPHangup(486) or PJSIPHangup(BUSY_HERE): res/res_pjsip.c ast_sip_str2rc."""
    word = arg.strip()
    start = step.args_start + len(arg) - len(arg.lstrip())
    if word.isdigit():
        code: int | None = int(word) if len(word) == 3 else None
    else:
        key = word.upper()
        key = key[len("PJSIP_SC_"):] if key.startswith("PJSIP_SC_") else key
        code = t.sip_names.get(key) if t else None
    analysis.code_sites.append(CodeSite(Span(start, start + len(word)), word, code, Role.SENT,
                                        function=step.app, block=step.context))


def tests(step: Step, t: Tables, analysis: Analysis) -> None:
    for test in find_tests(step):
        value = test.value.upper()
        if test.variable == "DIALSTATUS":
            known = value in t.status_codes
            cause, codes = (value if known else None), t.status_codes.get(value, frozenset())
        else:
            found = t.engine.cause(value) if value else None
            cause = found.name if found else None
            codes = t.cause_codes.get(cause or "", frozenset())
        admits = codes if test.op != "!=" else FINAL_CODES - codes
        text = analysis.text[test.span.start:test.span.end] if test.span.path is None else test.value
        analysis.status_tests.append(StatusTest(test.span, "dialstatus", text, admits, block=step.context))
        analysis.cause_sites.append(CauseSite(test.value_span, "asterisk", test.value, cause, test.variable, codes))


def _references(step: Step, name: str, dial: Step | None, t: Tables | None, index: Index,
                analysis: Analysis) -> None:
    parts = split_top(step.args, ",")
    if name == "macro":
        off, macro = parts[0]
        word = macro.strip()
        if word and "${" not in word:
            s = step.args_start + off + len(macro) - len(macro.lstrip())
            analysis.references.append(Reference(Span(s, s + len(word)), f"macro-{word}", "context"))
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
        for (off, raw), kind in zip(fields[:len(kinds)], kinds):
            word = raw.strip()
            s = step.args_start + base + off + len(raw) - len(raw.lstrip())
            span = Span(s, s + len(word))
            if word and "${" not in word:
                analysis.references.append(Reference(span, word, kind))
            elif kind == "extension" and t is not None:
                _dispatch(step, spec, span, word, dial, t, index, analysis)


def _dispatch(step: Step, spec: str, span: Span, word: str, dial: Step | None, t: Tables, index: Index,
              analysis: Analysis) -> None:
    """Goto(prefix-${DIALSTATUS},1): which values have no handler, which handlers no value."""
    m = DISPATCH.match(word)
    dest = target(step, spec)
    if not m or m.group(2) != "DIALSTATUS" or dest is None or "${" in dest[0]:
        return
    prefix = m.group(1).strip()
    missing = tuple(v for v in status_values(t, dial) if index.find_ext(dest[0], prefix + v) is None)
    stray = []
    for ext in index.all_exts(dest[0]):
        if ext.name.startswith(prefix) and not ext.name.startswith("_") and prefix:
            if ext.name[len(prefix):] not in t.status_codes:
                stray.append((ext.name, ext.name_span))
    analysis.dispatch_sites.append(DispatchSite(span, prefix, "DIALSTATUS", missing, tuple(stray)))


def _suppressions(text: str, analysis: Analysis) -> None:
    """`; sip-lsp: disable=SC301` (this line and the next) and `disable-file=`; `//` in AEL."""
    if "sip-lsp" not in text:
        return
    lines = LineIndex(text)
    for m in _SUPPRESS.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start:m.start()]
        if ";" not in before and "//" not in before:
            continue
        ids = frozenset(i.strip().upper() for i in m.group(2).split(",") if i.strip())
        if m.group(1) == "disable-file":
            analysis.suppressions.file |= ids
            continue
        line = lines.position(m.start())[0]
        for n in (line, line + 1):
            analysis.suppressions.lines[n] = analysis.suppressions.lines.get(n, frozenset()) | ids

