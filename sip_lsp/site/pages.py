"""Whole HTML pages: the shell (title, language switch, style) around render.py's Markdown.

Every word comes from the catalogue: page bodies from `render.*_markdown`,
titles and labels from `catalog/headings.yaml` (`site_*`). Every value is
escaped on its way into the page; links between pages are relative, so a site
works from a directory, a `file:` URI or any web server.
"""

from __future__ import annotations

import json
import posixpath
from html import escape
from typing import NamedTuple

from sip_lsp import render
from sip_lsp.catalog import Catalog, CodeEntry, RuleEntry
from sip_lsp.site import page_path
from sip_lsp.site.assets import CSS, SEARCH_SCRIPT, script_hash
from sip_lsp.site.markdown import inline, plain, to_html

Pair = tuple[CodeEntry, CodeEntry]
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {scripts}"


class Context(NamedTuple):
    """One language's view of the site: its catalogue, its language, the languages built beside it."""

    catalog: Catalog  # already for_lang(lang)
    lang: str
    langs: tuple[str, ...]

    def words(self, key: str, **values: object) -> str:
        return render.words(self.catalog, key, self.lang, **values)


def href(from_path: str, to_path: str) -> str:
    """The relative link from one page of the site to another."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def head(lang: str, title: str, *, script: str = "", extra: str = "") -> str:
    """`<!doctype html>` to `<body>`: charset, phone viewport, a CSP allowing only `script`, the style."""
    csp = _CSP.format(scripts=script_hash(script) if script else "'none'")
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        f"<title>{escape(title)}</title>\n{extra}<style>\n{CSS}</style>\n</head>\n<body>\n"
    )


def shell(ctx: Context, path: str, title: str, body: str, *, script: str = "") -> str:
    """A complete page: head, header with home link and language switch, body, footer."""
    site_title = ctx.words("site_title")
    twins = [(lang, href(path, lang + path[len(ctx.lang) :])) for lang in ctx.langs if lang != ctx.lang]
    alternates = "".join(
        f'<link rel="alternate" hreflang="{lang}" href="{escape(url)}">\n' for lang, url in twins
    )
    switch = "".join(
        f'<a href="{escape(url)}" hreflang="{lang}" lang="{lang}">'
        f"{escape(ctx.catalog.heading('language_name', lang))}</a>"
        for lang, url in twins
    )
    home = href(path, page_path("index", "", ctx.lang))
    full_title = title if title == site_title else f"{title} — {site_title}"
    nav = (
        f'<a class="home" href="{escape(home)}">{escape(site_title)}</a>'
        f'<span class="langs" aria-label="{escape(ctx.words("site_language"))}">{switch}</span>'
    )
    return (
        head(ctx.lang, full_title, script=script, extra=alternates)
        + f"<header><nav>{nav}</nav></header>\n<main>\n{body}\n</main>\n"
        + f"<footer>{escape(ctx.words('site_footer'))}</footer>\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


def _with_title(title: str, md: str) -> str:
    """The page's h1 and body: the Markdown's own `# title` when it starts with one, else `title`."""
    if md.startswith("# "):
        return to_html(md)
    return f"<h1>{escape(title)}</h1>\n{to_html(md)}"


# ---------------------------------------------------------------- pages


def code_title(ctx: Context, entry: CodeEntry) -> str:
    return ctx.words("site_code_title", code=entry.code, reason=entry.reason)


def pair_title(ctx: Context, a: CodeEntry, b: CodeEntry) -> str:
    return ctx.words("site_pair_title", a=a.code, a_reason=a.reason, b=b.code, b_reason=b.reason)


def pair_label(ctx: Context, a: CodeEntry, b: CodeEntry) -> str:
    return ctx.words("site_pair_label", a=f"{a.code} {a.reason}", b=f"{b.code} {b.reason}")


def rule_title(ctx: Context, rule: RuleEntry) -> str:
    return ctx.words("site_rule_title", id=rule.id, name=rule.name)


def code_page(ctx: Context, entry: CodeEntry, pairs: list[Pair]) -> str:
    """A code's whole entry, then links to the pages comparing it with the codes it is confused with."""
    path = page_path("code", entry.code, ctx.lang)
    title = code_title(ctx, entry)
    body = _with_title(title, render.code_markdown(entry, ctx.catalog, ctx.lang))
    others = sorted(
        ((b if a.code == entry.code else a, (a, b)) for a, b in pairs if entry.code in (a.code, b.code)),
        key=lambda found: found[0].code,
    )
    if others:
        links = "".join(
            _item(
                href(path, page_path("pair", (a.code, b.code), ctx.lang)), f"{other.code} {other.reason}", ""
            )
            for other, (a, b) in others
        )
        body += f'\n<h3>{escape(ctx.words("site_compare"))}</h3>\n<ul class="compare">{links}</ul>'
    return shell(ctx, path, title, body)


def pair_page(ctx: Context, a: CodeEntry, b: CodeEntry) -> str:
    """Two codes in the origin page's shape (render.compare_markdown), with links to both entries."""
    path = page_path("pair", (a.code, b.code), ctx.lang)
    title = pair_title(ctx, a, b)
    codes = " · ".join(
        _link(href(path, page_path("code", e.code, ctx.lang)), f"{e.code} {e.reason}") for e in (a, b)
    )
    md = render.compare_markdown(a, b, ctx.catalog, ctx.lang)
    head, _, rest = _with_title(title, md).partition("\n")
    body = f'{head}\n<p class="pair-codes">{codes}</p>\n{rest}'
    return shell(ctx, path, title, body)


