"""HTML from the Markdown `sip_lsp.render` emits, every character of it escaped.

Not a general Markdown parser: the subset render.py writes (ATX headings,
paragraphs, `-` and `1.` lists, pipe tables, fenced and inline code, bold,
links, `>` blockquotes). Catalogue text may come from a user's file, so text is
escaped before any markup is added, and a link keeps its target only when it is
http(s), mailto or relative. "RFC 3261 §21.6.3" in running text becomes a link to
the RFC Editor's page for that section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}(\d{1,9})[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\[([^\[\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)")  # one level of (...) in a URL
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_RFC = re.compile(r"\bRFC (\d{3,5})(?: §(\d+(?:\.\d+)*))?")
_HOLE = re.compile("\x00(\\d+)\x00")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")

RFC_URL = "https://www.rfc-editor.org/rfc/rfc{number}"


def to_html(md: str) -> str:
    """The blocks of `md` as HTML, one block per line."""
    lines = md.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")
    return "\n".join(_blocks(lines))


def inline(text: str) -> str:
    """One line of Markdown text as escaped HTML with code, links, bold and RFC links."""
    holes: list[str] = []

    def hole(html: str) -> str:
        holes.append(html)
        return f"\x00{len(holes) - 1}\x00"

    text = text.replace("\x00", "")
    text = _CODE_SPAN.sub(lambda m: hole(f"<code>{escape(m.group(2).strip() or m.group(2))}</code>"), text)
    text = _LINK.sub(lambda m: hole(_link(m.group(1), m.group(2))), text)
    text = _STRONG.sub(r"<strong>\1</strong>", _rfc_links(escape(text), hole))
    while _HOLE.search(text):  # a link's text may hold code spans: fill until none is left
        text = _HOLE.sub(lambda m: holes[int(m.group(1))], text)
    return text


def plain(text: str) -> str:
    """One line of Markdown as the words a reader sees: no backticks, bold markers or link targets."""
    spans: list[str] = []

    def keep(m: re.Match[str]) -> str:
        spans.append(m.group(2))
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(keep, text.replace("\x00", ""))
    text = _STRONG.sub(r"\1", _LINK.sub(r"\1", text))
    return _HOLE.sub(lambda m: spans[int(m.group(1))], text)


def _rfc_links(escaped: str, hole: Callable[[str], str]) -> str:
    def link(m: re.Match[str]) -> str:
        url = RFC_URL.format(number=m.group(1))
        if m.group(2):
            url += f"#section-{m.group(2)}"
        return hole(f'<a class="rfc" href="{url}">{m.group(0)}</a>')

    return _RFC.sub(link, escaped)


def _link(label: str, target: str) -> str:
    """A link whose target is safe to follow; any other keeps its text and loses its target."""
    text = _STRONG.sub(r"<strong>\1</strong>", escape(label))  # code spans in it are holes by now
    if not safe_target(target):
        return text
    return f'<a href="{escape(target, quote=True)}">{text}</a>'


def safe_target(target: str) -> bool:
    """http(s), mailto, or a relative path: no javascript:, data: or protocol-relative URL."""
    lowered = target.strip().lower()
    if lowered.startswith(_SAFE_SCHEMES):
        return True
    scheme = lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in scheme and not lowered.startswith("//") and "\\" not in lowered


# ---------------------------------------------------------------- blocks


def _blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif _FENCE.match(line):
            i = _fenced(lines, i, out)
        elif m := _HEADING.match(line):
            level = len(m.group(1))
            out.append(f"<h{level}>{inline(m.group(2))}</h{level}>")
            i += 1
        elif line.lstrip().startswith(">"):
            i = _quote(lines, i, out)
        elif _BULLET.match(line):
            i = _list(lines, i, out, _BULLET, "ul")
        elif _NUMBERED.match(line):
            i = _list(lines, i, out, _NUMBERED, "ol")
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            i = _table(lines, i, out)
        else:
            i = _paragraph(lines, i, out)
    return out


def _starts_block(line: str) -> bool:
    stripped = line.lstrip()
    return bool(
        not stripped
        or _FENCE.match(line)
        or _HEADING.match(line)
        or stripped.startswith((">", "|"))
        or _BULLET.match(line)
    )


def _paragraph(lines: list[str], i: int, out: list[str]) -> int:
    text = [lines[i].strip()]
    i += 1
    while i < len(lines) and not _starts_block(lines[i]):
        text.append(lines[i].strip())
        i += 1
    out.append(f"<p>{inline(' '.join(text))}</p>")
    return i


def _fenced(lines: list[str], i: int, out: list[str]) -> int:
    m = _FENCE.match(lines[i])
    fence = m.group(1) if m else "```"  # _blocks calls this on a fence line
    body = []
    i += 1
    while i < len(lines) and not lines[i].strip().startswith(fence):
        body.append(lines[i])
        i += 1
    out.append("<pre><code>" + escape("\n".join(body)) + "</code></pre>")
    return i + 1


def _quote(lines: list[str], i: int, out: list[str]) -> int:
    body = []
    while i < len(lines) and lines[i].lstrip().startswith(">"):
        body.append(lines[i].lstrip()[1:].removeprefix(" "))
        i += 1
    out.append("<blockquote>" + "\n".join(_blocks(body)) + "</blockquote>")
    return i


def _list(lines: list[str], i: int, out: list[str], marker: re.Pattern[str], tag: str) -> int:
    """Items of one list; a line that starts no other block continues the item before it."""
    items: list[list[str]] = []
    opening = marker.match(lines[i])
    start = opening.group(1) if opening and tag == "ol" else "1"
    while i < len(lines):
        line = lines[i]
        m = marker.match(line)
        if m:
            items.append([m.group(m.lastindex or 0)])
        elif line.strip() and not _starts_block(line) and not _NUMBERED.match(line):
            items[-1].append(line.strip())
        else:
            break
        i += 1
    first = f' start="{int(start)}"' if tag == "ol" and int(start) != 1 else ""
    body = "".join(f"<li>{inline(' '.join(item))}</li>" for item in items)
    out.append(f"<{tag}{first}>{body}</{tag}>")
    return i


def _table(lines: list[str], i: int, out: list[str]) -> int:
    head = _cells(lines[i])
    i += 2
    rows = []
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        rows.append(_cells(lines[i]))
        i += 1
    thead = "".join(f"<th>{inline(c)}</th>" for c in head)
    tbody = "".join(
        "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row[: len(head)]) + "</tr>" for row in rows
    )
    out.append(
        f'<div class="table"><table><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table></div>'
    )
    return i


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]
