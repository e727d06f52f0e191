"""The site's inline style sheet and search script: no fonts, files or network of their own.

The script reads the index page's inline JSON (`#search-data`) and writes
results with `textContent` only, so catalogue text never becomes markup. Every
word it shows comes from that JSON or the page, that is from the catalogue.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """\
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--accent:#0550ae;\
--code:#f3f4f6;--warn:#bf8700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;\
--accent:#4493f8;--code:#151b23;--warn:#d29922}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;\
color:var(--fg);background:var(--bg)}
header,main,footer{max-width:50rem;margin:0 auto;padding:0 1rem}
header nav{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem 1rem;\
padding:.75rem 0;border-bottom:1px solid var(--line)}
header .home{font-weight:600;text-decoration:none}
header .langs a{margin-left:.75rem}
a{color:var(--accent)}
h1{font-size:1.75rem;line-height:1.25;margin:1.25rem 0 .75rem;overflow-wrap:anywhere}
h2{font-size:1.35rem;margin:2rem 0 .75rem}
h3{font-size:1.2rem;margin:1.75rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h4{font-size:1.05rem;margin:1.25rem 0 .25rem}
p,li{overflow-wrap:break-word}
li{margin:.25rem 0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.875em;\
background:var(--code);border-radius:4px}
code{padding:.1em .3em;overflow-wrap:anywhere}
pre{padding:.75rem 1rem;overflow-x:auto;line-height:1.45}
pre code{padding:0;background:none;overflow-wrap:normal}
blockquote{margin:1rem 0;padding:.25rem 1rem;border-left:4px solid var(--warn);background:var(--code)}
.table{overflow-x:auto;margin:1rem 0}
table{border-collapse:collapse;min-width:100%}
th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}
thead th{background:var(--code)}
.pair-codes{color:var(--muted)}
.search{margin:1.5rem 0 1rem}
.search label{display:block;font-weight:600;margin-bottom:.25rem}
.search input{width:100%;font:inherit;padding:.6rem .75rem;border:1px solid var(--line);border-radius:6px;\
color:var(--fg);background:var(--bg)}
ul.index,ol.index{list-style:none;padding:0;margin:0}
.index li{padding:.4rem 0;border-bottom:1px solid var(--line);margin:0}
.index .muted{display:block;font-size:.9rem}
.muted,.kind{color:var(--muted)}
.kind{font-size:.8rem;margin-left:.5rem}
footer{color:var(--muted);font-size:.85rem;padding-top:2rem;padding-bottom:2rem}
@media (max-width:30rem){h1{font-size:1.45rem}th,td{padding:.3rem .4rem}}
"""

SEARCH_SCRIPT = """\
(function () {
  var data = JSON.parse(document.getElementById("search-data").textContent);
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var none = document.getElementById("none");
  var browse = document.getElementById("browse");
  data.forEach(function (d) {
    d.hay = (d.key + " " + d.title + " " + d.text + " " + d.terms).toLowerCase();
  });
  function rank(d, word) {
    var title = d.title.toLowerCase();
    if (d.key.toLowerCase() === word) return 0;
    if (title.indexOf(word) === 0) return 1;
    return title.indexOf(word) >= 0 ? 2 : 3;
  }
  function item(d) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = d.url;
    a.textContent = d.title;
    li.appendChild(a);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = d.kind;
    li.appendChild(kind);
    if (d.text) {
      var text = document.createElement("span");
      text.className = "muted";
      text.textContent = d.text;
      li.appendChild(text);
    }
    return li;
  }
  function show() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    results.textContent = "";
    if (!words.length) {
      results.hidden = none.hidden = true;
      browse.hidden = false;
      return;
    }
    var hits = data.filter(function (d) {
      return words.every(function (w) { return d.hay.indexOf(w) >= 0; });
    });
    hits.sort(function (a, b) { return rank(a, words[0]) - rank(b, words[0]); });
    hits.slice(0, 100).forEach(function (d) { results.appendChild(item(d)); });
    results.hidden = !hits.length;
    none.hidden = !!hits.length;
    browse.hidden = true;
  }
  var query = /[?&]q=([^&]*)/.exec(location.search);
  if (query) {
    try { input.value = decodeURIComponent(query[1].replace(/\\+/g, " ")); } catch (e) {}
  }
  input.addEventListener("input", show);
  show();
})();
"""


def script_hash(script: str) -> str:
    """The CSP source that lets exactly this inline script run: `'sha256-…'`."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
