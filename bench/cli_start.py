"""Start-up cost of the reference CLI: `sip-lsp explain 604` against `python -c pass`.

The goal is at most 4x a bare interpreter (DESIGN §1: explain starts on the
standard library and the compiled catalogue), both from the wheel installed in
a fresh venv (bench/installed.py). Runs are interleaved so drift in
machine load hits both commands alike; the median of each is reported.

    .venv/bin/python bench/cli_start.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import installed

GOAL = 4.0


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(runs: int, python: str, sip_lsp: list[str]) -> dict[str, float]:
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "sip-lsp explain 604": [*sip_lsp, "explain", "604"],
    }
    for cmd in commands.values():  # warm the page cache and .pyc files
        _wall(cmd)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(_wall(cmd))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="interleaved runs of each command")
    args = parser.parse_args()
    medians = measure(max(1, args.runs), installed.python(), installed.sip_lsp())
    base = medians["python -c pass"]
    ratio = medians["sip-lsp explain 604"] / base
    print(f"{'command':<24}{'median ms':>12}{'x python':>10}")
    for name, value in medians.items():
        print(f"{name:<24}{value * 1000:>12.1f}{value / base:>10.2f}")
    verdict = "ok" if ratio <= GOAL else "over"
    print(f"\nratio {ratio:.2f}x (goal <= {GOAL:.0f}x: {verdict}); median of {args.runs} interleaved runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
