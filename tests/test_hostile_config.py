"""A broken user catalogue or sip-lsp.toml: one clear message naming file, entry and field.

Through the CLI (exit 2, no traceback) and through the server (window/showMessage,
the built-in catalogue keeps answering hovers).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
import pytest_lsp
from fixtures.server.client import SERVER, at, initialize_params
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ENTRY = "  - code: {code}\n    reason: Vendor\n    summary: s\n    description: d\n    retry: failover-ok\n"
GOOD_CFG = '#!KAMAILIO\nrequest_route {\n\tsl_send_reply("604", "Does Not Exist Anywhere");\n}\n'

# name -> (YAML text, what the one error line must name besides the file)
CATALOGUES = {
    "yaml syntax": ("codes: [\n  - code: 499\n", ["YAML syntax error", "line"]),
    "tab indentation": ("codes:\n\t- code: 499\n", ["YAML syntax error"]),
    "top level list": ("- 499\n- 498\n", ["expected object"]),
    "codes not a list": ("codes: {code: 499}\n", ["codes", "expected array"]),
    "code not a number": ("codes:\n" + ENTRY.format(code='"abc"'), ["codes[0]", "field 'code'"]),
    "unknown field": (
        "codes:\n" + ENTRY.format(code=499) + "    colour: red\n",
        ["codes[0] (code 499)", "field 'colour'", "unknown field"],
    ),
    "missing field": ("codes:\n  - code: 499\n    reason: Vendor\n", ["codes[0] (code 499)", "required"]),
    "duplicate code": (
        "codes:\n" + ENTRY.format(code=499) + ENTRY.format(code=499),
        ["codes[1] (code 499)", "duplicate code 499"],
    ),
    "code above 699": (
        "codes:\n" + ENTRY.format(code=700),
        ["codes[0] (code 700)", "field 'code'", "maximum"],
    ),
    "code below 100": ("codes:\n" + ENTRY.format(code=99), ["codes[0] (code 99)", "field 'code'", "minimum"]),
    "bad retry": (
        "codes:\n" + ENTRY.format(code=499).replace("failover-ok", "sometimes"),
        ["codes[0] (code 499)", "field 'retry'"],
    ),
    "python tag": ("codes:\n  - !!python/object/apply:os.getcwd []\n", ["YAML syntax error"]),
    "not utf-8": (b"codes:\n  - code: 499\n    reason: Caf\xe9\n", ["not UTF-8"]),
    "binary": (bytes(range(256)) * 4, []),
}

# name -> (TOML text, what the error line must name besides the file)
SETTINGS = {
    "toml syntax": ('select = ["SC1"\n', ["TOML syntax error"]),
    "wrong type": ("select = 5\n", ["field 'select'", "list of strings"]),
    "unknown field": ('colour = "red"\n', ["field 'colour'", "unknown field"]),
    "bad severity": ('[severity]\nSC301 = "loud"\n', ["severity.SC301", "loud"]),
    "bad selector": ('ignore = ["not a rule!"]\n', ["field 'ignore'"]),
    "bad dialect": ('[dialects]\n"*.cfg" = "cisco"\n', ["dialects.*.cfg", "cisco"]),
    "negative size": ("max-file-size = -1\n", ["max-file-size", "positive integer"]),
    "size as text": ('max-file-size = "big"\n', ["max-file-size"]),
    "not utf-8": (b'select = ["\xff"]\n', ["TOML syntax error"]),
    "broken catalogue named": ('catalogs = ["vendor.yaml"]\n', ["vendor.yaml", "codes[0] (code 700)"]),
}


def _write(path, content) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _check(*args, cwd):
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if ": error: " in line]
    return proc, errors


@pytest.mark.parametrize("case", list(CATALOGUES))
def test_broken_user_catalogue_through_the_cli(case, tmp_path):
    content, names = CATALOGUES[case]
    _write(tmp_path / "vendor.yaml", content)
    (tmp_path / "a.cfg").write_text(GOOD_CFG)
    proc, errors = _check("--catalog", "vendor.yaml", "a.cfg", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(errors) == 1, proc.stderr
    assert "vendor.yaml" in errors[0] and all(n in errors[0] for n in names), errors[0]


@pytest.mark.parametrize("case", list(SETTINGS))
def test_broken_settings_file_through_the_cli(case, tmp_path):
    content, names = SETTINGS[case]
    _write(tmp_path / "sip-lsp.toml", content)
    _write(tmp_path / "vendor.yaml", "codes:\n" + ENTRY.format(code=700))
    (tmp_path / "a.cfg").write_text(GOOD_CFG)
    (tmp_path / "b.cfg").write_text(GOOD_CFG)
    proc, errors = _check("a.cfg", "b.cfg", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(errors) == 1, proc.stderr  # once, not once per file
    assert "sip-lsp.toml" in errors[0] or "vendor.yaml" in errors[0]
    assert all(n in errors[0] for n in names), errors[0]


def test_an_empty_catalogue_and_settings_file_are_fine(tmp_path):
    (tmp_path / "vendor.yaml").write_text("")
    (tmp_path / "sip-lsp.toml").write_text("")
    (tmp_path / "a.cfg").write_text(GOOD_CFG.replace("604", "202"))
    proc, errors = _check("--catalog", "vendor.yaml", "a.cfg", cwd=tmp_path)
    assert errors == [] and proc.returncode == 1 and "SC103" in proc.stdout


# ---------------------------------------------------------------- the server


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params):  # the server may watch sip-lsp.toml
        return None

    await lsp_client.initialize_session(initialize_params("visual_studio_code"))
    yield
    await lsp_client.shutdown_session()


async def _message_about(client, needle: str, timeout: float = 15) -> types.ShowMessageParams:
    for _ in range(int(timeout / 0.05)):
        found = [m for m in client.messages if needle in m.message]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no window/showMessage about {needle!r}: {[m.message for m in client.messages]}")


@pytest.mark.parametrize("case", ["unknown field", "bad severity", "broken catalogue named", "toml syntax"])
async def test_broken_settings_file_is_shown_and_hover_still_answers(client, tmp_path, case):
    content, names = SETTINGS[case]
    _write(tmp_path / "sip-lsp.toml", content)
    _write(tmp_path / "vendor.yaml", "codes:\n" + ENTRY.format(code=700))
    doc = tmp_path / "a.cfg"
    doc.write_text(GOOD_CFG)
    uri = doc.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="kamailio", version=1, text=GOOD_CFG)
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=at(GOOD_CFG, '"604"', delta=2)
        )
    )
    assert hover is not None and "Does Not Exist Anywhere" in hover.contents.value
    shown = await _message_about(client, names[0])
    assert all(n in shown.message for n in names), shown.message
    assert "sip-lsp.toml" in shown.message or "vendor.yaml" in shown.message
    assert not [
        m for m in client.log_messages if m.type == types.MessageType.Error or "Traceback" in m.message
    ]
