"""`sip-lsp check` as a user runs it: a subprocess on the shipped examples and on temp files."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "rules" / "sarif-2.1.0-subset.schema.json"

EXPECTED = {
    "kamailio/failover-after-6xx.cfg": {"SC301"},
    "kamailio/retry-after-cancel.cfg": {"SC302"},
    "kamailio/failover-on-busy.cfg": {"SC303"},
    "kamailio/failover-on-challenge.cfg": {"SC304"},
    "kamailio/6xx-block-disabled.cfg": {"SC305"},
    "kamailio/reply-code-mistakes.cfg": {"SC101", "SC102", "SC103", "SC104"},
    "kamailio/missing-challenge-header.cfg": {"SC201"},
    "kamailio/global-failure-for-local-miss.cfg": {"SC202"},
    "kamailio/status-test-mistakes.cfg": {"SC306", "SC307", "SC308"},
    "opensips/failover-after-6xx.cfg": {"SC301"},
}
CLEAN = sorted(
    str(p.relative_to(EXAMPLES)) for d in ("kamailio", "opensips") for p in (EXAMPLES / d).glob("clean-*.cfg")
)

FAILOVER = """#!KAMAILIO
request_route {
    t_on_failure("GW");
    t_relay();
}
failure_route[GW] {
    if (t_check_status("[56][0-9][0-9]")) {
        if (ds_next_dst()) {
            t_relay();
        }
    }
}
"""


def check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd or ROOT,
    )


def findings(*args: str, cwd: Path | None = None) -> list[dict]:
    result = check("--format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_fires_its_rules(name):
    result = check("--format", "json", f"examples/{name}")
    assert result.returncode == 1, result.stderr
    assert {f["rule"] for f in json.loads(result.stdout)} == EXPECTED[name]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_examples_are_clean(name):
    result = check(f"examples/{name}")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "No findings in 1 file."


def test_every_rule_of_ours_has_an_example():
    ours = {f"SC{n}" for n in (101, 102, 103, 104, 201, 202, 301, 302, 303, 304, 305, 306, 307, 308)}
    assert set().union(*EXPECTED.values()) == ours
    assert len(CLEAN) >= 7


# ---------------------------------------------------------------- text output and exit codes


def test_text_output_shows_location_source_and_caret():
    result = check("examples/kamailio/failover-after-6xx.cfg")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "examples/kamailio/failover-after-6xx.cfg:21:13: SC301 [*] ds_next_dst() can run "
        "after 600 Busy Everywhere, 603 Decline, 604 Does Not Exist Anywhere, …"
    )
    assert lines[1] == " 21 |         if (ds_next_dst()) {"
    assert lines[2] == "    |             ^^^^^^^^^^^^^"
    assert lines[-1] == "Found 1 finding (1 fixable with --fix)."


def test_exit_zero():
    result = check("--exit-zero", "examples/kamailio/failover-after-6xx.cfg")
    assert result.returncode == 0 and "SC301" in result.stdout


def test_missing_path_is_an_error_but_the_rest_is_checked():
    result = check("no/such.cfg", "examples/kamailio/failover-after-6xx.cfg")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["no/such.cfg: error: no such file or directory"]
    assert "SC301" in result.stdout


def test_unreadable_file_gets_one_line(tmp_path):
    loop = tmp_path / "loop.cfg"
    loop.symlink_to(loop)  # unreadable even for root
    good = tmp_path / "good.cfg"
    good.write_text(FAILOVER)
    result = check(str(loop), str(good))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{loop}: error: cannot read (") and "Traceback" not in result.stderr
    assert "SC301" in result.stdout


def test_non_utf8_file_is_read_as_latin1_with_a_note(tmp_path):
    path = tmp_path / "latin.cfg"
    path.write_bytes(("# caf\xe9\n" + FAILOVER.replace("#!KAMAILIO\n", "")).encode("latin-1"))
    result = check("--dialect", "kamailio", str(path))
    assert result.returncode == 1
    [note] = result.stderr.splitlines()
    assert note.startswith(f"{path}: note: not valid UTF-8") and "latin-1" in note
    assert "SC301" in result.stdout


def test_unknown_dialect_on_explicit_file_is_a_note(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    result = check(str(path))
    assert result.returncode == 0
    assert result.stderr.startswith(f"{path}: note: not recognised")


def test_directory_without_configs_says_so(tmp_path):
    (tmp_path / "notes.md").write_text("# notes\n")
    result = check(str(tmp_path))
    assert result.returncode == 0
    assert result.stderr == "sip-lsp: note: no Kamailio, OpenSIPS, Asterisk or FreeSWITCH files found\n"


def test_directory_walk_picks_files_by_content(tmp_path):
    (tmp_path / "routing.conf").write_text(FAILOVER)  # any extension: detected by content
    (tmp_path / "README.txt").write_text("hello\n")  # unknown: skipped silently
    (tmp_path / "blob.cfg").write_bytes(b"\0\1route{")  # binary: skipped
    for skipped in (".git", "node_modules"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.cfg").write_text(FAILOVER)
    found = findings(str(tmp_path))
    assert {Path(f["path"]).name for f in found} == {"routing.conf"}
    assert check(str(tmp_path)).stderr == ""
    forced = findings("--dialect", "kamailio", str(tmp_path))  # forcing a dialect picks no more files
    assert {Path(f["path"]).name for f in forced} == {"routing.conf"}


def test_select_and_ignore_flags():
    assert {f["rule"] for f in findings("--select", "SC10", "examples/kamailio/reply-code-mistakes.cfg")} == {
        "SC101",
        "SC102",
        "SC103",
        "SC104",
    }
    assert {
        f["rule"]
        for f in findings(
            "--select",
            "SC1",
            "--ignore",
            "deprecated-code,SC104",
            "examples/kamailio/reply-code-mistakes.cfg",
        )
    } == {"SC101", "SC102"}


def test_unknown_selector_is_a_usage_error():
    result = check("--select", "SC999", "examples/")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("sip-lsp: error: unknown rule 'SC999'")


# ---------------------------------------------------------------- machine formats


def test_json_format():
    [first, *_] = findings("examples/kamailio/failover-after-6xx.cfg")
    assert {
        k: first[k] for k in ("path", "line", "column", "end_line", "end_column", "rule", "name", "severity")
    } == {
        "path": "examples/kamailio/failover-after-6xx.cfg",
        "line": 21,
        "column": 13,
        "end_line": 21,
        "end_column": 26,
        "rule": "SC301",
        "name": "retry-after-global-failure",
        "severity": "warning",
    }
    [fix] = first["fixes"]
    assert fix["safe"] is True and fix["title"] == "Stop before ds_next_dst() on a 6xx"
    [edit] = fix["edits"]
    assert (edit["line"], edit["column"], edit["end_line"], edit["end_column"]) == (20, 1, 20, 1)
    assert "6[0-9][0-9]" in edit["new_text"]
    assert "the failure handler is armed here" in {r["message"] for r in first["related"]}


def test_json_clean_is_an_empty_array():
    result = check("--format", "json", "examples/kamailio/clean-voicemail-on-busy.cfg")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])


def test_sarif_format_validates():
    result = check("--format", "sarif", "examples/kamailio/")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"SC101", "SC301", "SC308"}
    by_id = {r["id"]: r for r in rules}
    assert by_id["SC303"]["defaultConfiguration"]["level"] == "note"
    result_301 = next(r for r in run["results"] if r["ruleId"] == "SC301")
    assert rules[result_301["ruleIndex"]]["id"] == "SC301"
    assert result_301["level"] == "warning"
    region = result_301["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (21, 13)
    assert result_301["relatedLocations"] and result_301["fixes"][0]["artifactChanges"][0]["replacements"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_github_format():
    result = check(
        "--format",
        "github",
        "examples/kamailio/failover-on-busy.cfg",
        "examples/kamailio/failover-after-6xx.cfg",
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::notice file=examples/kamailio/failover-on-busy.cfg,line=20,col=13,"
        "endLine=20,endColumn=26,title=SC303::ds_next_dst() tries the next destination"
    )
    assert lines[1].startswith("::warning file=examples/kamailio/failover-after-6xx.cfg,line=21,col=13,")
    assert all(line.startswith("::") for line in lines)


# ---------------------------------------------------------------- --fix


def test_fix_changes_the_file_keeps_its_mode_and_is_idempotent(tmp_path):
    path = tmp_path / "kamailio.cfg"
    shutil.copy(EXAMPLES / "kamailio" / "reply-code-mistakes.cfg", path)
    path.chmod(0o640)
    first = check("--fix", str(path))
    text = path.read_text()
    assert 'sl_send_reply("200", "OK");' in text and 'sl_send_reply("405", "Method Not Allowed");' in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert first.returncode == 1  # SC101 and SC102 have no fix
    assert f"{path}: fixed 2 (SC103, SC104)" in first.stderr
    assert first.stdout.splitlines()[-1] == "Found 4 findings (2 fixed, 2 remaining)."
    assert [p.name for p in tmp_path.iterdir()] == ["kamailio.cfg"]  # no temp file left behind
    second = check("--fix", str(path))
    assert path.read_text() == text and "fixed" not in second.stderr


def test_fix_inserts_guards_until_stable(tmp_path):
    path = tmp_path / "kamailio.cfg"
    path.write_text(FAILOVER)
    result = check("--fix", str(path))
    assert result.returncode == 0, result.stdout
    assert 'if (t_check_status("6[0-9][0-9]"))' in path.read_text()
    assert check(str(path)).returncode == 0


def test_fix_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.cfg"
    target.write_text(FAILOVER)
    link = tmp_path / "link.cfg"
    link.symlink_to(target)
    check("--fix", str(link))
    assert link.is_symlink() and "6[0-9][0-9]" in target.read_text()


def test_fix_leaves_unsafe_fixes_alone(tmp_path):
    path = tmp_path / "kamailio.cfg"
    shutil.copy(EXAMPLES / "kamailio" / "global-failure-for-local-miss.cfg", path)
    before = path.read_text()
    assert check("--fix", str(path)).returncode == 1
    assert path.read_text() == before


def test_fix_refuses_a_file_changed_on_disk(tmp_path):
    from sip_lsp.cli.check import _ChangedOnDisk, _write_atomic

    path = tmp_path / "kamailio.cfg"
    path.write_bytes(b"edited by someone else")
    with pytest.raises(_ChangedOnDisk):
        _write_atomic(str(path), b"what we read", b"our fix")
    assert path.read_bytes() == b"edited by someone else"


# ---------------------------------------------------------------- suppression and sip-lsp.toml


def test_suppression_comment_hides_a_finding(tmp_path):
    path = tmp_path / "kamailio.cfg"
    path.write_text(
        FAILOVER.replace("            t_relay();", "            t_relay();  # sip-lsp: disable=SC301")
    )
    assert [f["line"] for f in findings(str(path))] == [8]  # the ds_next_dst() one stays


def test_file_wide_suppression(tmp_path):
    path = tmp_path / "kamailio.cfg"
    path.write_text("# sip-lsp: disable-file=SC3\n" + FAILOVER)
    result = check(str(path))
    assert result.returncode == 0, result.stdout


def test_config_select_ignore_severity(tmp_path):
    shutil.copy(EXAMPLES / "kamailio" / "reply-code-mistakes.cfg", tmp_path / "k.cfg")
    (tmp_path / "sip-lsp.toml").write_text('ignore = ["SC102"]\n[severity]\nSC101 = "error"\nSC104 = "off"\n')
    found = {f["rule"]: f["severity"] for f in findings(str(tmp_path / "k.cfg"))}
    assert found == {"SC101": "error", "SC103": "warning"}


def test_config_found_from_a_subdirectory_and_cli_select_overrides(tmp_path):
    (tmp_path / "sip-lsp.toml").write_text('select = ["SC103"]\n')
    sub = tmp_path / "routing"
    sub.mkdir()
    shutil.copy(EXAMPLES / "kamailio" / "reply-code-mistakes.cfg", sub / "k.cfg")
    assert {f["rule"] for f in findings(str(sub))} == {"SC103"}
    assert {f["rule"] for f in findings("--select", "SC101", str(sub))} == {"SC101"}


def test_explicit_config_and_dialect_globs(tmp_path):
    cfg = tmp_path / "custom.toml"
    cfg.write_text('[dialects]\n"*.routing" = "kamailio"\n')
    path = tmp_path / "main.routing"
    path.write_text(FAILOVER.replace("#!KAMAILIO\n", ""))
    assert {f["rule"] for f in findings("--config", str(cfg), str(tmp_path))} == {"SC301"}


@pytest.mark.parametrize(
    "toml, problem",
    [
        ("select = [", "TOML syntax error"),
        ("colour = 'red'", "field 'colour': unknown field"),
        ("[severity]\nSC301 = 'loud'", "field 'severity.SC301': 'loud' is not one of"),
    ],
)
def test_bad_config_is_one_clear_line_and_exit_2(tmp_path, toml, problem):
    (tmp_path / "sip-lsp.toml").write_text(toml)
    shutil.copy(EXAMPLES / "kamailio" / "failover-after-6xx.cfg", tmp_path / "k.cfg")
    result = check(str(tmp_path / "k.cfg"))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert problem in line and str(tmp_path / "sip-lsp.toml") in line
    assert "Traceback" not in result.stderr


def test_user_catalogue_registers_a_vendor_code(tmp_path):
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text(
        "codes:\n  - code: 471\n    reason: Unwanted Caller\n    summary: Vendor code.\n"
        "    description: A vendor's code for unwanted calls.\n    retry: do-not-failover\n"
    )
    rules = {
        f["rule"] for f in findings("--catalog", str(vendor), "examples/kamailio/reply-code-mistakes.cfg")
    }
    assert "SC101" not in rules and "SC103" in rules


def test_broken_user_catalogue_is_exit_2(tmp_path):
    vendor = tmp_path / "vendor.yaml"
    vendor.write_text("codes:\n  - code: 999\n")
    result = check("--catalog", str(vendor), "examples/kamailio/reply-code-mistakes.cfg")
    assert result.returncode == 2
    assert str(vendor) in result.stderr and "Traceback" not in result.stderr


def test_check_does_not_import_the_lsp_stack_or_yaml():
    code = (
        "import sys; from sip_lsp.cli import main; "
        "rc = main(['check', '--exit-zero', 'examples/kamailio/failover-after-6xx.cfg']); "
        "bad = [m for m in ('pygls', 'lsprotocol', 'yaml', 'jsonschema', 'difflib', "
        "'sip_lsp.catalog.validate', 'sip_lsp.catalog.translations') if m in sys.modules]; "
        "print(bad, file=sys.stderr); sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0 and result.stderr.strip() == "[]"