def rule_page(ctx: Context, rule: RuleEntry) -> str:
    path = page_path("rule", rule.id, ctx.lang)
    title = rule_title(ctx, rule)
    return shell(ctx, path, title, _with_title(title, render.rule_markdown(rule, ctx.catalog, ctx.lang)))


def index_page(ctx: Context, pairs: list[Pair]) -> str:
    """Every code by class, every pair, every rule; a search box over the same list as inline JSON."""
    path = page_path("index", "", ctx.lang)
    catalog = ctx.catalog
    codes = sorted(catalog.codes.values(), key=lambda e: e.code)
    rules = sorted(catalog.rules.values(), key=lambda r: r.id)
    sections = []
    for cls in sorted({e.cls for e in codes}):
        items = [
            _item(href(path, page_path("code", e.code, ctx.lang)), f"{e.code} {e.reason}", e.summary)
            for e in codes
            if e.cls == cls
        ]
        label = f"{cls} {catalog.class_name(cls, ctx.lang)}"
        sections.append(f'<h3>{escape(label)}</h3>\n<ul class="index">{"".join(items)}</ul>')
    pair_items = [
        _item(href(path, page_path("pair", (a.code, b.code), ctx.lang)), pair_label(ctx, a, b), "")
        for a, b in pairs
    ]
    rule_items = [
        _item(href(path, page_path("rule", r.id, ctx.lang)), rule_title(ctx, r), r.summary) for r in rules
    ]
    body = "\n".join(
        [
            f"<h1>{escape(ctx.words('site_title'))}</h1>",
            f"<p>{escape(ctx.words('site_intro'))}</p>",
            '<form class="search" role="search" action="index.html" method="get">'
            f'<label for="q">{escape(ctx.words("site_search"))}</label>'
            f'<input id="q" name="q" type="search" autocomplete="off" '
            f'placeholder="{escape(ctx.words("site_search_placeholder"))}"></form>',
            '<ol id="results" class="index" hidden></ol>',
            f'<p id="none" hidden>{escape(ctx.words("site_no_results"))}</p>',
            '<div id="browse">',
            f"<h2>{escape(ctx.words('site_codes'))}</h2>",
            *sections,
            f"<h2>{escape(ctx.words('site_pairs'))}</h2>",
            f'<ul class="index">{"".join(pair_items)}</ul>',
            f"<h2>{escape(ctx.words('site_rules'))}</h2>",
            f'<ul class="index">{"".join(rule_items)}</ul>',
            "</div>",
            '<script type="application/json" id="search-data">'
            + script_json(search_index(ctx, path, pairs))
            + "</script>",
        ]
    )
    return shell(ctx, path, ctx.words("site_title"), body, script=SEARCH_SCRIPT)


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _item(url: str, title: str, text: str) -> str:
    """A list item: a link, and a line of catalogue Markdown (a summary) under it."""
    note = f' <span class="muted">{inline(text)}</span>' if text else ""
    return f"<li>{_link(url, title)}{note}</li>"


def search_index(ctx: Context, path: str, pairs: list[Pair]) -> list[dict[str, str]]:
    """What the search box searches: every code, pair and rule, with the words it matches on."""
    catalog = ctx.catalog
    entries = []
    for e in sorted(catalog.codes.values(), key=lambda e: e.code):
        terms = [e.cls, *e.aliases, *(t for t in (e.q850, e.freeswitch, e.asterisk) if t is not None)]
        entries.append(
            _entry(ctx, "code", str(e.code), f"{e.code} {e.reason}", e.summary, terms, path, e.code)
        )
    for a, b in pairs:
        key = f"{a.code}-{b.code}"
        entries.append(
            _entry(ctx, "pair", key, pair_label(ctx, a, b), "", [a.reason, b.reason], path, (a.code, b.code))
        )
    for r in sorted(catalog.rules.values(), key=lambda r: r.id):
        entries.append(_entry(ctx, "rule", r.id, rule_title(ctx, r), r.summary, [r.name], path, r.id))
    return entries


def _entry(
    ctx: Context,
    kind: str,
    key: str,
    title: str,
    text: str,
    terms: list[int | str],
    path: str,
    page_key: object,
) -> dict[str, str]:
    return {
        "type": kind,
        "kind": ctx.words(f"site_kind_{kind}"),
        "key": key,
        "title": plain(title),
        "text": plain(text),
        "terms": " ".join(str(t) for t in terms),
        "url": href(path, page_path(kind, page_key, ctx.lang)),
    }


def script_json(data: object) -> str:
    """JSON that cannot end its <script> element or open markup: <, > and & as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def root_page(catalogs: dict[str, Catalog]) -> str:
    """`index.html` at the site's root: one link per language, each in its own language."""
    links = "".join(
        f'<li lang="{lang}"><a href="{escape(page_path("index", "", lang))}" hreflang="{lang}">'
        f"{escape(render.words(catalog, 'site_title', lang))}</a> "
        f'<span class="muted">{escape(catalog.heading("language_name", lang))}</span></li>'
        for lang, catalog in catalogs.items()
    )
    titles = " · ".join(render.words(c, "site_title", lang) for lang, c in catalogs.items())
    return (
        head(next(iter(catalogs)), titles)
        + f'<main>\n<h1>{escape(titles)}</h1>\n<ul class="index">{links}</ul>\n</main>\n</body>\n</html>\n'
    )
