"""Outcome tables of KEMI failure handlers (issues 13 and 16): every code in one row, per language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "kemi"
LANGUAGES = ("py", "lua", "js")
REGISTERED_FINAL = sorted(c for c in default_catalog().codes if 300 <= c < 700)


def tables(path: Path, text: str | None = None) -> list[OutcomeTable]:
    text = path.read_text(encoding="utf-8") if text is None else text
    return list(dialects.analyze(text, "kemi", DialectContext(path=str(path))).outcome_tables)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def assert_partition(t: OutcomeTable) -> None:
    codes = [c for row in t.rows for c in row.codes]
    assert sorted(codes) == sorted(FINAL_CODES)
    cases = [c for row in t.rows for c in row.local]
    assert sorted(cases) == sorted(Local)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_code_and_local_case_in_exactly_one_row(name: str) -> None:
    for t in tables(FIXTURES / name):
        assert t.kind == "kemi_failure"
        assert_partition(t)


@pytest.mark.parametrize("ext", LANGUAGES)
def test_carrier_rows_follow_the_script(ext: str) -> None:
    path = FIXTURES / f"carrier.{ext}"
    text = path.read_text(encoding="utf-8")
    [t] = tables(path)
    assert t.name == "ksr_failure_carrier" and text[t.span.start : t.span.end].endswith("ksr_failure_carrier")
    [armed] = t.armed_by
    assert text[armed.start : armed.end] == "ksr_failure_carrier"

    def at(code: int) -> str:
        row = t.row_for(code)
        assert row is not None and row.span is not None
        return text[row.span.start : row.span.end]

    assert t.row_for(486).outcome is Outcome.MEDIA and at(486) == "KSR.tm.t_relay()"
    gateway = t.row_for(502)
    assert gateway.outcome is Outcome.RETRY_SAME and at(502) == "KSR.dispatcher.ds_next_dst()"
    assert t.row_for(408) is gateway and t.row_for_local(Local.TIMEOUT) is gateway
    masked = t.row_for(604)
    assert (masked.outcome, masked.reply) == (Outcome.REPLY, 500) and at(
        604
    ) == 'KSR.tm.t_reply(500, "Error")'
    assert text[masked.guards[-1].start : masked.guards[-1].end] == "[56][0-9][0-9]"
    assert t.row_for(404).outcome is Outcome.FORWARD and t.row_for(404).span is None
    nodest = t.row_for_local(Local.NO_DESTINATION)
    assert (nodest.outcome, nodest.reply, nodest.codes) == (Outcome.REPLY, 503, frozenset())
    assert t.row_for_local(Local.CANCELLED).outcome is Outcome.FORWARD


@pytest.mark.parametrize("ext", LANGUAGES)
def test_ringing_someone_else_is_not_a_retry(ext: str) -> None:
    found = {t.name: t for t in tables(FIXTURES / f"hunt.{ext}")}
    outcome = {name: t.row_for(604).outcome for name, t in found.items()}
    assert outcome == {
        "ksr_failure_secretary": Outcome.NEW_PARTY,
        "ksr_failure_fork": Outcome.NEW_PARTY,
        "ksr_failure_forward": Outcome.UNKNOWN,
        "ksr_failure_backup": Outcome.RETRY_SAME,
    }


HANDLER = 'import KSR\n\ndef ksr_request_route():\n    KSR.tm.t_on_failure("f")\n\n\ndef f():\n{body}'


def handler_table(body: str) -> tuple[OutcomeTable, str]:
    text = HANDLER.format(body=body)
    [t] = tables(Path("x.py"), text)
    assert_partition(t)
    return t, text


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ("    KSR.dispatcher.ds_next_dst()\n    KSR.tm.t_relay()\n", Outcome.RETRY_SAME),
        ("    KSR.drouting.use_next_gw()\n    KSR.tm.t_relay()\n", Outcome.RETRY_SAME),
        ('    KSR.setdsturi("sip:backup.example.com")\n    KSR.tm.t_relay()\n', Outcome.RETRY_SAME),
        ('    KSR.pv.sets("$du", "sip:gw2.example.com")\n    KSR.tm.t_relay()\n', Outcome.RETRY_SAME),
        ('    KSR.sethost("gw2.example.com")\n    KSR.tm.t_relay()\n', Outcome.RETRY_SAME),
        ('    KSR.corex.append_branch_uri("sip:bob@example.com")\n', Outcome.NEW_PARTY),
        ("    KSR.tm.t_load_contacts()\n    KSR.tm.t_relay()\n", Outcome.NEW_PARTY),
        ('    KSR.seturi("sip:secretary@example.com")\n    KSR.tm.t_relay()\n', Outcome.NEW_PARTY),
        ('    KSR.pv.sets("$rU", "5551234")\n    KSR.tm.t_relay()\n', Outcome.NEW_PARTY),
        ('    KSR.pv.sets("$du", "sip:voicemail.example.com")\n    KSR.tm.t_relay()\n', Outcome.MEDIA),
        ('    KSR.pv.sets("$ru", KSR.pv.get("$avp(fwd)"))\n    KSR.tm.t_relay()\n', Outcome.UNKNOWN),
        ("    KSR.seturi(target())\n    KSR.tm.t_relay()\n", Outcome.UNKNOWN),
    ],
)
def test_destination_of_the_failover(body: str, outcome: Outcome) -> None:
    t, text = handler_table(body)
    assert t.row_for(500).outcome is outcome
    an = dialects.analyze(text, "kemi", DialectContext(path="x.py"))
    assert an.failover_sites[-1].destination is outcome


def test_a_failed_relay_runs_the_fallback_for_the_cancelled_case_only() -> None:
    body = '    if KSR.tm.t_relay() < 0:\n        KSR.tm.t_reply(500, "Error")\n    return 1\n'
    t, _ = handler_table(body)
    assert t.row_for(603).outcome is Outcome.RETRY_SAME  # Kamailio forks after a 6xx
    cancelled = t.row_for_local(Local.CANCELLED)
    assert (cancelled.outcome, cancelled.reply) == (Outcome.REPLY, 500)


def test_a_timeout_without_a_reply_is_not_a_replied_408() -> None:
    body = (
        "    if KSR.tm.t_branch_replied() < 0:\n"
        '        KSR.tm.t_reply(504, "Timeout")\n'
        "        return 1\n"
        "    KSR.dispatcher.ds_next_dst()\n"
        "    KSR.tm.t_relay()\n"
    )
    t, _ = handler_table(body)
    assert t.row_for_local(Local.TIMEOUT).outcome is Outcome.REPLY
    assert t.row_for(486).outcome is Outcome.RETRY_SAME


def test_a_helper_decides_for_the_handler_and_a_bare_next_destination_runs_on_no_destination() -> None:
    body = "    relay()\n\n\ndef relay():\n    if KSR.dispatcher.ds_next_dst():\n        KSR.tm.t_relay()\n"
    t, text = handler_table(body)
    row = t.row_for(500)
    assert (
        row.outcome is Outcome.RETRY_SAME
        and text[row.span.start : row.span.end] == "KSR.dispatcher.ds_next_dst()"
    )
    # -1 is true too: with no destination left, the then-branch relays to the same one again
    assert t.row_for_local(Local.NO_DESTINATION).outcome is Outcome.RETRY_SAME


@pytest.mark.parametrize("ext", LANGUAGES)
def test_cli_table_json(ext: str) -> None:
    path = FIXTURES / f"carrier.{ext}"
    run = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "table", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    [t] = json.loads(run.stdout)["tables"]
    assert (t["kind"], t["name"]) == ("kemi_failure", "ksr_failure_carrier")
    codes = [c for row in t["rows"] for c in row["codes"]]
    assert sorted(codes) == REGISTERED_FINAL
    rows = {c: r for r in t["rows"] for c in r["codes"]}
    text = path.read_text(encoding="utf-8").splitlines()
    assert rows[486]["outcome"] == "media" and "t_relay" in text[rows[486]["line"] - 1]
    assert (rows[604]["outcome"], rows[604]["reply"]) == ("reply", 500)
    assert rows[502]["outcome"] == "retry-same" and "ds_next_dst" in text[rows[502]["line"] - 1]


@pytest.mark.parametrize("ext", LANGUAGES)
def test_cli_table_text_names_the_handler(ext: str) -> None:
    path = FIXTURES / f"hunt.{ext}"
    run = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "table", str(path), "--at", "ksr_failure_fork"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("kemi_failure[ksr_failure_fork] (")
    assert "new-party" in run.stdout and "retry-same" not in run.stdout
