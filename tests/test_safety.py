"""Safety: includes stay inside the workspace, no network, nothing from the workspace runs,
and a hostile status regex cannot hang the analysis."""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys

import pytest
from fuzzkit import lint_checked, seeds

from sip_lsp import cli
from sip_lsp.catalog import CatalogError, load_catalog

SECRET_ROUTE = 'failure_route[LEAK] {\n\tsl_send_reply("202", "Accepted");\n}\n'
SECRET_CONTEXT = "[leak]\nexten => s,1,PJSIPHangup(202)\n"
SECRET_XML = (
    '<extension name="leak"><condition><action application="respond" data="202"/></condition></extension>'
)


@pytest.fixture
def tree(tmp_path):
    """ws/sub/ holds the documents; outside/ (a sibling of ws) holds what must never be read."""
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    (ws / "sub").mkdir(parents=True)
    outside.mkdir()
    for name, body in (
        ("secret.cfg", SECRET_ROUTE),
        ("secret.conf", SECRET_CONTEXT),
        ("secret.xml", SECRET_XML),
    ):
        (outside / name).write_text(body)
    os.symlink(outside / "secret.cfg", ws / "sub" / "link.cfg")  # inside by name, outside in fact
    os.symlink(outside / "secret.conf", ws / "sub" / "link.conf")
    return ws, outside


def _documents(outside: pathlib.Path) -> list[tuple[str, str, list[str]]]:
    """(file name, text, the include targets it names) per dialect: relative-escaping, absolute, symlink."""
    rel = "../../outside/secret"
    absolute = str(outside / "secret")
    return [
        (
            "main.cfg",
            f'#!KAMAILIO\ninclude_file "{rel}.cfg"\nimport_file "{absolute}.cfg"\n'
            'include_file "link.cfg"\nrequest_route {\n\tt_on_failure("LEAK");\n\tt_relay();\n}\n',
            [f"{rel}.cfg", f"{absolute}.cfg", "link.cfg"],
        ),
        (
            "opensips.cfg",
            f'#!OPENSIPS\ninclude_file "{rel}.cfg"\nimport_file "{absolute}.cfg"\nroute {{\n\texit;\n}}\n',
            [f"{rel}.cfg", f"{absolute}.cfg"],
        ),
        (
            "extensions.conf",
            f'#include "{rel}.conf"\n#include {absolute}.conf\n#tryinclude "link.conf"\n'
            "[main]\nexten => s,1,Goto(leak,s,1)\n",
            [f"{rel}.conf", f"{absolute}.conf", "link.conf"],
        ),
        (
            "dialplan.xml",
            f'<include>\n<X-PRE-PROCESS cmd="include" data="{rel}.xml"/>\n'
            f'<X-PRE-PROCESS cmd="include" data="{absolute}.xml"/>\n'
            '<context name="x"><extension name="e"><condition>'
            '<action application="respond" data="404"/></condition></extension></context>\n</include>\n',
            [f"{rel}.xml", f"{absolute}.xml"],
        ),
    ]


@pytest.mark.parametrize("which", range(4), ids=["kamailio", "opensips", "asterisk", "freeswitch"])
def test_includes_never_read_outside_the_workspace(tree, which):
    ws, outside = tree
    name, text, targets = _documents(outside)[which]
    path = ws / "sub" / name
    path.write_text(text)
    asked: list[str] = []

    def read(p: str) -> str | None:
        asked.append(p)
        return pathlib.Path(p).read_text()

    result = lint_checked(text, None, str(path), read=read, root=str(ws))
    leaked = [p for p in asked if not os.path.realpath(p).startswith(str(ws.resolve()) + os.sep)]
    assert leaked == [] and result.analysis.included == []
    assert all(f.span.path is None for f in result.findings)
    assert not any("LEAK" in b.name or b.name == "leak" for b in result.analysis.blocks)
    if result.analysis.dialect != "freeswitch":  # FreeSWITCH does not follow X-PRE-PROCESS at all
        noted = " ".join(n.message for n in result.notes)
        for target in targets:
            assert target in noted, (target, noted)


def test_an_include_inside_the_workspace_is_followed(tree):
    """The guard does not stop everything: the same include made legal is read."""
    ws, _ = tree
    (ws / "sub" / "routes.cfg").write_text(SECRET_ROUTE)
    text = (
        '#!KAMAILIO\ninclude_file "routes.cfg"\nrequest_route {\n\tt_on_failure("LEAK");\n\tt_relay();\n}\n'
    )
    result = lint_checked(text, None, str(ws / "sub" / "main.cfg"), root=str(ws))
    assert result.analysis.included == [str((ws / "sub" / "routes.cfg").resolve())]
    assert "SC103" in [f.rule for f in result.findings]


