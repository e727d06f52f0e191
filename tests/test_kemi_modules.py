"""Handler names across the files of a KEMI script: what its `require`s and imports define.

`KSR.tm.t_on_failure("name")` finds a function of a module the script loads (Lua
`require`, JavaScript `require`/`import` of a relative file, Python `from m import`);
a name neither the script nor its modules define is SC312 failure-handler-lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import LintResult, lint

ENTRY = {
    "lua": (
        "main.lua",
        'require "failover"\nlocal util = require("lib.util")\n\n'
        "function ksr_request_route()\n"
        '\tKSR.tm.t_on_failure("{name}")\n'
        "\tKSR.tm.t_relay()\n"
        "end\n",
    ),
    "javascript": (
        "main.js",
        'var failover = require("./failover");\nimport util from "./lib/util.js";\n\n'
        "function ksr_request_route() {{\n"
        '\tKSR.tm.t_on_failure("{name}");\n'
        "\tKSR.tm.t_relay();\n"
        "}}\n",
    ),
    "python": (
        "main.py",
        "import KSR as KSR\nfrom failover import *\n"
        "from lib.util import ksr_failure_util as ksr_failure_alias\n\n"
        "def ksr_request_route():\n"
        '    KSR.tm.t_on_failure("{name}")\n'
        "    KSR.tm.t_relay()\n",
    ),
}
MODULES = {
    "lua": {
        "failover.lua": "function ksr_failure_gw()\n\tKSR.dispatcher.ds_next_dst()\nend\n",
        "lib/util.lua": 'require "lib.deep"\nfunction ksr_failure_util()\nend\n',
        "lib/deep.lua": "function ksr_failure_deep()\nend\n",
    },
    "javascript": {
        "failover.js": "function ksr_failure_gw() {\n\tKSR.dispatcher.ds_next_dst();\n}\n",
        "lib/util.js": 'require("./deep.js");\nfunction ksr_failure_util() {}\n',
        "lib/deep.js": "function ksr_failure_deep() {}\n",
    },
    "python": {
        "failover.py": "def ksr_failure_gw():\n    KSR.dispatcher.ds_next_dst()\n",
        "lib/__init__.py": "",
        "lib/util.py": "from lib.deep import *\ndef ksr_failure_util():\n    pass\ndef other():\n    pass\n",
        "lib/deep.py": "def ksr_failure_deep():\n    pass\n",
    },
}
# handler name -> found, per language
FOUND = {
    "lua": {"ksr_failure_gw": True, "ksr_failure_util": True, "ksr_failure_deep": True, "nowhere": False},
    "javascript": {
        "ksr_failure_gw": True,
        "ksr_failure_util": True,
        "ksr_failure_deep": True,
        "nowhere": False,
    },
    "python": {
        "ksr_failure_gw": True,  # from failover import *
        "ksr_failure_alias": True,  # imported under that name
        "ksr_failure_util": False,  # imported as ksr_failure_alias only
        "ksr_failure_deep": False,  # not imported into the script (util imports it into util)
        "nowhere": False,
    },
}


def _workspace(tmp_path: Path, language: str, name: str) -> tuple[Path, str]:
    for rel, text in MODULES[language].items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    file_name, template = ENTRY[language]
    entry = tmp_path / file_name
    text = template.format(name=name)
    entry.write_text(text, encoding="utf-8")
    return entry, text


def _lint(entry: Path, text: str, root: Path) -> LintResult:
    return lint(text, str(entry), Settings(), default_catalog(), root=str(root))


def _lost(result: LintResult, text: str) -> list[str]:
    """The handler names SC312 reports (and the notes, for a module outside the workspace)."""
    found = [text[f.span.start : f.span.end] for f in result.findings if f.rule == "SC312"]
    return sorted(found + [text[n.span.start : n.span.end] for n in result.notes])


@pytest.mark.parametrize(
    ("language", "name", "found"), [(lang, n, f) for lang, names in FOUND.items() for n, f in names.items()]
)
def test_a_handler_defined_in_a_loaded_module_is_found(
    tmp_path: Path, language: str, name: str, found: bool
) -> None:
    entry, text = _workspace(tmp_path, language, name)
    result = _lint(entry, text, tmp_path)
    assert _lost(result, text) == ([] if found else [name])
    if found:
        assert result.analysis.included  # the modules read are the analysis' includes (re-lint on change)


def test_modules_are_read_only_when_a_name_is_missing(tmp_path: Path) -> None:
    entry, text = _workspace(tmp_path, "lua", "ksr_local")
    text += "function ksr_local()\nend\n"
    result = _lint(entry, text, tmp_path)
    assert _lost(result, text) == [] and result.analysis.included == []


def test_a_module_outside_the_workspace_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside.js").write_text("function ksr_failure_out() {}\n", encoding="utf-8")
    ws = tmp_path / "ws"
    ws.mkdir()
    text = (
        'require("../outside.js");\n'
        'function ksr_request_route() { KSR.tm.t_on_failure("ksr_failure_out"); KSR.tm.t_relay(); }\n'
    )
    entry = ws / "main.js"
    entry.write_text(text, encoding="utf-8")
    result = _lint(entry, text, ws)
    assert _lost(result, text) == ["../outside.js", "ksr_failure_out"]


def test_a_package_name_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "fs.js").write_text("function ksr_failure_fs() {}\n", encoding="utf-8")
    text = (
        'var fs = require("fs");\nfunction ksr_request_route() { KSR.tm.t_on_failure("ksr_failure_fs"); }\n'
    )
    entry = tmp_path / "main.js"
    entry.write_text(text, encoding="utf-8")
    assert _lost(_lint(entry, text, tmp_path), text) == ["ksr_failure_fs"]


def test_modules_that_load_each_other_are_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.lua").write_text('require "b"\nfunction ksr_a() end\n', encoding="utf-8")
    (tmp_path / "b.lua").write_text('require "a"\nfunction ksr_b() end\n', encoding="utf-8")
    text = 'require "a"\nfunction ksr_request_route()\n\tKSR.tm.t_on_failure("ksr_b")\nend\n'
    entry = tmp_path / "main.lua"
    entry.write_text(text, encoding="utf-8")
    result = _lint(entry, text, tmp_path)
    assert _lost(result, text) == []
    assert sorted(Path(p).name for p in result.analysis.included) == ["a.lua", "b.lua"]


def test_a_module_two_files_load_gives_its_names_to_both(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from common import *\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from common import *\n", encoding="utf-8")
    (tmp_path / "common.py").write_text("def ksr_failure_common():\n    pass\n", encoding="utf-8")
    text = (
        "from a import *\nfrom b import ksr_failure_common as ksr_failure_b\n"
        'def ksr_request_route():\n    KSR.tm.t_on_failure("ksr_failure_b")\n'
    )
    entry = tmp_path / "main.py"
    entry.write_text(text, encoding="utf-8")
    assert _lost(_lint(entry, text, tmp_path), text) == []


@pytest.mark.parametrize("language", ["lua", "javascript", "python"])
def test_a_failure_handler_of_a_module_is_walked_there(tmp_path: Path, language: str) -> None:
    entry, text = _workspace(tmp_path, language, "ksr_failure_gw")
    result = _lint(entry, text, tmp_path)
    module = str((tmp_path / MODULES_FILE[language]).resolve())
    [table] = result.analysis.outcome_tables
    assert (table.kind, table.name, table.span.path) == ("kemi_failure", "ksr_failure_gw", module)
    assert [text[s.start : s.end] for s in table.armed_by] == ["ksr_failure_gw"]
    assert table.row_for(604).outcome.value == "retry-same"
    found = {f.rule: f for f in result.findings}
    assert found["SC301"].span.path == module
    module_text = (tmp_path / MODULES_FILE[language]).read_text(encoding="utf-8")
    span = found["SC301"].span
    assert module_text[span.start : span.end] == "KSR.dispatcher.ds_next_dst()"
    [edit] = found["SC301"].fixes[0].edits
    assert edit.span.path == module and 'KSR.tm.t_check_status("6[0-9][0-9]") > 0' in edit.new_text


def test_a_guarded_module_handler_is_clean(tmp_path: Path) -> None:
    (tmp_path / "failover.lua").write_text(
        "function ksr_failure_gw()\n"
        '\tif KSR.tm.t_check_status("6[0-9][0-9]|486|401|407") > 0 or KSR.tm.t_is_canceled() > 0 then\n'
        "\t\treturn 1\n\tend\n"
        "\tKSR.dispatcher.ds_next_dst()\n\tKSR.tm.t_relay()\nend\n",
        encoding="utf-8",
    )
    text = 'require "failover"\nfunction ksr_request_route()\n\tKSR.tm.t_on_failure("ksr_failure_gw")\nend\n'
    entry = tmp_path / "main.lua"
    entry.write_text(text, encoding="utf-8")
    result = _lint(entry, text, tmp_path)
    assert result.findings == [] and len(result.analysis.outcome_tables) == 1


MODULES_FILE = {"lua": "failover.lua", "javascript": "failover.js", "python": "failover.py"}
