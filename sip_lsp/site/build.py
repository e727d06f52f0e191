"""Building the site: every page as text (`site_pages`), written to a directory or into the package.

`sip-lsp site --out DIR` writes a site for a catalogue with the user's files;
`python -m sip_lsp.site build-package` (from `make catalog`) rewrites the copy
the wheel ships, `sip_lsp/data/site/`, and a test checks that copy is fresh.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from sip_lsp import render
from sip_lsp.catalog import LANGS, Catalog, CatalogError, default_catalog, load_catalog
from sip_lsp.site import SITE_DIR, page_path
from sip_lsp.site.pages import Context, Pair, code_page, index_page, pair_page, root_page, rule_page

# The pair the project grew from (/work/shared/origin/): 202 vs 604, built even though
# neither entry contrasts the other.
ORIGIN_PAIRS = ((202, 604),)


def confused_pairs(catalog: Catalog) -> list[Pair]:
    """Every pair the catalogue contrasts (and the origin pair), most confused first.

    A pair both entries name comes before one only one of them names; then the more
    often the two codes are met (their `frequency`), the earlier.
    """
    named: dict[tuple[int, int], int] = {}
    for entry in catalog.codes.values():
        for contrast in entry.contrast:
            key = (min(entry.code, contrast.code), max(entry.code, contrast.code))
            named[key] = named.get(key, 0) + 1
    for key in ORIGIN_PAIRS:
        named.setdefault(key, 0)
    pairs = [
        (catalog.codes[a], catalog.codes[b]) for a, b in named if a != b and {a, b} <= catalog.codes.keys()
    ]
    return sorted(
        pairs,
        key=lambda p: (-named[p[0].code, p[1].code], -p[0].frequency - p[1].frequency, p[0].code, p[1].code),
    )


def site_pages(catalog: Catalog, langs: tuple[str, ...] = LANGS) -> dict[str, str]:
    """Every page of the site: its path under the root (`en/codes/604.html`) -> its HTML."""
    catalogs = {lang: catalog.for_lang(lang) for lang in langs}
    pages = {"index.html": root_page(catalogs)}
    for lang, local in catalogs.items():
        ctx = Context(local, lang, langs)
        pairs = confused_pairs(local)
        pages[page_path("index", "", lang)] = index_page(ctx, pairs)
        for entry in sorted(local.codes.values(), key=lambda e: e.code):
            pages[page_path("code", entry.code, lang)] = code_page(ctx, entry, pairs)
        for a, b in pairs:
            pages[page_path("pair", (a.code, b.code), lang)] = pair_page(ctx, a, b)
        for rule in sorted(local.rules.values(), key=lambda r: r.id):
            pages[page_path("rule", rule.id, lang)] = rule_page(ctx, rule)
    return pages


def write_site(out_dir: str, pages: dict[str, str]) -> None:
    for path, html in pages.items():
        target = os.path.join(out_dir, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)


def build_package() -> None:
    """Rewrites the shipped site from the built-in catalogue; pages of removed entries go too."""
    shutil.rmtree(SITE_DIR, ignore_errors=True)
    write_site(SITE_DIR, site_pages(default_catalog()))


def run_site(args: argparse.Namespace) -> int:
    """`sip-lsp site --out DIR [--lang en,ru] [--catalog FILE]`: prints the site's root page."""
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        print(f"sip-lsp: {exc}", file=sys.stderr)
        return 2
    langs = tuple(dict.fromkeys(part.strip() for part in args.lang.split(",") if part.strip()))
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown or not langs:
        text = render.words(catalog, "error_unknown_lang", name=",".join(unknown), langs=", ".join(LANGS))
        print(f"sip-lsp: {text}", file=sys.stderr)
        return 2
    try:
        write_site(args.out, site_pages(catalog, langs))
    except OSError as exc:
        print(f"sip-lsp: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(os.path.join(args.out, "index.html"))
    return 0


def main(argv: list[str]) -> int:
    """`python -m sip_lsp.site build-package`."""
    if argv[:1] != ["build-package"]:
        print("usage: python -m sip_lsp.site build-package", file=sys.stderr)
        return 2
    build_package()
    return 0
