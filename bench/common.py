"""What every benchmark module shares: a result row, timers and percentiles.

A row is a plain dict so the suite can print it and dump it as JSON alike:
measure, value (in `unit`), goal text, floor text, and ok (True, False, or
None when there is no goal).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def row(
    measure: str,
    value: float | None,
    unit: str,
    goal: str = "",
    floor: str = "",
    ok: bool | None = None,
    note: str = "",
) -> dict:
    return {
        "measure": measure,
        "value": value,
        "unit": unit,
        "goal": goal,
        "floor": floor,
        "ok": ok,
        "note": note,
    }


def skipped(measure: str, why: str) -> dict:
    return row(measure, None, "", note=f"skipped: {why}")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run_child(cmd: list[str], cwd: str | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit status) of one command, output discarded.

    CPU time (user + system, from wait4) stays honest when other processes load
    the machine; wall time is what a user waits.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def progress(message: str) -> None:
    """A line on stderr while a long suite runs (the table goes to stdout)."""
    print(f"  .. {message}", file=sys.stderr, flush=True)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.1f} {unit}" if value >= 10 or unit != "ms" else f"{value:.2f} {unit}"


def print_table(rows: list[dict], out=None) -> None:
    """One table: measure, value, goal, floor, verdict (or the reason it was skipped)."""
    out = out or sys.stdout
    cells = [
        (
            r["measure"],
            fmt(r["value"], r["unit"]),
            r["goal"],
            r["floor"],
            {True: "ok", False: "MISS", None: ""}[r["ok"]],
            r["note"],
        )
        for r in rows
    ]
    head = ("measure", "value", "goal", "floor", "", "note")
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(5)]
    for c in [head, *cells]:
        print(
            f"{c[0]:<{widths[0]}}  {c[1]:>{widths[1]}}  {c[2]:<{widths[2]}}  {c[3]:<{widths[3]}}  "
            f"{c[4]:<{widths[4]}}  {c[5]}".rstrip(),
            file=out,
        )
