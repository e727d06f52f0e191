"""`sip-lsp check` against `kamailio -c` (Kamailio's own config check), and CLI start-up.

- Debian's /etc/kamailio/kamailio.cfg: both commands interleaved, median
  wall-time ratio (goal <= 3x); `apt-get install kamailio` first when run as
  root and it is missing.
- The corpus (shared/corpus/files beside the repository): one `sip-lsp check` over every file
  against `kamailio -c` summed over the Kamailio files.
- `sip-lsp explain 604` against `python -c pass` (bench/cli_start.py; goal <= 4x).

sip-lsp runs from its wheel in a fresh venv (bench/installed.py), as a user has it.

    .venv/bin/python bench/check_vs_kamailio.py [--runs 15]
"""

from __future__ import annotations

import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import installed
from common import print_table, progress, row, run_child, skipped

CFG = "/etc/kamailio/kamailio.cfg"
# shared/ lies beside the repository; SIP_LSP_SHARED overrides it.
CORPUS = os.path.join(
    os.environ.get(
        "SIP_LSP_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
    ),
    "corpus",
    "files",
)
GOAL_CHECK = 3.0


def kamailio() -> str | None:
    """The kamailio binary, installed from Debian when missing and we are root."""
    found = shutil.which("kamailio") or (os.path.exists("/usr/sbin/kamailio") and "/usr/sbin/kamailio")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found or None
    progress("apt-get install -y kamailio")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "kamailio"]):
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            return None
    return shutil.which("kamailio") or "/usr/sbin/kamailio"


def _interleaved(commands: dict[str, list[list[str]]], runs: int, cwd: str) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per named command list (a list runs in sequence, times summed)."""
    for cmds in commands.values():  # page cache, .pyc files
        for cmd in cmds:
            run_child(cmd, cwd)
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, cmds in commands.items():
            results = [run_child(cmd, cwd) for cmd in cmds]
            walls[name].append(sum(r[0] for r in results))
            cpus[name].append(sum(r[1] for r in results))
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in commands}


def _ratio_row(
    measure: str, mine: tuple[float, float], floor: tuple[float, float], goal: float, floor_name: str
) -> dict:
    ratio = mine[0] / floor[0]
    return row(
        measure,
        ratio,
        "x",
        f"<= {goal:g}x",
        f"{floor_name} {floor[0] * 1e3:.0f} ms",
        ratio <= goal,
        note=f"{mine[0] * 1e3:.0f} ms wall; CPU {mine[1] / max(floor[1], 1e-9):.2f}x",
    )


def measure(runs: int = 15) -> list[dict]:
    rows = []
    binary = kamailio()
    sip_lsp, python = installed.sip_lsp(), installed.python()
    cwd = tempfile.mkdtemp(prefix="sip-lsp-bench-")
    try:
        if binary is None or not os.path.exists(CFG):
            rows.append(
                skipped("check kamailio.cfg / kamailio -c", "kamailio not installed (run as root to install)")
            )
        else:
            progress(f"sip-lsp check vs kamailio -c on {CFG}, {runs} interleaved runs")
            m = _interleaved(
                {
                    "kamailio": [[binary, "-c", "-f", CFG]],
                    "sip-lsp": [[*sip_lsp, "check", "--exit-zero", CFG]],
                    "python": [[python, "-c", "pass"]],
                },
                runs,
                cwd,
            )
            r = _ratio_row(
                "check kamailio.cfg / kamailio -c (median wall)",
                m["sip-lsp"],
                m["kamailio"],
                GOAL_CHECK,
                "kamailio -c",
            )
            # The interpreter alone is the floor under the floor: it says what 3x can leave.
            r["note"] += f"; python -c pass {m['python'][0] / m['kamailio'][0]:.1f}x"
            rows.append(r)
        files = sorted(glob.glob(os.path.join(CORPUS, "*")))
        if binary is None or not files:
            rows.append(skipped("check corpus / kamailio -c summed", "no kamailio or no corpus"))
        else:
            ours = [f for f in files if os.path.basename(f).startswith("kamailio__")]
            progress(f"sip-lsp check on {len(files)} corpus files vs kamailio -c on {len(ours)}")
            m = _interleaved(
                {
                    "kamailio": [[binary, "-c", "-f", f] for f in ours],
                    "sip-lsp": [[*sip_lsp, "check", "--exit-zero", *files]],
                },
                3,
                cwd,
            )
            rows.append(
                _ratio_row(
                    f"check {len(files)} corpus files / kamailio -c on {len(ours)}",
                    m["sip-lsp"],
                    m["kamailio"],
                    GOAL_CHECK,
                    f"kamailio -c x{len(ours)}",
                )
            )
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    progress("sip-lsp explain 604 vs python -c pass")
    import cli_start

    medians = cli_start.measure(max(runs, 20), python, sip_lsp)
    base, mine = medians["python -c pass"], medians["sip-lsp explain 604"]
    rows.append(
        row(
            "explain 604 / python -c pass (median wall)",
            mine / base,
            "x",
            f"<= {cli_start.GOAL:g}x",
            f"python -c pass {base * 1e3:.0f} ms",
            mine / base <= cli_start.GOAL,
            note=f"{mine * 1e3:.0f} ms wall",
        )
    )
    return rows


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 15
    print_table(measure(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
