"""kamailio.cfg <-> KEMI script: the config's `modparam(..., "load", ...)` makes its script KEMI.

A script named there is analysed as KEMI even when it calls no `KSR.` itself; a
name whose script is not in the workspace gets a note on the config line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.dialects.common import kemi_scripts
from sip_lsp.lint import lint

ROOT = Path(__file__).resolve().parents[1]
# A Lua script that hands everything to a module: no KSR call in it.
ENTRY = 'local routing = require "routing"\n\nfunction ksr_request_route()\n\trouting.main()\nend\n'
CONFIG = """#!KAMAILIO
loadmodule "app_lua.so"
modparam("app_lua", "load", "{load}")
cfgengine "lua"
"""


def _workspace(tmp_path: Path, load: str, script: str = "kamailio.lua") -> tuple[Path, Path]:
    (tmp_path / "kamailio.cfg").write_text(CONFIG.format(load=load), encoding="utf-8")
    path = tmp_path / script
    path.write_text(ENTRY, encoding="utf-8")
    return tmp_path / "kamailio.cfg", path


@pytest.mark.parametrize("load", ["kamailio.lua", "/etc/kamailio/kamailio.lua", "./kamailio.lua"])
def test_a_script_the_config_names_is_kemi_without_a_ksr_call(tmp_path: Path, load: str) -> None:
    _, script = _workspace(tmp_path, load)
    assert dialects.detect(ENTRY, str(script)) == "kemi"
    assert dialects.detect(ENTRY, str(script), root=str(tmp_path)) == "kemi"


def test_a_script_no_config_names_stays_unknown(tmp_path: Path) -> None:
    _, script = _workspace(tmp_path, "other.lua")
    assert dialects.detect(ENTRY, str(script), root=str(tmp_path)) == "unknown"
    plain = tmp_path / "tool.lua"
    plain.write_text("print('hello')\n", encoding="utf-8")
    assert dialects.detect("print('hello')\n", str(plain), root=str(tmp_path)) == "unknown"


def test_the_config_in_the_parent_folder_or_the_root_counts(tmp_path: Path) -> None:
    (tmp_path / "kemi").mkdir()
    (tmp_path / "kamailio.cfg").write_text(CONFIG.format(load="kemi/main.lua"), encoding="utf-8")
    script = tmp_path / "kemi" / "main.lua"
    script.write_text(ENTRY, encoding="utf-8")
    assert dialects.detect(ENTRY, str(script)) == "kemi"


def test_a_config_edit_is_seen(tmp_path: Path) -> None:
    config, script = _workspace(tmp_path, "other.lua")
    assert not kemi_scripts.named_by_config(str(script))
    config.write_text(CONFIG.format(load="kamailio.lua") + "# edited\n", encoding="utf-8")
    assert kemi_scripts.named_by_config(str(script))


@pytest.mark.parametrize(
    ("module", "param", "named"),
    [
        ("app_python3", "load", True),
        ("app_python3", "script_name", True),
        ("app_python3s", "load", True),
        ("app_jsdt", "load", True),
        ("app_lua", "load", True),
        ("app_lua", "reload", False),
        ("app_ruby", "load", False),
        ("tm", "load", False),
    ],
)
def test_the_parameters_that_name_a_script(module: str, param: str, named: bool) -> None:
    text = f'modparam("{module}", "{param}", "/etc/kamailio/x.py")\n'
    assert bool(kemi_scripts.script_params(text)) is named


def test_script_params_read_literals_only() -> None:
    text = (
        '#!define KEMILOAD "/etc/x.lua"\n'
        'modparam("app_lua", "load", KEMILOAD)\n'
        '# modparam("app_lua", "load", "commented.lua")\n'
        "modparam('app_jsdt', 'load', 'routing.js')\n"
    )
    found = kemi_scripts.script_params(text)
    assert [(name, text[s:e]) for name, s, e in found] == [("routing.js", "routing.js")]


def _notes(config: Path, root: Path) -> list[str]:
    text = config.read_text(encoding="utf-8")
    result = lint(text, str(config), Settings(), default_catalog(), root=str(root))
    return [text[n.span.start : n.span.end] for n in result.notes]


def test_a_missing_script_is_a_note_on_the_config_line(tmp_path: Path) -> None:
    config, _ = _workspace(tmp_path, "/etc/kamailio/routing.lua")
    assert _notes(config, tmp_path) == ["/etc/kamailio/routing.lua"]
    result = lint(config.read_text(), str(config), Settings(), default_catalog(), root=str(tmp_path))
    assert "not in the workspace" in result.notes[0].message


def test_a_script_present_beside_the_config_is_no_note(tmp_path: Path) -> None:
    config, _ = _workspace(tmp_path, "/etc/kamailio/kamailio.lua")
    assert _notes(config, tmp_path) == []


def test_a_script_outside_the_workspace_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "outside.lua").write_text(ENTRY, encoding="utf-8")
    inner = tmp_path / "ws"
    inner.mkdir()
    config = inner / "kamailio.cfg"
    config.write_text(CONFIG.format(load="../outside.lua"), encoding="utf-8")
    assert _notes(config, inner) == ["../outside.lua"]


def test_check_of_a_folder_analyses_the_named_script(tmp_path: Path) -> None:
    _workspace(tmp_path, "kamailio.lua")
    (tmp_path / "kamailio.lua").write_text(
        ENTRY.replace("\trouting.main()\n", '\tif KSR.tm.t_is_set("failure_route") then end\n'),
        encoding="utf-8",
    )
    (tmp_path / "unrelated.lua").write_text("print('x')\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", "--format", "json", "--exit-zero", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    files = {Path(f["path"]).name for f in json.loads(proc.stdout)}
    assert files == {"kamailio.lua"}
