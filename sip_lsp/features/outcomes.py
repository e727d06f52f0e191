"""Failover points for a reader: codes grouped by outcome, the one-line table of a code
lens, the Markdown table of a hover, and one status walked through a point (simulate).

Plain data from the outcome model (model.outcome); `sip-lsp table` and the server both
use it, so the editor and the command line group codes the same way. Words come from
catalogue headings (`table_*`, `outcome_*`, `local_*`, `lens_*`, `simulate_*`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from sip_lsp.catalog import Catalog
from sip_lsp.model import Analysis, Local, Outcome, OutcomeTable, Row, Simulation, Span, Step, StepKind
from sip_lsp.text import LineIndex

LOCAL_ORDER = (Local.TIMEOUT, Local.CANCELLED, Local.NO_DESTINATION)
_OUTCOME_ORDER = tuple(Outcome)
# A row as shown: the row and its registered codes, sorted.
ShownRow = tuple[Row, list[int]]
# (path of a span's file or None for the document, 0-based line) -> a link target.
LineLink = Callable[[str | None, int], str]


# `4xx except 401, 407, 408, 486` reads faster than the 37 codes it stands for; past
# this many exceptions the codes are listed one by one.
_MOST_EXCEPTED = 6


def group_codes(codes: Iterable[int], registered: Iterable[int], catalog: Catalog, lang: str) -> list[str]:
    """Codes as a reader takes them in: `6xx`, `5xx except 503`, or the codes one by one."""
    mine = set(codes)
    known = set(registered)
    parts: list[str] = []
    for cls in range(3, 7):
        whole = sorted(c for c in known if c // 100 == cls)
        have = [c for c in whole if c in mine]
        if not have:
            continue
        label = f"{cls}xx"
        missing = [c for c in whole if c not in mine]
        if not missing:
            parts.append(label)
        elif len(missing) <= _MOST_EXCEPTED and len(have) > len(missing):
            rest = ", ".join(map(str, missing))
            parts.append(catalog.heading("table_except", lang).format(cls=label, codes=rest))
        else:
            parts += [str(c) for c in have]
    return parts


def row_order(shown: ShownRow) -> tuple[int, int]:
    """Rows in outcome order, then by their lowest code shown (an unregistered one would misplace it)."""
    row, codes = shown
    return (_OUTCOME_ORDER.index(row.outcome), codes[0] if codes else 1000)


def shown_rows(table: OutcomeTable, catalog: Catalog) -> list[ShownRow]:
    """The rows a reader sees: registered codes only; a row left with nothing is dropped."""
    registered = catalog.codes
    shown: list[ShownRow] = []
    for row in table.rows:
        codes = sorted(c for c in row.codes if c in registered)
        if codes or row.local:
            shown.append((row, codes))
    return sorted(shown, key=row_order)


def codes_label(row: Row, codes: list[int], catalog: Catalog, lang: str) -> str:
    """`3xx; 4xx except 408, 486; caller cancelled`: the codes, then the local cases."""
    parts = group_codes(codes, catalog.codes, catalog, lang)
    excepted = any(" " in p for p in parts)  # `4xx except 408, 486`: groups need a stronger separator
    for case in LOCAL_ORDER:
        if case in row.local:
            parts.append(catalog.heading("local_" + case.value.replace("-", "_"), lang))
    return ("; " if excepted else ", ").join(parts)


def outcome_label(row: Row, catalog: Catalog, lang: str) -> str:
    """`retry-same`, `reply 500`: the outcome as the table prints it."""
    word = catalog.heading(f"outcome_{row.outcome.value.replace('-', '_')}", lang)
    return f"{word} {row.reply}" if row.reply is not None else word


def lens_outcome(row: Row, catalog: Catalog, lang: str) -> str:
    """The outcome in a lens's few words: `caller`, `retry`, `reply 500`."""
    key = "lens_" + row.outcome.value.replace("-", "_")
    if row.reply is not None and row.outcome is Outcome.END:
        key = "lens_end_code"
    return catalog.heading(key, lang).format(code=row.reply)


