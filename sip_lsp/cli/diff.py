"""`sip-lsp diff`: which codes changed outcome at which failover point (issue 14 item 5).

`diff OLD NEW` compares two files or two directories (files matched by their path
below each); `diff --rev REV PATH` compares PATH at a git revision with the working
tree. Both sides are analysed into outcome tables (model.outcome, as `sip-lsp table`
shows them); failover points are matched old to new by kind, name and enclosing
block (then by order among equals), and what is left by kind and block in order
(a renamed gateway keeps its point). For each matched point every registered code
and local case whose outcome (with its reply code) differs is reported, codes
grouped like `table` does: `failure_route[CARRIER]: 604 forward → retry-same (:52)`.
Points only one side has are reported as added or removed. Moving lines around is
no change.

Exit status: 1 when an outcome changed (or a point came or went), 0 when none, 2 on
an error (not a git repository, an unknown revision, an unreadable file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from sip_lsp import dialects
from sip_lsp.catalog import Catalog
from sip_lsp.cli.check import SKIP_DIRS, _Check, _read_text
from sip_lsp.cli.gitrev import GitError, GitRev
from sip_lsp.cli.report import FileReport, Locator, display_path
from sip_lsp.cli.report.machine import escape_data, escape_property
from sip_lsp.cli.table import Shown
from sip_lsp.features.outcomes import LOCAL_ORDER, group_codes
from sip_lsp.lint import lint
from sip_lsp.model import Local, Outcome
from sip_lsp.text import decode, read_bytes

Read = Callable[[str], "str | None"]


def run_diff(args: argparse.Namespace) -> int:
    args.select = args.ignore = ""
    args.exit_zero = args.fix = False
    wanted = 1 if args.rev else 2
    if len(args.paths) != wanted:
        print(
            f"sip-lsp: error: {_Diff(args)._text('diff_usage')} (see 'sip-lsp diff --help')", file=sys.stderr
        )
        return 2
    args.old, args.new = (args.paths + [""])[:2]
    args.path = args.paths[0]
    return _Diff(args).run()


class Side:
    """One version of one file: the path it is analysed as, how it is shown, its bytes, its includes."""

    __slots__ = ("path", "display", "data", "read", "root")

    def __init__(self, path: str, display: str, data: bytes, read: Read, root: str) -> None:
        self.path = path  # analysed as this path (the working-tree path for a revision)
        self.display = display
        self.data = data
        self.read = read  # an included file's text on this side
        self.root = root  # the compared directory (or the file's own): includes resolve below it


class Change:
    """Codes that went from one outcome to another at one point, and the new deciding line.

    Codes are grouped by the two outcomes and the line, not by row: a Dial whose failures
    each ended with the engine's own code and now all go to the next trunk is one change.
    """

    __slots__ = ("codes", "local", "old", "old_replies", "new", "new_replies", "line")

    def __init__(self, old: Outcome, new: Outcome, line: int | None) -> None:
        self.codes: list[int] = []
        self.local: list[Local] = []
        self.old, self.new, self.line = old, new, line
        self.old_replies: set[int] = set()  # the codes the rows sent (reply, end), before and after
        self.new_replies: set[int] = set()


class Point:
    """A failover point as compared: changed (both sides), added (new only) or removed (old only)."""

    __slots__ = ("old", "new", "changes", "new_file")

    def __init__(
        self, old: Shown | None, new: Shown | None, changes: list[Change], new_file: str | None
    ) -> None:
        self.old, self.new, self.changes = old, new, changes
        self.new_file = new_file  # the new side's file (display), for annotations on removed points

    @property
    def status(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    @property
    def shown(self) -> Shown:
        shown = self.new or self.old
        assert shown is not None
        return shown


class _Diff(_Check):
    def run(self) -> int:
        catalog = self._catalog(tuple(self.args.catalog))
        if catalog is None:
            return 2
        try:
            pairs = list(self._rev_pairs() if self.args.rev else self._path_pairs())
        except GitError as exc:
            self._error("sip-lsp", self._text(exc.key, **exc.values))
            return 2
        points: list[Point] = []
        for old, new, explicit in pairs:
            points += self._compare(old, new, explicit, catalog)
        if self.failed:
            return 2
        out, lang = sys.stdout, self.args.lang
        if self.args.format == "json":
            json.dump(as_json(points), out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif self.args.format == "github":
            write_github(points, catalog, lang, out)
        else:
            write_text(points, catalog, lang, out)
        return 1 if points else 0

    # ------------------------------------------------------------ what to compare

    def _path_pairs(self) -> Iterator[tuple[Side | None, Side | None, bool]]:
        old, new = (os.path.abspath(p) for p in (self.args.old, self.args.new))
        for given, path in ((self.args.old, old), (self.args.new, new)):
            if not os.path.exists(path):
                self._error(given, self._text("check_no_such_file"))
        if self.failed:
            return
        if os.path.isdir(old) != os.path.isdir(new):
            self._error("sip-lsp", self._text("diff_mixed", old=self.args.old, new=self.args.new))
            return
        if not os.path.isdir(old):
            yield self._disk(old, os.path.dirname(old)), self._disk(new, os.path.dirname(new)), True
            return
        before, after = _walk(old), _walk(new)
        for rel in sorted(set(before) | set(after)):
            yield (
                self._disk(before[rel], old) if rel in before else None,
                self._disk(after[rel], new) if rel in after else None,
                False,
            )

    def _rev_pairs(self) -> Iterator[tuple[Side | None, Side | None, bool]]:
        path = os.path.abspath(self.args.path)
        git = GitRev.open(path, self.args.rev)
        rel = git.relative(path)
        if rel is None:
            raise GitError("diff_not_git", path=self.args.path)
        then = {name for name in git.files(rel) if not SKIP_DIRS.intersection(name.split("/")[:-1])}
        if os.path.isdir(path):
            now = {git.relative(p) or p: p for p in _walk(path).values()}
            root = path
        elif os.path.exists(path):
            now, root = {rel: path}, os.path.dirname(path)
        else:
            now, root = {}, os.path.dirname(path)
        if not then and not now:
            raise GitError("diff_nothing", path=self.args.path, rev=self.args.rev)
        explicit = not os.path.isdir(path) and len(then) <= 1
        for name in sorted(set(then) | set(now)):
            working = now.get(name) or os.path.join(git.top, *name.split("/"))
            old = None
            if name in then:
                data = git.blob(name)
                if data is not None:
                    old = Side(working, f"{git.rev}:{name}", data, git.read_text, root)
            yield old, self._disk(now[name], root) if name in now else None, explicit

    def _disk(self, path: str, root: str) -> Side | None:
        try:
            data = read_bytes(path)
        except OSError as exc:
            self._error(display_path(path), self._text("check_cannot_read", why=exc.strerror or exc))
            return None
        if data is None:
            return None
        return Side(path, display_path(path), data, _read_text, root)

    # ------------------------------------------------------------ comparing

    def _compare(self, old: Side | None, new: Side | None, explicit: bool, catalog: Catalog) -> list[Point]:
        texts = [None if s is None or b"\0" in s.data[:8192] else decode(s.data)[0] for s in (old, new)]
        found = [self._dialect(s, t) for s, t in zip((old, new), texts)]
        known = next((d for d in found if d != "unknown"), "unknown")
        if known == "unknown":
            side = new or old
            if explicit and side is not None and any(texts):
                self._note(side.display, self._text("check_unrecognised"))
            return []
        before = self._tables(old, texts[0], known, catalog)
        after = self._tables(new, texts[1], known, catalog)
        if before is None or after is None:
            return []
        return compare(before, after, catalog, new.display if new else None)

    def _dialect(self, side: Side | None, text: str | None) -> str:
        if side is None or text is None:
            return "unknown"
        if self.args.dialect:
            return str(self.args.dialect)
        settings = self._settings(side.path)
        return dialects.detect(text, side.path, settings.dialects if settings else None, side.root)

    def _tables(
        self, side: Side | None, text: str | None, dialect: str, catalog: Catalog
    ) -> list[Shown] | None:
        if side is None or text is None:
            return []
        settings = self._settings(side.path)
        if settings is None:
            return None
        try:
            result = lint(text, side.path, settings, catalog, read=side.read, root=side.root, dialect=dialect)
        except Exception as exc:  # a dialect bug must not stop the other files
            self._error(
                side.display, self._text("check_internal_error", error=f"{type(exc).__name__}: {exc}")
            )
            return None
        report = FileReport(side.path, side.display, text, [])
        locator = Locator(side.read)
        tables = sorted(result.analysis.outcome_tables, key=lambda t: (t.span.path or "", t.span.start))
        return [Shown(report, t, locator, catalog) for t in tables]


def _walk(top: str) -> dict[str, str]:
    """Every file below `top` by its path relative to it (the directories `check` skips left out)."""
    found: dict[str, str] = {}
    for here, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in files:
            path = os.path.join(here, name)
            found[os.path.relpath(path, top).replace(os.sep, "/")] = path
    return found


def compare(before: list[Shown], after: list[Shown], catalog: Catalog, new_file: str | None) -> list[Point]:
    """The points whose outcomes differ, and those only one side has, in the new file's order."""
    pairs, gone, came = match(before, after)
    points = [Point(None, s, [], new_file) for s in came]
    for old, new in pairs:
        changes = changed(old, new, catalog)
        if changes:
            points.append(Point(old, new, changes, new_file))
    points.sort(key=lambda p: p.shown.line)
    return points + [Point(s, None, [], new_file) for s in gone]


