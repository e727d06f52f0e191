"""`sip-lsp table`: what each failover point does with every final response (issue 14 item 1).

Reads the outcome tables the dialects build (model.outcome) and prints them with
codes grouped by outcome (`5xx except 503`, `6xx`). Only registered codes are
shown: every one of them is in exactly one row of every table. Words come from the
catalogue headings (`table_*`, `outcome_*`, `local_*`), in English or Russian.
Exit status: 0, or 2 on a usage or I/O error, or when `--at` matches nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from sip_lsp import dialects
from sip_lsp.catalog import Catalog
from sip_lsp.cli.check import _Check, _read_text
from sip_lsp.cli.report import FileReport, Locator, display_path
from sip_lsp.features.outcomes import LOCAL_ORDER, codes_label, outcome_label, shown_rows
from sip_lsp.lint import DocumentCache, lint
from sip_lsp.model import Outcome, OutcomeTable, Row
from sip_lsp.text import decode, read_bytes


def run_table(args: argparse.Namespace) -> int:
    args.select = args.ignore = ""
    args.exit_zero = args.fix = False
    return _Table(args).run()


class Shown:
    """One table as printed: where it is, its rows with registered codes only."""

    def __init__(self, report: FileReport, table: OutcomeTable, locator: Locator, catalog: Catalog) -> None:
        self.table = table
        self.report = report
        loc = locator.locate(table.span, report)
        self.path, self.line = loc.display, loc.line
        self.armed = [locator.locate(s, report).line for s in table.armed_by]
        self.rows: list[tuple[Row, list[int], int | None, str]] = []
        for row, codes in shown_rows(table, catalog):
            line = source = None
            if row.span is not None:
                at = locator.locate(row.span, report)
                line = at.line
                source = locator.source_line(at, report, row.span).strip()
            self.rows.append((row, codes, line, source or ""))


class Source:
    """How a file's tables were made: its dialect, include root and analysed blocks."""

    __slots__ = ("dialect", "root", "cache")

    def __init__(self, dialect: str, root: str, cache: DocumentCache) -> None:
        self.dialect, self.root, self.cache = dialect, root, cache