def lens_title(table: OutcomeTable, catalog: Catalog, lang: str) -> str:
    """The one-line table above a failover point: `6xx, 487 → caller · 486 → media · …`.

    Rows that read the same in a lens share a part; the call ending (Asterisk's Hangup()
    maps each cause to its own code) is one part, its code named only when there is one.
    """
    merged: dict[tuple[Outcome, int | None], tuple[set[int], set[Local], set[int | None]]] = {}
    for row, codes in shown_rows(table, catalog):
        key = (row.outcome, None if row.outcome is Outcome.END else row.reply)
        have, local, replies = merged.setdefault(key, (set(), set(), set()))
        have.update(codes)
        local.update(row.local)
        replies.add(row.reply)
    parts: list[str] = []
    for (outcome, reply), (merged_codes, local, replies) in merged.items():
        if outcome is Outcome.END:
            reply = next(iter(replies)) if len(replies) == 1 else None
        merged_row = Row(frozenset(merged_codes), frozenset(local), outcome, reply)
        label = codes_label(merged_row, sorted(merged_codes), catalog, lang)
        parts.append(f"{label} → {lens_outcome(merged_row, catalog, lang)}")
    return " · ".join(parts) or catalog.heading("table_none", lang)


def point_title(table: OutcomeTable) -> str:
    """`failure_route[CARRIER]`, `dial[PJSIP/…]`: what and which."""
    return f"{table.kind}[{table.name}]"


def file_line_link(doc_uri: str) -> LineLink:
    """Links to a line as editors open them: `file:///…#L52` (1-based)."""

    def link(path: str | None, line: int) -> str:
        base = doc_uri if path is None else Path(path).as_uri()
        return f"{base}#L{line + 1}"

    return link


def table_markdown(table: OutcomeTable, catalog: Catalog, lang: str, lines: LineIndex, link: LineLink) -> str:
    """The full table of one failover point (at document offsets), each row linking to its line."""

    def line_ref(span: Span) -> str:
        line = lines.line(span.start) if span.path is None else None
        if line is None:
            return f"[↗]({link(span.path, 0)})"
        return f"[{line + 1}]({link(None, line)})"

    head = f"**`{point_title(table)}`**"
    if table.armed_by:
        armed = ", ".join(line_ref(s) for s in table.armed_by)
        head += " · " + catalog.heading("table_armed", lang).format(lines=armed)
    names = [catalog.heading(k, lang) for k in ("table_codes", "table_outcome", "table_detail", "table_line")]
    out = [head, "", f"| {' | '.join(names)} |", "|---|---|---|---|"]
    for row, codes in shown_rows(table, catalog):
        detail = ""
        where = ""
        if row.span is not None:
            where = line_ref(row.span)
            if row.span.path is None:
                source = lines.line_text(lines.line(row.span.start)).strip()
                detail = f"`{source}`" if source else ""
        elif row.outcome is Outcome.FORWARD:
            detail = catalog.heading("table_winning_reply", lang)
        if row.note:
            note = catalog.heading(row.note, lang)
            detail = f"{detail} ({note})" if detail else note
        cells = (codes_label(row, codes, catalog, lang), outcome_label(row, catalog, lang), detail, where)
        out.append("| " + " | ".join(c.replace("|", "\\|") if c is not where else c for c in cells) + " |")
    return "\n".join(out)


class FailoverPoints:
    """The document's failover points by line, built once per analysis (lens, hover, simulate).

    Tables are kept as the analysis's parts hold them and shifted on first use, so a
    lens request on a 100k-line file costs a walk over the tables, not a copy of them.
    """

    __slots__ = ("_tables", "starts", "_lines", "_by_line")

    def __init__(self, analysis: Analysis, lines: LineIndex) -> None:
        placed = [(t, d) for t, d in analysis.placed("outcome_tables") if t.span.path is None]
        placed.sort(key=lambda p: p[0].span.start + p[1])
        self._tables: list[tuple[OutcomeTable, int]] = placed
        self._lines = lines
        self.starts = [t.span.start + d for t, d in placed]  # each point's offset in the document
        self._by_line: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self._tables)

    def table(self, i: int) -> OutcomeTable:
        """The i-th point's table at document offsets."""
        table, delta = self._tables[i]
        if delta:
            table = table.shift(delta)
            self._tables[i] = (table, 0)
        return table

    def line_of(self, i: int) -> int:
        return self._lines.line(self.starts[i])

    def by_start(self, offset: int) -> int | None:
        """The point that starts at `offset` (a lens's data), or None."""
        i = bisect_right(self.starts, offset) - 1
        return i if i >= 0 and self.starts[i] == offset else None

    def on_line(self, line: int) -> int | None:
        """The point whose header, step or arming site is on `line`."""
        if self._by_line is None:
            by_line: dict[int, int] = {}
            for i, (table, delta) in enumerate(self._tables):
                for span in (table.span, *table.armed_by):
                    if span.path is None:
                        by_line.setdefault(self._lines.line(span.start + delta), i)
            self._by_line = by_line
        return self._by_line.get(line)

    def at_or_above(self, line: int) -> int | None:
        """The point on `line`, else the nearest one starting above it (the handler being read)."""
        found = self.on_line(line)
        if found is not None:
            return found
        end = self._lines.line_end(line) if 0 <= line < self._lines.line_count else len(self._lines.text)
        i = bisect_right(self.starts, end) - 1
        return i if i >= 0 else None