def test_without_a_path_or_root_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.conf").write_text(SECRET_CONTEXT)
    (tmp_path / "x.cfg").write_text(SECRET_ROUTE)
    asked: list[str] = []
    for text in (
        '#include "x.conf"\n[main]\nexten => s,1,Hangup(17)\n',
        '#!KAMAILIO\ninclude_file "x.cfg"\n',
    ):
        result = lint_checked(text, None, None, read=lambda p: asked.append(p) or None)
        assert result.analysis.included == []
    assert asked == []


def test_the_cli_notes_an_include_outside_and_checks_the_rest(tree):
    ws, outside = tree
    name, text, _ = _documents(outside)[0]
    (ws / "sub" / name).write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", str(ws / "sub" / name)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ws,
    )
    assert "Traceback" not in proc.stderr
    notes = [line for line in proc.stderr.splitlines() if "outside" in line]
    assert len(notes) == 3 and all(line.startswith("sub/main.cfg:") for line in notes), proc.stderr
    assert "LEAK" not in proc.stdout and "SC103" not in proc.stdout and "secret" not in proc.stdout


# ---------------------------------------------------------------- no network


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)


def test_analysis_and_cli_never_touch_the_network(no_network, tmp_path, capsys):
    urls = (
        '#!KAMAILIO\ninclude_file "http://example.com/x.cfg"\nimport_file "//server/share/x.cfg"\n'
        '#include "http://example.com/x.conf"\n<X-PRE-PROCESS cmd="include" data="https://example.com/x.xml"/>\n'
    )
    for name, dialect, text in seeds():
        lint_checked(urls + text, dialect, str(tmp_path / name), root=str(tmp_path))
        (tmp_path / name).write_text(urls + text)
    assert cli.main(["check", "--exit-zero", str(tmp_path)]) == 0
    assert cli.main(["explain", "604"]) == 0 and cli.main(["compare", "202", "604"]) == 0
    assert "SC301" in capsys.readouterr().out


# ---------------------------------------------------------------- nothing is executed or imported


def test_a_user_catalogue_cannot_construct_python_objects(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'codes:\n  - !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(CatalogError) as info:
        load_catalog([str(evil)])
    assert "evil.yaml" in str(info.value)
    assert not marker.exists()


def test_modules_in_the_workspace_are_not_imported(tmp_path):
    """A `yaml.py` or `lsprotocol.py` next to the configs must not shadow the real ones."""
    marker = tmp_path / "imported"
    for module in ("yaml", "tomllib", "sip_lsp_plugin", "lsprotocol", "pygls"):
        (tmp_path / f"{module}.py").write_text(f"open({str(marker)!r}, 'a').write({module!r})\n")
    (tmp_path / "vendor.yaml").write_text("codes: []\n")
    (tmp_path / "sip-lsp.toml").write_text('catalogs = ["vendor.yaml"]\n')
    (tmp_path / "a.cfg").write_text(seeds()[0][2])
    script = pathlib.Path(sys.executable).parent / "sip-lsp"
    proc = subprocess.run(
        [str(script), "check", "--exit-zero", "."], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists(), marker.read_text()


# ---------------------------------------------------------------- hostile status regexes


HOSTILE_PATTERNS = [
    "(a*)*b",
    r"(\d+)+$",
    "(x+x+)+y",
    "([0-9]|[0-9])*$",
    "(.*a){20}",
    "((6|6)*)*7",
    "(" * 500 + "6" + ")" * 500,
    "[" * 200,
    "\\",
    "(?P<x>",
    "a{99999}",
    "(6|60|604)*" * 50,
]


def test_catastrophic_status_regexes_finish(tmp_path):
    """Run in a subprocess with a generous timeout: a hang fails the test, speed is not asserted."""
    tests = "".join(
        f'\tif (t_check_status("{p}")) {{ ds_next_dst(); }}\n\tif ($T_reply_code =~ "{p}") {{ t_relay(); }}\n'
        for p in HOSTILE_PATTERNS
    )
    script = tmp_path / "redos.cfg"
    script.write_text(
        '#!KAMAILIO\nrequest_route {\n\tt_on_failure("F");\n\tt_relay();\n}\n'
        f"failure_route[F] {{\n{tests}}}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", "--format", "json", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert '"rule"' in proc.stdout


@pytest.mark.parametrize(
    "text",
    [
        '#!KAMAILIO\ninclude_file "\0routes.cfg"\nimport_file "/etc/\0x.cfg"\n',
        '#include "\0extensions_custom.conf"\n#include /etc/\0x.conf\n[c]\nexten => s,1,Hangup(17)\n',
    ],
    ids=["ser", "asterisk"],
)
def test_include_names_with_nul_bytes(text, tmp_path):
    """Regression (found by test_fuzz): realpath raised ValueError on a NUL byte in an include name."""
    result = lint_checked(
        text, None, str(tmp_path / ("a.cfg" if "KAMAILIO" in text else "extensions.conf")), root=str(tmp_path)
    )
    assert result.analysis.dialect in ("kamailio", "asterisk") and result.analysis.included == []
