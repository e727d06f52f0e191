"""Asterisk dialplans (extensions.conf, AEL): text -> Analysis (facts only).

Reads contexts, extensions and priorities (parse), then records what
each application says about SIP codes (facts): Hangup(cause) and
Set(PRI_CAUSE=n) as cause sites, PJSIPHangup(code|name), Busy() and
Congestion() as sent codes, DIALSTATUS/HANGUPCAUSE comparisons as status
tests, Goto(prefix-${DIALSTATUS},1) as dispatch sites, and the Dial() calls
reachable after a failed Dial() as failovers (flow). Each context is
analysed once per text (chunks). Every table comes from
catalog/engines/asterisk.yaml.

An extensions.conf gives a model.PartedAnalysis: each piece's facts, and the
sites that read other contexts, are placed with how far they moved since
they were made, so an edit copies no fact of the pieces it only moves and
the rules' findings for them stay cached.
"""

from __future__ import annotations

import os
import re
from functools import partial

from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.asterisk import chunks, includer
from sip_lsp.dialects.asterisk.chunks import place
from sip_lsp.dialects.asterisk.engine import Tables, tables
from sip_lsp.dialects.asterisk.flow import Flow, Index, Record, Tagged, failover_sites
from sip_lsp.dialects.asterisk.parse import Ctx, Step
from sip_lsp.dialects.common import suppressions
from sip_lsp.dialects.common.includes import Includes
from sip_lsp.model import Analysis, CauseSite, Facts, PartedAnalysis, Span
from sip_lsp.text import read_text

_AEL_CONTEXT = re.compile(r"^\s*(context|macro)\s+[\w-]+\s*\{", re.M)
_CONF_STATEMENT = re.compile(r"^\s*(exten|same)\s*=>?", re.M)


def analyze(text: str, ctx: DialectContext) -> Analysis:
    """Extract facts from an extensions.conf or AEL document; never raises."""
    ael = _is_ael(text, ctx.path)
    analysis = (
        Analysis(dialect="asterisk", text=text, path=ctx.path, comment=";")
        if ael
        else PartedAnalysis("asterisk", text, ctx.path, comment=";")
    )
    if ael:
        from sip_lsp.dialects.asterisk.ael import analyze as analyze_ael

        analyze_ael(text, analysis, tables(ctx.catalog))
    elif isinstance(analysis, PartedAnalysis):  # always: an extensions.conf is parted
        _analyze_conf(text, ctx, analysis)
    _suppressions(text, ctx, analysis)
    return analysis


def _is_ael(text: str, path: str | None) -> bool:
    """extensions.ael by name, or by content when there is no name (`context x {`, no `exten =>`)."""
    if path:
        return path.lower().endswith(".ael")
    return bool(_AEL_CONTEXT.search(text)) and not _CONF_STATEMENT.search(text)


def _analyze_conf(text: str, ctx: DialectContext, analysis: PartedAnalysis) -> None:
    t = tables(ctx.catalog)
    placed = _in_includer(text, ctx, analysis, t)
    if placed is None:
        placed = chunks.pieces(text, t, Includes(ctx, analysis), ctx.cache)
    if placed is None:
        analysis.notes.clear()  # what the cut-short attempt noted and read is read again
        analysis.included.clear()
        placed = [(0, chunks.whole(text, t, Includes(ctx, analysis)))]
    index, moved = _index(placed)
    flow = Flow(t, index) if t is not None else None
    records: list[Record] = []
    crossed: list[tuple[Facts, Facts, int]] = []
    declines: dict[Tagged, CauseSite] = {}  # SC313 through jumps: once, however many walks reach it
    for base, piece in placed:
        analysis.parts.append((piece.facts, base - piece.origin))
        if flow is not None:
            cross = piece.crossing(index, flow)
            records += cross.records
            crossed.append(cross.part(moved))
            declines.update(cross.declines)
    # A Dial() reached by walks from several places gets one site that merges them.
    merged = len({record[0] for record in records}) < len(records)
    analysis.parts += [(alone if merged else both, d) for both, alone, d in crossed]
    if merged:
        sites = failover_sites(records, partial(place, moved=moved))
        analysis.parts.append((Facts("asterisk", failover_sites=sites), 0))
    if declines:
        causes = [site.shift(moved.get(tag.context, 0)) for tag, site in declines.items()]
        analysis.parts.append((Facts("asterisk", cause_sites=causes), 0))


def _in_includer(
    text: str, ctx: DialectContext, analysis: PartedAnalysis, t: Tables | None
) -> list[tuple[int, chunks.Piece]] | None:
    """An included file read where its includer `#include`s it, as one piece; None when nothing includes it.

    The includer's contexts, and the lines before and after the include, join the
    document's (includer.py): its walks, lookups and tables see the whole dialplan,
    while the facts of the includer's own lines keep its path and belong to its analysis.
    """
    if not ctx.path or not ctx.root:
        return None
    found = includer.top_includer(ctx.path, text, ctx.root, ctx.read or read_text)
    includes = Includes(ctx, analysis)
    if found is None or not includes.adopt(os.path.realpath(found[0])):
        return None
    me = os.path.realpath(ctx.path)
    read: list[bool] = []  # whether the document was read in place (once, like any file)
    own: set[str | None] = {None}  # the document and the files it includes itself

    def include(name: str, span: Span) -> tuple[str | None, str] | None:
        folder = os.path.dirname(span.path) if span.path else os.path.dirname(me)
        try:
            path = os.path.realpath(os.path.join(folder, name))
        except (OSError, ValueError):
            return None
        if path == me:
            if read:
                return None
            read.append(True)
            return None, text
        got = includes(name, span)
        if got is not None and span.path in own:
            own.add(got[0])
        return got

    piece = chunks.Piece(text, 0, 0, t, include, within=found)
    if not read:  # the chain did not reach the document after all: read it alone
        analysis.notes.clear()
        analysis.included.clear()
        return None
    piece.own = own  # the tables of the includer's own Dial()s belong to its analysis
    return [(0, piece)]


def _index(placed: list[tuple[int, chunks.Piece]]) -> tuple[Index, dict[str, int]]:
    """The contexts and Gosub callers of all pieces, and how far each context moved since parsed."""
    contexts: dict[str, Ctx] = {}
    moved: dict[str, int] = {}
    callers: dict[tuple[str, str], list[tuple[Step, str]]] = {}
    for k, (base, piece) in enumerate(placed):
        for name, context in piece.parsed.contexts.items():
            if name or not k:  # the unnamed context is the first piece's
                contexts[name], moved[name] = context, base - piece.origin
        for key, call in piece.local.calls:
            callers.setdefault(key, []).append(call)
    return Index(contexts, callers), moved


def _suppressions(text: str, ctx: DialectContext, analysis: Analysis) -> None:
    """`; sip-lsp: disable=SC301` (this line and the next) and `disable-file=`; `//` in AEL."""
    found = suppressions.in_line_comments(text, (";", "//"))
    if found:
        suppressions.record(analysis.suppressions, found, ctx.lines_of(text))
