"""`sip-lsp simulate`: one final status walked through one failover point (issue 14 item 2).

Finds the failover points as `sip-lsp table` does (same files, same `--at`), asks
the dialect to walk the status (`dialects.simulate`), and prints each step with its
line and source text, then the outcome and what the caller receives. Words come from
the catalogue headings (`simulate_*`, `outcome_*`, `local_*`), in English or Russian;
the words of a step and of the outcome come from features/outcomes.py (the server's too).
Exit status: 0, or 2 on a usage or I/O error, an unknown code, no single failover
point at `--at`, or a dialect without a walker.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from sip_lsp import dialects
from sip_lsp.catalog import Catalog
from sip_lsp.cli.check import _read_text
from sip_lsp.cli.report import FileReport
from sip_lsp.cli.table import Shown, _Table, matches, title
from sip_lsp.features.outcomes import caller_code, outcome_label, receives, status_label, step_words
from sip_lsp.model import Local, Outcome, Simulation, Span

_TEXT_WIDTH = 60  # a step's source text is cut here in the text form


def run_simulate(args: argparse.Namespace) -> int:
    args.select = args.ignore = ""
    args.exit_zero = args.fix = False
    args.paths = [args.path]
    return _Simulate(args).run()


class _Simulate(_Table):
    def run(self) -> int:
        catalog = self._catalog(tuple(self.args.catalog))
        if catalog is None:
            return 2
        status = self._status(catalog)
        if status is None:
            return 2
        code, local = status
        shown = self.collect(catalog)
        if self.failed:
            return 2
        point = self._point(shown)
        if point is None:
            return 2
        sim = self._simulate(point, catalog, code, local)
        if sim is None:
            return 2
        if self.args.format == "json":
            json.dump(as_json(point, sim, self), sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            self.write_text(point, sim, catalog, sys.stdout)
        return 0

    def _status(self, catalog: Catalog) -> tuple[int | None, Local | None] | None:
        """(--status, the local case) from the arguments; None after an error."""
        local = Local.TIMEOUT if self.args.timeout else Local.CANCELLED if self.args.cancelled else None
        given = self.args.status
        if given is None:
            if local is None:
                self._error("sip-lsp", self._text("simulate_no_status"))
                return None
            return None, local
        code = int(given) if given.strip().isdigit() else None
        if code is None or not 300 <= code <= 699 or catalog.code(code) is None:
            self._error("sip-lsp", self._text("simulate_unknown_code", code=given))
            return None
        return code, local

    def _point(self, shown: list[Shown]) -> Shown | None:
        """The one failover point `--at` names (or the file's only one); else an error, with the choices."""
        at = self.args.at
        found = [s for s in shown if matches(s, at)] if at else shown
        if (
            len(found) > 1 and at and at.isdigit()
        ):  # a point's own line beats a row of another that lands there
            own = [s for s in found if int(at) == s.line or int(at) in s.armed]
            found = own or found
        if len(found) == 1:
            return found[0]
        if not found:
            if at:
                self._error("sip-lsp", self._text("simulate_no_point", at=at))
            else:
                self._error("sip-lsp", self._text("simulate_no_points", path=self.args.path))
            return None
        self._error("sip-lsp", self._text("simulate_choose", count=len(found)))
        for s in found:
            print(f"  {s.table.kind}[{s.table.name}]  {s.path}:{s.line}", file=sys.stderr)
        return None

    def _simulate(
        self, point: Shown, catalog: Catalog, code: int | None, local: Local | None
    ) -> Simulation | None:
        source = self.sources[point.report.path]
        ctx = dialects.DialectContext(
            path=point.report.path,
            root=source.root,
            catalog=catalog,
            read=_read_text,
            cache=source.cache.blocks,
        )
        try:
            sim = dialects.simulate(point.report.text, source.dialect, point.table, code, local, ctx)
        except ModuleNotFoundError as exc:  # that dialect's walker is not there (yet)
            if not (exc.name or "").endswith(".simulate"):
                raise
            sim = None
        except Exception as exc:  # a dialect bug: one clear line, not a traceback
            self._error(point.path, self._text("check_internal_error", error=f"{type(exc).__name__}: {exc}"))
            return None
        if sim is None:
            self._error("sip-lsp", self._text("simulate_no_walker", dialect=source.dialect))
        return sim

    # ------------------------------------------------------------ output

    def place(self, span: Span | None, report: FileReport) -> tuple[str | None, int | None, str]:
        """(the file when not the simulated one, the line, the source text) of a step's span."""
        if span is None:
            return None, None, ""
        loc = self.locator.locate(span, report)
        other = span.path not in (None, report.path)
        text = report.text if not other else self.locator.index(span.path or "").text
        source = " ".join(text[span.start : span.end].split("\n", 1)[0].split())
        return (loc.display if other else None), loc.line, source

    def write_text(self, point: Shown, sim: Simulation, catalog: Catalog, out: TextIO) -> None:
        lang = self.args.lang
        point_title = title(point, catalog, lang)
        out.write(
            catalog.heading("simulate_title", lang).format(
                point=point_title, status=status_label(sim, catalog, lang)
            )
        )
        out.write("\n")
        cells = []
        for step in sim.steps:
            where, line, source = self.place(step.span, point.report)
            at = "" if line is None else f"{where or ''}:{line}"
            if len(source) > _TEXT_WIDTH:
                source = source[: _TEXT_WIDTH - 1] + "…"
            cells.append((at, source, step_words(step, catalog, lang)))
        at_wide = max((len(c[0]) for c in cells), default=0)
        text_wide = max((len(c[1]) for c in cells), default=0)
        for at, source, words in cells:
            out.write(f"  {at:<{at_wide}}  {source:<{text_wide}}  → {words}".rstrip() + "\n")
        row = sim.row
        outcome = outcome_label(row, catalog, lang)
        if row.outcome is Outcome.FORWARD:
            outcome += " — " + catalog.heading("table_winning_reply", lang)
        if row.span is not None:
            where, line, _ = self.place(row.span, point.report)
            outcome += f"   {where or ''}:{line}"
        if row.note:
            outcome += f" ({catalog.heading(row.note, lang)})"
        out.write(catalog.heading("simulate_outcome", lang).format(outcome=outcome) + "\n")
        out.write(
            catalog.heading("simulate_receives", lang).format(reply=receives(sim, catalog, lang)) + "\n"
        )
        for key, value in sim.facts:
            out.write(f"{catalog.heading(key, lang)}: {value}\n")


def as_json(point: Shown, sim: Simulation, cli: _Simulate) -> dict[str, object]:
    """The stable JSON form of a simulation (README: "sip-lsp simulate")."""
    steps: list[dict[str, object]] = []
    for step in sim.steps:
        where, line, source = cli.place(step.span, point.report)
        shown: dict[str, object] = {
            "line": line,
            "kind": step.kind.value,
            "text": source,
            "values": dict(step.values),
        }
        if where is not None:
            shown["path"] = where
        steps.append(shown)
    return {
        "path": point.path,
        "line": point.line,
        "kind": point.table.kind,
        "name": point.table.name,
        "status": sim.code,
        "local": None if sim.local is None else sim.local.value,
        "steps": steps,
        "outcome": sim.row.outcome.value,
        "reply": caller_code(sim),
        "facts": [{"key": key, "value": value} for key, value in sim.facts],
    }