def match(
    before: list[Shown], after: list[Shown]
) -> tuple[list[tuple[Shown, Shown]], list[Shown], list[Shown]]:
    """Old and new points paired by (kind, name, block) in order, then by (kind, block) in order."""
    pairs: list[tuple[Shown, Shown]] = []
    left_old, left_new = list(before), list(after)
    for key in (_full_key, _loose_key):
        waiting: dict[tuple[str | None, ...], list[Shown]] = {}
        for s in left_old:
            waiting.setdefault(key(s), []).append(s)
        unmatched_new = []
        for s in left_new:
            queue = waiting.get(key(s))
            if queue:
                pairs.append((queue.pop(0), s))
            else:
                unmatched_new.append(s)
        taken = {id(old) for old, _ in pairs}
        left_old = [s for s in left_old if id(s) not in taken]
        left_new = unmatched_new
    return pairs, left_old, left_new


def _place(shown: Shown) -> str:
    """The file a point is in, relative to its side's file (an included file keeps its own name)."""
    path = shown.table.span.path
    return "" if path is None else os.path.basename(path)


def _full_key(shown: Shown) -> tuple[str | None, ...]:
    t = shown.table
    return (_place(shown), t.kind, t.name, t.block)


def _loose_key(shown: Shown) -> tuple[str | None, ...]:
    t = shown.table
    return (_place(shown), t.kind, None if t.block == t.name else t.block)  # a failure route is its own block


