"""A KEMI script re-linted after edits with its document cache equals a cold lint (pieces, kept facts)."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from test_warm_equals_cold import snapshot

from sip_lsp.lint import DocumentCache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import file_name, generate

# Helpers the handlers call across pieces, a thin wrapper, and texts that do not parse alone.
EXTRA = {
    "kemi-python": (
        "\n\ndef ksr_relay_gw():\n    KSR.dispatcher.ds_next_dst()\n    KSR.tm.t_relay()\n"
        "\n\ndef is_global(re):\n    return KSR.tm.t_check_status(re)\n"
        '\n\ndef ksr_failure_h():\n    if is_global("6[0-9][0-9]"):\n        return 1\n    ksr_relay_gw()\n'
        '\n\ndef ksr_request_route():\n    KSR.tm.t_on_failure("ksr_failure_h")\n'
        '\n\nDOC = """\ndef not_a_function():\n"""\n'
        "\n\n@staticmethod\ndef decorated():\n    pass\n"
    ),
    "kemi-lua": (
        "\nfunction ksr_relay_gw()\n\tKSR.dispatcher.ds_next_dst()\n\tKSR.tm.t_relay()\nend\n"
        "\nfunction is_global(re)\n\treturn KSR.tm.t_check_status(re)\nend\n"
        '\nfunction ksr_failure_h()\n\tif is_global("6[0-9][0-9]") then\n\t\treturn 1\n\tend\n'
        "\tksr_relay_gw()\nend\n"
        '\nfunction ksr_request_route()\n\tKSR.tm.t_on_failure("ksr_failure_h")\nend\n'
    ),
    "kemi-javascript": (
        "\nfunction ksr_relay_gw() {\n\tKSR.dispatcher.ds_next_dst();\n\tKSR.tm.t_relay();\n}\n"
        "\nfunction is_global(re) {\n\treturn KSR.tm.t_check_status(re);\n}\n"
        '\nfunction ksr_failure_h() {\n\tif (is_global("6[0-9][0-9]")) {\n\t\treturn;\n\t}\n'
        "\tksr_relay_gw();\n}\n"
        '\nfunction ksr_request_route() {\n\tKSR.tm.t_on_failure("ksr_failure_h");\n}\n'
        "\nvar s = `\nfunction inTemplate() {\n`;\n"
    ),
}


def _classed(text: str) -> str:
    """The generated script in app_python3's form: its functions methods of one class."""
    head, _, body = text.partition("\n\n\n")
    body = re.sub(r"^def (\w+)\(\)", r"def \1(self, msg)", body, flags=re.MULTILINE)
    body = "\n".join("    " + line if line else line for line in body.split("\n"))
    init = "class kamailio:\n    def __init__(self):\n        pass\n\n"
    return f"{head}\n\n\n{init}{body}\n\ndef mod_init():\n    return kamailio()\n"


def _edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    action = rng.random()
    if action < 0.5:  # a keystroke
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(" x(\n\t\"'") + text[at:]
    if action < 0.7:  # lines deleted
        at = rng.randrange(len(lines))
        del lines[at : at + rng.randrange(1, 4)]
    else:  # a run of lines copied elsewhere (a function pasted twice: the same piece text twice)
        start = rng.randrange(len(lines))
        lines[rng.randrange(len(lines) + 1) : 0] = lines[start : start + rng.randrange(1, 40)]
    return "".join(lines)


@pytest.mark.parametrize("script", sorted(EXTRA))
def test_edits_lint_as_a_fresh_document_does(script: str) -> None:
    rng = random.Random(f"kemi-{script}")
    path = f"/generated/{file_name(script)}"
    text = generate(script, 400, salt="inc") + EXTRA[script]
    cache = DocumentCache()
    assert snapshot(text, path, "kemi", cache) == snapshot(text, path, "kemi", None)
    for _ in range(25):
        text = _edit(text, rng)
        warm = snapshot(text, path, "kemi", cache)
        assert warm == snapshot(text, path, "kemi", None)


def test_app_python3_class_methods_are_pieces_too() -> None:
    rng = random.Random("kemi-class")
    path = "/generated/kamailio.py"
    text = _classed(generate("kemi-python", 300, salt="cls") + EXTRA["kemi-python"])
    cache = DocumentCache()
    first = snapshot(text, path, "kemi", cache)
    assert first == snapshot(text, path, "kemi", None) and '"kemi_failure"' in first
    for _ in range(20):
        text = _edit(text, rng)
        assert snapshot(text, path, "kemi", cache) == snapshot(text, path, "kemi", None)


@pytest.mark.parametrize("script", sorted(EXTRA))
def test_an_edit_far_from_a_handler_keeps_its_table_and_moves_it(script: str) -> None:
    path = f"/generated/{file_name(script)}"
    text = generate(script, 400, salt="far") + EXTRA[script]
    cache = DocumentCache()
    before = snapshot(text, path, "kemi", cache)
    edited = "\n\n" + text
    assert snapshot(edited, path, "kemi", cache) == snapshot(edited, path, "kemi", None) != before


@pytest.mark.parametrize(
    ("name", "opening", "closing", "directive"),
    [
        ("hooks.lua", "--[[", "]]", "-- sip-lsp: disable=SC301"),
        ("hooks.js", "/*", "*/", "// sip-lsp: disable=SC301"),
    ],
)
def test_a_block_comment_over_a_function_line_keeps_warm_equal_to_cold(name, opening, closing, directive):
    """A commented-out function starts a line where the text is cut into pieces: a lint that
    saw no directive must not keep the piece before it as parsing alone (it does not)."""
    if name.endswith(".lua"):
        func = "function f{k}()\n\tKSR.tm.t_relay()\nend\n"
    else:
        func = "function f{k}() {\n\tKSR.tm.t_relay();\n}\n"
    text = "".join(func.replace("{k}", str(k)) for k in range(5))
    text += f"{opening}\nlocal x = 1\n{func.replace('{k}', 'hidden')}{closing}\n" + func.replace("{k}", "9")
    path = f"/work/{name}"
    cache = DocumentCache()
    assert snapshot(text, path, "kemi", cache) == snapshot(text, path, "kemi", None)
    edited = text.replace(f"{closing}\n", f"{directive}\n{closing}\n")  # in the piece after the cut
    assert snapshot(edited, path, "kemi", cache) == snapshot(edited, path, "kemi", None)
