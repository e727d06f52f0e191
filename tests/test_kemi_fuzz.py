"""Broken and half-typed KEMI scripts: partial facts, never an exception, every span in the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzkit import check_result, count_case, fuzz_settings, lint_checked, mutant, spans_in
from hypothesis import given
from hypothesis import strategies as st

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import lint

FIXTURES = Path(__file__).parent / "fixtures" / "kemi"
SEEDS = sorted(FIXTURES.iterdir())
# Fragments that break each language's structure.
KEMI_TOKENS = (
    "KSR.",
    "KSR.tm.t_check_status(",
    'KSR.tm.t_on_failure("',
    "KSR.dispatcher.ds_next_dst()",
    "if ",
    " then",
    "end",
    "def ",
    ":",
    "    ",
    "function (",
    "=>",
    "{",
    "}",
    "(",
    ")",
    '"',
    "'''",
    "[[",
    "]]",
    "--[[",
    "/*",
    "not ",
    "!",
    " > 0",
    "return",
    "\t",
    "\n",
    "é",
    "𝄞",
    "\0",
)


def _check(text: str, path: str) -> None:
    result = lint_checked(text, "kemi", path)
    for where, span in spans_in(result.analysis.truth_uses, "truth_uses"):
        assert 0 <= span.start <= span.end <= len(text), (where, span)


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_mutated_kemi_scripts(seed: Path, pytestconfig: pytest.Config) -> None:
    base = seed.read_text(encoding="utf-8")

    @fuzz_settings(0.5)
    @given(st.one_of(mutant(base), st.lists(st.sampled_from(KEMI_TOKENS), max_size=80).map("".join)))
    def run(text: str) -> None:
        count_case(pytestconfig, "mutant/kemi")
        _check(text, f"/nonexistent/{seed.name}")

    run()


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_every_prefix_analyses(seed: Path) -> None:
    """Typing a script from the top: each prefix (every 7th character) gives facts, no error."""
    text = seed.read_text(encoding="utf-8")
    for cut in range(0, len(text), 7):
        _check(text[:cut], str(seed))


@pytest.mark.parametrize("name", ["failover.py", "failover.lua", "failover.js"])
def test_a_broken_line_keeps_the_rest(name: str) -> None:
    """A half-typed line inside the request route: the failure handler below is still judged."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    at = text.index("KSR.tm.t_relay()")
    broken = text[:at] + 'KSR.sl.sl_send_reply(40, "' + text[at:]
    result = lint(broken, str(FIXTURES / name), Settings(), default_catalog())
    assert "SC301" in [f.rule for f in result.findings]
    check_result(broken, result.analysis, result.findings)


def test_absurd_nesting_does_not_crash() -> None:
    for name, text in (
        (
            "deep.py",
            "def f():\n"
            + "".join("    " * (i + 1) + "if KSR.x.y():\n" for i in range(150))
            + "    " * 151
            + "pass\n",
        ),
        ("deep.lua", "function f()\n" + "if KSR.tm.t_relay() then " * 3000 + "end " * 3000 + "\nend\n"),
        ("deep.js", "function f() {" + "if (KSR.tm.t_relay()) {" * 3000 + "}" * 3001),
        ("deep2.js", "x = " + "(" * 5000 + "KSR.tm.t_relay()" + ")" * 5000 + ";"),
        ("deep2.py", "x = " + "(" * 5000 + "1" + ")" * 5000),
    ):
        _check(text, f"/tmp/{name}")
