"""`sip-lsp simulate` as a user runs it: one status through one failover point, text and JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from sip_lsp import dialects
from sip_lsp.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "simulate"
KAMAILIO = str(FIXTURES / "kamailio.cfg")
OPENSIPS = str(FIXTURES / "opensips.cfg")
TWO = str(FIXTURES / "two-routes.cfg")


def simulate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "simulate", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=ROOT,
    )


def as_json(*args: str) -> dict:
    result = simulate(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_603_prints_the_path_through_the_script_and_the_outcome():
    result = simulate(KAMAILIO, "--status", "603", "--lang", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "failure_route[CARRIER] (tests/fixtures/simulate/kamailio.cfg:15), armed at 5, status 603 Decline"
    )
    steps = [" ".join(line.split()) for line in lines[1:5]]
    assert steps == [
        ":15 failure_route[CARRIER] → enters with 603 Decline",
        ":16 t_is_canceled() → false",
        ':19 t_check_status("6[0-9][0-9]") → true',
        ":20 exit → the script stops here",
    ]
    assert lines[5] == "Outcome: forward — winning reply to the caller"
    assert lines[6] == "The caller receives: 603 Decline"
    assert len(lines) == 7


def test_text_follows_route_calls_and_names_the_deciding_line():
    result = simulate(KAMAILIO, "--status", "486", "--lang", "en")
    out = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert ":23 route(VOICEMAIL) → calls route[VOICEMAIL]" in out
    assert ":11 t_relay() → sends the call to voicemail, an announcement or an IVR" in out
    assert out[-2] == "Outcome: media :11"
    assert out[-1] == (
        "The caller receives: no final reply here: the call goes on to voicemail,"
        " an announcement or an IVR (what the caller receives comes from it)"
    )


def test_json_has_the_documented_shape():
    data = as_json(KAMAILIO, "--status", "503", "--at", "CARRIER")
    assert set(data) == {
        "path",
        "line",
        "kind",
        "name",
        "status",
        "local",
        "steps",
        "outcome",
        "reply",
        "facts",
    }
    assert (data["path"], data["line"], data["kind"], data["name"]) == (
        "tests/fixtures/simulate/kamailio.cfg",
        15,
        "failure_route",
        "CARRIER",
    )
    assert (data["status"], data["local"], data["outcome"], data["reply"], data["facts"]) == (
        503,
        None,
        "retry-same",
        None,
        [],
    )
    for step in data["steps"]:
        assert set(step) == {"line", "kind", "text", "values"}
    assert data["steps"][0] == {
        "line": 15,
        "kind": "enter",
        "text": "failure_route[CARRIER]",
        "values": {"status": "503"},
    }
    nxt = next(s for s in data["steps"] if s["text"] == "ds_next_dst()")
    assert (nxt["line"], nxt["kind"], nxt["values"]["outcome"]) == (29, "action", "retry-same")


def test_json_reply_is_what_the_caller_receives():
    assert as_json(KAMAILIO, "--status", "603")["reply"] == 603  # forwarded
    data = as_json(KAMAILIO, "--status", "404")
    assert (data["outcome"], data["reply"]) == ("reply", 480)


def test_timeout_and_cancelled():
    data = as_json(KAMAILIO, "--timeout")
    assert (data["status"], data["local"], data["outcome"]) == (408, "timeout", "retry-same")
    assert {"line": 25, "kind": "test-true", "text": "t_branch_timeout()", "values": {}} in data["steps"]
    data = as_json(KAMAILIO, "--cancelled")
    assert (data["status"], data["local"], data["outcome"], data["reply"]) == (
        487,
        "cancelled",
        "forward",
        487,
    )
    assert [s["kind"] for s in data["steps"]] == ["enter", "test-true", "exit"]
    text = simulate(KAMAILIO, "--timeout", "--lang", "en").stdout
    assert "status 408 Request Timeout (timeout)" in text.splitlines()[0]


def test_russian():
    result = simulate(OPENSIPS, "--status", "603", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    out = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert out[0].endswith("назначен: стр. 5, статус 603 Decline")
    assert ":10 t_was_cancelled() → ложно" in out
    assert ':20 t_check_status("[56][0-9][0-9]") → истинно' in out
    relay = next(line for line in out if line.startswith(":22 t_relay()"))
    assert "повтор не удаётся: после 6xx OpenSIPS не открывает новых ветвей" in relay
    assert ':23 t_reply("500", "Failover failed") → ответ вызывающей стороне кодом 500' in out
    assert out[-2].startswith("Исход: ответ 500 :23 (OpenSIPS не создаёт новых ветвей после 6xx")
    assert out[-1] == "Вызывающая сторона получает: 500 Server Internal Error"


def test_opensips_6xx_shows_the_relay_failing_and_what_runs_instead():
    data = as_json(OPENSIPS, "--status", "603")
    relay = next(s for s in data["steps"] if s["text"] == "t_relay()")
    assert relay["values"]["note"] == "simulate_note_6xx_blocked"
    after = data["steps"][data["steps"].index(relay) + 1]
    assert (after["kind"], after["line"], after["values"]) == ("reply", 23, {"code": "500"})
    assert (data["outcome"], data["reply"]) == ("reply", 500)
    # the same text read as Kamailio fails over: tm there sends the 603 call again
    data = as_json(OPENSIPS, "--status", "603", "--dialect", "kamailio")
    assert data["outcome"] == "retry-same"


def test_at_a_line_of_the_route_or_an_arming_site():
    assert as_json(TWO, "--status", "486", "--at", "12")["name"] == "FIRST"
    assert as_json(TWO, "--status", "486", "--at", "7")["name"] == "SECOND"  # t_on_failure("SECOND")
    assert as_json(TWO, "--status", "486", "--at", "SECOND")["reply"] == 500


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((KAMAILIO, "--status", "999"), "unknown final status '999'"),
        ((KAMAILIO, "--status", "200"), "unknown final status '200'"),
        ((KAMAILIO, "--status", "busy"), "unknown final status 'busy'"),
        ((KAMAILIO, "--status", "603", "--at", "NOPE"), "no failover point at 'NOPE'"),
        ((KAMAILIO, "--status", "603", "--at", "2"), "no failover point at '2'"),
        ((KAMAILIO,), "give --status CODE, --timeout or --cancelled"),
        ((str(FIXTURES / "missing.cfg"), "--status", "603"), "missing.cfg: error:"),
    ],
)
def test_errors_say_what_is_wrong_and_exit_2(args, message):
    result = simulate(*args, "--lang", "en")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_several_points_ask_to_choose():
    result = simulate(TWO, "--status", "603", "--lang", "en")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "sip-lsp: error: 2 failover points match; choose one with --at:"
    assert lines[1].split() == ["failure_route[FIRST]", "tests/fixtures/simulate/two-routes.cfg:12"]
    assert lines[2].split() == ["failure_route[SECOND]", "tests/fixtures/simulate/two-routes.cfg:19"]


def test_errors_in_russian():
    result = simulate(TWO, "--status", "603", "--lang", "ru")
    assert "подходят несколько точек переключения (2); выберите одну через --at:" in result.stderr
    result = simulate(KAMAILIO, "--status", "999", "--lang", "ru")
    assert "неизвестный окончательный статус «999»" in result.stderr


def test_timeout_and_cancelled_exclude_each_other():
    result = simulate(KAMAILIO, "--timeout", "--cancelled")
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["simulate", *argv])
    return status, out.getvalue(), err.getvalue()


def test_a_dialect_without_a_walker_is_a_clear_error(monkeypatch):
    def missing(*_args, **_kwargs):
        raise ModuleNotFoundError("no walker", name="sip_lsp.dialects.ser.simulate")

    monkeypatch.setattr(dialects, "simulate", missing)
    status, out, err = _run(KAMAILIO, "--status", "603", "--lang", "en")
    assert (status, out) == (2, "")
    assert "no simulation for kamailio yet" in err
    monkeypatch.setattr(dialects, "simulate", lambda *_a, **_k: None)
    status, _, err = _run(KAMAILIO, "--status", "603", "--lang", "ru")
    assert status == 2 and "для kamailio симуляция пока недоступна" in err


def test_a_walker_bug_is_one_line_not_a_traceback(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(dialects, "simulate", broken)
    status, _, err = _run(KAMAILIO, "--status", "603", "--lang", "en")
    assert status == 2 and "ValueError: boom" in err and "Traceback" not in err


def test_steps_in_an_included_file_name_it(tmp_path):
    (tmp_path / "main.cfg").write_text(
        '#!KAMAILIO\ninclude_file "routes.cfg"\nrequest_route {\n\tt_on_failure("F");\n\tt_relay();\n}\n'
        'failure_route[F] {\n\tif (t_check_status("486")) {\n\t\troute(VM);\n\t}\n}\n'
    )
    (tmp_path / "routes.cfg").write_text('route[VM] {\n\t$ru = "sip:vm@voicemail.local";\n\tt_relay();\n}\n')
    data = as_json(str(tmp_path / "main.cfg"), "--status", "486")
    relay = data["steps"][-2]
    assert (relay["path"].endswith("routes.cfg"), relay["line"], relay["text"]) == (True, 3, "t_relay()")
    assert data["outcome"] == "media"
    assert data["steps"][-1]["kind"] == "exit" and "path" not in data["steps"][-1]  # the handler's end
