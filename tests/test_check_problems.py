"""`sip-lsp check`: the failover rules on one action print as one entry; machines keep one per rule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GATEWAYS = Path(__file__).parent / "fixtures" / "server" / "gateways.cfg"  # SC301+SC303+SC304 on one line
HEADER = "gateways.cfg:21:7: "


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )


def _copy(tmp_path: Path, text: str | None = None) -> Path:
    target = tmp_path / "gateways.cfg"
    if text is None:
        shutil.copy(GATEWAYS, target)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def test_text_prints_one_entry_per_failover_action(tmp_path):
    _copy(tmp_path)
    result = check("gateways.cfg", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line.startswith("gateways.cfg:")]
    assert headers == [
        HEADER + "SC301 [*] use_next_gw() can run after 6xx, 486 and 401/407 (also SC303, SC304)"
    ]
    assert lines[1] == " 21 | \t\tif (use_next_gw()) {"
    assert [line.strip() for line in lines if "= fix" in line] == [
        "= fix: Stop before use_next_gw() on a 6xx"
    ]
    assert lines[-1] == "Found 1 finding (1 fixable with --fix)."


def test_machines_keep_one_result_per_rule(tmp_path):
    _copy(tmp_path)
    found = json.loads(check("--format", "json", "gateways.cfg", cwd=tmp_path).stdout)
    assert sorted(f["rule"] for f in found) == ["SC301", "SC303", "SC304"]
    sarif = json.loads(check("--format", "sarif", "gateways.cfg", cwd=tmp_path).stdout)
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["SC301", "SC303", "SC304"]
    github = check("--format", "github", "gateways.cfg", cwd=tmp_path).stdout.splitlines()
    assert sum(("SC301" in line) + ("SC303" in line) + ("SC304" in line) for line in github) == 3


def test_ignoring_a_rule_removes_its_part(tmp_path):
    _copy(tmp_path)
    lines = check("--ignore", "SC303", "gateways.cfg", cwd=tmp_path).stdout.splitlines()
    assert lines[0] == HEADER + "SC301 [*] use_next_gw() can run after 6xx and 401/407 (also SC304)"


def test_an_inline_disable_removes_its_part(tmp_path):
    text = GATEWAYS.read_text(encoding="utf-8")
    text = text.replace("\t\tif (use_next_gw()) {", "\t\t# sip-lsp: disable=SC301\n\t\tif (use_next_gw()) {")
    _copy(tmp_path, text)
    lines = check("gateways.cfg", cwd=tmp_path).stdout.splitlines()
    assert lines[0] == "gateways.cfg:22:7: SC304 use_next_gw() can run after 486 and 401/407 (also SC303)"
    assert lines[-1] == "Found 1 finding (0 fixable with --fix)."


def test_after_fix_the_rest_of_the_site_stays_one_entry(tmp_path):
    target = _copy(tmp_path)
    result = check("--fix", "gateways.cfg", cwd=tmp_path)
    assert "t_check_status" in target.read_text(encoding="utf-8")
    headers = [line for line in result.stdout.splitlines() if line.startswith("gateways.cfg:")]
    assert len(headers) == 1 and headers[0].endswith(
        "use_next_gw() can run after 486 and 401/407 (also SC303)"
    )
