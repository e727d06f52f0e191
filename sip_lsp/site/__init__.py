"""The reference site: static HTML built from the catalogue, and where each page lives.

`page_uri` is what the server needs (diagnostics' `codeDescription.href`, the
hover's link to a code); building the pages lives in `sip_lsp.site.build`, which
imports the renderer. The wheel ships a built site in `sip_lsp/data/site/`.

Layout under a site's root: `index.html` (choose a language), then per language
`en/index.html` (search), `en/codes/604.html`, `en/compare/202-604.html`,
`en/rules/SC301.html`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sip_lsp.catalog.paths import LANGS

SITE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "site")
FOLDERS = {"code": "codes", "pair": "compare", "rule": "rules"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def page_uri(kind: str, key: object, lang: str = "en", base: str | None = None) -> str:
    """The page's URI: `base` + its path when a docs base URL is set, else a `file:` URI into the package.

    kind is "code" (key 604), "pair" (key "202-604" or (202, 604)), "rule" (key "SC301") or
    "index"; a language the site lacks falls back to English.
    """
    path = page_path(kind, key, lang)
    if base:
        return f"{base.rstrip('/')}/{path}"
    return Path(SITE_DIR, *path.split("/")).as_uri()


def page_path(kind: str, key: object, lang: str = "en") -> str:
    """`en/codes/604.html`: a page's path under the site's root, with `/` separators."""
    lang = site_lang(lang)
    if kind == "index":
        return f"{lang}/index.html"
    if kind not in FOLDERS:
        raise ValueError(f"unknown page kind {kind!r}")
    return f"{lang}/{FOLDERS[kind]}/{page_name(kind, key)}.html"


def page_name(kind: str, key: object) -> str:
    """A page's file name without `.html`: `604`, `202-604` (lower code first), `SC301`."""
    if kind == "pair":
        text = " ".join(map(str, key)) if isinstance(key, (tuple, list)) else key  # (202, 604) or "202-604"
        codes = sorted(int(n) for n in re.findall(r"\d+", str(text)))
        if len(codes) != 2:
            raise ValueError(f"a pair needs two codes, not {key!r}")
        return f"{codes[0]}-{codes[1]}"
    name = _UNSAFE.sub("_", str(key).strip())
    return name.upper() if kind == "rule" else name


def site_lang(lang: str) -> str:
    """`ru` for `ru`, `ru-RU` or `ru_RU.UTF-8`; English for a language the site lacks."""
    short = re.split(r"[-_.]", lang or "", maxsplit=1)[0].lower()
    return short if short in LANGS else "en"
