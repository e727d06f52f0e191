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

import re
from functools import partial

from sip_lsp.dialects import DialectContext
from sip_lsp.dialects.asterisk import chunks
from sip_lsp.dialects.asterisk.chunks import place
from sip_lsp.dialects.asterisk.engine import tables
from sip_lsp.dialects.asterisk.flow import Flow, Index, Record, Tagged, failover_sites
from sip_lsp.dialects.asterisk.parse import Ctx, Step
from sip_lsp.dialects.common import suppressions
from sip_lsp.dialects.common.includes import Includes
from sip_lsp.model import Analysis, CauseSite, Facts, PartedAnalysis

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