def hover_table(
    points: FailoverPoints, offset: int, catalog: Catalog, lang: str, lines: LineIndex, link: LineLink
) -> tuple[str, int, int] | None:
    """(Markdown, start, end) of the table whose point or arming site is on the line at `offset`.

    The whole line hovers (its text from the first non-blank character): `t_on_failure("X")`,
    `Dial(`, `<action application="bridge" …>`, `failure_route[X] {`, a handler's `def`.
    """
    line = lines.line(offset)
    i = points.on_line(line)
    if i is None:
        return None
    text = lines.line_text(line)
    start = lines.starts[line] + len(text) - len(text.lstrip())
    end = lines.starts[line] + len(text.rstrip())
    if not start <= offset <= end:
        return None
    return table_markdown(points.table(i), catalog, lang, lines, link), start, end


# ---------------------------------------------------------------- simulate


class SimulateError(Exception):
    """A simulation that cannot run; `key` names its catalogue heading (`simulate_error_*`)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, catalog: Catalog, lang: str) -> str:
        return _format(catalog.heading(self.key, lang), self.values)


def parse_status(value: object) -> tuple[int | None, Local | None]:
    """`603`, "603", "timeout", "cancelled" -> (code, local case); SimulateError otherwise."""
    if isinstance(value, str):
        word = value.strip().lower()
        for case in (Local.TIMEOUT, Local.CANCELLED):
            if word == case.value:
                return None, case
        if word.isdigit():
            value = int(word)
    if isinstance(value, int) and not isinstance(value, bool) and 300 <= value <= 699:
        return value, None
    raise SimulateError("simulate_error_status", status=value)


_LOCAL_CODE = {Local.TIMEOUT: 408, Local.CANCELLED: 487}  # what tm makes of a local case
_PASSED_ON = "outcome_note_fs_remote_code"  # a row whose END sends the received code itself


class _Lenient(dict[str, str]):
    """Values for a heading: one a dialect did not give reads empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def code_label(code: int, catalog: Catalog) -> str:
    """`603 Decline`, or the bare number when the catalogue has no such code."""
    entry = catalog.code(code)
    return f"{code} {entry.reason}" if entry is not None else str(code)


def status_label(sim: Simulation, catalog: Catalog, lang: str) -> str:
    """The walked status: `603 Decline`, `408 Request Timeout (timeout)`, or the local case alone
    (`timeout`) where the dialect walks it without a code (Asterisk, FreeSWITCH)."""
    label = "" if sim.code is None else code_label(sim.code, catalog)
    if sim.local is None:
        return label
    case = catalog.heading("local_" + sim.local.value.replace("-", "_"), lang)
    return catalog.heading("simulate_status_local", lang).format(status=label, local=case) if label else case


def step_words(step: Step, catalog: Catalog, lang: str) -> str:
    """What a step did, in words: its kind's heading with its values, and its note."""
    values = _Lenient()
    notes = []
    for key, value in step.values:
        if key == "note":
            notes.append(catalog.heading(value, lang))
        elif key == "status" and value.isdigit():
            values[key] = code_label(int(value), catalog)
        elif key == "local":
            values[key] = catalog.heading("local_" + value.replace("-", "_"), lang)
        elif key == "outcome":
            values[key] = catalog.heading("simulate_action_" + value.replace("-", "_"), lang)
        else:
            values[key] = value
    if "status" not in values and "local" in values:  # a local case walked without a code
        values["status"] = values["local"]
    key = "simulate_step_" + step.kind.value.replace("-", "_")
    if step.kind is StepKind.CALL and values["app"].lower().startswith("goto"):
        key = "simulate_step_goto"  # Asterisk's Goto/GotoIf jump there: nothing returns, unlike a Gosub
    words = catalog.heading(key, lang).format_map(values)
    words = " ".join(words.split())
    note = "; ".join(notes)
    if note:
        return f"{words} ({note})" if words else note
    return words


