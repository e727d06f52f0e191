"""SC401 through `sip-lsp check` as a subprocess: a `[policy]` in sip-lsp.toml, per dialect."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "fixtures" / "rules"
FIXTURES = ["SC401.cfg", "SC401.opensips.cfg", "SC401.conf", "SC401.xml"]
POLICY = (RULES / "SC401.toml").read_text(encoding="utf-8")


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )


def _marked(path: Path) -> list[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, 1) if re.search(r"expect:\s*SC401", line)]


def _copy(tmp_path: Path, name: str) -> Path:
    """The fixture in a directory of its own (its dialect kept by name: OpenSIPS by `#!OPENSIPS`)."""
    target = tmp_path / name.replace("SC401", "routing")
    shutil.copy(RULES / name, target)
    return target


@pytest.mark.parametrize("name", FIXTURES)
def test_the_policy_in_sip_lsp_toml_reports_the_marked_points(tmp_path, name):
    script = _copy(tmp_path, name)
    (tmp_path / "sip-lsp.toml").write_text(POLICY, encoding="utf-8")
    result = check("--format", "json", "--select", "SC401", script.name, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert sorted({f["line"] for f in found}) == _marked(RULES / name)
    assert {f["rule"] for f in found} == {"SC401"}
    assert all(f["related"] for f in found)  # the deciding lines


@pytest.mark.parametrize("name", FIXTURES)
def test_without_a_policy_nothing_is_reported(tmp_path, name):
    script = _copy(tmp_path, name)
    result = check("--format", "json", "--select", "SC401", script.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_a_bad_pattern_goes_to_stderr_and_the_rest_of_the_file_applies(tmp_path):
    script = _copy(tmp_path, "SC401.cfg")
    (tmp_path / "sip-lsp.toml").write_text(
        'ignore = ["SC301", "SC311"]\n[policy]\nmust-reach-caller = ["6xx"]\nnever-retry = ["6xx", "4xx7"]\n',
        encoding="utf-8",
    )
    result = check("--format", "json", script.name, cwd=tmp_path)
    assert result.returncode == 2  # a broken setting is an error, as for any sip-lsp.toml problem
    assert "sip-lsp.toml: field 'policy.never-retry': '4xx7' is not a code pattern" in result.stderr
    found = json.loads(result.stdout)
    assert {f["rule"] for f in found} == {"SC401"}  # SC301 and SC311 stay ignored
    assert all("must-reach-caller" in f["message"] for f in found)  # never-retry is left out
    assert sorted({f["line"] for f in found}) == [18, 48]


def test_russian_messages(tmp_path):
    script = _copy(tmp_path, "SC401.cfg")
    (tmp_path / "sip-lsp.toml").write_text('[policy]\nnever-retry = ["604"]\n', encoding="utf-8")
    result = check("--select", "SC401", "--lang", "ru", script.name, cwd=tmp_path)
    assert result.returncode == 1
    assert "политика never-retry (604): здесь 604" in result.stdout
