"""One include resolver (dialects/common/includes.py): SER and Asterisk read the same files."""

from __future__ import annotations

import os

import pytest

from sip_lsp.dialects import DialectContext, analyze

# dialect -> (document name, include line for a name, a block that names `tag`)
FORMS = {
    "kamailio": (
        "kamailio.cfg",
        'include_file "{}"\n',
        'route[{0}] {{\n\tsl_send_reply("404", "{0}");\n}}\n',
    ),
    "asterisk": ("extensions.conf", '#include "{}"\n', "[{0}]\nexten => s,1,PJSIPHangup(404)\n"),
}


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _run(dialect, folder, text, root=None, read=None):
    name = FORMS[dialect][0]
    path = None if folder is None else os.path.join(folder, name)
    return analyze(text, dialect, DialectContext(path=path, root=root, read=read))


@pytest.mark.parametrize("dialect", FORMS)
def test_a_file_included_twice_is_read_once(dialect, tmp_path):
    _, include, block = FORMS[dialect]
    _write(tmp_path / "b.conf", include.format("d.conf") + block.format("b"))
    _write(tmp_path / "c.conf", include.format("d.conf") + block.format("c"))
    _write(tmp_path / "d.conf", block.format("d"))
    reads = []

    def read(path):
        reads.append(path)
        with open(path, encoding="utf-8") as fh:
            return fh.read()

    text = include.format("b.conf") + include.format("c.conf") + block.format("a")
    an = _run(dialect, str(tmp_path), text, root=str(tmp_path), read=read)
    real = os.path.realpath(tmp_path)
    assert sorted(an.included) == sorted(os.path.join(real, f) for f in ("b.conf", "c.conf", "d.conf"))
    assert sorted(reads) == sorted(an.included)


@pytest.mark.parametrize("dialect", FORMS)
def test_a_symlink_out_of_the_workspace_is_not_followed(dialect, tmp_path):
    _, include, block = FORMS[dialect]
    ws = tmp_path / "ws"
    ws.mkdir()
    _write(tmp_path / "secret.conf", block.format("secret"))
    os.symlink(tmp_path / "secret.conf", ws / "link.conf")
    text = include.format("link.conf") + block.format("a")
    an = _run(dialect, str(ws), text, root=str(ws))
    assert an.included == []
    [note] = an.notes
    assert note.message == "not read: link.conf is outside the workspace"
    assert text[note.span.start : note.span.end] == "link.conf"


@pytest.mark.parametrize("dialect", FORMS)
def test_an_include_outside_written_in_an_included_file_is_that_files_note(dialect, tmp_path):
    _, include, block = FORMS[dialect]
    ws = tmp_path / "ws"
    _write(ws / "b.conf", include.format("../outside.conf") + block.format("b"))
    _write(tmp_path / "outside.conf", block.format("out"))
    an = _run(dialect, str(ws), include.format("b.conf"), root=str(ws))
    assert an.included == [os.path.join(os.path.realpath(ws), "b.conf")] and an.notes == []


@pytest.mark.parametrize("dialect", FORMS)
def test_without_a_path_or_a_root_nothing_is_read(dialect, tmp_path, monkeypatch):
    _, include, block = FORMS[dialect]
    _write(tmp_path / "b.conf", block.format("b"))
    monkeypatch.chdir(tmp_path)
    an = _run(dialect, None, include.format("b.conf"))
    assert an.included == [] and an.notes == []


@pytest.mark.parametrize("dialect", FORMS)
def test_a_relative_name_is_taken_from_the_including_files_folder(dialect, tmp_path):
    _, include, block = FORMS[dialect]
    _write(tmp_path / "sub" / "b.conf", include.format("c.conf") + block.format("b"))
    _write(tmp_path / "sub" / "c.conf", block.format("c"))
    _write(tmp_path / "c.conf", block.format("wrong"))
    an = _run(dialect, str(tmp_path), include.format("sub/b.conf"), root=str(tmp_path))
    real = os.path.realpath(tmp_path)
    assert an.included == [os.path.join(real, "sub", "b.conf"), os.path.join(real, "sub", "c.conf")]
