"""Command line: check, explain, compare, codes, site, serve.

Only argument parsing lives here; each command is a function in the module
named for what it does. `check`, `explain`, `compare` and `codes` never import
pygls or lsprotocol (DESIGN §1): those load only for `serve`.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from sip_lsp import __version__


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, sized to the terminal without importing shutil.

    argparse builds one per argument (to check its metavar), and the first one
    imports shutil, with zlib, bz2 and lzma: ~1.3 ms of every run.
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, width or _terminal_columns() - 2)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else stdout's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"sip-lsp: error: {message} (see 'sip-lsp {self._command()}--help')\n")

    def _command(self) -> str:
        parts = self.prog.split()[1:]
        return " ".join(parts) + " " if parts else ""


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


def _explain_arguments(explain: argparse.ArgumentParser) -> None:
    explain.add_argument("subject", help="a response code or a rule id/name")
    explain.add_argument("--lang", choices=("en", "ru"), default="en")
    explain.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    explain.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _compare_arguments(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("first")
    compare.add_argument("second")
    compare.add_argument("--lang", choices=("en", "ru"), default="en")
    compare.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    compare.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _codes_arguments(codes: argparse.ArgumentParser) -> None:
    codes.add_argument("--class", dest="cls", metavar="CLASS", help="1xx..6xx (or 1..6)")
    codes.add_argument("--json", action="store_true")
    codes.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _site_arguments(site: argparse.ArgumentParser) -> None:
    site.add_argument("--out", required=True, metavar="DIR", help="directory to write the site into")
    site.add_argument("--lang", default="en,ru", metavar="LANGS", help="comma-separated languages (en,ru)")
    site.add_argument("--catalog", action="append", default=[], metavar="FILE")


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--log-file", metavar="FILE")


# name -> (help, adds the command's arguments)
_COMMANDS = {
    "check": ("lint Kamailio/OpenSIPS scripts and Asterisk/FreeSWITCH dialplans", _check_arguments),
    "explain": ("explain a response code (604) or a rule (SC301)", _explain_arguments),
    "compare": ("compare two response codes side by side", _compare_arguments),
    "codes": ("list the registered response codes", _codes_arguments),
    "site": ("build the reference site (static HTML) from the catalogue", _site_arguments),
    "serve": ("run the language server (stdio by default)", _serve_arguments),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for `command` alone when it names one, else for every command.

    argparse builds a help formatter per argument; a run parses one command,
    and only the top-level help or a mistyped command lists the others.
    """
    parser = _Parser(
        prog="sip-lsp", description="Language server, linter and reference for SIP response codes."
    )
    parser.add_argument("--version", action="version", version=f"sip-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [command] if command in _COMMANDS else _COMMANDS:
        summary, add_arguments = _COMMANDS[name]
        add_arguments(sub.add_parser(name, help=summary))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command_word(argv))
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
    """The `sip-lsp` process: `main`, tuned for the short-lived commands (all but `serve`).

    They allocate mostly long-lived objects (modules, the catalogue), so cyclic
    GC runs rarely; and they exit without tearing the interpreter down, which
    would free every object one by one (~5 ms of a one-file `check`; mypy's
    fast exit does the same). `serve` keeps the defaults: its own GC policy,
    and a normal exit that flushes its log.
    """
    argv = sys.argv[1:]
    if _command_word(argv) == "serve":
        sys.exit(main(argv))
    gc.set_threshold(50_000, 20, 20)
    status = main(argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        sys.exit(status)  # the normal exit reports the failed write, as it always has
    os._exit(status)


def _command_word(argv: list[str]) -> str | None:
    """The command `argv` runs: its first word, as both top-level options (help, version) end the run."""
    return argv[0] if argv and not argv[0].startswith("-") else None


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        from sip_lsp.cli.check import run_check

        return run_check(args)
    if args.command in ("explain", "compare", "codes"):
        from sip_lsp.cli import reference

        return getattr(reference, f"run_{args.command}")(args)
    if args.command == "site":
        from sip_lsp.site.build import run_site

        return run_site(args)
    from sip_lsp.server import serve

    return serve(args)


if __name__ == "__main__":
    run()
