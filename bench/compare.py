"""Two revisions measured in one run on this machine: `make bench-compare REV=<commit>`.

Checks REV out into a temporary worktree with its own venv, runs REV's own
`bench/run.py` there and this tree's `bench/run.py` here (same sections, one after
the other), and prints each row of both with the ratio new / old. A row whose ratio
is above 1.10 is marked: the budget for a refactoring is 10 % per row.

    .venv/bin/python bench/compare.py REV [--only analysis,cli,lsp]
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
    """Run `checkout`'s bench with `python`; its rows by measure."""
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
    parser.add_argument("rev", help="the revision to compare this working tree with")
    parser.add_argument("--only", default="analysis,cli,lsp")
    args = parser.parse_args(argv)
    where = tempfile.mkdtemp(prefix="sip-lsp-bench-")
    os.rmdir(where)
    try:
        old = _bench(where, _prepare(args.rev, where), args.only)
        new = _bench(ROOT, sys.executable, args.only)
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", where], check=False)
        shutil.rmtree(where, ignore_errors=True)
    names = list(dict.fromkeys([*old, *new]))
    width = max(len(n) for n in names)
    print(f"\n{'measure':<{width}}  {args.rev[:12]:>14}  {'this tree':>14}  ratio")
    for name in names:
        before, after = old.get(name), new.get(name)
        print(f"{name:<{width}}  {_cell(before):>14}  {_cell(after):>14}  {_ratio(before, after)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