def caller_code(sim: Simulation) -> int | None:
    """The code the caller receives when the outcome settles it, else None."""
    row = sim.row
    if row.outcome is Outcome.FORWARD:
        return sim.code if sim.code is not None else _LOCAL_CODE.get(sim.local) if sim.local else None
    if row.outcome in (Outcome.REPLY, Outcome.END):
        if row.reply is None and row.note == _PASSED_ON:  # FreeSWITCH sends the code the other leg got
            return sim.code
        return row.reply
    return None


def receives(sim: Simulation, catalog: Catalog, lang: str) -> str:
    """What the caller receives, in words."""
    code = caller_code(sim)
    if code is not None:
        return code_label(code, catalog)
    outcome = sim.row.outcome
    if outcome in (Outcome.REPLY, Outcome.END):
        return catalog.heading("simulate_receives_variable", lang)
    if outcome is Outcome.MEDIA:  # an application answers or ends the call, not a new branch
        return catalog.heading("simulate_receives_media", lang)
    if outcome in (Outcome.RETRY_SAME, Outcome.NEW_PARTY):
        return catalog.heading("simulate_receives_pending", lang)
    return catalog.heading("simulate_receives_unknown", lang)


def simulation_result(
    sim: Simulation, catalog: Catalog, lang: str, lines: LineIndex, link: LineLink
) -> dict[str, object]:
    """A simulation as the server command returns it (JSON): the steps, the outcome, a summary."""
    steps: list[dict[str, object]] = []
    for step in sim.steps:
        line = target = None
        source = ""
        span = step.span
        if span is not None:
            if span.path is None:
                line = lines.line(span.start)
                source = " ".join(lines.text[span.start : span.end].split("\n", 1)[0].split())
                target = link(None, line)
            else:
                target = link(span.path, 0)
        steps.append(
            {
                "line": line,
                "path": span.path if span is not None else None,
                "target": target,
                "kind": step.kind.value,
                "text": step_words(step, catalog, lang),
                "source": source,
            }
        )
    table, row = sim.table, sim.row
    status = status_label(sim, catalog, lang)
    return {
        "point": {"kind": table.kind, "name": table.name, "line": lines.line(table.span.start)},
        "status": status,
        "steps": steps,
        "outcome": row.outcome.value,
        "reply": caller_code(sim),
        "receives": receives(sim, catalog, lang),
        "summary": f"{point_title(table)}: {status} → {outcome_label(row, catalog, lang)}",
        "facts": [[catalog.heading(key, lang), value] for key, value in sim.facts],
    }


def _format(template: str, values: Mapping[str, object]) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def simulate_point(
    analysis: Analysis, points: FailoverPoints, line: int, status: object, ctx: object = None
) -> Simulation:
    """Walk `status` through the failover point on (or nearest above) 0-based `line`.

    SimulateError when the status is not a final code or a local case, when no point is
    there, or when the dialect has no walker yet; `ctx` is a `dialects.DialectContext`.
    """
    from sip_lsp import dialects  # the walkers load on first use, not with the server

    code, local = parse_status(status)
    i = points.at_or_above(line) if isinstance(line, int) and not isinstance(line, bool) else None
    if i is None:
        raise SimulateError("simulate_error_no_point", line=line + 1 if isinstance(line, int) else line)
    table = points.table(i)
    context = ctx if isinstance(ctx, dialects.DialectContext) else None
    try:
        sim = dialects.simulate(analysis.text, analysis.dialect, table, code, local, context)
    except ModuleNotFoundError as exc:  # the dialect's walker is not written yet
        if not (exc.name or "").startswith("sip_lsp.dialects"):
            raise
        sim = None
    if sim is None:
        raise SimulateError("simulate_error_no_walker", dialect=analysis.dialect, point=point_title(table))
    return sim
