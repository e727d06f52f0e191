"""`table`, `simulate` and `diff` as a user runs them, pinned: one fixture per dialect (issue 14 item 6).

Each case runs the real CLI (`python -m sip_lsp`, LANG=C.UTF-8) from the repository
root on a relative fixture path, and compares its output with the files under
tests/snapshots/cli/CASE/. `diff` runs in a temporary directory on `old/NAME` (the
fixture) and `new/NAME` (a copy edited so that 604 fails over), so no temporary path
reaches an output. A change that is meant to move an output updates the snapshots with

    SIP_LSP_UPDATE_SNAPSHOTS=1 pytest tests/test_cli_snapshots.py

and its commit says which outputs moved and why. The JSON forms are also checked for
the issue's invariants: every registered final code (and each local case) is in exactly
one row of every table, and `simulate --status C` ends in the row `table` gives C.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.cli import main

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots" / "cli"
UPDATE = bool(os.environ.get("SIP_LSP_UPDATE_SNAPSHOTS"))
ENV = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLUMNS": "200"}
ENV.pop("LC_MESSAGES", None)
FINAL = sorted(c for c in default_catalog().codes if 300 <= c <= 699)
LOCAL = ("timeout", "cancelled", "no-destination")


class Case(NamedTuple):
    path: str  # the fixture, relative to the repository root
    at: tuple[str, ...]  # `--at` for simulate when the file has several failover points
    edits: tuple[tuple[str, str], ...]  # (old, new) text replacements that make 604 fail over


CASES = {
    # The 6xx guard lets 604 through to the gateway failover.
    "kamailio": Case(
        "tests/fixtures/simulate/kamailio.cfg",
        (),
        (
            ('t_check_status("6[0-9][0-9]")', 't_check_status("60[0-35-9]")'),
            ('t_check_status("5[0-9][0-9]")', 't_check_status("5[0-9][0-9]|604")'),
        ),
    ),
    # OpenSIPS opens no new branch after a 6xx, so no edit makes 604 retry-same: sending it
    # to the busy reply instead shows the change the diff reports.
    "opensips": Case(
        "tests/fixtures/simulate/opensips.cfg",
        (),
        (("\tcase 486:\n", "\tcase 486:\n\tcase 604:\n"),),
    ),
    # 604 becomes UNALLOCATED (1), as 404 and 485 do: the trunk failover takes all three.
    "asterisk": Case(
        "tests/fixtures/simulate/extensions.conf",
        ("--at", "5"),
        (('| "${HANGUPCAUSE}" = "38"]', '| "${HANGUPCAUSE}" = "38" | "${HANGUPCAUSE}" = "1"]'),),
    ),
    "ael": Case(
        "tests/fixtures/asterisk/ael/outcomes.ael",
        ("--at", "6"),
        (
            (
                'if ("${DIALSTATUS}" = "CONGESTION")',
                'if ("${DIALSTATUS}" = "CONGESTION" | "${HANGUPCAUSE}" = "1")',
            ),
        ),
    ),
    # 604 is NO_ROUTE_DESTINATION: the desk goes on to a gateway for the same number.
    "freeswitch": Case(
        "tests/fixtures/simulate/dialplan.xml",
        ("--at", "9"),
        (
            (
                '        <action application="bridge" data="user/200"/>\n',
                '        <action application="set" data="continue_on_fail=NO_ROUTE_DESTINATION"/>\n'
                '        <action application="bridge" data="user/200"/>\n'
                '        <action application="bridge" data="sofia/gateway/backup/200"/>\n',
            ),
        ),
    ),
    "kemi-python": Case(
        "tests/fixtures/kemi/carrier.py",
        (),
        (('t_check_status("408|5[0-9][0-9]")', 't_check_status("408|5[0-9][0-9]|604")'),),
    ),
    "kemi-lua": Case(
        "tests/fixtures/kemi/carrier.lua",
        (),
        (('t_check_status("408|5[0-9][0-9]")', 't_check_status("408|5[0-9][0-9]|604")'),),
    ),
    "kemi-js": Case(
        "tests/fixtures/kemi/carrier.js",
        (),
        (('t_check_status("408|5[0-9][0-9]")', 't_check_status("408|5[0-9][0-9]|604")'),),
    ),
}

# snapshot file -> (command, its arguments after the path, the exit status it must have)
TABLE = {
    "table.txt": ("table", ()),
    "table.json": ("table", ("--format", "json")),
    "table.md": ("table", ("--format", "markdown")),
}
SIMULATE = {
    "simulate-603.txt": ("--status", "603"),
    "simulate-603.json": ("--status", "603", "--format", "json"),
    "simulate-timeout.txt": ("--timeout",),
    "simulate-timeout.json": ("--timeout", "--format", "json"),
    "simulate-486-ru.txt": ("--status", "486", "--lang", "ru"),
}
DIFF = {
    "diff.txt": (),
    "diff.json": ("--format", "json"),
    "diff.github.txt": ("--format", "github"),
}


def sip_lsp(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=ENV,
        cwd=cwd,
        timeout=60,
    )


def _check(case: str, name: str, proc: subprocess.CompletedProcess[str], status: int) -> None:
    """The output matches its snapshot (written first under SIP_LSP_UPDATE_SNAPSHOTS=1)."""
    assert (proc.returncode, proc.stderr) == (status, ""), proc.stderr
    snapshot = SNAPSHOTS / case / name
    if UPDATE:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(proc.stdout, encoding="utf-8")
    assert proc.stdout == snapshot.read_text(encoding="utf-8"), f"{case}/{name} moved"


def _edited(case: Case) -> str:
    text = (ROOT / case.path).read_text(encoding="utf-8")
    for old, new in case.edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("case", sorted(CASES))
def test_table_matches_its_snapshots(case):
    for name, (command, args) in TABLE.items():
        _check(case, name, sip_lsp(command, CASES[case].path, *args), 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_simulate_matches_its_snapshots(case):
    fixture = CASES[case]
    for name, args in SIMULATE.items():
        _check(case, name, sip_lsp("simulate", fixture.path, *fixture.at, *args), 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_diff_against_an_edit_that_moves_604_matches_its_snapshots(case, tmp_path):
    fixture = CASES[case]
    name = Path(fixture.path).name
    for side, text in (("old", (ROOT / fixture.path).read_text(encoding="utf-8")), ("new", _edited(fixture))):
        (tmp_path / side).mkdir()
        (tmp_path / side / name).write_text(text, encoding="utf-8")
    for snapshot, args in DIFF.items():
        _check(case, snapshot, sip_lsp("diff", f"old/{name}", f"new/{name}", *args, cwd=tmp_path), 1)
    report = json.loads((SNAPSHOTS / case / "diff.json").read_text(encoding="utf-8"))
    assert any(604 in change["codes"] for point in report["points"] for change in point["changes"])


def _tables(case: str) -> list[dict]:
    return json.loads((SNAPSHOTS / case / "table.json").read_text(encoding="utf-8"))["tables"]


def _each_code_once(tables: list[dict]) -> None:
    for table in tables:
        where = f"{table['path']}:{table['line']} {table['kind']}[{table['name']}]"
        codes = [c for row in table["rows"] for c in row["codes"]]
        assert sorted(codes) == FINAL, where
        local = [c for row in table["rows"] for c in row["local"]]
        assert sorted(local) == sorted(LOCAL), where


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_registered_code_and_local_case_is_in_exactly_one_row(case):
    tables = _tables(case)
    assert tables
    _each_code_once(tables)


def test_every_table_of_every_fixture_and_example_holds_each_code_once():
    proc = sip_lsp("table", "--format", "json", "tests/fixtures", "examples")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    tables = json.loads(proc.stdout)["tables"]
    kinds = {t["kind"] for t in tables}
    assert {"failure_route", "dial", "bridge", "kemi_failure"} <= kinds and len(tables) > 100
    _each_code_once(tables)


def _simulated(path: str, line: int, status: list[str]) -> dict:
    """`sip-lsp simulate PATH --at LINE STATUS --format json`, in this process (66 codes a point)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["simulate", path, "--at", str(line), *status, "--format", "json"])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


@pytest.mark.parametrize("case", sorted(CASES))
def test_simulate_ends_in_the_row_table_gives_each_code(case, monkeypatch):
    """Every registered code, --timeout and --cancelled, at every failover point of the fixture."""
    monkeypatch.chdir(ROOT)
    for table in _tables(case):
        for row in table["rows"]:
            walked = [["--status", str(code)] for code in row["codes"]]
            walked += [[f"--{local}"] for local in row["local"] if local in ("timeout", "cancelled")]
            for status in walked:
                sim = _simulated(CASES[case].path, table["line"], status)
                point = (sim["kind"], sim["name"], sim["line"])
                assert point == (table["kind"], table["name"], table["line"]), status
                assert sim["outcome"] == row["outcome"], (table["name"], status, row)
                if row["outcome"] in ("reply", "end") and row["reply"] is not None:
                    assert sim["reply"] == row["reply"], (table["name"], status, row)
                sourced = [step["text"] for step in sim["steps"] if step["line"] is not None]
                assert sourced and all(sourced), (table["name"], status)  # a step on a line shows its source