def changed(old: Shown, new: Shown, catalog: Catalog) -> list[Change]:
    """Codes and local cases whose (outcome, reply) differ, grouped by the two outcomes and the line."""
    new_lines = {id(row): line for row, _, line, _ in new.rows}
    groups: dict[tuple[Outcome, Outcome, int | None], Change] = {}
    keys: list[int | Local] = [c for c in sorted(catalog.codes) if 300 <= c < 700]
    keys += list(LOCAL_ORDER)
    for key in keys:
        if isinstance(key, Local):
            was, now = old.table.row_for_local(key), new.table.row_for_local(key)
        else:
            was, now = old.table.row_for(key), new.table.row_for(key)
        if was is None or now is None or (was.outcome, was.reply) == (now.outcome, now.reply):
            continue
        line = new_lines.get(id(now))
        group = groups.get((was.outcome, now.outcome, line))
        if group is None:
            group = groups[(was.outcome, now.outcome, line)] = Change(was.outcome, now.outcome, line)
        if isinstance(key, Local):
            group.local.append(key)
        else:
            group.codes.append(key)
        if was.reply is not None:
            group.old_replies.add(was.reply)
        if now.reply is not None:
            group.new_replies.add(now.reply)
    return sorted(groups.values(), key=lambda c: (min(c.codes) if c.codes else 1000, c.line or 0))


