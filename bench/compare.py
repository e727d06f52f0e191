"""Revisions measured in one run on this machine: `make bench-compare REV="<commit> [<commit> ...]"`.

Checks each REV out into a temporary worktree with its own venv, runs that REV's own
`bench/run.py` there and this tree's `bench/run.py` here (same sections, one after
the other), and prints each row of every column with the ratio this tree / the first
REV. A row whose ratio is above 1.10 is marked: the budget for a refactoring is 10 %
per row. Further REVs (an intermediate commit, the previous main) are columns between.

    .venv/bin/python bench/compare.py REV [REV ...] [--only analysis,cli,lsp]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIMIT = 1.10


def _bench(checkout: str, python: str, only: str) -> dict[str, dict[str, object]]:
    """Run `checkout`'s bench with `python`; its rows by measure.

    The package is byte-compiled first, as an installed wheel is: a server or CLI
    started from a checkout under PYTHONDONTWRITEBYTECODE=1 would otherwise compile
    every module at each start, and a larger tree would pay more for it.
    """
    subprocess.run([python, "-m", "compileall", "-q", os.path.join(checkout, "sip_lsp")], check=True)
    subprocess.run(
        [python, os.path.join(checkout, "bench", "run.py"), "--only", only], cwd=checkout, check=True
    )
    with open(os.path.join(checkout, "bench", "results", "latest.json"), encoding="utf-8") as fh:
        return {r["measure"]: r for r in json.load(fh)["rows"]}


def _prepare(rev: str, where: str) -> str:
    """A worktree of `rev` with the package installed in its own venv; its python."""
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", where, rev], check=True)
    subprocess.run([sys.executable, "-m", "venv", os.path.join(where, ".venv")], check=True)
    python = os.path.join(where, ".venv", "bin", "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "-e", f"{where}[test]"], check=True)
    return python


def _cell(row: dict[str, object] | None) -> str:
    if row is None or row.get("value") is None:
        return "—"
    return f"{row['value']:.4g} {row['unit']}".strip()


def _ratio(old: dict[str, object] | None, new: dict[str, object] | None) -> str:
    if not old or not new or not old.get("value") or new.get("value") is None:
        return ""
    ratio = float(str(new["value"])) / float(str(old["value"]))
    return f"{ratio:.2f}" + (" over 10 %" if ratio > LIMIT else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="+", metavar="rev", help="revisions to compare this working tree with")
    parser.add_argument("--only", default="analysis,cli,lsp")
    args = parser.parse_args(argv)
    columns: list[tuple[str, dict[str, dict[str, object]]]] = []
    for rev in args.revs:
        where = tempfile.mkdtemp(prefix="sip-lsp-bench-")
        os.rmdir(where)
        try:
            columns.append((rev[:12], _bench(where, _prepare(rev, where), args.only)))
        finally:
            subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", where], check=False)
            shutil.rmtree(where, ignore_errors=True)
    columns.append(("this tree", _bench(ROOT, sys.executable, args.only)))
    names = list(dict.fromkeys(name for _, rows in columns for name in rows))
    width = max(len(n) for n in names)
    heads = "  ".join(f"{label:>14}" for label, _ in columns)
    print(f"\n{'measure':<{width}}  {heads}  ratio to {columns[0][0]}")
    first, last = columns[0][1], columns[-1][1]
    for name in names:
        cells = "  ".join(f"{_cell(rows.get(name)):>14}" for _, rows in columns)
        print(f"{name:<{width}}  {cells}  {_ratio(first.get(name), last.get(name))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
