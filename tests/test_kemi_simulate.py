"""`dialects.simulate` on KEMI failure handlers: one status walked, step by step, to its table row."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext
from sip_lsp.model import Local, Outcome, StepKind

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "kemi"
REGISTERED_FINAL = sorted(c for c in default_catalog().codes if 300 <= c < 700)


def walk(path: Path, code: int | None, local: Local | None = None, name: str | None = None):
    text = path.read_text(encoding="utf-8")
    tables = dialects.analyze(text, "kemi", DialectContext(path=str(path))).outcome_tables
    table = next(t for t in tables if name is None or t.name == name)
    sim = dialects.simulate(text, "kemi", table, code, local, DialectContext(path=str(path)))
    assert sim is not None
    return sim, text


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_registered_code_ends_in_its_table_row(name: str) -> None:
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    ctx = DialectContext(path=str(path))
    for table in dialects.analyze(text, "kemi", ctx).outcome_tables:
        for code in REGISTERED_FINAL:
            sim = dialects.simulate(text, "kemi", table, code, None, DialectContext(path=str(path)))
            assert sim is not None and sim.row == table.row_for(code), (table.name, code)
            assert sim.steps[0].kind is StepKind.ENTER
        for case in Local:
            sim = dialects.simulate(text, "kemi", table, None, case, DialectContext(path=str(path)))
            assert sim is not None and sim.row == table.row_for_local(case), (table.name, case)


@pytest.mark.parametrize("ext", ["py", "lua", "js"])
def test_the_steps_of_a_604_in_the_carrier_handler(ext: str) -> None:
    sim, text = walk(FIXTURES / f"carrier.{ext}", 604)
    kinds = [s.kind for s in sim.steps]
    assert kinds == [
        StepKind.ENTER,
        StepKind.TEST_FALSE,
        StepKind.TEST_FALSE,
        StepKind.TEST_FALSE,
        StepKind.TEST_TRUE,
        StepKind.REPLY,
    ]
    reply = sim.steps[-1]
    assert text[reply.span.start : reply.span.end] == 'KSR.tm.t_reply(500, "Error")'
    assert dict(reply.values) == {"code": "500"} and (sim.row.outcome, sim.row.reply) == (Outcome.REPLY, 500)


@pytest.mark.parametrize("ext", ["py", "lua", "js"])
def test_a_gateway_failure_retries_then_returns(ext: str) -> None:
    sim, text = walk(FIXTURES / f"carrier.{ext}", 503)
    actions = [text[s.span.start : s.span.end] for s in sim.steps if s.kind is StepKind.ACTION]
    assert actions == ["KSR.dispatcher.ds_next_dst()", "KSR.tm.t_relay()"]
    assert sim.steps[-1].kind is StepKind.EXIT and sim.row.outcome is Outcome.RETRY_SAME


def test_no_destination_and_cancel_walk_their_own_paths() -> None:
    sim, _ = walk(FIXTURES / "carrier.lua", None, Local.NO_DESTINATION)
    assert [s.kind for s in sim.steps][-2:] == [StepKind.TEST_TRUE, StepKind.REPLY]
    assert sim.row.reply == 503
    sim, _ = walk(FIXTURES / "carrier.lua", None, Local.CANCELLED)
    assert [s.kind for s in sim.steps] == [StepKind.ENTER, StepKind.TEST_TRUE, StepKind.EXIT]


def test_a_helper_call_is_a_step() -> None:
    text = (
        'import KSR\n\ndef ksr_request_route():\n    KSR.tm.t_on_failure("f")\n\n\n'
        "def f():\n    relay()\n\n\ndef relay():\n    KSR.dispatcher.ds_next_dst()\n    KSR.tm.t_relay()\n"
    )
    ctx = DialectContext(path="x.py")
    [table] = dialects.analyze(text, "kemi", ctx).outcome_tables
    sim = dialects.simulate(text, "kemi", table, 500, None, DialectContext(path="x.py"))
    assert sim is not None
    kinds = [s.kind for s in sim.steps]
    assert kinds == [StepKind.ENTER, StepKind.CALL, StepKind.ACTION, StepKind.ACTION, StepKind.EXIT]
    assert dict(sim.steps[1].values) == {"target": "relay"}
    assert dict(sim.steps[-1].values) == {"note": "simulate_note_route_end"}  # fell off the handler
    assert sim.row == table.row_for(500)


def test_a_table_not_in_the_text_gives_none() -> None:
    sim, text = walk(FIXTURES / "carrier.py", 604)
    assert dialects.simulate(text.replace("ksr_failure_carrier", "other"), "kemi", sim.table, 604) is None


def test_a_module_handler_is_simulated_in_its_file(tmp_path: Path) -> None:
    (tmp_path / "failover.js").write_text(
        "function ksr_failure_gw() {\n\tKSR.dispatcher.ds_next_dst();\n\tKSR.tm.t_relay();\n}\n",
        encoding="utf-8",
    )
    text = (
        'require("./failover.js");\nfunction ksr_request_route() { KSR.tm.t_on_failure("ksr_failure_gw"); }\n'
    )
    entry = tmp_path / "main.js"
    entry.write_text(text, encoding="utf-8")
    [table] = dialects.analyze(
        text, "kemi", DialectContext(path=str(entry), root=str(tmp_path))
    ).outcome_tables
    ctx = DialectContext(path=str(entry), root=str(tmp_path))
    sim = dialects.simulate(text, "kemi", table, 604, None, ctx)
    assert sim is not None and sim.row == table.row_for(604) and sim.row.outcome is Outcome.RETRY_SAME
    assert {s.span.path for s in sim.steps} == {table.span.path}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "simulate", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("ext", ["py", "lua", "js"])
def test_cli_json_walks_a_604_to_the_masking_reply(ext: str) -> None:
    path = f"tests/fixtures/kemi/carrier.{ext}"
    run = cli(path, "--status", "604", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert (data["path"], data["kind"], data["name"]) == (path, "kemi_failure", "ksr_failure_carrier")
    assert (data["status"], data["local"], data["outcome"], data["reply"]) == (604, None, "reply", 500)
    assert [s["kind"] for s in data["steps"]] == ["enter", *["test-false"] * 3, "test-true", "reply"]
    assert data["steps"][0]["values"] == {"status": "604"}
    assert data["steps"][-1]["text"] == 'KSR.tm.t_reply(500, "Error")' and data["steps"][-1]["values"] == {
        "code": "500"
    }


@pytest.mark.parametrize("ext", ["py", "lua", "js"])
def test_cli_text_retry_timeout_and_cancel(ext: str) -> None:
    path = f"tests/fixtures/kemi/carrier.{ext}"
    run = cli(path, "--status", "503", "--lang", "en")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("kemi_failure[ksr_failure_carrier] (") and "status 503" in lines[0]
    assert any(
        "KSR.dispatcher.ds_next_dst()" in line and "while a destination is left" in line for line in lines
    )
    assert "Outcome: retry-same" in run.stdout
    data = json.loads(cli(path, "--timeout", "--format", "json").stdout)
    assert (data["status"], data["local"], data["outcome"]) == (408, "timeout", "retry-same")
    data = json.loads(cli(path, "--cancelled", "--format", "json").stdout)
    assert (data["local"], data["outcome"], data["reply"]) == ("cancelled", "forward", 487)
    assert [s["kind"] for s in data["steps"]] == ["enter", "test-true", "exit"]


def test_cli_hunt_is_not_a_retry_and_reads_in_russian() -> None:
    run = cli(
        "tests/fixtures/kemi/hunt.lua", "--at", "ksr_failure_secretary", "--status", "603", "--lang", "ru"
    )
    assert run.returncode == 0, run.stderr
    assert "new-party" not in run.stdout or "другой" in run.stdout
    data = json.loads(
        cli(
            "tests/fixtures/kemi/hunt.lua",
            "--at",
            "ksr_failure_secretary",
            "--status",
            "603",
            "--format",
            "json",
        ).stdout
    )
    assert data["outcome"] == "new-party"
