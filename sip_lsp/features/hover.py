"""Hover: pick the fact under the cursor and let render write its Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sip_lsp import render
from sip_lsp.catalog import Catalog
from sip_lsp.features.index import SiteIndex
from sip_lsp.model import Analysis, CauseSite, CodeSite, FailoverSite, StatusTest
from sip_lsp.text import LineIndex


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
) -> Hover | None:
    """Markdown for what is under `offset`, or None."""
    hit = index.at(offset, ("code", "phrase", "status_test", "failover", "cause"))
    if hit is None:
        return _bare_number(analysis, offset, catalog, lang, lines)
    fact = hit.fact
    text: str | None = None
    if hit.kind == "code" and isinstance(fact, CodeSite):
        text = _code(fact.code, catalog, lang) if fact.code is not None else None
    elif hit.kind == "phrase" and isinstance(fact, CodeSite) and fact.phrase is not None:
        text = _phrase(fact.phrase, fact.code, catalog, lang)
    elif hit.kind == "status_test" and isinstance(fact, StatusTest):
        text = render.status_test_markdown(fact, catalog, lang)
    elif hit.kind == "failover" and isinstance(fact, FailoverSite):
        text = render.failover_markdown(fact, catalog, lang)
    elif hit.kind == "cause" and isinstance(fact, CauseSite):
        text = _cause(fact, catalog, lang)
    if not text:
        return None
    return Hover(text, hit.start, hit.end)


def _code(code: int, catalog: Catalog, lang: str) -> str | None:
    entry = catalog.code(code)
    if entry is None:
        return render.unregistered_markdown(code, catalog, lang) if 100 <= code <= 699 else None
    return render.code_markdown(entry, catalog, lang)


def _phrase(phrase: str, code: int | None, catalog: Catalog, lang: str) -> str | None:
    """A phrase beside a code that is not a number (`$var(code)`) hovers as the code it names."""
    if code is not None:
        return render.phrase_markdown(phrase, code, catalog, lang)
    owner = catalog.phrase_owner(phrase)
    return _code(owner, catalog, lang) if owner is not None else None


def _cause(site: CauseSite, catalog: Catalog, lang: str) -> str | None:
    if site.context.upper() == "DIALSTATUS":
        return render.dialstatus_markdown(site.token, catalog, lang) or None
    engine = catalog.engines.get(site.engine)
    if engine is None:
        return None
    cause = engine.cause(site.cause or site.token)
    return render.cause_markdown(engine, cause, catalog, lang) if cause else None


def _bare_number(
    analysis: Analysis, offset: int, catalog: Catalog, lang: str, lines: LineIndex | None
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
            markdown = _code(code, catalog, lang)
            return Hover(markdown, start, start + 3) if markdown else None
    return None
