"""extensions.conf -> contexts, extensions and priorities (no judgement).

Tolerant: a line it does not understand is skipped, never fatal. Offsets
are kept into each file's own text so facts from `#include`d files carry
their path (Span.path) and facts from the document carry None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from sip_lsp.model import Span

if TYPE_CHECKING:  # flow finds the tests and imports this module; a Step only keeps them
    from sip_lsp.dialects.asterisk.flow import Test


@dataclass(eq=False, slots=True)
class Step:
    """One priority: `exten => name,prio,App(args)`."""

    context: str
    exten: str
    prio: int
    label: str | None
    app: str
    name: str  # `app` lowercased, as facts and flow compare it
    args: str
    args_start: int  # offset of `args` in its file's text
    span: Span  # App(args) up to the end of the statement
    tests: tuple[Test, ...] | None = None  # its DIALSTATUS comparisons, once asked (flow.find_tests)


@dataclass(eq=False, slots=True)
class Ext:
    name: str
    name_span: Span
    steps: list[Step] = field(default_factory=list)
    end: int = 0  # end of its last statement (same file as name_span)


@dataclass(eq=False, slots=True)
class Ctx:
    name: str
    name_span: Span
    start: int  # its `[` (same file as name_span)
    end: int  # end of its last line there
    exts: dict[str, Ext] = field(default_factory=dict)
    includes: list[tuple[str, Span]] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    contexts: dict[str, Ctx] = field(default_factory=dict)
    order: list[Ctx] = field(default_factory=list)  # document contexts, for the outline
    # `n` is the previous statement's priority + 1 and `s` that priority,
    # whatever its extension (pbx/pbx_config.c pbx_load_config: lastpri).
    last_prio: int = 0
    # Whether the first priority parsed was `n` or `s`: then the parse depends on
    # the `last_prio` it started with (None: no priority yet).
    inherits: bool | None = None


_CONTEXT = re.compile(r"\[([^\]\n]+)\]\s*(?:\(([^)\n]*)\))?")
# `exten => name,prio,App(args)` or `same => prio,App(args)`: names and priorities hold no
# commas. Groups: the name (None for same), the priority, blanks, the application name.
_STATEMENT = re.compile(
    r"(?:(?i:exten)\s*=>?\s*([^,]*),|(?i:same)\s*=>?\s*)([^,]*),(\s*)(?:([A-Za-z_]\w*)\s*)?"
)
_INCLUDE_LINE = re.compile(r"include\s*=>?\s*", re.I)
_DIRECTIVE = re.compile(r"#\s*(include|tryinclude)\s+\"?([^\"\n]+?)\"?\s*$", re.I)
_PRIO = re.compile(r"\s*(\d+|next|n|same|s|hint)(?:\s*\+\s*(\d+))?\s*(?:\(([^)]*)\))?\s*$", re.I)


def strip_comments(text: str) -> list[tuple[int, str]]:
    """Split `text` into lines without comments.

    Returns (start offset, content) per line, with `;` comments cut (`\\;`
    kept) and `;-- --;` block comments blanked, so offsets stay true.
    """
    lines: list[tuple[int, str]] = []
    in_block = False
    pos = 0
    for raw in text.split("\n"):
        if not in_block and ";" not in raw:
            lines.append((pos, raw.rstrip()))
            pos += len(raw) + 1
            continue
        out = []
        i, n = 0, len(raw)
        while i < n:
            if in_block:
                end = raw.find("--;", i)
                stop = n if end < 0 else end + 3
                out.append(" " * (stop - i))
                in_block = end < 0
                i = stop
                continue
            semi = raw.find(";", i)
            while semi > 0 and raw[semi - 1] == "\\":
                semi = raw.find(";", semi + 1)
            if semi < 0:
                out.append(raw[i:])
                break
            out.append(raw[i:semi])
            if raw.startswith(";--", semi):
                in_block = True
                out.append("   ")
                i = semi + 3
            else:
                break
        lines.append((pos, "".join(out).rstrip()))
        pos += n + 1
    return lines


_SPECIAL: dict[str, re.Pattern[str]] = {}


# The same arguments recur across a dialplan and are split by facts and flow alike (~20% of a lint).
@lru_cache(maxsize=8192)
def split_top(text: str, seps: str) -> tuple[tuple[int, str], ...]:
    """Split at `seps` outside (), ${}, $[] and quotes; (offset, part) pairs."""
    rx = _SPECIAL.get(seps)
    if rx is None:
        rx = _SPECIAL[seps] = re.compile("[" + re.escape('"()[]{}' + seps) + "]")
    parts: list[tuple[int, str]] = []
    depth, quote, start = 0, False, 0
    for m in rx.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            quote = not quote
        elif quote:
            continue
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
    parts.append((start, text[start:]))
    return tuple(parts)


# A line opening with `[`; group 1 when it is plainly a header (no `;` before its `]`).
# The second form starts with a literal newline, which the regex engine scans for fast.
_HEADER = r"[^\S\n]*\[(?:[^\]\n;]+(\]))?"
_FIRST_HEADER = re.compile(_HEADER)
_NEXT_HEADER = re.compile("\n" + _HEADER)


def context_starts(text: str) -> list[tuple[int, str]] | None:
    """(offset, header text) of the lines that open a context, where a parse can start afresh.

    None when the text cannot be cut there: a `;--` block comment may hide a header.
    """
    if ";--" in text:
        return None
    first = _FIRST_HEADER.match(text)
    starts = [(0, first.group())] if first and (first.group(1) or _is_header(text, 0)) else []
    return starts + [
        (m.start() + 1, m.group())
        for m in _NEXT_HEADER.finditer(text)
        if m.group(1) or _is_header(text, m.start() + 1)
    ]


def _is_header(text: str, start: int) -> bool:
    """The line at `start` opens a context once its comment is cut (as parse_file reads it)."""
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)]
    return bool(_CONTEXT.match(strip_comments(line)[0][1].lstrip()))


@dataclass
class _State:
    """Where the parse stands; shared with `#include`d files, which Asterisk reads inline."""

    ctx: Ctx | None = None
    last: Ext | None = None
    depth: int = 0


# Reads an `#include`: (name, span) -> (absolute path, text), or None. The path is None for the
# document itself read where its includer includes it (asterisk/includer.py): its spans have none.
Include = Callable[[str, Span], "tuple[str | None, str] | None"]
_MAX_INCLUDE_DEPTH = 32


def parse_file(
    text: str,
    path: str | None,
    parsed: Parsed,
    include: Include | None = None,
    state: _State | None = None,
    offset: int = 0,
) -> None:
    """Add the contexts and priorities of one file to `parsed` (offsets + `offset`).

    `#include "file"` is textual in Asterisk: the included lines continue the
    current context. Statements before any context in the document go to an
    unnamed context so a fragment meant for inclusion still yields facts.
    """
    state = state or _State()
    if path is None and state.ctx is None:
        state.ctx = parsed.contexts.setdefault("", Ctx("", Span(0, 0), 0, 0))
    for start, content in strip_comments(text):
        stripped = content.lstrip()
        if not stripped:
            continue
        end = start + offset + len(content)
        lead = end - len(stripped)
        first = stripped[0]
        if first == "#":
            m = _DIRECTIVE.match(stripped)
            if m and include is not None and state.depth < _MAX_INCLUDE_DEPTH:
                name = m.group(2).strip()
                found = include(name, Span(lead + m.start(2), lead + m.start(2) + len(name), path))
                if found is not None:
                    state.depth += 1
                    parse_file(found[1], found[0], parsed, include, state)
                    state.depth -= 1
            continue
        if first == "[":
            m = _CONTEXT.match(stripped)
            if not m:
                continue
            name = m.group(1).strip()
            name_span = Span(lead + m.start(1), lead + m.end(1), path)
            ctx = parsed.contexts.get(name)
            if ctx is None:
                ctx = Ctx(name, name_span, lead, end)
                parsed.contexts[name] = ctx
                if path is None:
                    parsed.order.append(ctx)
            opts = [o.strip() for o in (m.group(2) or "").split(",") if o.strip()]
            ctx.templates += [o for o in opts if o not in ("!", "+")]
            state.ctx, state.last = ctx, None
            continue
        ctx = state.ctx
        if ctx is None:
            continue
        if ctx.name_span.path == path:
            ctx.end = end
        statement = _cut(stripped)
        if statement is not None:
            state.last = _statement(parsed, ctx, state.last, statement, lead, end, path)
            continue
        m = _INCLUDE_LINE.match(stripped)
        if m is not None:
            body = stripped[m.end() :]
            name = body.strip()
            if name:
                s = lead + m.end() + len(body) - len(body.lstrip())
                ctx.includes.append((name, Span(s, s + len(name), path)))


def _statement(
    parsed: Parsed,
    ctx: Ctx,
    last: Ext | None,
    statement: Statement,
    lead: int,
    line_end: int,
    path: str | None,
) -> Ext | None:
    """Add the priority of a statement line (at offset `lead`); the extension it is in."""
    name = statement.name
    if name is None:  # same => prio,App(args)
        ext = last
    elif not name:
        return last
    else:
        ext = ctx.exts.get(name)
        if ext is None:
            s = lead + statement.name_at
            ext = ctx.exts[name] = Ext(name, Span(s, s + len(name), path))
    found = statement.priority
    if ext is None or found is None:
        return ext
    if found.relative == "n":
        prio = parsed.last_prio + 1 + found.increment
    elif found.relative == "s":
        prio = parsed.last_prio + found.increment
    else:
        prio = found.number + found.increment
    if parsed.inherits is None:
        parsed.inherits = found.relative is not None
    parsed.last_prio = prio
    if statement.app is None:
        return ext
    steps = ext.steps
    steps.append(
        Step(
            ctx.name,
            ext.name,
            prio,
            found.label,
            statement.app,
            statement.app_name,
            statement.args,
            lead + statement.args_at,
            Span(lead + statement.app_at, line_end, path),
        )
    )
    if line_end > ext.end and ext.name_span.path == path:
        ext.end = line_end
    if len(steps) > 1 and steps[-2].prio > prio:
        steps.sort(key=lambda st: st.prio)
    return ext


class Priority(NamedTuple):
    """`1`, `n`, `s+2`, `n(label)` as written."""

    relative: Literal["n", "s"] | None  # next or same as the previous statement's; None: numbered
    number: int  # when not relative
    increment: int
    label: str | None


class Statement(NamedTuple):
    """An `exten =>` or `same =>` line's parts, with offsets into the line."""

    name: str | None  # the extension; None for `same`
    name_at: int
    priority: Priority | None  # None for hints and junk
    app: str | None
    app_name: str  # `app` lowercased
    args: str
    args_at: int
    app_at: int


