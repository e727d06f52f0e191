"""KEMI scripts (Python, Lua, JavaScript): detection, facts, the failover walk, SC315, fixes, CLI.

The fixtures in tests/fixtures/kemi/ mark each expected finding with `expect: RULE` in a
comment on its line; every other line must stay clean.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from shared import CORPUS

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import LintResult, apply_fixes, lint

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "kemi"
_EXPECT = re.compile(r"expect:((?:\s+SC\d{3})+)")


def _lint(path: Path, text: str | None = None) -> tuple[LintResult, str]:
    text = path.read_text(encoding="utf-8") if text is None else text
    return lint(text, str(path), Settings(), default_catalog()), text


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _expected(text: str) -> collections.Counter[tuple[int, str]]:
    found: collections.Counter[tuple[int, str]] = collections.Counter()
    for n, line in enumerate(text.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            found.update((n, rule) for rule in m.group(1).split())
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_fixture_findings_are_exactly_the_expected_ones(name: str) -> None:
    result, text = _lint(FIXTURES / name)
    assert result.analysis.dialect == "kemi"
    got = collections.Counter((_line(text, f.span.start), f.rule) for f in result.findings)
    assert got == _expected(text)


@pytest.mark.parametrize("name", ["failover.py", "failover.lua", "failover.js"])
def test_sc301_guard_fix_is_written_in_the_script_language_and_clears_it(name: str) -> None:
    path = FIXTURES / name
    result, text = _lint(path)
    (finding,) = [f for f in result.findings if f.rule == "SC301"]
    assert 'KSR.tm.t_check_status("6[0-9][0-9]") > 0' in finding.fixes[0].edits[0].new_text
    fixed, chosen = apply_fixes(text, [finding.fixes[0]], str(path))
    assert chosen
    after, _ = _lint(path, fixed)
    assert [f.rule for f in after.findings] == []
    _assert_parses(name, fixed)


@pytest.mark.parametrize("name", ["truth.py", "truth.lua", "truth.js"])
def test_sc315_fix_compares_with_zero_and_parses(name: str) -> None:
    path = FIXTURES / name
    result, text = _lint(path)
    fixes = [f.fixes[0] for f in result.findings if f.rule == "SC315"]
    assert fixes and all(not fix.safe for fix in fixes)
    fixed, chosen = apply_fixes(text, fixes, str(path))
    assert len(chosen) == len(fixes)
    after, _ = _lint(path, fixed)
    assert "SC315" not in [f.rule for f in after.findings]
    _assert_parses(name, fixed)


def _assert_parses(name: str, text: str) -> None:
    if name.endswith(".py"):
        compile(text, name, "exec")
        return
    from sip_lsp.dialects.kemi import tsparse

    tree, _, _ = tsparse.parse("lua" if name.endswith(".lua") else "javascript", text)
    assert not tree.root_node.has_error


def test_sc315_messages_say_the_consequence() -> None:
    result, _ = _lint(FIXTURES / "truth.py")
    messages = [f.message for f in result.findings if f.rule == "SC315"]
    assert "never holds, so KSR.tm.t_on_failure() never runs" in messages[0]
    assert "every final code reaches KSR.dispatcher.ds_next_dst(), 600 Busy Everywhere" in messages[1]


def test_lua_not_is_parenthesised_in_the_fix() -> None:
    result, _ = _lint(FIXTURES / "truth.lua")
    first = next(f for f in result.findings if f.rule == "SC315")
    assert first.fixes[0].edits[0].new_text == '(KSR.tm.t_is_set("failure_route") > 0)'


def test_thin_wrapper_is_seen_through() -> None:
    text = (
        "function tCheckStatus(re) { return KSR.tm.t_check_status(re); }\n"
        'function ksr_request_route() { KSR.tm.t_on_failure("f"); KSR.tm.t_relay(); }\n'
        "function f() {\n"
        '\tif (tCheckStatus("6[0-9][0-9]") > 0) { return; }\n'
        '\tif (tCheckStatus("5[0-9][0-9]")) { KSR.x.exit(); }\n'
        "\tKSR.dispatcher.ds_next_dst();\n"
        "}\n"
    )
    result, _ = _lint(Path("/tmp/wrapped.js"), text)
    rules = [f.rule for f in result.findings]
    assert "SC315" in rules and "SC301" not in rules
    tests = result.analysis.status_tests
    assert any(t.text == "6[0-9][0-9]" and t.admits == frozenset(range(600, 700)) for t in tests)


def test_unresolved_handler_name_is_sc312_and_a_reference() -> None:
    result, text = _lint(FIXTURES / "truth.js")
    (lost,) = [f for f in result.findings if f.rule == "SC312"]
    assert text[lost.span.start : lost.span.end] == "fs_failure"
    assert "defines a function fs_failure" in lost.message
    assert result.notes == []
    refs = {(r.name, r.kind) for r in result.analysis.references}
    assert ("fs_failure", "failure_route") in refs
    kinds = {b.name: b.kind for b in result.analysis.blocks}
    assert kinds["ksr_failure_gw"] == "failure_route"
    assert kinds["ksr_failure_route_fs_failure"] == "function"


def test_an_unresolved_reply_handler_is_a_note() -> None:
    text = 'function ksr_request_route() {\n\tKSR.tm.t_on_reply("nowhere");\n\tKSR.tm.t_relay();\n}\n'
    result, _ = _lint(Path("/tmp/reply.js"), text)
    assert [text[n.span.start : n.span.end] for n in result.notes] == ["nowhere"]
    assert "SC312" not in {f.rule for f in result.findings}


def test_replies_and_tests_are_facts() -> None:
    result, text = _lint(FIXTURES / "failover.py")
    an = result.analysis
    sent = [(s.code, s.phrase) for s in an.code_sites if s.role.value == "sent"]
    assert sent == [(404, "No destination")]
    regex = next(t for t in an.status_tests if t.kind == "t_check_status")
    assert text[regex.span.start : regex.span.end] == "486|408|401|407"
    assert regex.possible is not None and regex.in_failure_handler


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.lua", "KSR.tm.t_relay()\n", "kemi"),
        ("a.js", "KSR.sl.sl_send_reply(404, 'x');\n", "kemi"),
        ("a.py", "import KSR\nKSR.info('x')\n", "kemi"),
        ("a.lua", "print('no KSR here')\n", "unknown"),
        ("a.py", "x = 'KSR.'\n", "unknown"),
        ("kamailio.cfg", "request_route { t_relay(); }\n", "kamailio"),
    ],
)
def test_detection_reads_the_content(name: str, text: str, expected: str) -> None:
    assert dialects.detect(text, f"/tmp/{name}") == expected


def test_non_ascii_text_keeps_spans_on_the_code() -> None:
    for name, text in (
        ("x.lua", '-- Ещё комментарий ✓\nfunction f()\n\tif KSR.tm.t_is_set("x") then end\nend\n'),
        ("x.js", '// Ещё комментарий ✓\nfunction f() {\n\tif (KSR.tm.t_is_set("x")) {}\n}\n'),
        (
            "x.py",
            '# Ещё ✓\ndef f():\n    s = "é"; return KSR.tm.t_is_set("x") if KSR.tm.t_is_set("x") else 0\n',
        ),
    ):
        result, _ = _lint(Path("/tmp") / name, text)
        spans = [text[f.span.start : f.span.end] for f in result.findings if f.rule == "SC315"]
        assert spans == ['KSR.tm.t_is_set("x")'], name


def test_check_cli_reports_sc315_on_a_lua_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", "--format", "json", str(FIXTURES / "truth.lua")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    found = json.loads(proc.stdout)
    assert proc.returncode != 0
    assert "SC315" in {f["rule"] for f in found}


def test_native_check_does_not_import_the_kemi_parsers() -> None:
    code = (
        "import sys\nfrom sip_lsp.cli import main\n"
        "main(['check', '--exit-zero', 'examples/kamailio', 'examples/opensips'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tree_sitter', 'sip_lsp.dialects.kemi'))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_upstream_kemi_examples_analyse() -> None:
    files = (
        sorted(p for p in CORPUS.glob("*kemi*") if p.suffix in (".py", ".lua", ".js"))
        if CORPUS.exists()
        else []
    )
    if not files:
        pytest.skip("upstream corpus not available")
    for path in files:
        result, _ = _lint(path)
        an = result.analysis
        assert an.dialect == "kemi"
        assert {b.name: b.kind for b in an.blocks}["ksr_failure_manage"] == "failure_route"
        assert {f.rule for f in result.findings} <= {"SC201", "SC315"}
