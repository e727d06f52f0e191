"""`sip-lsp table` against `sip-lsp check` on the same generated 100k-line Kamailio config.

`table` analyses the file as `check` does and prints every failover point's outcome
table instead of the findings (issue 14: goal within 2x `check`). Both run from the
wheel in a fresh venv (bench/installed.py), interleaved; the ratio is of the median
CPU time of the processes (wall time on a shared machine mostly measures the others).

    .venv/bin/python bench/table_vs_check.py [--runs 5]
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile

import installed
from common import print_table, progress, row, run_child
from generate import file_name, generate

LINES = 100_000
GOAL = 2.0


def measure(runs: int = 5) -> list[dict]:
    sip_lsp = installed.sip_lsp()
    work = tempfile.mkdtemp(prefix="sip-lsp-bench-table-")
    try:
        path = os.path.join(work, file_name("kamailio"))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(generate("kamailio", LINES, salt="t"))
        commands = {
            "check": [*sip_lsp, "check", "--exit-zero", path],
            "table": [*sip_lsp, "table", path],
        }
        progress(f"sip-lsp table vs check on a {LINES // 1000}k-line kamailio.cfg, {runs} interleaved runs")
        for cmd in commands.values():  # page cache, .pyc files
            run_child(cmd, work)
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        wall: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                seconds, cpu_seconds, status = run_child(cmd, work)
                if status != 0:
                    raise SystemExit(f"{' '.join(cmd)} exited {status}")
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table, check = statistics.median(cpu["table"]), statistics.median(cpu["check"])
    ratio = table / check
    return [
        row(
            f"table / check on a {LINES // 1000}k-line Kamailio file (median CPU)",
            ratio,
            "x",
            f"<= {GOAL:g}x",
            f"check {check * 1e3:.0f} ms CPU",
            ratio <= GOAL,
            note=f"table {table * 1e3:.0f} ms CPU, {statistics.median(wall['table']) * 1e3:.0f} ms wall",
        )
    ]


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    print_table(measure(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