class _Table(_Check):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.sources: dict[str, Source] = {}  # by absolute path

    def run(self) -> int:
        catalog = self._catalog(tuple(self.args.catalog))
        if catalog is None:
            return 2
        shown = self.collect(catalog)
        at = self.args.at
        if at:
            shown = [s for s in shown if matches(s, at)]
            if not shown:
                self._error("sip-lsp", self._text("simulate_no_point", at=at))
        if self.failed:
            return 2
        out, lang = sys.stdout, self.args.lang
        if self.args.format == "json":
            json.dump({"tables": [as_json(s) for s in shown]}, out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif self.args.format == "markdown":
            write_markdown(shown, catalog, lang, out)
        else:
            write_text(shown, catalog, lang, out)
        return 0

    def collect(self, catalog: Catalog) -> list[Shown]:
        """Every failover point of the files named, in file and text order."""
        shown: list[Shown] = []
        for path, explicit, root in self._targets():
            found = self._tables(path, explicit, root)
            if found is not None:
                report, tables = found
                shown += [Shown(report, t, self.locator, catalog) for t in tables]
        # A table once: an included file's failure route is in its includer's model and its own.
        first: dict[tuple[str, int, str, str], Shown] = {}
        for s in shown:
            first.setdefault((s.path, s.line, s.table.kind, s.table.name), s)
        return list(first.values())

    def _tables(self, path: str, explicit: bool, root: str) -> tuple[FileReport, list[OutcomeTable]] | None:
        shown = display_path(path)
        settings = self._settings(path)
        catalog = self._catalog(tuple(self.args.catalog))
        if settings is None or catalog is None:
            return None
        try:
            data = read_bytes(path, 4 * settings.max_file_size + 1)
        except OSError as exc:
            self._error(shown, self._text("check_cannot_read", why=exc.strerror or exc))
            return None
        if data is None or b"\0" in data[:8192]:
            return None
        text = decode(data)[0]
        dialect = self.args.dialect or dialects.detect(text, path, settings.dialects)
        if dialect == "unknown":
            if explicit:
                self._note(shown, self._text("check_unrecognised"))
            return None
        cache = DocumentCache()  # kept for a later look at the same text (`simulate`)
        try:
            result = lint(
                text, path, settings, catalog, read=_read_text, root=root, dialect=dialect, cache=cache
            )
        except Exception as exc:  # a dialect bug must not stop the other files
            self._error(shown, self._text("check_internal_error", error=f"{type(exc).__name__}: {exc}"))
            return None
        report = FileReport(path, shown, text, [])
        self.sources[path] = Source(dialect, root, cache)
        tables = sorted(result.analysis.outcome_tables, key=lambda t: (t.span.path or "", t.span.start))
        return report, tables


def matches(shown: Shown, at: str) -> bool:
    """`--at`: the route's name, or a line of its header, its arming sites or its rows."""
    if not at.isdigit():
        return shown.table.name == at
    line = int(at)
    return line == shown.line or line in shown.armed or any(r[2] == line for r in shown.rows)


def _codes_label(shown_row: tuple[Row, list[int], int | None, str], catalog: Catalog, lang: str) -> str:
    row, codes, _, _ = shown_row
    return codes_label(row, codes, catalog, lang)


def _detail(shown_row: tuple[Row, list[int], int | None, str], catalog: Catalog, lang: str) -> str:
    row, _, _, source = shown_row
    detail = source or (
        catalog.heading("table_winning_reply", lang) if row.outcome is Outcome.FORWARD else ""
    )
    if row.note:
        detail = (
            f"{detail} ({catalog.heading(row.note, lang)})" if detail else catalog.heading(row.note, lang)
        )
    return detail


def title(shown: Shown, catalog: Catalog, lang: str) -> str:
    t = shown.table
    head = f"{t.kind}[{t.name}] ({shown.path}:{shown.line})"
    if shown.armed:
        lines = ", ".join(map(str, shown.armed))
        head += ", " + catalog.heading("table_armed", lang).format(lines=lines)
    return head


def write_text(shown: list[Shown], catalog: Catalog, lang: str, out: TextIO) -> None:
    if not shown:
        out.write(catalog.heading("table_none", lang) + "\n")
    for i, s in enumerate(shown):
        if i:
            out.write("\n")
        out.write(title(s, catalog, lang) + "\n")
        cells = [
            (
                _codes_label(r, catalog, lang),
                outcome_label(r[0], catalog, lang),
                _detail(r, catalog, lang),
                r[2],
            )
            for r in s.rows
        ]
        wrapped = [_wrapped(c[0]) for c in cells]
        wide = max((len(part) for parts in wrapped for part in parts), default=0)
        word = max((len(c[1]) for c in cells), default=0)
        for (_, outcome, detail, line), parts in zip(cells, wrapped):
            tail = f"   :{line}" if line is not None else ""
            out.write(f"  {parts[0]:<{wide}}  → {outcome:<{word}}  {detail}{tail}".rstrip() + "\n")
            out.writelines(f"    {part}\n" for part in parts[1:])


# A long list of codes wraps inside its column, so that the outcomes stay in view.
_CODES_WIDTH = 48


def _wrapped(codes: str) -> list[str]:
    """The codes cell in lines of at most _CODES_WIDTH, broken after a `, ` or `; `."""
    lines: list[str] = []
    rest = codes
    while len(rest) > _CODES_WIDTH:
        cut = max(rest.rfind(", ", 0, _CODES_WIDTH), rest.rfind("; ", 0, _CODES_WIDTH))
        if cut <= 0:
            break
        lines.append(rest[: cut + 1])
        rest = rest[cut + 2 :]
    return [*lines, rest]


def write_markdown(shown: list[Shown], catalog: Catalog, lang: str, out: TextIO) -> None:
    if not shown:
        out.write(catalog.heading("table_none", lang) + "\n")
    heads = [catalog.heading(k, lang) for k in ("table_codes", "table_outcome", "table_detail", "table_line")]
    for i, s in enumerate(shown):
        if i:
            out.write("\n")
        out.write(f"### {title(s, catalog, lang)}\n\n| {' | '.join(heads)} |\n|---|---|---|---|\n")
        for r in s.rows:
            detail = _detail(r, catalog, lang).replace("|", "\\|")
            if r[3]:
                detail = f"`{r[3]}`".replace("|", "\\|") + (
                    f" ({catalog.heading(r[0].note, lang)})" if r[0].note else ""
                )
            line = "" if r[2] is None else str(r[2])
            codes, outcome = _codes_label(r, catalog, lang), outcome_label(r[0], catalog, lang)
            out.write(f"| {codes} | {outcome} | {detail} | {line} |\n")


def as_json(shown: Shown) -> dict[str, object]:
    """The stable JSON form of one table (README: "sip-lsp table")."""
    t = shown.table
    return {
        "path": shown.path,
        "line": shown.line,
        "kind": t.kind,
        "name": t.name,
        "rows": [
            {
                "codes": codes,
                "local": [case.value for case in LOCAL_ORDER if case in row.local],
                "outcome": row.outcome.value,
                "reply": row.reply,
                "line": line,
                "note": row.note,
            }
            for row, codes, line, _ in shown.rows
        ],
    }
