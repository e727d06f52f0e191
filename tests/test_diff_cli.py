"""`sip-lsp diff` as a user runs it: a subprocess on edited copies of the SC401 fixtures, per dialect.

An edit that sends 604 somewhere else is reported at its failover point with exit 1; a
cosmetic edit (comments, blank lines, indentation: every line moves) reports nothing, exit 0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "fixtures" / "rules"

# fixture -> (name in the temporary tree, edits that change what 604 does, the point, 604 before and after)
EDITS = {
    "kamailio": (
        "SC401.cfg",
        "proxy.cfg",
        [
            (
                't_is_canceled() || t_check_status("^6[0-9][0-9]$")',
                't_is_canceled() || t_check_status("^60[0-3]$")',
            ),
            ('"^(5[0-9][0-9]|408)$"', '"^(5[0-9][0-9]|408|604)$"'),
        ],
        ("failure_route", "KEEPS"),
        ("forward", "retry-same"),
    ),
    # OpenSIPS refuses a new branch after a 6xx: the retry's t_relay() fails, its fallback reply wins.
    "opensips": (
        "SC401.opensips.cfg",
        "proxy.cfg",
        [
            ('t_check_status("^6[0-9][0-9]$")', 't_check_status("^60[0-3]$")'),
            (
                't_check_status("^5[0-9][0-9]$")) {\n        if (use_next_gw()) {\n            t_relay();',
                't_check_status("^(5[0-9][0-9]|604)$")) {\n        if (use_next_gw()) {\n'
                '            if (!t_relay()) send_reply(500, "Server Error");',
            ),
        ],
        ("failure_route", "KEEPS"),
        ("forward", "reply"),
    ),
    # CHANUNAVAIL is the DIALSTATUS Asterisk gives a 603 or 604.
    "asterisk": (
        "SC401.conf",
        "extensions.conf",
        [('= "CONGESTION"]?next)', '= "CONGESTION" | "${DIALSTATUS}" = "CHANUNAVAIL"]?next)')],
        ("dial", "PJSIP/${EXTEN}@carrier-a"),
        ("end", "retry-same"),
    ),
    # FreeSWITCH maps 604 to NO_ROUTE_DESTINATION.
    "freeswitch": (
        "SC401.xml",
        "dialplan.xml",
        [
            (
                "continue_on_fail=NORMAL_TEMPORARY_FAILURE",
                "continue_on_fail=NORMAL_TEMPORARY_FAILURE,NO_ROUTE_DESTINATION",
            )
        ],
        ("bridge", "sofia/gateway/carrier_a/$1"),
        ("end", "retry-same"),
    ),
}
COMMENT = {"kamailio": "#", "opensips": "#", "asterisk": ";"}


def diff(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sip_lsp", "diff", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd,
    )


def _edited(dialect: str) -> tuple[str, str]:
    fixture, _, edits, _, _ = EDITS[dialect]
    text = (RULES / fixture).read_text(encoding="utf-8")
    new = text
    for old, replacement in edits:
        assert new.count(old) == 1, old
        new = new.replace(old, replacement)
    return text, new


def _cosmetic(dialect: str, text: str) -> str:
    """Comments, blank lines and indentation added: every line moves, no outcome changes."""
    lines = text.splitlines()
    if dialect == "freeswitch":
        out = [lines[0], "<!-- reviewed -->", ""]
        out += [("  " + line if "<action" in line else line) for line in lines[1:]]
        return "\n".join(out) + "\n"
    out = [lines[0], f"{COMMENT[dialect]} reviewed", ""]
    for line in lines[1:]:
        out.append("    " + line if line.startswith("    ") else line)
        if line.strip().startswith("t_relay") or line.startswith(" same => n,Hangup"):
            out.append("")
    return "\n".join(out) + "\n"


def _write(tmp_path: Path, side: str, name: str, text: str) -> Path:
    (tmp_path / side).mkdir(exist_ok=True)
    path = tmp_path / side / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("dialect", sorted(EDITS))
def test_an_edit_that_moves_604_is_reported(tmp_path, dialect):
    _, name, _, (kind, point), (before, after) = EDITS[dialect]
    text, new = _edited(dialect)
    _write(tmp_path, "old", name, text)
    _write(tmp_path, "new", name, new)
    extra = ["--dialect", "opensips"] if dialect == "opensips" else []
    result = diff("--format", "json", f"old/{name}", f"new/{name}", *extra, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["changed"] is True
    [changed] = [p for p in report["points"] if p["status"] == "changed"]
    assert (changed["kind"], changed["new"]["name"], changed["old"]["name"]) == (kind, point, point)
    [change] = [c for c in changed["changes"] if 604 in c["codes"]]
    assert (change["old"]["outcome"], change["new"]["outcome"]) == (before, after)
    assert change["line"] is not None and changed["new"]["path"] == f"new/{name}"

    text_out = diff(f"old/{name}", f"new/{name}", *extra, cwd=tmp_path)
    assert text_out.returncode == 1
    first = text_out.stdout.splitlines()[0]
    assert first.startswith(f"new/{name}:{changed['new']['line']}: {kind}[{point}]: ")
    assert f"→ {after}" in first and first.endswith(f"(:{change['line']})")


@pytest.mark.parametrize("dialect", sorted(EDITS))
def test_a_cosmetic_edit_reports_nothing(tmp_path, dialect):
    _, name, _, _, _ = EDITS[dialect]
    text = (RULES / EDITS[dialect][0]).read_text(encoding="utf-8")
    _write(tmp_path, "old", name, text)
    moved = _cosmetic(dialect, text)
    assert moved.count("\n") > text.count("\n")
    _write(tmp_path, "new", name, moved)
    extra = ["--dialect", "opensips"] if dialect == "opensips" else []
    result = diff(f"old/{name}", f"new/{name}", *extra, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "No outcome changed.\n", "")
    result = diff("--format", "json", f"old/{name}", f"new/{name}", *extra, cwd=tmp_path)
    assert json.loads(result.stdout) == {"changed": False, "points": []}


def test_github_annotations_sit_on_the_new_files_lines(tmp_path):
    text, new = _edited("kamailio")
    _write(tmp_path, "old", "proxy.cfg", text)
    _write(tmp_path, "new", "proxy.cfg", new)
    result = diff("--format", "github", "old/proxy.cfg", "new/proxy.cfg", cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    retry = _line_of(new, '"^(5[0-9][0-9]|408|604)$"') + 1  # `if (ds_next_dst())` decides it
    assert line == (
        f"::warning file=new/proxy.cfg,line={retry},title=sip-lsp diff::"
        f"failure_route[KEEPS]: 604 forward → retry-same (%3A{retry})".replace("%3A", ":")
    )


def test_directories_added_and_removed_points(tmp_path):
    text, new = _edited("kamailio")
    _write(tmp_path, "old", "proxy.cfg", text)
    _write(tmp_path, "new", "proxy.cfg", new)
    dial = (RULES / "SC401.conf").read_text(encoding="utf-8")
    _write(tmp_path, "old", "extensions.conf", dial)
    bridge = (RULES / "SC401.xml").read_text(encoding="utf-8")
    _write(tmp_path, "new", "dialplan.xml", bridge)
    _write(tmp_path, "new", "notes.txt", "not a config\n")
    result = diff("--format", "json", "old", "new", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    points = json.loads(result.stdout)["points"]
    by_status: dict[str, list[dict]] = {}
    for p in points:
        by_status.setdefault(p["status"], []).append(p)
    assert len(by_status["removed"]) == 4 and all(p["new"] is None for p in by_status["removed"])
    assert {p["old"]["path"] for p in by_status["removed"]} == {"old/extensions.conf"}
    assert len(by_status["added"]) == 5 and {p["kind"] for p in by_status["added"]} == {"bridge"}
    assert [p["new"]["name"] for p in by_status["changed"]] == ["KEEPS"]
    text_out = diff("old", "new", cwd=tmp_path).stdout
    assert (
        "new/dialplan.xml:9: bridge[sofia/gateway/primary/$1|sofia/gateway/backup/$1]: new failover point"
        in text_out
    )
    assert "old/extensions.conf:5: dial[PJSIP/${EXTEN}@carrier-a]: failover point removed" in text_out
    assert text_out.endswith("Outcome changes: 10 (failover points: 10).\n")


def test_a_renamed_route_keeps_its_point(tmp_path):
    text, _ = _edited("kamailio")
    renamed = text.replace('"KEEPS"', '"CARRIER"').replace("[KEEPS]", "[CARRIER]")
    renamed = renamed.replace('"^(5[0-9][0-9]|408)$"', '"^(5[0-9][0-9])$"')
    _write(tmp_path, "old", "proxy.cfg", text)
    _write(tmp_path, "new", "proxy.cfg", renamed)
    result = diff("old/proxy.cfg", "new/proxy.cfg", cwd=tmp_path)
    assert result.returncode == 1
    [line, _] = result.stdout.splitlines()
    assert "failure_route[CARRIER] (was KEEPS): 408, timeout retry-same → forward" in line


def test_russian(tmp_path):
    text, new = _edited("kamailio")
    _write(tmp_path, "old", "proxy.cfg", text)
    _write(tmp_path, "new", "proxy.cfg", new)
    result = diff("--lang", "ru", "old/proxy.cfg", "new/proxy.cfg", cwd=tmp_path)
    assert "604 пересылка → повтор того же абонента" in result.stdout
    assert "Изменений исходов: 1 (точек переключения: 1)." in result.stdout
    assert diff("--lang", "ru", "old", "old", cwd=tmp_path).stdout == "Исходы не изменились.\n"


# ---------------------------------------------------------------- --rev


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    text, _ = _edited("kamailio")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "proxy.cfg").write_text(text, encoding="utf-8")
    (tmp_path / "conf" / "extensions.conf").write_text((RULES / "SC401.conf").read_text(), encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def test_rev_compares_a_revision_with_the_working_tree(repo):
    _, new = _edited("kamailio")
    (repo / "conf" / "proxy.cfg").write_text(new, encoding="utf-8")
    result = diff("--rev", "HEAD", "conf/proxy.cfg", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith(
        "conf/proxy.cfg:28: failure_route[KEEPS]: 604 forward → retry-same"
    )
    # A directory, from inside it; the unchanged dialplan adds nothing.
    inside = diff("--format", "json", "--rev", "HEAD", ".", cwd=repo / "conf")
    assert inside.returncode == 1
    [point] = json.loads(inside.stdout)["points"]
    assert point["old"]["path"] == "HEAD:conf/proxy.cfg" and point["new"]["path"] == "proxy.cfg"
    # Back to the committed text: nothing changed.
    _git(repo, "checkout", "--", "conf/proxy.cfg")
    assert diff("--rev", "HEAD", "conf", cwd=repo).returncode == 0


def test_rev_sees_a_deleted_file_as_removed_points(repo):
    (repo / "conf" / "extensions.conf").unlink()
    result = diff("--format", "json", "--rev", "HEAD", "conf", cwd=repo)
    assert result.returncode == 1
    points = json.loads(result.stdout)["points"]
    assert {p["status"] for p in points} == {"removed"} and len(points) == 4


def test_rev_errors_exit_2_with_a_message(repo, tmp_path_factory):
    bad_rev = diff("--rev", "no-such-rev", "conf", cwd=repo)
    assert bad_rev.returncode == 2 and "unknown git revision no-such-rev" in bad_rev.stderr
    assert bad_rev.stdout == ""
    assert diff("--rev", "--output=x", "conf", cwd=repo).returncode == 2
    outside = tmp_path_factory.mktemp("plain")
    (outside / "proxy.cfg").write_text("#!KAMAILIO\n", encoding="utf-8")
    not_git = diff("--rev", "HEAD", "proxy.cfg", cwd=outside)
    assert not_git.returncode == 2 and "is not in a git repository" in not_git.stderr
    nothing = diff("--rev", "HEAD", "conf/none.cfg", cwd=repo)
    assert nothing.returncode == 2 and "exists neither at HEAD nor in the working tree" in nothing.stderr


def test_usage_and_io_errors_exit_2(tmp_path):
    _write(tmp_path, "old", "proxy.cfg", "#!KAMAILIO\n")
    missing = diff("old/proxy.cfg", "new/proxy.cfg", cwd=tmp_path)
    assert missing.returncode == 2 and "new/proxy.cfg: error: no such file or directory" in missing.stderr
    mixed = diff("old/proxy.cfg", "old", cwd=tmp_path)
    assert mixed.returncode == 2 and "both be files or both be directories" in mixed.stderr
    assert diff("old/proxy.cfg", cwd=tmp_path).returncode == 2  # OLD without NEW
    assert diff("--rev", "HEAD", "a", "b", cwd=tmp_path).returncode == 2
    if os.geteuid() != 0:
        unreadable = _write(tmp_path, "new", "proxy.cfg", "#!KAMAILIO\n")
        unreadable.chmod(0)
        result = diff("old/proxy.cfg", "new/proxy.cfg", cwd=tmp_path)
        assert result.returncode == 2 and "cannot read" in result.stderr
