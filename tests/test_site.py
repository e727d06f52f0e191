"""The reference site: every page in both languages, links that resolve, escaping, the shipped copy fresh."""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from cdpkit import Browser, chromium

from sip_lsp import render
from sip_lsp.catalog import LANGS, default_catalog
from sip_lsp.site import SITE_DIR, page_path, page_uri
from sip_lsp.site.build import confused_pairs, site_pages
from sip_lsp.site.markdown import to_html

RFC_LINK = "https://www.rfc-editor.org/rfc/rfc"


def sip_lsp(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("sip-lsp")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sip_lsp"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A site built by `sip-lsp site --out`, in both languages."""
    out = tmp_path_factory.mktemp("site")
    done = sip_lsp("site", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "index.html")
    return out


def pages_under(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.html")}


class Links(HTMLParser):
    """Every href and src of a page, and the search data's text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.hreflang: dict[str, str] = {}
        self._in_data = False
        self.data = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name) is not None:
                self.urls.append(values[name])
        if tag == "a" and values.get("hreflang"):
            self.hreflang[values["hreflang"]] = values["href"]
        self._in_data = tag == "script" and values.get("id") == "search-data"

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data += data


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def expected_paths(langs=LANGS) -> set[str]:
    catalog = default_catalog()
    paths = {"index.html"}
    for lang in langs:
        paths.add(page_path("index", "", lang))
        paths |= {page_path("code", code, lang) for code in catalog.codes}
        paths |= {page_path("pair", (a.code, b.code), lang) for a, b in confused_pairs(catalog)}
        paths |= {page_path("rule", rule, lang) for rule in catalog.rules}
    return paths


# ---------------------------------------------------------------- the built site


def test_cli_builds_every_page_in_both_languages(site):
    built = pages_under(site)
    assert set(built) == expected_paths()
    for path, html in built.items():
        lang = path.split("/")[0] if "/" in path else "en"
        assert html.startswith(f'<!doctype html>\n<html lang="{lang}">'), path
        assert 'name="viewport" content="width=device-width' in html, path


def test_a_page_for_every_confused_pair_and_the_origin_pair():
    catalog = default_catalog()
    pairs = {(a.code, b.code) for a, b in confused_pairs(catalog)}
    contrasted = {tuple(sorted((e.code, c.code))) for e in catalog.codes.values() for c in e.contrast}
    assert contrasted <= pairs and (202, 604) in pairs and len(pairs) >= 30


def test_every_internal_link_resolves_and_only_rfcs_are_external(site):
    for path, html in pages_under(site).items():
        for url in links(html).urls:
            parsed = urlparse(url)
            if parsed.scheme or parsed.netloc:
                assert url.startswith(RFC_LINK), f"{path}: external link {url}"
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parsed.path)))
            assert (site / target).is_file(), f"{path}: {url} does not resolve"


def test_every_page_links_to_its_twin(site):
    for path, html in pages_under(site).items():
        if path == "index.html":
            assert set(links(html).urls) == {page_path("index", "", lang) for lang in LANGS}
            continue
        lang, rest = path.split("/", 1)
        for other in LANGS:
            if other != lang:
                twin = links(html).hreflang[other]
                assert posixpath.normpath(posixpath.join(posixpath.dirname(path), twin)) == f"{other}/{rest}"


def test_search_index_lists_every_code_pair_and_rule(site):
    catalog = default_catalog()
    for lang in LANGS:
        index = page_path("index", "", lang)
        data = json.loads(links((site / index).read_text(encoding="utf-8")).data)
        keys = {kind: {d["key"] for d in data if d["type"] == kind} for kind in ("code", "pair", "rule")}
        assert keys["code"] == {str(code) for code in catalog.codes}
        assert keys["rule"] == set(catalog.rules)
        assert "202-604" in keys["pair"]
        for entry in data:
            assert (site / lang / entry["url"]).is_file(), entry
            assert entry["kind"] and entry["title"], entry


def test_pages_use_the_languages_own_words(site):
    ru = (site / page_path("code", 604, "ru")).read_text(encoding="utf-8")
    en = (site / page_path("code", 604, "en")).read_text(encoding="utf-8")
    assert "<h3>Описание</h3>" in ru and "<h3>Description</h3>" in en
    assert "Коды ответов SIP" in ru and "SIP response codes" in en
    # the code page links the pages comparing 604 with the codes it is confused with
    assert 'href="../compare/404-604.html"' in ru


def test_only_the_index_runs_a_script_and_only_its_own(site):
    for path, html in pages_under(site).items():
        csp = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
        assert "default-src 'none'" in csp, path
        if path.endswith("/index.html"):
            assert "script-src 'sha256-" in csp and html.count("<script>") == 1, path
        else:
            assert "script-src 'none'" in csp and "<script>" not in html, path


def test_one_language_builds_only_its_pages(tmp_path):
    done = sip_lsp("site", "--out", str(tmp_path), "--lang", "ru")
    assert done.returncode == 0, done.stderr
    built = pages_under(tmp_path)
    assert set(built) == expected_paths(("ru",))
    assert "hreflang" not in built[page_path("code", 604, "ru")]


def test_an_unknown_language_is_one_line_and_exit_2(tmp_path):
    done = sip_lsp("site", "--out", str(tmp_path), "--lang", "en,de")
    assert done.returncode == 2
    assert done.stderr.startswith("sip-lsp: ") and "'de'" in done.stderr and done.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())


HOSTILE = """\
codes:
  - code: 499
    reason: "<script>alert(1)</script>"
    summary: "Closed <img src=x onerror=alert(2)> by [the client](javascript:alert(3))."
    description: "</script><script>alert(4)</script> & more"
    retry: do-not-failover
    status: unregistered
    contrast:
      - {code: 487, difference: "<b onmouseover=alert(5)>hover</b>"}
"""


def test_markup_in_a_user_catalogue_is_escaped(tmp_path):
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "site"
    done = sip_lsp("site", "--out", str(out), "--catalog", str(vendor))
    assert done.returncode == 0, done.stderr
    built = pages_under(out)
    assert page_path("code", 499, "en") in built and page_path("pair", (487, 499), "en") in built
    for path, html in built.items():
        for markup in ("<script>alert", "<img", "<b onmouseover", "javascript:"):
            assert markup not in html, (path, markup)
        assert html.count("<script") == (2 if path.endswith("/index.html") else 0), path
    page = built[page_path("code", 499, "en")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = json.loads(links(built[page_path("index", "", "en")]).data)
    assert any(d["title"] == "499 <script>alert(1)</script>" for d in data)


# ---------------------------------------------------------------- the shipped site


def test_shipped_site_is_fresh():
    """sip_lsp/data/site/ is what `make catalog` builds from the built-in catalogue, page for page."""
    fresh = site_pages(default_catalog())
    shipped = pages_under(Path(SITE_DIR))
    stale = sorted(p for p in fresh.keys() | shipped.keys() if fresh.get(p) != shipped.get(p))
    assert not stale, f"sip_lsp/data/site/ is stale ({len(stale)} pages, {stale[:3]}): run `make catalog`"


def test_page_uri_points_into_the_shipped_site():
    uri = page_uri("code", 604, "ru")
    assert uri.startswith("file:") and uri.endswith("/ru/codes/604.html")
    assert Path(unquote(urlparse(uri).path)).is_file()
    assert page_uri("pair", "604-202", "en") == page_uri("pair", (202, 604), "en")
    assert Path(unquote(urlparse(page_uri("rule", "sc301", "ru-RU")).path)).is_file()
    assert page_uri("index", "", "de").endswith("/en/index.html")


def test_page_uri_under_a_docs_base():
    base = "https://docs.example.org/sip-lsp/"
    assert page_uri("rule", "SC301", "en", base) == "https://docs.example.org/sip-lsp/en/rules/SC301.html"
    assert page_uri("pair", (604, 202), "ru", base.rstrip("/")) == f"{base}ru/compare/202-604.html"
    with pytest.raises(ValueError):
        page_uri("cause", "USER_BUSY", "en")


# ---------------------------------------------------------------- the Markdown converter


def test_markdown_blocks():
    md = (
        "# Title\n\n**604** · `x<y`\n\n### Section\n\n- one\n- two **bold**\n\n1. first\n2. second\n\n"
        "| | **a** | b |\n|---|---|---|\n| row | 1 | 2 |\n\n```\nif (a < b) {\n}\n```\n\n> ⚠ careful"
    )
    assert to_html(md).split("\n") == [
        "<h1>Title</h1>",
        "<p><strong>604</strong> · <code>x&lt;y</code></p>",
        "<h3>Section</h3>",
        "<ul><li>one</li><li>two <strong>bold</strong></li></ul>",
        "<ol><li>first</li><li>second</li></ol>",
        '<div class="table"><table><thead><tr><th></th><th><strong>a</strong></th><th>b</th></tr></thead>'
        "<tbody><tr><td>row</td><td>1</td><td>2</td></tr></tbody></table></div>",
        "<pre><code>if (a &lt; b) {",
        "}</code></pre>",
        "<blockquote><p>⚠ careful</p></blockquote>",
    ]


def test_markdown_inline_links_and_rfcs():
    html = to_html("See [the page](../codes/604.html), RFC 3261 §21.6.3 and `RFC 3261` in code.")
    assert '<a href="../codes/604.html">the page</a>' in html
    assert f'<a class="rfc" href="{RFC_LINK}3261#section-21.6.3">RFC 3261 §21.6.3</a>' in html
    assert "<code>RFC 3261</code>" in html


@pytest.mark.parametrize(
    "target",
    ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example/x", "vbscript:x"],
)
def test_markdown_drops_an_unsafe_link_target(target):
    html = to_html(f"[click]({target})")
    assert html == "<p>click</p>"


def test_markdown_escapes_everything():
    html = to_html(
        '<script>alert("x")</script> **<b>** [<i>](x.html) `</code>`\n\n- <li>\n\n| <td> |\n|---|\n| & |'
    )
    for markup in ("<script", "<b>", "<i>", "</code></code>", "<li><li>", "<td><td>"):
        assert markup not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


# ---------------------------------------------------------------- headless Chromium

DOCS = Path(__file__).parent.parent / "docs"
PHONE = {"width": 390, "height": 844, "mobile": True, "scale": 2}
DESKTOP = {"width": 1280, "height": 900, "mobile": False, "scale": 1}
# The origin page's sections, in its order (/work/shared/origin/).
ORIGIN_SECTIONS = {
    "ru": [
        "Описание",
        "Когда вы это видите",
        "Как исправить",
        "Ключевые различия",
        "Когда что использовать",
        "Узнать больше",
    ],
    "en": ["Description", "When you see it", "How to fix", "Key differences", "When to use which"],
}
# `make e2e` installs Chromium and sets SIP_LSP_REQUIRE_CHROMIUM, so there a missing one fails.
needs_chromium = pytest.mark.skipif(
    chromium() is None and not os.environ.get("SIP_LSP_REQUIRE_CHROMIUM"),
    reason="no chromium (make e2e installs Debian's)",
)


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    assert executable, "SIP_LSP_REQUIRE_CHROMIUM is set and there is no chromium"
    with Browser(executable) as running:
        yield running


def _in_order(wanted: list[str], seen: list[str]) -> bool:
    positions = iter(seen)
    return all(any(text == title for text in positions) for title in wanted)


@needs_chromium
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_chromium_shows_202_vs_604_in_the_origin_pages_shape(site, browser, request, lang, screen):
    size = PHONE if screen == "phone" else DESKTOP
    page = browser.page()
    request.addfinalizer(page.close)
    page.viewport(size["width"], size["height"], mobile=size["mobile"], scale=size["scale"])
    page.goto((site / page_path("pair", "202-604", lang)).as_uri())
    title = page.evaluate("document.querySelector('h1').textContent")
    assert title == "SIP 202 Accepted vs 604 Does Not Exist Anywhere"
    headings = page.evaluate(
        "[...document.querySelectorAll('main h2, main h3, main h4')].map(h => h.textContent)"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the screen"
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= 16
    twin = page.evaluate("document.querySelector('header a[hreflang]').href")
    assert twin.endswith(f"/{'en' if lang == 'ru' else 'ru'}/compare/202-604.html")
    if lang == "ru" and screen == "phone":
        page.screenshot(str(DOCS / "site-202-vs-604-ru.png"))
    missing = [s for s in ORIGIN_SECTIONS[lang] if s not in headings]
    if missing and not _compare_has(missing, lang):
        pytest.xfail(f"render.compare_markdown has no {missing} yet (issue 15 item 4 reshapes it)")
    assert _in_order(ORIGIN_SECTIONS[lang], headings), headings


def _compare_has(sections: list[str], lang: str) -> bool:
    """Whether render.compare_markdown itself has these section headings (the site only converts it)."""
    catalog = default_catalog()
    md = render.compare_markdown(catalog.code(202), catalog.code(604), catalog, lang)
    headings = {line.lstrip("#").strip() for line in md.splitlines() if line.startswith("#")}
    return set(sections) <= headings


@needs_chromium
def test_chromium_searches_the_index(site, browser, request):
    page = browser.page()
    request.addfinalizer(page.close)
    page.viewport(**{k: DESKTOP[k] for k in ("width", "height")}, mobile=False)
    page.goto((site / page_path("index", "", "en")).as_uri() + "?q=604")
    results = page.evaluate("[...document.querySelectorAll('#results li a')].map(a => a.textContent)")
    assert results[0] == "604 Does Not Exist Anywhere"
    assert page.evaluate("document.getElementById('browse').hidden")
    page.evaluate(
        "var q = document.getElementById('q'); q.value = 'zzzz'; q.dispatchEvent(new Event('input'))"
    )
    assert not page.evaluate("document.getElementById('none').hidden")
    page.evaluate(
        "var q = document.getElementById('q'); q.value = 'busy'; q.dispatchEvent(new Event('input'))"
    )
    page.screenshot(str(DOCS / "site-index.png"))
    titles = page.evaluate("[...document.querySelectorAll('#results li a')].map(a => a.textContent)")
    assert "486 Busy Here" in titles and "600 Busy Everywhere" in titles
