"""Hover: pick the fact under the cursor and let render write its Markdown.

A code hovers with its first screen only (render.code_hover_markdown): the action
for where it stands (a reply: what the caller does on receiving it; a status test
or a failure handler: what the handler does with it) and a link to its full page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sip_lsp import render
from sip_lsp.catalog import Catalog
from sip_lsp.features.index import SiteIndex, walk
from sip_lsp.features.outcomes import FailoverPoints, LineLink, hover_table
from sip_lsp.model import Analysis, CauseSite, CodeSite, FailoverSite, Role, StatusTest
from sip_lsp.text import LineIndex

# (page kind, key) -> the page's URI, or None when there is no such page (a user catalogue's code).
PageLink = Callable[[str, object], str | None]
# Blocks a failure reaches: a code written in one hovers with the handler's action.
_FAILURE_HANDLERS = frozenset({"failure_route", "branch_failure_route"})


@dataclass(frozen=True, slots=True)
class Hover:
    markdown: str
    start: int
    end: int


# A bare number hovers only on lines that talk about replies, statuses or causes.
_PLAUSIBLE = re.compile(r"reply|status|code|\$rs\b|respond|hangup|cause|sip|dial", re.I)
_NUMBER = re.compile(r"(?<![\w.])[1-6]\d\d(?![\w.])")


def hover_at(
    analysis: Analysis,
    index: SiteIndex,
    offset: int,
    catalog: Catalog,
    lang: str = "en",
    lines: LineIndex | None = None,
    link: PageLink | None = None,
    points: FailoverPoints | None = None,
    line_link: LineLink | None = None,
) -> Hover | None:
    """Markdown for what is under `offset`, or None; `link` gives a code's page for "more".

    On a failover point's line (`points`) the hover is its outcome table, rows linked
    by `line_link`; a code, phrase, status test or cause on that line keeps its own hover.
    """
    hit = index.at(offset, ("code", "phrase", "status_test", "failover", "cause"))
    if points is not None and line_link is not None and (hit is None or hit.kind == "failover"):
        table = hover_table(points, offset, catalog, lang, lines or LineIndex(analysis.text), line_link)
        if table is not None:
            markdown, start, end = table
            if hit is not None and isinstance(hit.fact, FailoverSite):
                markdown += "\n\n---\n\n" + render.failover_markdown(hit.fact, catalog, lang)
            return Hover(markdown, start, end)
    if hit is None:
        return _bare_number(analysis, offset, catalog, lang, lines, link)
    fact = hit.fact
    text: str | None = None
    if hit.kind == "code" and isinstance(fact, CodeSite):
        where = _where(fact, analysis, hit.start)
        text = _code(fact.code, catalog, lang, where, link) if fact.code is not None else None
    elif hit.kind == "phrase" and isinstance(fact, CodeSite) and fact.phrase is not None:
        text = _phrase(fact.phrase, fact.code, catalog, lang, _where(fact, analysis, hit.start), link)
    elif hit.kind == "status_test" and isinstance(fact, StatusTest):
        text = render.status_test_markdown(fact, catalog, lang)
    elif hit.kind == "failover" and isinstance(fact, FailoverSite):
        text = render.failover_markdown(fact, catalog, lang)
    elif hit.kind == "cause" and isinstance(fact, CauseSite):
        text = _cause(fact, catalog, lang)
    if not text:
        return None
    return Hover(text, hit.start, hit.end)


def _where(site: CodeSite, analysis: Analysis, offset: int) -> str | None:
    """ "reply" for a code the script sends, "failure" for one a status test or a failure
    handler reads, None elsewhere (a module parameter, a route that is not a failure handler)."""
    if site.role is Role.SENT:
        return "reply"
    if site.role is Role.MATCHED or _in_failure_handler(analysis, offset):
        return "failure"
    return None


def _in_failure_handler(analysis: Analysis, offset: int) -> bool:
    for top, delta in analysis.placed("blocks"):
        for block in walk((top,)):
            start, end = block.span.start + delta, block.span.end + delta
            if block.span.path is None and start <= offset <= end and block.kind in _FAILURE_HANDLERS:
                return True
    return False


def _code(
    code: int, catalog: Catalog, lang: str, where: str | None = None, link: PageLink | None = None
) -> str | None:
    entry = catalog.code(code)
    if entry is None:
        return render.unregistered_markdown(code, catalog, lang) if 100 <= code <= 699 else None
    more = link("code", code) if link is not None else None
    return render.code_hover_markdown(entry, catalog, lang, where=where, more=more)


def _phrase(
    phrase: str, code: int | None, catalog: Catalog, lang: str, where: str | None, link: PageLink | None
) -> str | None:
    """A phrase beside a code that is not a number (`$var(code)`) hovers as the code it names."""
    if code is not None:
        return render.phrase_markdown(phrase, code, catalog, lang)
    owner = catalog.phrase_owner(phrase)
    return _code(owner, catalog, lang, where, link) if owner is not None else None


def _cause(site: CauseSite, catalog: Catalog, lang: str) -> str | None:
    if site.context.upper() == "DIALSTATUS":
        return render.dialstatus_markdown(site.token, catalog, lang) or None
    engine = catalog.engines.get(site.engine)
    if engine is None:
        return None
    cause = engine.cause(site.cause or site.token)
    return render.cause_markdown(engine, cause, catalog, lang) if cause else None


def _bare_number(
    analysis: Analysis,
    offset: int,
    catalog: Catalog,
    lang: str,
    lines: LineIndex | None,
    link: PageLink | None,
) -> Hover | None:
    lines = lines or LineIndex(analysis.text)
    line, col = lines.position(offset)
    text = lines.line_text(line)
    if not _PLAUSIBLE.search(text):
        return None
    for match in _NUMBER.finditer(text):
        if match.start() <= col <= match.end():
            code = int(match.group())
            if catalog.code(code) is None:
                return None
            start = offset - col + match.start()
            where = "failure" if _in_failure_handler(analysis, start) else None
            markdown = _code(code, catalog, lang, where, link)
            return Hover(markdown, start, start + 3) if markdown else None
    return None