# A dialplan repeats its lines (`same => n,Hangup()`) in context after context (~15% of a lint).
@lru_cache(maxsize=8192)
def _cut(line: str) -> Statement | None:
    """A statement line's parts; None when the line is no `exten =>`/`same =>` statement."""
    m = _STATEMENT.match(line)
    if m is None:
        return None
    raw = m.group(1)
    name, name_at = None, 0
    if raw is not None:
        name = raw.strip().split("/", 1)[0].strip()
        name_at = m.start(1) + len(raw) - len(raw.lstrip())
    app, args, after = m.group(4), "", m.end()
    opener = line[after : after + 1]
    if opener == "(":
        args = line[after + 1 : -1] if line.endswith(")") else line[after + 1 :]
    elif opener == ",":
        args = line[after + 1 :]
    return Statement(
        name, name_at, _priority(m.group(2)), app, app.lower() if app else "", args, after + 1, m.end(3)
    )


def _priority(text: str) -> Priority | None:
    pm = _PRIO.match(text)
    if not pm:
        return None
    word = pm.group(1).lower()
    if word == "hint":
        return None
    increment = int(pm.group(2) or 0)
    label = (pm.group(3) or "").strip() or None
    if word in ("n", "next"):
        return Priority("n", 0, increment, label)
    if word in ("s", "same"):
        return Priority("s", 0, increment, label)
    return Priority(None, int(word), increment, label)
