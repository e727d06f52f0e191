"""`sip-lsp check`: lint files and directories, print findings, optionally fix.

Exit status: 0 clean, 1 findings (0 with --exit-zero), 2 usage or I/O error
(a missing path, an unreadable file, a broken sip-lsp.toml or catalogue). A
file that cannot be read gets one line on stderr; the others are still checked.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterator

from sip_lsp import dialects
from sip_lsp.catalog import Catalog, CatalogError, default_catalog, load_catalog
from sip_lsp.cli.report import FileReport, Locator, display_path, machine
from sip_lsp.cli.report import text as human
from sip_lsp.config import ConfigError, Settings, find_config, load_config, matches
from sip_lsp.lint import DocumentCache, fix_all, lint
from sip_lsp.text import decode, read_bytes

# Directories never searched when a directory is given.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"})
_SNIFF_BYTES = 8192
_BOM = b"\xef\xbb\xbf"


def run_check(args: argparse.Namespace) -> int:
    return _Check(args).run()


class _Check:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.failed = False
        self.cli_select = _split(args.select)
        self.cli_ignore = _split(args.ignore)
        self._configs: dict[str | None, Settings | None] = {}
        self._catalogs: dict[tuple[str, ...], Catalog | None] = {}
        self._seen: set[str] = set()
        self.locator = Locator(_read_text)

    # ------------------------------------------------------------ driver

    def run(self) -> int:
        base = self._catalog(())
        if base is None:
            return 2
        unknown = [
            s
            for s in (*self.cli_select, *self.cli_ignore)
            if not any(matches(s, r.id, r.name) for r in base.rules.values())
        ]
        if unknown:
            print(
                f"sip-lsp: error: unknown rule {unknown[0]!r} in --select/--ignore "
                "(use an id like SC301, a prefix like SC3, or a rule name)",
                file=sys.stderr,
            )
            return 2
        reports = [r for path, explicit, root in self._targets() if (r := self._check(path, explicit, root))]
        _drop_repeats(reports)
        if not reports and not self.failed:
            self._note("sip-lsp", self._text("check_no_files"))
        catalog = self._catalog(tuple(self.args.catalog)) or base
        self._write(reports, catalog)
        if self.failed:
            return 2
        found = any(r.findings for r in reports)
        return 1 if found and not self.args.exit_zero else 0

    def _write(self, reports: list[FileReport], catalog: Catalog) -> None:
        fmt, out = self.args.format, sys.stdout
        if fmt == "json":
            machine.write_json(reports, self.locator, out)
        elif fmt == "github":
            machine.write_github(reports, self.locator, out)
        elif fmt == "sarif":
            from sip_lsp.cli.report import sarif  # with pathlib and urllib: 8% of a one-file check

            sarif.write(reports, self.locator, catalog, out)
        else:
            human.write(reports, self.locator, out, self.args.fix, catalog, self.args.lang)

    # ------------------------------------------------------------ files

    def _targets(self) -> Iterator[tuple[str, bool, str]]:
        """(absolute path, named explicitly, include root) for every file to consider."""
        for given in self.args.paths:
            path = os.path.abspath(given)
            if os.path.isdir(path):
                for top, dirs, files in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                    for name in sorted(files):
                        yield from self._once(os.path.join(top, name), False, path)
            elif os.path.lexists(path):
                yield from self._once(path, True, os.path.dirname(path))
            else:
                self._error(given, self._text("check_no_such_file"))

    def _once(self, path: str, explicit: bool, root: str) -> Iterator[tuple[str, bool, str]]:
        if path not in self._seen:
            self._seen.add(path)
            yield path, explicit, root

    def _check(self, path: str, explicit: bool, root: str) -> FileReport | None:
        shown = display_path(path)
        settings = self._settings(path)
        if settings is None:
            return None
        catalog = self._catalog((*settings.catalogs, *self.args.catalog))
        if catalog is None:
            return None
        # A character is at most 4 bytes: more than this is over the limit in any encoding.
        limit = 4 * settings.max_file_size
        try:
            data = read_bytes(path, limit + 1)
        except OSError as exc:
            self._error(shown, self._text("check_cannot_read", why=exc.strerror or exc))
            return None
        if data is None or b"\0" in data[:_SNIFF_BYTES]:
            if explicit:
                self._note(shown, self._text("check_not_regular" if data is None else "check_binary"))
            return None
        if len(data) > limit:
            self._note(shown, self._text("check_too_large", limit=settings.max_file_size))
            return None
        text, encoding_note = decode(data)
        root = os.path.dirname(settings.source) if settings.source else root
        detected = dialects.detect(text, path, settings.dialects, root)
        if detected == "unknown" and not explicit:
            return None  # a directory's other files: only what looks like a config is checked
        dialect = self.args.dialect or detected
        if dialect == "unknown":
            self._note(shown, self._text("check_unrecognised"))
            return None
        if encoding_note:
            self._note(shown, encoding_note)
        # One DocumentCache per file: its lint, fix passes and re-lint share blocks, no other file does.
        cache = DocumentCache()
        try:
            result = lint(
                text, path, settings, catalog, read=_read_text, root=root, dialect=dialect, cache=cache
            )
        except Exception as exc:  # a dialect bug must not stop the other files
            self._error(shown, self._text("check_internal_error", error=f"{type(exc).__name__}: {exc}"))
            return None
        if result.too_large:
            self._note(shown, self._text("check_too_large", limit=settings.max_file_size))
            return None
        report = FileReport(path, shown, text, result.findings)
        for note in result.notes:
            loc = self.locator.locate(note.span, report)
            self._note(f"{loc.display}:{loc.line}:{loc.column}", note.message)
        if self.args.fix and any(fix.safe for f in result.findings for fix in f.fixes):
            self._fix(report, data, settings, catalog, root, dialect, cache)
        return report

    def _fix(
        self,
        report: FileReport,
        data: bytes,
        settings: Settings,
        catalog: Catalog,
        root: str,
        dialect: str,
        cache: DocumentCache,
    ) -> None:
        new_text, applied = fix_all(
            report.text, report.path, settings, catalog, dialect, read=_read_text, root=root, cache=cache
        )
        if not applied or new_text == report.text:
            return
        encoding = "utf-8" if decode(data)[1] is None else "latin-1"
        try:
            payload = (_BOM if data.startswith(_BOM) else b"") + new_text.encode(encoding)
            _write_atomic(report.path, data, payload)
        except _ChangedOnDisk:
            self._error(report.display, self._text("check_changed_on_disk"))
            return
        except (OSError, UnicodeEncodeError) as exc:
            self._error(
                report.display, self._text("check_cannot_write", why=getattr(exc, "strerror", None) or exc)
            )
            return
        counts = Counter(f.rule for f, _ in applied)
        what = ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in sorted(counts.items()))
        print(
            f"{report.display}: {self._text('check_fixed', count=len(applied), rules=what)}", file=sys.stderr
        )
        before = len(report.findings)
        report.text = new_text
        result = lint(
            new_text, report.path, settings, catalog, read=_read_text, root=root, dialect=dialect, cache=cache
        )
        report.findings = result.findings
        report.fixed = max(before - len(report.findings), 0)
        self.locator = Locator(_read_text)

    # ------------------------------------------------------------ settings

    def _settings(self, path: str) -> Settings | None:
        source = self.args.config or find_config(path)
        if source not in self._configs:
            try:
                settings = load_config(source) if source else Settings()
            except ConfigError as exc:
                self._error("sip-lsp", str(exc))
                settings = None
            for problem in settings.problems if settings is not None else ():
                self._error("sip-lsp", str(problem))  # left out; the rest of the file applies
            if settings is not None:
                if self.cli_select:
                    settings = settings._replace(select=self.cli_select)
                settings = settings._replace(ignore=(*settings.ignore, *self.cli_ignore))
            self._configs[source] = settings
        return self._configs[source]

    def _catalog(self, files: tuple[str, ...]) -> Catalog | None:
        if files not in self._catalogs:
            try:
                # Messages and fix titles in the chosen language (--lang, or the locale).
                self._catalogs[files] = load_catalog(list(files)).for_lang(self.args.lang)
            except CatalogError as exc:
                self._error("sip-lsp", f"catalogue {exc}")
                self._catalogs[files] = None
        return self._catalogs[files]

    # ------------------------------------------------------------ messages

    def _text(self, key: str, **values: object) -> str:
        """A message of `check` itself in the chosen language (catalog/headings.yaml)."""
        return default_catalog().heading(key, self.args.lang).format(**values)

    def _error(self, where: str, problem: str) -> None:
        self.failed = True
        print(f"{where}: error: {problem}", file=sys.stderr)

    def _note(self, where: str, message: str) -> None:
        print(f"{where}: note: {message}", file=sys.stderr)


class _ChangedOnDisk(Exception):
    pass


def _write_atomic(path: str, original: bytes, payload: bytes) -> None:
    """Replace `path` with `payload` unless it no longer holds `original`; keeps the mode.

    A symlink is followed, so the link stays a link and its target gets the fix.
    """
    import tempfile  # with random and shutil: 7% of a `check` that does not --fix

    path = os.path.realpath(path)
    with open(path, "rb") as fh:
        if fh.read() != original:
            raise _ChangedOnDisk(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=".sip-lsp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _drop_repeats(reports: list[FileReport]) -> None:
    """A finding once: an included file is analysed in its includer's model and alone (with its
    includer as context, dialects/ser/includer.py), and both find what lies in it."""
    seen: set[tuple[str, int, int, str, str]] = set()
    for report in reports:
        kept = []
        for f in report.findings:
            key = (os.path.realpath(f.span.path or report.path), f.span.start, f.span.end, f.rule, f.message)
            if key not in seen:
                seen.add(key)
                kept.append(f)
        if len(kept) < len(report.findings):
            report.findings = kept


def _read_text(path: str) -> str | None:
    """An included file's text, or None when it cannot be read."""
    try:
        data = read_bytes(path)
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None
    return None if data is None else decode(data)[0]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (value or "").split(",") if s.strip())
