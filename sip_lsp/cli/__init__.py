"""Command line: check, explain, compare, codes, table, simulate, diff, site, serve.

Only argument parsing lives here; each command is a function in the module
named for what it does. `check`, `explain`, `compare` and `codes` never import
pygls or lsprotocol (DESIGN §1): those load only for `serve`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable

from sip_lsp import __version__

# For the type checker only: `explain` and `compare` never import `typing` (~9 % of their
# start-up; see catalog/entries.py). mypy treats any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, told the width so that it does not import shutil: 5% of `explain`."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() finds it: $COLUMNS, stdout's terminal, or 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size().columns or 80
    except OSError:
        return 80


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        help_command = " ".join([*self.prog.split()[1:], "--help"])  # "check --help"
        self.exit(2, f"sip-lsp: error: {message} (see 'sip-lsp {help_command}')\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `command` alone when it names one.

    A run parses one command; only the top-level help and a mistyped command list
    them all. Each subparser costs argparse a formatter per argument and gettext
    lookups: building all seven is ~5 % of `explain`.
    """
    parser = _Parser(
        prog="sip-lsp",
        description="Language server, linter and reference for SIP response codes.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"sip-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    named = [c for c in _COMMANDS if c[0] == command]
    for name, summary, add_arguments in named or _COMMANDS:
        add_arguments(commands.add_parser(name, help=summary, formatter_class=_Formatter))
    return parser


def _default_lang() -> str:
    """The language when --lang is not given: Russian under a ru_* locale (LC_ALL, LC_MESSAGES, LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def _lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("en", "ru"), default=_default_lang(), help="language of the text (default: $LANG)"
    )


def _check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="+", metavar="PATH", help="files and directories")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--select", default="", help="comma-separated rule ids, names or prefixes to enable")
    check.add_argument("--ignore", default="", help="comma-separated rule ids, names or prefixes to disable")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--dialect",
        choices=("kamailio", "opensips", "asterisk", "freeswitch"),
        help="force the dialect of every file",
    )
    check.add_argument("--config", metavar="FILE", help="sip-lsp.toml to use instead of searching upwards")
    check.add_argument(
        "--catalog", action="append", default=[], metavar="FILE", help="extra catalogue YAML (repeatable)"
    )
    _lang_argument(check)


def _explain_arguments(explain: argparse.ArgumentParser) -> None:
    explain.add_argument("subject", help="a response code or a rule id/name")
    _lang_argument(explain)
    explain.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    explain.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _compare_arguments(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("first")
    compare.add_argument("second")
    _lang_argument(compare)
    compare.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    compare.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _codes_arguments(codes: argparse.ArgumentParser) -> None:
    codes.add_argument("--class", dest="cls", metavar="CLASS", help="1xx..6xx (or 1..6)")
    codes.add_argument("--json", action="store_true")
    codes.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _table_arguments(table: argparse.ArgumentParser) -> None:
    table.add_argument("paths", nargs="+", metavar="PATH", help="files and directories")
    table.add_argument("--at", metavar="ROUTE|LINE", help="only the failover point named ROUTE or at LINE")
    table.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _lang_argument(table)
    table.add_argument(
        "--dialect",
        choices=("kamailio", "opensips", "asterisk", "freeswitch"),
        help="force the dialect of every file",
    )
    table.add_argument("--config", metavar="FILE", help="sip-lsp.toml to use instead of searching upwards")
    table.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument(
        "paths", nargs="+", metavar="PATH", help="OLD NEW (two files or two directories), or PATH with --rev"
    )
    diff.add_argument("--rev", metavar="REV", help="compare PATH at git revision REV with the working tree")
    diff.add_argument("--format", choices=("text", "json", "github"), default="text")
    _lang_argument(diff)
    diff.add_argument(
        "--dialect",
        choices=("kamailio", "opensips", "asterisk", "freeswitch"),
        help="force the dialect of every file",
    )
    diff.add_argument("--config", metavar="FILE", help="sip-lsp.toml to use instead of searching upwards")
    diff.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _simulate_arguments(simulate: argparse.ArgumentParser) -> None:
    simulate.add_argument("path", metavar="PATH", help="the file holding the failover point")
    simulate.add_argument("--at", metavar="ROUTE|LINE", help="the failover point named ROUTE or at LINE")
    simulate.add_argument("--status", metavar="CODE", help="the final response walked (300-699)")
    local = simulate.add_mutually_exclusive_group()
    local.add_argument("--timeout", action="store_true", help="no final reply before the timer")
    local.add_argument("--cancelled", action="store_true", help="the caller cancelled")
    simulate.add_argument("--format", choices=("text", "json"), default="text")
    _lang_argument(simulate)
    simulate.add_argument(
        "--dialect",
        choices=("kamailio", "opensips", "asterisk", "freeswitch", "kemi"),
        help="force the dialect of the file",
    )
    simulate.add_argument("--config", metavar="FILE", help="sip-lsp.toml to use instead of searching upwards")
    simulate.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _site_arguments(site: argparse.ArgumentParser) -> None:
    site.add_argument("--out", required=True, metavar="DIR", help="directory to write the site into")
    site.add_argument("--lang", default="en,ru", metavar="LANGS", help="comma-separated languages (en,ru)")
    site.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--log-file", metavar="FILE")


# name, one-line summary, the function that adds the command's arguments
_COMMANDS: tuple[tuple[str, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("check", "lint Kamailio/OpenSIPS scripts and Asterisk/FreeSWITCH dialplans", _check_arguments),
    ("explain", "explain a response code (604) or a rule (SC301)", _explain_arguments),
    ("compare", "compare two response codes side by side", _compare_arguments),
    ("codes", "list the registered response codes", _codes_arguments),
    ("table", "print what each failover point does with every final response", _table_arguments),
    ("simulate", "walk one final response through a failover point, step by step", _simulate_arguments),
    ("diff", "which codes changed outcome at which failover point between two versions", _diff_arguments),
    ("site", "build the reference site (static HTML) from the catalogue", _site_arguments),
    ("serve", "run the language server (stdio by default)", _serve_arguments),
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """The `sip-lsp` process: `main`, then an exit that skips the interpreter's teardown.

    Tearing down frees every object one by one: ~12% of a one-file `check`
    (bench/check_vs_kamailio.py). `serve` exits normally, which flushes its log,
    and keeps the collector's defaults.

    The short-lived commands collect cycles every 50,000 allocations, not 700: what
    they make outside a lint (modules, classes, the catalogue) lives until exit, so
    the default passes over it find nothing (~4% of `check`); a lint pauses the
    collector anyway (gcpause.py), and a long `check` still collects between files.
    """
    argv = sys.argv[1:]
    if argv[:1] == ["serve"]:
        sys.exit(main(argv))
    gc.set_threshold(50_000, 20, 20)
    status = main(argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        sys.exit(status)  # the normal exit reports the failed write
    os._exit(status)


def _run(args: argparse.Namespace) -> int:
    # Each command imports what it runs, no more: the linter would cost `explain` a quarter
    # of its start-up; pygls and lsprotocol load only for `serve`.
    if args.command == "check":
        from sip_lsp.cli.check import run_check

        return run_check(args)
    if args.command == "serve":
        from sip_lsp.server import serve

        return serve(args)
    if args.command == "table":
        from sip_lsp.cli.table import run_table

        return run_table(args)
    if args.command == "simulate":
        from sip_lsp.cli.simulate import run_simulate

        return run_simulate(args)
    if args.command == "diff":
        from sip_lsp.cli.diff import run_diff

        return run_diff(args)
    if args.command == "site":
        from sip_lsp.site.build import run_site

        return run_site(args)
    from sip_lsp.cli import reference

    commands = {
        "explain": reference.run_explain,
        "compare": reference.run_compare,
        "codes": reference.run_codes,
    }
    return commands[args.command](args)


if __name__ == "__main__":
    run()
