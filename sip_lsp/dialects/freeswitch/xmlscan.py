"""A tolerant XML scanner with exact positions, for dialplans being edited.

ElementTree gives up on the first error and keeps no offsets; an editor needs
facts from the whole file while a tag is half typed. This scanner never
raises: a tag cut short by a new `<` ends there, an unterminated quoted value
ends at the line before the next tag, a stray `</x>` is ignored, and elements
left open end with their last child. Attribute values are entity-decoded, and
`Attr.offset` maps a position in the decoded value back to the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sip_lsp.model import Span

_NAME = re.compile(r"[A-Za-z_:][-\w.:]*")
_ATTR_SOURCE = r"""([^\s=/>"'<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')"""
_ATTR = re.compile(_ATTR_SOURCE)
# Fast path: a complete start tag whose values hold no "<" (the common case).
# Its first two attributes are groups of the match itself (2-4, 5-7): most
# dialplan elements have no more, and a finditer per element cost ~20% of a lint.
_TAG = re.compile(
    r"<([A-Za-z_:][-\w.:]*)"
    + rf"(?:\s+{_ATTR_SOURCE})?" * 2
    + r"""((?:\s+[^\s=/>"'<]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(/?)>"""
)
_END_TAG = re.compile(r"</([A-Za-z_:][-\w.:]*)>")
_ATTR_NAME = re.compile(r"[^\s=/>\"'<]+")
_SPACE = re.compile(r"\s*")
_UNQUOTED = re.compile(r"[^\s>]*")
_NEXT_TAG_LINE = re.compile(r"\n[ \t\r]*<")
_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

# Dialplan elements that never hold children (an unclosed one closes itself)
# and elements that cannot contain themselves (a second one closes the first).
VOID = frozenset({"action", "anti-action", "X-PRE-PROCESS", "param", "variable", "regex"})
NO_SELF_NEST = frozenset({"context", "extension", "section", "document", "include"})


class Attr:
    """One attribute; a plain slotted class, as the scanner makes one per attribute."""

    __slots__ = ("name", "name_start", "value", "start", "end", "_map")

    def __init__(
        self, name: str, name_start: int, value: str, start: int, end: int, mapping: list[int] | None = None
    ) -> None:
        self.name = name
        self.name_start = name_start
        self.value = value  # entities decoded
        self.start = start  # raw value start (inside the quotes)
        self.end = end  # raw value end
        self._map = mapping  # decoded index -> raw offset, when entities occur

    def offset(self, index: int) -> int:
        """Raw text offset of position `index` in the decoded value."""
        index = max(0, min(index, len(self.value)))
        if self._map is None:
            return self.start + index
        return self._map[index]

    def plain_start(self) -> int | None:
        """Raw offset of decoded index 0 when no entity occurs (index + it is raw); else None."""
        return self.start if self._map is None else None

    def span(self, start: int, end: int, base: int = 0) -> Span:
        """The raw text span of `value[start:end]`, moved by `base` (one call on the hot path)."""
        n = len(self.value)
        if self._map is None and 0 <= start <= n and 0 <= end <= n:
            base += self.start  # the common case: in range, no entities
            return Span(base + start, base + end)
        start = 0 if start < 0 else n if start > n else start
        end = 0 if end < 0 else n if end > n else end
        if self._map is None:
            return Span(base + self.start + start, base + self.start + end)
        return Span(base + self._map[start], base + self._map[end])


class Element:
    """One element; a plain slotted class, as the scanner makes one per tag."""

    __slots__ = ("name", "start", "name_end", "tag_end", "end", "attrs", "children", "closed")

    def __init__(
        self, name: str, start: int, name_end: int, tag_end: int, attrs: dict[str, Attr] | None = None
    ) -> None:
        self.name = name
        self.start = start  # the "<"
        self.name_end = name_end
        self.tag_end = tag_end  # just after the start tag (or where it was cut)
        self.end = 0  # just after the end tag, or the last child
        self.attrs = {} if attrs is None else attrs
        self.children: list[Element] = []
        self.closed = False  # an end tag or "/>" was seen

    def get(self, name: str) -> Attr | None:
        return self.attrs.get(name)

    def value(self, name: str, default: str = "") -> str:
        attr = self.attrs.get(name)
        return attr.value if attr else default

    def iter(self) -> Iterator[Element]:
        """This element and every descendant, in document order (no recursion)."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


class Comment:
    __slots__ = ("start", "end", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start  # the "<!--"
        self.end = end  # after "-->" (or the end of the text)
        self.text = text  # between the markers


class Document:
    __slots__ = ("roots", "comments", "stray_ends")

    def __init__(self) -> None:
        self.roots: list[Element] = []
        self.comments: list[Comment] = []
        self.stray_ends: list[int] = []  # starts of end tags that closed nothing

    def iter(self) -> Iterator[Element]:
        """Every element, in document order."""
        for root in self.roots:
            yield from root.iter()


def decode(raw: str, start: int) -> tuple[str, list[int] | None]:
    """Entity-decode `raw` (found at `start`); the offset map is None without entities."""
    if "&" not in raw:
        return raw, None
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _ENTITY.finditer(raw):
        for i in range(pos, m.start()):
            out.append(raw[i])
            offsets.append(start + i)
        out.append(_entity(m.group(1)))
        offsets.append(start + m.start())
        pos = m.end()
    for i in range(pos, len(raw)):
        out.append(raw[i])
        offsets.append(start + i)
    offsets.append(start + len(raw))
    return "".join(out), offsets


def _entity(name: str) -> str:
    if name[0] != "#":
        return _NAMED[name]
    try:
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 else "\ufffd"
    except ValueError:
        return "\ufffd"


def scan(text: str, void: frozenset[str] = VOID, no_self_nest: frozenset[str] = NO_SELF_NEST) -> Document:
    """Every element and comment of `text`; never raises."""
    doc = Document()
    roots = doc.roots
    stack: list[Element] = []
    n = len(text)
    i = 0
    while True:
        lt = text.find("<", i)
        if lt < 0:
            break
        mark = text[lt + 1 : lt + 2]
        if mark == "!":
            if text.startswith("<!--", lt):
                e = text.find("-->", lt + 4)
                end = n if e < 0 else e + 3
                doc.comments.append(Comment(lt, end, text[lt + 4 : e if e >= 0 else n]))
                i = end
            elif text.startswith("<![CDATA[", lt):
                i = _after(text, "]]>", lt + 9)
            else:
                i = _after(text, ">", lt + 2)
            continue
        if mark == "?":
            i = _after(text, "?>", lt + 2)
            continue
        if mark == "/":
            end_tag = _END_TAG.match(text, lt)
            if end_tag and stack and stack[-1].name == end_tag.group(1):
                el = stack.pop()  # `</name>` closing the innermost element: the common case
                el.end = i = end_tag.end()
                el.closed = True
                continue
            i, matched = _close(text, lt, stack)
            if not matched:
                doc.stray_ends.append(lt)
            continue
        fast = _TAG.match(text, lt)
        if fast:
            el, self_closing = _fast_element(text, lt, fast)
        else:
            m = _NAME.match(text, lt + 1)
            if not m:
                i = lt + 1
                continue
            el = Element(m.group(), lt, m.end(), m.end())
            self_closing = _attributes(text, el)
        name = el.name
        if stack and stack[-1].name in void:
            _finish(stack.pop())
        if name in no_self_nest and any(o.name == name for o in stack):
            while stack[-1].name != name:
                _finish(stack.pop())
            _finish(stack.pop())
        (stack[-1].children if stack else roots).append(el)
        if self_closing:
            el.closed = True
            el.end = el.tag_end
        else:
            stack.append(el)
        i = max(el.tag_end, lt + 1)
    while stack:
        _finish(stack.pop())
    return doc


def _after(text: str, marker: str, start: int) -> int:
    e = text.find(marker, start)
    return len(text) if e < 0 else e + len(marker)


def _finish(el: Element) -> None:
    """Close an element left open: it ends with its last child (or its start tag)."""
    last = el.children[-1].end if el.children else el.tag_end
    el.end = max(el.tag_end, last)


def _close(text: str, lt: int, stack: list[Element]) -> tuple[int, bool]:
    """Close the innermost open element of that name: (position after, whether one was)."""
    m = _NAME.match(text, lt + 2)
    cut = text.find("<", lt + 2)  # an end tag with no `>` before the next tag ends there
    if cut < 0:
        cut = len(text)
    gt = text.find(">", lt + 2, cut)
    end = gt + 1 if gt >= 0 else cut
    name = m.group() if m else ""
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].name == name:
            while len(stack) > k + 1:
                _finish(stack.pop())
            el = stack.pop()
            el.end = end
            el.closed = True
            return max(end, lt + 2), True
    return max(end, lt + 2), False


def _fast_element(text: str, lt: int, tag: re.Match[str]) -> tuple[Element, bool]:
    """The element of a start tag the fast pattern matched whole, and whether it is `/>`."""
    name, first, double1, single1, second, double2, single2, rest, slash = tag.groups()
    attrs: dict[str, Attr] = {}
    if first is not None:
        raw, group = (double1, 3) if double1 is not None else (single1, 4)
        start = tag.start(group)
        attrs[first] = (
            _attr(first, tag.start(2), raw, start, tag.end(group))
            if "&" in raw
            else Attr(first, tag.start(2), raw, start, start + len(raw))
        )
        if second is not None and second not in attrs:
            raw, group = (double2, 6) if double2 is not None else (single2, 7)
            start = tag.start(group)
            attrs[second] = (
                _attr(second, tag.start(5), raw, start, tag.end(group))
                if "&" in raw
                else Attr(second, tag.start(5), raw, start, start + len(raw))
            )
        if rest:
            for m in _ATTR.finditer(text, tag.start(8), tag.end(8)):
                if m.group(1) not in attrs:
                    group = 2 if m.group(2) is not None else 3
                    attrs[m.group(1)] = _attr(m.group(1), m.start(1), m.group(group), *m.span(group))
    return Element(name, lt, tag.end(1), tag.end(), attrs), slash == "/"


def _attr(name: str, name_start: int, raw: str, start: int, end: int) -> Attr:
    if "&" in raw:
        value, mapping = decode(raw, start)
        return Attr(name, name_start, value, start, end, mapping)
    return Attr(name, name_start, raw, start, end)


def _attributes(text: str, el: Element) -> bool:
    """Read the attributes of a start tag; set `el.tag_end`; True for `/>`."""
    n = len(text)
    pos = el.name_end
    while True:
        pos = _space_end(text, pos)
        if pos >= n:
            el.tag_end = n
            return False
        c = text[pos]
        if c == ">":
            el.tag_end = pos + 1
            return False
        if c == "/" and text.startswith("/>", pos):
            el.tag_end = pos + 2
            return True
        if c == "<":
            el.tag_end = pos
            return False
        am = _ATTR_NAME.match(text, pos)
        if not am:
            pos += 1
            continue
        name, name_start = am.group(), pos
        pos = _space_end(text, am.end())
        if pos < n and text[pos] == "=":
            pos = _space_end(text, pos + 1)
            start, end, pos = _value(text, pos)
        else:
            start = end = am.end()
        value, mapping = decode(text[start:end], start)
        el.attrs.setdefault(name, Attr(name, name_start, value, start, end, mapping))


def _value(text: str, pos: int) -> tuple[int, int, int]:
    """(value start, value end, position after the value) at `pos`."""
    n = len(text)
    if pos < n and text[pos] in "\"'":
        quote = text[pos]
        start = pos + 1
        close = text.find(quote, start)
        limit = close if close >= 0 else n
        cut = _NEXT_TAG_LINE.search(text, start, limit)
        if cut:
            return start, cut.start(), cut.start()
        if close < 0:
            return start, n, n
        return start, close, close + 1
    m = _UNQUOTED.match(text, pos)
    end = m.end() if m else pos
    return pos, end, end


def _space_end(text: str, pos: int) -> int:
    """Where the whitespace at `pos` ends."""
    m = _SPACE.match(text, pos)
    return m.end() if m else pos
