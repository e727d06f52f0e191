"""Completion of codes, class patterns, cause names and DIALSTATUS values.

The context is read from the text before the cursor on its line: completion
runs while the user types, when the analysis may lag behind the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sip_lsp import render
from sip_lsp.catalog import Catalog


@dataclass(frozen=True, slots=True)
class Completion:
    label: str
    kind: str  # code | pattern | cause | value
    insert_text: str
    start: int  # offsets of the text the item replaces
    end: int
    detail: str = ""
    documentation: str = ""  # Markdown, short: a list of 75 items is read row by row
    sort_text: str = ""
    filter_text: str = ""
    label_detail: str = ""  # shown beside the label on every row (a code's phrase)


_REPLY = re.compile(r"\b(sl_send_reply|t_reply|send_reply|sl_reply|t_send_reply)\s*\(\s*(\"?)(\d{0,3})$")
_PATTERN = re.compile(r"\bt_check_status\s*\(\s*\"([^\"]*)$")
_PJSIP = re.compile(r"\bPJSIPHangup\s*\(\s*(\d{0,3})$", re.I)
_RESPOND = re.compile(
    r"application\s*=\s*[\"']respond[\"']\s+data\s*=\s*[\"'](\d{0,3})$|^\s*respond\s+(\d{0,3})$"
)
_FS_CAUSES = re.compile(r"\b(continue_on_fail|failure_causes)\s*=\s*[\w,]*?(\w*)$")
_FS_HANGUP = re.compile(r"application\s*=\s*[\"']hangup[\"']\s+data\s*=\s*[\"'](\w*)$")
_AST_HANGUP = re.compile(r"\bHangup\s*\(\s*(\w*)$", re.I)
_DIALSTATUS = re.compile(r"\$\{DIALSTATUS\}\s*\"?\s*(?:=|!=|==)\s*\"?(\w*)$")


def completions_at(
    line_text: str, column: int, line_start: int, dialect: str, catalog: Catalog, lang: str = "en"
) -> list[Completion]:
    """Items for the cursor at `column` of a line starting at offset `line_start`."""
    before, after = line_text[:column], line_text[column:]
    cursor = line_start + column
    if dialect in ("kamailio", "opensips", "unknown"):
        if m := _REPLY.search(before):
            quoted, typed = bool(m.group(2)), m.group(3)
            start = cursor - len(typed) - (1 if quoted else 0)
            return _reply_codes(catalog, lang, start, cursor, quoted, after)
        if m := _PATTERN.search(before):
            typed = re.split(r"[|(^]", m.group(1))[-1]
            return _pattern_items(catalog, lang, cursor - len(typed), cursor)
    if dialect in ("freeswitch", "unknown"):
        if m := _RESPOND.search(before):
            typed = m.group(1) if m.group(1) is not None else m.group(2) or ""
            return _codes(catalog, lang, cursor - len(typed), cursor, with_phrase=" ")
        if m := _FS_CAUSES.search(before) or _FS_HANGUP.search(before):
            typed = m.group(m.lastindex or 1) or ""
            return _causes(catalog, "freeswitch", lang, cursor - len(typed), cursor)
    if dialect in ("asterisk", "unknown"):
        if m := _PJSIP.search(before):
            return _codes(catalog, lang, cursor - len(m.group(1)), cursor)
        if m := _DIALSTATUS.search(before):
            return _dialstatus(catalog, lang, cursor - len(m.group(1)), cursor)
        if m := _AST_HANGUP.search(before):
            return _causes(catalog, "asterisk", lang, cursor - len(m.group(1)), cursor)
    return []


def _sort(frequency: int, key: str) -> str:
    return f"{max(0, 9999 - frequency):04d}-{key}"


def _doc(catalog: Catalog, code: int, lang: str) -> str:
    entry = catalog.code(code)
    return render.code_brief(entry, catalog, lang) if entry else ""


_DIGITS = re.compile(r"\d*")


def _reply_codes(
    catalog: Catalog, lang: str, start: int, cursor: int, quoted: bool, after: str
) -> list[Completion]:
    """The first argument (from `start`, its opening quote) becomes `"486", "Busy Here"`; only
    the code when a second argument is already there.

    A closing quote already after the cursor (an auto-pairs plugin's) is kept and closes the
    inserted text: Neovim expands a snippet at the cursor and ignores where the edit ends, so
    replacing that quote would leave it doubled there.
    """
    has_second = "," in after.split(")", 1)[0]
    digits = _DIGITS.match(after)
    end = cursor + (digits.end() if digits else 0)
    closed = quoted and after[end - cursor : end - cursor + 1] == '"'
    items: list[Completion] = []
    for entry in catalog.codes.values():
        code = f'"{entry.code}"' if quoted else str(entry.code)
        text = code if has_second else f'{code}, "{entry.reason}"'
        if closed:
            text = text[:-1]
        items.append(
            Completion(
                label=str(entry.code),
                kind="code",
                insert_text=text,
                start=start,
                end=end,
                detail=entry.reason,
                documentation=_doc(catalog, entry.code, lang),
                sort_text=_sort(entry.frequency, str(entry.code)),
                # Neovim's omnifunc inserts the filter text of a snippet item: the whole text.
                filter_text=text,
                label_detail=entry.reason,
            )
        )
    return items


def _codes(catalog: Catalog, lang: str, start: int, end: int, with_phrase: str = "") -> list[Completion]:
    return [
        Completion(
            label=str(e.code),
            kind="code",
            insert_text=f"{e.code}{with_phrase}{e.reason}" if with_phrase else str(e.code),
            start=start,
            end=end,
            detail=e.reason,
            documentation=_doc(catalog, e.code, lang),
            sort_text=_sort(e.frequency, str(e.code)),
            filter_text=str(e.code),
            label_detail=e.reason,
        )
        for e in catalog.codes.values()
    ]


def _pattern_items(catalog: Catalog, lang: str, start: int, end: int) -> list[Completion]:
    items = [c for c in _codes(catalog, lang, start, end) if int(c.label) >= 300]
    for digit in range(3, 7):
        cls = f"{digit}xx"
        items.append(
            Completion(
                label=f"{digit}[0-9][0-9]",
                kind="pattern",
                insert_text=f"{digit}[0-9][0-9]",
                start=start,
                end=end,
                detail=catalog.class_name(cls, lang),
                sort_text=f"0000-{digit}",
                filter_text=str(digit),
                label_detail=f"{cls} {catalog.class_name(cls, lang)}",
            )
        )
    return items


def _causes(catalog: Catalog, engine_name: str, lang: str, start: int, end: int) -> list[Completion]:
    engine = catalog.engines.get(engine_name)
    if engine is None:
        return []
    items: list[Completion] = []
    for cause in engine.causes.values():
        numeric = engine_name == "asterisk"
        items.append(
            Completion(
                label=cause.name,
                kind="cause",
                insert_text=str(cause.number) if numeric else cause.name,
                start=start,
                end=end,
                detail=cause.summary or str(cause.number),
                documentation=render.cause_markdown(engine, cause, catalog, lang),
                sort_text=f"{cause.number:04d}",
                filter_text=f"{cause.name} {cause.number}" if numeric else cause.name,
                label_detail=str(cause.number),
            )
        )
    return items


def _dialstatus(catalog: Catalog, lang: str, start: int, end: int) -> list[Completion]:
    engine = catalog.engines.get("asterisk")
    if engine is None:
        return []
    return [
        Completion(
            label=d.value,
            kind="value",
            insert_text=d.value,
            start=start,
            end=end,
            detail=d.summary,
            documentation=render.dialstatus_markdown(d.value, catalog, lang),
            sort_text=f"{i:04d}",
        )
        for i, d in enumerate(engine.dialstatus.values())
    ]
