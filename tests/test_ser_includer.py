"""An included Kamailio/OpenSIPS file analysed alone joins its includer's model (dialects/ser/includer.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.model import Outcome

SPLIT = Path(__file__).parent / "fixtures" / "ser" / "split"
ROOT = Path(__file__).resolve().parents[1]


def _analyze(name: str, read=None, root: Path = SPLIT):
    path = SPLIT / name
    ctx = DialectContext(path=str(path), root=str(root), read=read, flavor="kamailio")
    return analyze(path.read_text(), "kamailio", ctx)


def _line(span, path: Path) -> int:
    return path.read_text().count("\n", 0, span.start) + 1


def test_a_failure_route_in_an_included_file_gets_its_arming_and_the_routes_it_calls() -> None:
    got = _analyze("routes/failure.cfg")
    (table,) = got.outcome_tables
    assert table.name == "CARRIER"
    main, relay = os.path.realpath(SPLIT / "kamailio.cfg"), os.path.realpath(SPLIT / "routes" / "relay.cfg")
    assert sorted((s.path, _line(s, Path(s.path))) for s in table.armed_by) == [(main, 9), (relay, 12)]
    row = table.row_for(604)
    assert row is not None and row.outcome is Outcome.RETRY_SAME
    assert row.span is not None and (row.span.path, _line(row.span, Path(relay))) == (relay, 13)
    assert table.row_for(600).outcome is Outcome.FORWARD  # t_check_status("486|600") exits first
    assert main in got.included


def test_a_route_file_alone_sees_the_failure_route_that_reaches_it() -> None:
    got = _analyze("routes/relay.cfg")
    assert not [k for k in got.knobs if k.name == "missing_failure_route"]  # no SC312
    (site,) = [s for s in got.failover_sites if s.span.path is None]
    assert _line(site.span, SPLIT / "routes" / "relay.cfg") == 13 and 604 in site.codes
    assert 600 not in site.codes


def test_without_the_workspace_root_it_stays_alone() -> None:
    got = _analyze("routes/relay.cfg", root=SPLIT / "routes")
    assert [k.value for k in got.knobs if k.name == "missing_failure_route"] == ["CARRIER"]
    assert not got.failover_sites


def test_the_includer_is_read_through_the_servers_reader() -> None:
    main = os.path.realpath(SPLIT / "kamailio.cfg")

    def read(path: str) -> str | None:  # the editor's unsaved includer arms nothing
        if path == main:
            return Path(path).read_text().replace('t_on_failure("CARRIER");', "")
        return Path(path).read_text()

    (table,) = _analyze("routes/failure.cfg", read=read).outcome_tables
    assert [s.path for s in table.armed_by] == [os.path.realpath(SPLIT / "routes" / "relay.cfg")]


def test_check_dir_reports_each_finding_once_and_no_lost_handler() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", "--format", "json", "--exit-zero", str(SPLIT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    found = [(os.path.basename(f["path"]), f["line"], f["rule"]) for f in json.loads(proc.stdout)]
    assert len(found) == len(set(found))
    assert ("relay.cfg", 13, "SC301") in found
    assert not [f for f in found if f[2] == "SC312"]
