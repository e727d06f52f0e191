"""Command line: check, explain, compare, codes, serve.

Only argument parsing lives here; each command is a function in the module
named for what it does. `check`, `explain`, `compare` and `codes` never import
pygls or lsprotocol (DESIGN §1): those load only for `serve`.
"""
from __future__ import annotations

import argparse
import sys

from sip_lsp import __version__


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"sip-lsp: error: {message} (see 'sip-lsp {self._command()}--help')\n")

    def _command(self) -> str:
        parts = self.prog.split()[1:]
        return " ".join(parts) + " " if parts else ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sip-lsp", description="Language server, linter and reference for SIP response codes.")
    parser.add_argument("--version", action="version", version=f"sip-lsp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint Kamailio/OpenSIPS scripts and Asterisk/FreeSWITCH dialplans")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files and directories")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--select", default="", help="comma-separated rule ids, names or prefixes to enable")
    check.add_argument("--ignore", default="", help="comma-separated rule ids, names or prefixes to disable")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--dialect", choices=("kamailio", "opensips", "asterisk", "freeswitch"),
                       help="force the dialect of every file")
    check.add_argument("--config", metavar="FILE", help="sip-lsp.toml to use instead of searching upwards")
    check.add_argument("--catalog", action="append", default=[], metavar="FILE",
                       help="extra catalogue YAML (repeatable)")

    explain = sub.add_parser("explain", help="explain a response code (604) or a rule (SC301)")
    explain.add_argument("subject", help="a response code or a rule id/name")
    explain.add_argument("--lang", choices=("en", "ru"), default="en")
    explain.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    explain.add_argument("--catalog", action="append", default=[], metavar="FILE")

    compare = sub.add_parser("compare", help="compare two response codes side by side")
    compare.add_argument("first")
    compare.add_argument("second")
    compare.add_argument("--lang", choices=("en", "ru"), default="en")
    compare.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    compare.add_argument("--catalog", action="append", default=[], metavar="FILE")

    codes = sub.add_parser("codes", help="list the registered response codes")
    codes.add_argument("--class", dest="cls", metavar="CLASS", help="1xx..6xx (or 1..6)")
    codes.add_argument("--json", action="store_true")
    codes.add_argument("--catalog", action="append", default=[], metavar="FILE")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--log-file", metavar="FILE")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 2
    try:
        if args.command == "check":
            from sip_lsp.checker import run_check

            return run_check(args)
        if args.command in ("explain", "compare", "codes"):
            from sip_lsp import reference

            return getattr(reference, f"run_{args.command}")(args)
        from sip_lsp.server import serve

        return serve(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
