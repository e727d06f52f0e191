"""Property-based fuzzing of every dialect through `lint` and `dialects.analyze`.

Whatever the text, analysis returns, every span lies inside the document and
every finding names a rule of the catalogue. SIP_LSP_FUZZ_CASES sets the
examples per property (`make fuzz` runs 10,000); the total is printed at the end.
"""

from __future__ import annotations

import pytest
from fuzzkit import (
    DIALECTS,
    TOKENS,
    byte_mutant,
    check_result,
    corpus_seeds,
    count_case,
    fuzz_settings,
    lint_checked,
    mutant,
    seeds,
)
from hypothesis import given
from hypothesis import strategies as st

from sip_lsp import dialects
from sip_lsp.text import decode

SEEDS = seeds()
SEED_IDS = [name for name, _, _ in SEEDS]
CORPUS = corpus_seeds()
# Text made mostly of the characters that carry structure in some dialect.
STRUCTURAL = st.text(
    alphabet=st.sampled_from(list("{}()[]<>\"'`$#!;:,|=/\\*?^.\n\r\t 0123456789abxX")), max_size=400
)
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


def _both(text: str, dialect: str, path: str | None = None) -> None:
    """Through lint (forced dialect, and detected) and through dialects.analyze directly."""
    lint_checked(text, dialect, path)
    lint_checked(text, None, path)
    check_result(text, dialects.analyze(text, dialect, dialects.DialectContext(path=path)), [])


@pytest.mark.parametrize("dialect", DIALECTS)
def test_arbitrary_text(dialect, pytestconfig):
    @fuzz_settings()
    @given(st.one_of(st.text(max_size=300), STRUCTURAL, TOKEN_SOUP))
    def run(text):
        count_case(pytestconfig, f"text/{dialect}")
        _both(text, dialect)

    run()


@pytest.mark.parametrize("name,dialect,seed", SEEDS, ids=SEED_IDS)
def test_mutated_seeds(name, dialect, seed, pytestconfig):
    @fuzz_settings()
    @given(mutant(seed))
    def run(text):
        count_case(pytestconfig, f"mutant/{dialect}")
        _both(text, dialect, f"/nonexistent/{name}")

    run()


@pytest.mark.parametrize("name,dialect,seed", SEEDS, ids=SEED_IDS)
def test_invalid_utf8_through_decode(name, dialect, seed, pytestconfig):
    @fuzz_settings(0.5)
    @given(byte_mutant(seed))
    def run(data):
        count_case(pytestconfig, f"bytes/{dialect}")
        text, note = decode(data)
        assert isinstance(text, str)
        assert note is None or "latin-1" in note
        _both(text, dialect, f"/nonexistent/{name}")

    run()


@pytest.mark.skipif(not CORPUS, reason="no shared corpus on this machine")
def test_mutated_corpus_files(pytestconfig):
    @fuzz_settings(0.5)
    @given(st.sampled_from(CORPUS).flatmap(lambda s: st.tuples(st.just(s), mutant(s[2]))))
    def run(case):
        (name, dialect, _), text = case
        count_case(pytestconfig, f"corpus/{dialect}")
        lint_checked(text, dialect, f"/nonexistent/{name}")

    run()


# ---------------------------------------------------------------- fixed hostile inputs


def _deep(dialect: str, depth: int) -> str:
    if dialect in ("kamailio", "opensips"):
        return "route[X] {\n" + "if (a) {\n" * depth + 'sl_send_reply("604", "x");\n' + "}\n" * depth + "}\n"
    if dialect == "freeswitch":
        return (
            '<context name="x"><extension name="e">'
            + '<condition field="a" expression="b">' * depth
            + '<action application="respond" data="604"/>'
            + "</condition>" * depth
            + "</extension></context>"
        )
    return (
        "[ctx]\nexten => s,1,GotoIf($["
        + "(" * depth
        + "1"
        + ")" * depth
        + "]?a:b)\n"
        + "context c {\n"
        + "if (1) {\n" * depth
        + "Hangup(17);\n"
        + "}\n" * depth
        + "};\n"
    )


HOSTILE = {
    "empty": lambda d: "",
    "bom only": lambda d: "\ufeff",
    "nul bytes": lambda d: "\0" * 100 + seeds()[0][2].replace(";", ";\0"),
    "lone surrogates": lambda d: (
        'sl_send_reply("\ud800", "\udfff");\n<action application="respond" data="\ud800"/>'
    ),
    "only opening braces": lambda d: "{" * 20000,
    "only closing braces": lambda d: "}" * 20000 + ")" * 20000 + "</condition>" * 2000,
    "deep nesting": lambda d: _deep(d, 5000),
    "unterminated comment": lambda d: "route[X] {\n/* " + "x" * 10000,
    "unterminated string": lambda d: 'route[X] {\nsl_send_reply("' + "6" * 100000,
    "1 MB line": lambda d: 't_check_status("' + "(a*)*" * 200000 + '")' + "x" * 10,
    "1 MB line of code": lambda d: "route[X] { t_relay(); ds_next_dst(); }" * 27000,
    "many lines": lambda d: "exten => s,1,Hangup(17)\n" * 30000,
    "cr only": lambda d: seeds()[0][2].replace("\n", "\r"),
    "nested m4 quotes": lambda d: "divert(0)\n" + "ifelse(`" * 3000 + "x",
    "many headers on one line": lambda d: "route[" * 50000 + "route(" * 50000,
    "deep dollar": lambda d: "exten => s,1,Set(A=" + "${" * 5000 + "}" * 5000 + ")\n",
    "include self": lambda d: (
        'include_file "fuzz.cfg"\n#include "fuzz.cfg"\n<X-PRE-PROCESS cmd="include" data="fuzz.cfg"/>\n'
    ),
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_input(case, dialect, pytestconfig):
    count_case(pytestconfig, "hostile")
    text = HOSTILE[case](dialect)
    lint_checked(text, dialect)


@pytest.mark.parametrize("name,dialect,seed", SEEDS, ids=SEED_IDS)
def test_crlf_finds_the_same_as_lf(name, dialect, seed):
    """Line endings do not change what is found nor where (line, column)."""
    from sip_lsp.text import LineIndex

    def located(text):
        result = lint_checked(text, dialect, f"/nonexistent/{name}")
        lines = LineIndex(text)
        return sorted(
            (f.rule, lines.position(f.span.start), lines.position(f.span.end)) for f in result.findings
        )

    lf = located(seed)
    assert lf, "the seed should produce findings"
    assert located(seed.replace("\n", "\r\n")) == lf


@pytest.mark.parametrize("name,dialect,seed", SEEDS, ids=SEED_IDS)
def test_seed_is_recognised_and_found(name, dialect, seed):
    """The seeds exercise the analysis (a mutant of nothing would test nothing)."""
    assert dialects.detect(seed, name) == dialect
    result = lint_checked(seed, None, f"/nonexistent/{name}")
    assert result.findings and result.analysis.blocks
