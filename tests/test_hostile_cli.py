"""`sip-lsp check` on hostile trees: every other file is still checked, no traceback, no hang.

Runs the real CLI as a subprocess (with a generous timeout: a hang fails the
test, speed is not asserted), plus in-process tests of `--fix`'s write seam.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sip_lsp import cli
from sip_lsp.cli import check as checker

GOOD = '#!KAMAILIO\nrequest_route {\n\tsl_send_reply("202", "Accepted");\n}\n'


def run(*args, cwd=None, timeout=180):
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def findings(proc) -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = {}
    for item in json.loads(proc.stdout):
        by_file.setdefault(os.path.basename(item["path"]), []).append(item)
    return by_file


def test_binary_loops_dangling_fifo_and_empty_files_leave_the_rest_checked(tmp_path):
    (tmp_path / "good.cfg").write_text(GOOD)
    (tmp_path / "blob.cfg").write_bytes(b"#!KAMAILIO\n\0\0\xff\xfe" + bytes(range(256)) * 40)
    (tmp_path / "empty.cfg").write_bytes(b"")
    os.symlink("loop-b.cfg", tmp_path / "loop-a.cfg")
    os.symlink("loop-a.cfg", tmp_path / "loop-b.cfg")
    os.symlink("missing.cfg", tmp_path / "dangling.cfg")
    os.symlink(".", tmp_path / "self")  # a directory loop
    os.mkfifo(tmp_path / "pipe.cfg")  # opening it for reading would block forever
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "more.cfg").write_text(GOOD.replace("202", "604"))

    proc = run("--format", "json", tmp_path, cwd=tmp_path)
    found = findings(proc)
    assert set(found) == {"good.cfg", "more.cfg"}, found.keys()
    assert [f["rule"] for f in found["good.cfg"]] == ["SC103"]
    # Unreadable entries are named once each, as errors (exit 2);
    # the binary file and the FIFO are skipped quietly.
    errors = [line for line in proc.stderr.splitlines() if "error" in line]
    assert sorted(e.split(":")[0] for e in errors) == ["dangling.cfg", "loop-a.cfg", "loop-b.cfg"], (
        proc.stderr
    )
    assert "blob.cfg" not in proc.stderr and "pipe.cfg" not in proc.stderr
    assert proc.returncode == 2


def test_a_fifo_named_explicitly_is_skipped_with_a_note(tmp_path):
    os.mkfifo(tmp_path / "pipe.cfg")
    proc = run(tmp_path / "pipe.cfg")
    assert "not a regular file; skipped" in proc.stderr
    assert proc.returncode == 0


def test_an_include_of_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.cfg")
    (tmp_path / "main.cfg").write_text('#!KAMAILIO\ninclude_file "pipe.cfg"\n' + GOOD.split("\n", 1)[1])
    proc = run("--format", "json", tmp_path / "main.cfg")
    assert [f["rule"] for f in findings(proc)["main.cfg"]] == ["SC103"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named_and_the_rest_checked(tmp_path):
    (tmp_path / "good.cfg").write_text(GOOD)
    secret = tmp_path / "secret.cfg"
    secret.write_text(GOOD)
    secret.chmod(0)
    proc = run("--format", "json", tmp_path)
    assert set(findings(proc)) == {"good.cfg"}
    assert "secret.cfg: error: cannot read" in proc.stderr
    assert proc.returncode == 2


def test_a_50_mb_file_is_refused_with_a_clear_message_and_the_rest_checked(tmp_path):
    with open(tmp_path / "huge.cfg", "wb") as fh:
        fh.write(b"#!KAMAILIO\n")
        chunk = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            fh.write(chunk)
    (tmp_path / "good.cfg").write_text(GOOD)
    proc = run("--format", "json", tmp_path, cwd=tmp_path)
    assert set(findings(proc)) == {"good.cfg"}
    assert "huge.cfg: note: larger than max-file-size (5000000 characters); skipped" in proc.stderr
    assert proc.returncode == 1


def test_max_file_size_from_the_config_file(tmp_path):
    (tmp_path / "sip-lsp.toml").write_text("max-file-size = 40\n")
    (tmp_path / "good.cfg").write_text(GOOD)
    (tmp_path / "tiny.cfg").write_text("#!KAMAILIO\n")
    proc = run("--format", "json", tmp_path, cwd=tmp_path)
    assert "good.cfg: note: larger than max-file-size (40 characters); skipped" in proc.stderr
    assert findings(proc) == {} and proc.returncode == 0


def test_latin1_file_is_read_with_a_note_and_columns_count_characters(tmp_path):
    body = '#!KAMAILIO\nrequest_route {\n\txlog("caf\xe9 \xe9t\xe9"); sl_send_reply("202", "Accepted");\n}\n'
    (tmp_path / "latin.cfg").write_bytes(body.encode("latin-1"))
    proc = run("--format", "json", tmp_path / "latin.cfg", cwd=tmp_path)
    [item] = findings(proc)["latin.cfg"]
    line3 = body.split("\n")[2]
    assert item["rule"] == "SC103"
    assert (item["line"], item["column"]) == (3, line3.index("202") + 1)
    assert "not valid UTF-8" in proc.stderr and "latin-1" in proc.stderr


def test_empty_and_whitespace_files_named_explicitly(tmp_path):
    (tmp_path / "empty.cfg").write_bytes(b"")
    (tmp_path / "blank.conf").write_bytes(b"\n\r\n \t\n")
    proc = run("--dialect", "kamailio", tmp_path / "empty.cfg", tmp_path / "blank.conf")
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------- --fix keeps data


def test_fix_changes_only_the_fixed_code_and_keeps_encoding_bom_and_mode(tmp_path):
    body = '#!KAMAILIO\nrequest_route {\n\txlog("\xe9"); sl_send_reply("202", "Accepted");\n}\n'
    latin = tmp_path / "latin.cfg"
    latin.write_bytes(body.encode("latin-1"))
    latin.chmod(0o640)
    bom = tmp_path / "bom.cfg"
    bom.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    run("--fix", latin, bom)
    fixed = body.replace('"202", "Accepted"', '"200", "OK"')
    assert latin.read_bytes() == fixed.encode("latin-1")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + fixed.encode("utf-8")
    assert oct(latin.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bom.cfg", "latin.cfg"], "no temporary file left"


def test_fix_refuses_a_file_changed_between_read_and_write(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x.cfg"
    target.write_text(GOOD)
    other_writer = GOOD + "# saved by the editor meanwhile\n"
    real_fix_all = checker.fix_all

    def fix_all_then_someone_writes(*args, **kwargs):
        result = real_fix_all(*args, **kwargs)
        target.write_text(other_writer)
        return result

    monkeypatch.setattr(checker, "fix_all", fix_all_then_someone_writes)
    status = cli.main(["check", "--fix", str(target)])
    assert "changed on disk while being checked; not fixed" in capsys.readouterr().err
    assert target.read_text() == other_writer
    assert status == 2


def test_atomic_write_leaves_the_original_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "x.cfg"
    target.write_bytes(b"original")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checker.os, "replace", broken_replace)
    with pytest.raises(OSError):
        checker._write_atomic(str(target), b"original", b"new text")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["x.cfg"]
