"""The benchmark suite: one table on stdout, the same rows in bench/results/latest.json.

Sections: warm analysis per dialect and KEMI scripts against the native cfg
(analysis.py), `sip-lsp check` against `kamailio -c` and CLI start-up
(check_vs_kamailio.py), `table` against `check` on 100k lines (table_vs_check.py),
the language server over stdio (editor.py). Each figure
is printed beside its goal and its floor.

    .venv/bin/python bench/run.py [--only analysis,cli,lsp] [--dialects kamailio,asterisk,kemi]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import print_table  # noqa: E402

SECTIONS = ("analysis", "cli", "lsp")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections to run: " + ", ".join(SECTIONS))
    parser.add_argument("--dialects", default="kamailio,opensips,asterisk,freeswitch,kemi")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    # Byte-compiled first, as an installed wheel is: the language server starts from this
    # checkout, and under PYTHONDONTWRITEBYTECODE=1 it would compile every module at each start.
    compileall.compile_dir(os.path.join(os.path.dirname(HERE), "sip_lsp"), quiet=1)
    started = time.perf_counter()
    rows: list[dict] = []
    if "analysis" in only:
        import analysis

        for dialect in args.dialects.split(","):
            rows += analysis.measure(dialect)
    if "cli" in only:
        import check_vs_kamailio

        rows += check_vs_kamailio.measure()
        import table_vs_check

        rows += table_vs_check.measure()
    if "lsp" in only:
        import editor

        rows += editor.measure()
    print_table(rows)
    misses = [r["measure"] for r in rows if r["ok"] is False]
    seconds = time.perf_counter() - started
    print(
        f"\n{len(rows) - len(misses)} of {len(rows)} rows ok or without a goal; {len(misses)} miss. "
        f"{seconds:.0f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as fh:
        json.dump(
            {
                "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load": os.getloadavg()[0],
                "seconds": round(seconds, 1),
                "rows": rows,
            },
            fh,
            indent=1,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
