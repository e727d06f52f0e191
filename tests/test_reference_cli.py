"""`sip-lsp explain`, `compare` and `codes`, run as a user runs them: a subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from shared import FACTS as SHARED_FACTS

FACTS = SHARED_FACTS / "sip-response-codes.tsv"


def sip_lsp(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )


def ok(*args: str) -> str:
    result = sip_lsp(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def fails(*args: str) -> str:
    """The one-line error of a command that must exit 2."""
    result = sip_lsp(*args)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sip-lsp: "), result.stderr
    return lines[0]


# ---------------------------------------------------------------- explain


def test_explain_604_shows_the_whole_entry():
    out = ok("explain", "604")
    assert out.splitlines()[0] == "604 Does Not Exist Anywhere · 6xx Global Failure · RFC 3261 §21.6.3"
    for heading in (
        "Description",
        "When you see it",
        "How to fix",
        "Retry and failover",
        "Cause mappings",
        "Often confused with",
    ):
        assert f"\n{heading}\n{'=' * len(heading)}\n" in out
    assert "Never retry anywhere" in out
    assert "Q.850 (RFC 3398): 1 Unallocated (unassigned) number" in out
    assert "FreeSWITCH: NO_ROUTE_DESTINATION" in out and "Asterisk: UNALLOCATED" in out
    assert "404 Not Found" in out
    assert "**" not in out and "###" not in out


def test_explain_markdown_keeps_the_hover_title_line():
    out = ok("explain", "604", "--format", "markdown")
    assert out.startswith("**604 Does Not Exist Anywhere** · 6xx Global Failure · RFC 3261 §21.6.3\n")
    assert "### When you see it" in out


def test_explain_json_is_the_entry():
    data = json.loads(ok("explain", "604", "--format", "json"))
    assert (data["code"], data["reason"], data["class"], data["retry"]) == (
        604,
        "Does Not Exist Anywhere",
        "6xx",
        "never-retry-anywhere",
    )


def test_explain_202_says_deprecated_use_200():
    out = ok("explain", "202")
    assert "Deprecated: send 200 OK instead." in out
    assert "2xx Success" in out


def test_explain_in_russian():
    out = ok("explain", "604", "--lang", "ru")
    assert "Описание" in out and "Когда вы это видите" in out and "Как исправить" in out
    assert "6xx Глобальная ошибка" in out


def test_explain_shows_what_each_engine_does_after_the_cause_mappings():
    out = ok("explain", "604")
    assert (
        out.index("\nCause mappings\n")
        < out.index("\nWhat the engines do\n")
        < out.index("\nOften confused with\n")
    )
    for engine in ("Kamailio", "OpenSIPS", "Asterisk", "FreeSWITCH", "On the wire"):
        assert f"\n{engine}\n{'-' * len(engine)}\n" in out
    assert 'KEMI: `KSR.sl.sl_send_reply(604, "Does Not Exist Anywhere")`' in out  # code with a space keeps `
    assert "PJSIPHangup(604)" in out and "`respond 604 Does Not Exist Anywhere`" in out
    assert "sip.Status-Code == 604" in out


def test_explain_engine_facts_in_russian():
    out = ok("explain", "604", "--lang", "ru")
    assert "\nЧто делают движки\n" in out and "Вызывающая сторона получит: " in out
    assert "sofia передаёт вызывающей стороне код другого плеча" in out


def test_explain_quotes_each_engines_log_line_as_code():
    """A log line in terminal text keeps its backticks, so it reads apart from the words around it."""
    out = ok("explain", "486")
    assert "`Local/bob@default-00000002;1 is busy`" in out
    assert "`Originate Failed.  Cause: USER_BUSY`" in out
    assert "Typical log line: " in out
    assert "Типичная строка в логе: " in ok("explain", "486", "--lang", "ru")


def test_explain_200_offers_no_failure_handling():
    out = ok("explain", "200")
    assert "Answer()" in out and "PJSIPHangup" not in out and "continue_on_fail" not in out


def test_explain_a_reason_phrase_finds_its_code():
    assert ok("explain", "busy here").startswith("486 Busy Here ·")


def test_explain_an_engine_cause_in_every_engine_that_has_it():
    out = ok("explain", "user_busy")
    assert "USER_BUSY · cause 17 · Asterisk" in out and "USER_BUSY · cause 17 · FreeSWITCH" in out
    assert "486 Busy Here" in out and "600 Busy Everywhere" in out
    data = json.loads(ok("explain", "NORMAL_TEMPORARY_FAILURE", "--format", "json"))
    freeswitch = next(d for d in data if d["engine"] == "freeswitch")
    assert freeswitch["number"] == 41 and {400, 481, 500, 503} <= set(freeswitch["codes"])


def test_explain_a_dialstatus_value_and_the_cause_of_the_same_name():
    out = ok("explain", "busy")
    assert "USER_BUSY · cause 17 · Asterisk" in out and "DIALSTATUS=BUSY · Asterisk" in out
    data = json.loads(ok("explain", "CHANUNAVAIL", "--format", "json"))
    assert [(d["engine"], d["variable"], d["value"]) for d in data] == [
        ("asterisk", "DIALSTATUS", "CHANUNAVAIL")
    ]
    assert 604 in data[0]["codes"]


def test_explain_rule_by_id_and_by_name():
    out = ok("explain", "SC301")
    assert out.splitlines()[0] == "SC301 · retry-after-global-failure · warning"
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix"):
        assert f"\n{heading}\n" in out
    assert ok("explain", "retry-after-global-failure") == out
    assert ok("explain", "sc301") == out


# ---------------------------------------------------------------- compare


ORIGIN_SECTIONS = {
    "en": ("Description", "When you see it", "How to fix", "Key differences", "When to use which",
           "Learn more"),
    "ru": ("Описание", "Когда вы это видите", "Как исправить", "Ключевые различия", "Когда что использовать",
           "Узнать больше"),
}  # fmt: skip


def _in_order(text: str, headings: tuple[str, ...]) -> list[int]:
    at, found = 0, []
    for heading in headings:
        at = text.index(f"\n{heading}\n", at)
        found.append(at)
    return found


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_compare_202_604_follows_the_origin_page(lang):
    """Title, opening, per code Description / When / How, then differences, use, RFCs (../shared/origin)."""
    out = ok("compare", "202", "604", "--lang", lang)
    assert out.splitlines()[0] == "SIP 202 Accepted vs 604 Does Not Exist Anywhere"
    per_code = ORIGIN_SECTIONS[lang][:3]
    first = out.index("\n202 Accepted\n")
    second = out.index("\n604 Does Not Exist Anywhere\n")
    assert _in_order(out[first:second], per_code) and _in_order(out[second:], per_code)
    _in_order(out[second:], ORIGIN_SECTIONS[lang][3:])
    differences = out.split(ORIGIN_SECTIONS[lang][3], 1)[1]
    assert "\n1. " in differences and "\n7. " in differences
    assert "RFC 6665 §8.3.1" in out.split(ORIGIN_SECTIONS[lang][5], 1)[1]


def test_compare_404_604_in_russian():
    out = ok("compare", "404", "604", "--lang", "ru")
    assert "локальный" in out and "глобальный" in out


def test_compare_json_has_both_codes():
    data = json.loads(ok("compare", "486", "600", "--format", "json"))
    assert (data["first"]["code"], data["second"]["code"]) == (486, 600)
    assert {(c["code"], c["other"]) for c in data["contrast"]} == {(486, 600), (600, 486)}
    assert all(c["difference"] for c in data["contrast"])


# ---------------------------------------------------------------- codes


def test_codes_json_is_exactly_the_iana_registry():
    if not FACTS.exists():
        pytest.skip("the shared facts directory is not available")
    with FACTS.open(encoding="utf-8") as fh:
        iana = {int(r["code"]): r["reason_phrase_iana"] for r in csv.DictReader(fh, delimiter="\t")}
    rows = json.loads(ok("codes", "--json"))
    assert {r["code"]: r["reason"] for r in rows} == iana
    assert len(rows) == 75
    for row in rows:
        assert isinstance(row["code"], int) and row["class"] == f"{row['code'] // 100}xx" and row["summary"]


def test_codes_of_one_class():
    out = ok("codes", "--class", "6xx")
    assert out == ok("codes", "--class", "6")
    assert "604 Does Not Exist Anywhere" in out and "486" not in out
    codes = {r["code"] for r in json.loads(ok("codes", "--class", "6XX", "--json"))}
    assert codes == {600, 603, 604, 606, 607, 608}


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "args,needle",
    [
        (
            ("explain", "499"),
            "499 is not a registered response code (a client handles it as 400 Bad Request)",
        ),
        (("explain", "999"), "999 is not a response code"),
        (("explain", "SC999"), "no response code, rule, reason phrase, cause or DIALSTATUS 'SC999'"),
        (("explain", "frobnicate"), "'frobnicate'"),
        (("compare", "404", "471"), "471 is not a registered response code"),
        (("compare", "404", "four"), "four is not a response code"),
        (("codes", "--class", "7xx"), "no response class '7xx'"),
        (("explain", "²²²"), "²²² is not a response code"),
        (("compare", "６０４", "604"), "６０４ is not a response code"),
    ],
)
def test_unknown_subjects_exit_2_with_one_line(args, needle):
    assert needle in fails(*args)


BROKEN = {
    "bad-yaml": ("codes:\n  - code: 499\n   reason: [unclosed\n", "YAML syntax error: line 3"),
    "missing-field": (
        "codes:\n  - {code: 499, reason: X, summary: s, retry: failover-ok}\n",
        "codes[0] (code 499), field 'description': required field is missing",
    ),
    "code-700": (
        "codes:\n  - {code: 700, reason: X, summary: s, description: d, retry: failover-ok}\n",
        "codes[0] (code 700), field 'code': 700 is greater than the maximum of 699",
    ),
    "duplicate": (
        "codes:\n  - {code: 499, reason: X, summary: s, description: d, retry: failover-ok}\n"
        "  - {code: 499, reason: Y, summary: s, description: d, retry: failover-ok}\n",
        "codes[1] (code 499), field 'code': duplicate code 499",
    ),
    "unknown-field": (
        "codes:\n  - {code: 499, reason: X, summary: s, description: d, retry: failover-ok, x: 1}\n",
        "codes[0] (code 499), field 'x': unknown field",
    ),
    "wrong-type": (
        "codes:\n  - {code: 499, reason: X, summary: s, description: d, retry: failover-ok,"
        " frequency: high}\n",
        "codes[0] (code 499), field 'frequency': expected integer, got string",
    ),
    "not-utf8": (b"codes:\n  - {code: 499, reason: \xff}\n", "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("command", [("explain", "604"), ("compare", "404", "604"), ("codes",)])
def test_a_broken_user_catalogue_is_one_line_naming_file_entry_field(tmp_path, case, command):
    content, needle = BROKEN[case]
    path = tmp_path / f"{case}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    line = fails(*command, "--catalog", str(path))
    assert line.startswith(f"sip-lsp: {path}: ")
    assert needle in line


def test_a_missing_user_catalogue(tmp_path):
    assert "cannot read" in fails("explain", "604", "--catalog", str(tmp_path / "nope.yaml"))


def test_a_user_catalogue_adds_a_vendor_code(tmp_path):
    path = tmp_path / "vendor.yaml"
    path.write_text(
        "codes:\n  - {code: 499, reason: Client Closed Request, summary: The caller went away.,"
        " description: Vendor code., retry: do-not-failover, status: unregistered}\n",
        encoding="utf-8",
    )
    out = ok("explain", "499", "--catalog", str(path))
    assert out.startswith("499 Client Closed Request · 4xx Client Failure (Request Failure)")
    assert "a client handles it as 400 Bad Request" in out


# ---------------------------------------------------------------- start-up cost


def test_explain_imports_no_lsp_stack_and_no_yaml():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sip_lsp", "explain", "604"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    modules = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "sip_lsp" in modules
    assert not modules & {"pygls", "lsprotocol", "yaml", "jsonschema", "cattrs", "attrs"}
    # Start-up budget (bench/cli_start.py): these cost `explain` as much as the interpreter does,
    # and `typing` ~9 % of it (the catalogue's records need it only for the type checker).
    assert not modules & {"dataclasses", "inspect", "typing"}
    # Only a user catalogue, another language or an unknown cause name needs these.
    assert "difflib" not in modules
    submodules = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert not submodules & {"sip_lsp.catalog.validate", "sip_lsp.catalog.translations"}
