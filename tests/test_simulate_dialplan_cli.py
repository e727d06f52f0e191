"""`sip-lsp simulate` on Asterisk and FreeSWITCH dialplans, as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "simulate"
CONF = FIXTURES / "extensions.conf"
XML = FIXTURES / "dialplan.xml"


def simulate(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "simulate", *argv], capture_output=True, text=True, timeout=60
    )


def as_json(*argv: str) -> dict:
    proc = simulate(*argv, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    found: dict = json.loads(proc.stdout)
    return found


def test_asterisk_603_text_names_each_step_and_the_drivers_facts() -> None:
    proc = simulate(str(CONF), "--at", "5", "--status", "603")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("dial[PJSIP/${EXTEN}@carrier-a]") and "603 Decline" in lines[0]
    assert any("CALL_REJECTED (21)" in line for line in lines)
    assert any(line.strip().startswith(":6") and line.rstrip().endswith("false") for line in lines)
    assert any(line.strip().startswith(":8  Hangup()") and "403" in line for line in lines)
    assert "The caller receives: 403 Forbidden" in lines
    assert "DIALSTATUS (chan_pjsip): CHANUNAVAIL" in lines
    assert "HANGUPCAUSE (chan_sip): 21" in lines


def test_asterisk_603_json() -> None:
    found = as_json(str(CONF), "--at", "5", "--status", "603")
    assert (found["kind"], found["line"], found["status"]) == ("dial", 5, 603)
    assert (found["outcome"], found["reply"]) == ("end", 403)
    assert [(s["kind"], s["line"]) for s in found["steps"]] == [
        ("enter", 5),
        ("map", None),
        ("map", None),
        ("map", None),
        ("test-false", 6),
        ("test-false", 7),
        ("exit", 8),
        ("map", 8),
    ]
    assert found["steps"][1]["values"]["to"] == "CALL_REJECTED (21)"
    facts = {f["key"]: f["value"] for f in found["facts"]}
    assert facts == {
        "simulate_fact_dialstatus_pjsip": "CHANUNAVAIL",
        "simulate_fact_hangupcause_pjsip": "21",
        "simulate_fact_dialstatus_sip": "CHANUNAVAIL",
        "simulate_fact_hangupcause_sip": "21",
    }


def test_asterisk_hunt_is_new_party_and_russian_words() -> None:
    found = as_json(str(CONF), "--at", "16", "--status", "486")
    assert found["outcome"] == "new-party" and found["reply"] is None
    assert found["steps"][-1]["line"] == 18
    proc = simulate(str(CONF), "--at", "22", "--timeout", "--lang", "ru")
    assert proc.returncode == 0, proc.stderr
    assert "Вызывающая сторона получает: 603 Decline" in proc.stdout
    assert "в hangup_cause2sip у chan_pjsip нет записи" in proc.stdout


def test_freeswitch_603_text_names_the_cause_and_what_follows() -> None:
    proc = simulate(str(XML), "--at", "9", "--status", "603")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("bridge[sofia/gateway/carrier-a/$1|sofia/gateway/carrier-b/$1]")
    assert "becomes CALL_REJECTED" in out
    assert "fail_on_single_reject names the cause" in out
    assert ":10" in out and "voicemail, an announcement or an IVR" in out
    assert "Hangup cause (sofia): CALL_REJECTED" in out


@pytest.mark.parametrize(
    ("at", "status", "outcome", "reply", "facts"),
    [
        ("9", "603", "media", None, {"simulate_fact_cause": "CALL_REJECTED"}),
        (
            "9",
            "503",
            "retry-same",
            None,
            {
                "simulate_fact_cause": "NORMAL_TEMPORARY_FAILURE",
                "simulate_fact_next_target": "sofia/gateway/carrier-b/$1",
            },
        ),
        (
            "17",
            "603",
            "new-party",
            None,
            {"simulate_fact_cause": "CALL_REJECTED", "simulate_fact_next_target": "user/1001"},
        ),
        ("25", "603", "end", 603, {"simulate_fact_cause": "CALL_REJECTED"}),  # sip_ignore_remote_cause
        ("33", "486", "end", 486, {"simulate_fact_cause": "USER_BUSY"}),  # the received code passed on
    ],
)
def test_freeswitch_json(
    at: str, status: str, outcome: str, reply: int | None, facts: dict[str, str]
) -> None:
    found = as_json(str(XML), "--at", at, "--status", status)
    assert (found["kind"], found["line"], found["status"]) == ("bridge", int(at), int(status))
    assert (found["outcome"], found["reply"]) == (outcome, reply)
    assert {f["key"]: f["value"] for f in found["facts"]} == facts
    assert found["steps"][0]["kind"] == "enter"


@pytest.mark.parametrize(("path", "dialect"), [(CONF, "asterisk"), (XML, "freeswitch")])
def test_cut_and_damaged_dialplans_never_crash(path: Path, dialect: str) -> None:
    """Every table of a cut or damaged text simulates to a Simulation with its own row, or None."""
    from sip_lsp.dialects import DialectContext, analyze
    from sip_lsp.dialects import simulate as run
    from sip_lsp.model import Local

    text = path.read_text()
    variants = [text[:cut] for cut in range(0, len(text), max(1, len(text) // 25))]
    variants += [text.replace("(", "", 3), text.replace('"', "", 5), text.replace(",", "|")]
    for variant in variants:
        for table in analyze(variant, dialect, DialectContext()).outcome_tables:
            for code, local in (
                (603, None),
                (486, None),
                (None, Local.TIMEOUT),
                (None, Local.NO_DESTINATION),
            ):
                sim = run(variant, dialect, table, code, local, DialectContext())
                if sim is not None:
                    expected = table.row_for_local(local) if local is not None else table.row_for(code or 0)
                    assert sim.row == expected