# ---------------------------------------------------------------- output


def _codes(change: Change, catalog: Catalog, lang: str) -> str:
    parts = group_codes(change.codes, catalog.codes, catalog, lang)
    excepted = any(" " in p for p in parts)
    parts += [catalog.heading("local_" + c.value.replace("-", "_"), lang) for c in change.local]
    return ("; " if excepted else ", ").join(parts)


def _outcome(outcome: Outcome, replies: set[int], catalog: Catalog, lang: str) -> str:
    """`reply 500`, `end 403/404/500`, or the bare word when the codes sent are many or none."""
    word = catalog.heading(f"outcome_{outcome.value.replace('-', '_')}", lang)
    shown = "/".join(map(str, sorted(replies))) if 0 < len(replies) <= 3 else ""
    return f"{word} {shown}" if shown else word


def _name(point: Point, catalog: Catalog, lang: str) -> str:
    t = point.shown.table
    name = f"{t.kind}[{t.name}]"
    if point.old is not None and point.new is not None and point.old.table.name != t.name:
        name += " (" + catalog.heading("diff_was", lang).format(name=point.old.table.name) + ")"
    return name


def lines_of(point: Point, catalog: Catalog, lang: str) -> list[tuple[int | None, str]]:
    """(line in the new file, message) per change of a point; None: no line of the new file."""
    name = _name(point, catalog, lang)
    if point.status != "changed":
        where = point.shown.line if point.new is not None else None
        return [(where, f"{name}: {catalog.heading('diff_' + point.status, lang)}")]
    out: list[tuple[int | None, str]] = []
    for change in point.changes:
        was = _outcome(change.old, change.old_replies, catalog, lang)
        now = _outcome(change.new, change.new_replies, catalog, lang)
        tail = f" (:{change.line})" if change.line is not None else ""
        out.append(
            (change.line or point.shown.line, f"{name}: {_codes(change, catalog, lang)} {was} → {now}{tail}")
        )
    return out


def write_text(points: list[Point], catalog: Catalog, lang: str, out: TextIO) -> None:
    if not points:
        out.write(catalog.heading("diff_none", lang) + "\n")
        return
    count = 0
    for point in points:
        shown = point.shown
        for _, message in lines_of(point, catalog, lang):
            out.write(f"{shown.path}:{shown.line}: {message}\n")
            count += 1
    out.write(catalog.heading("diff_summary", lang).format(count=count, points=len(points)) + "\n")


def write_github(points: list[Point], catalog: Catalog, lang: str, out: TextIO) -> None:
    """`::warning file=…,line=…::…` on the new file's lines (a removed point: on the file itself)."""
    for point in points:
        for line, message in lines_of(point, catalog, lang):
            props = []
            if point.new is not None or point.new_file is not None:
                props.append(f"file={escape_property(point.new.path if point.new else str(point.new_file))}")
            if line is not None:
                props.append(f"line={line}")
            props.append(f"title={escape_property('sip-lsp diff')}")
            if point.new is None:
                message = f"{point.shown.path}:{point.shown.line}: {message}"
            out.write(f"::warning {','.join(props)}::{escape_data(message)}\n")


def _place_json(shown: Shown | None) -> dict[str, object] | None:
    if shown is None:
        return None
    return {"path": shown.path, "line": shown.line, "name": shown.table.name}


def _outcome_json(outcome: Outcome, replies: set[int]) -> dict[str, object]:
    return {"outcome": outcome.value, "replies": sorted(replies)}


def as_json(points: list[Point]) -> dict[str, object]:
    """The stable JSON form (README: "sip-lsp diff")."""
    return {
        "changed": bool(points),
        "points": [
            {
                "kind": p.shown.table.kind,
                "status": p.status,
                "old": _place_json(p.old),
                "new": _place_json(p.new),
                "changes": [
                    {
                        "codes": c.codes,
                        "local": [case.value for case in c.local],
                        "old": _outcome_json(c.old, c.old_replies),
                        "new": _outcome_json(c.new, c.new_replies),
                        "line": c.line,
                    }
                    for c in p.changes
                ],
            }
            for p in points
        ],
    }
