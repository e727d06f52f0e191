"""Every upstream sample analyses cleanly; random and edited input never breaks the dialect."""

from __future__ import annotations

import os

import pytest
from fixtures.ser.kit import analyze
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import CORPUS as SHARED_CORPUS

from sip_lsp import dialects
from sip_lsp.dialects import DialectContext, detect, ser
from sip_lsp.dialects.common.block_cache import BlockCache

CORPUS = str(SHARED_CORPUS)
# KEMI scripts (.py, .lua, .js, .rb, .sq) sit beside the native configs in the corpus: not SER text.
_KEMI = (".py", ".lua", ".js", ".rb", ".sq")
FILES = (
    sorted(
        f for f in os.listdir(CORPUS) if f.startswith(("kamailio__", "OpenSIPS__")) and not f.endswith(_KEMI)
    )
    if os.path.isdir(CORPUS)
    else []
)


def facts(an):
    return (
        an.code_sites + an.status_tests + an.failover_sites + an.blocks + an.references + an.knobs + an.notes
    )


def inside(an, text):
    for f in facts(an):
        assert f.span.path is not None or 0 <= f.span.start <= f.span.end <= len(text), f
    for s in an.failover_sites:
        assert s.guard is None or 0 <= s.guard.offset <= len(text)


def snapshot(an):
    return (
        an.blocks,
        an.code_sites,
        an.status_tests,
        sorted(an.failover_sites, key=repr),
        an.knobs,
        an.references,
        an.suppressions.lines,
        an.suppressions.file,
    )


@pytest.mark.skipif(not FILES, reason="corpus not available")
@pytest.mark.parametrize("name", FILES)
def test_corpus_file_analyses(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    dialect = detect(text, name)
    assert dialect in ("kamailio", "opensips")
    an = analyze(text, dialect, path=None)
    inside(an, text)
    # A config whose routing lives in a KEMI script (`cfgengine`) has no route blocks.
    assert an.blocks or 'cfgengine "' in text


@pytest.mark.skipif(not FILES, reason="corpus not available")
def test_corpus_finds_the_known_failovers():
    with open(os.path.join(CORPUS, "kamailio__kamailio__misc__examples__kamailio__fork.cfg")) as fh:
        an = analyze(fh.read())
    assert {s.action for s in an.failover_sites} == {"append_branch", "t_relay"}
    assert all(604 in s.codes and 487 in s.codes for s in an.failover_sites)


FRAGMENTS = st.sampled_from(
    [
        "route[A]",
        "failure_route[F]",
        "{",
        "}",
        "(",
        ")",
        ";",
        "\n",
        " ",
        "if",
        "else",
        "switch",
        "case 486:",
        "default:",
        "break;",
        "exit;",
        "return;",
        '"',
        "'",
        "#",
        "//",
        "/*",
        "*/",
        "#!ifdef X\n",
        "#!endif\n",
        't_check_status("6")',
        't_check_status("[',
        "t_relay()",
        "ds_next_dst()",
        "route(A)",
        "$rs",
        "$T_reply_code",
        "==",
        "&&",
        "||",
        "!",
        'sl_send_reply("404", "x")',
        "uac_auth()",
        "$du = 1;",
        "`",
        "'",
        "ifelse(",
        "{{",
        "}}",
        "\\",
        "$(",
        "\x00",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=60))
def test_random_fragments_never_raise(parts):
    text = "".join(parts)
    inside(analyze(text), text)
    inside(analyze(text, "opensips"), text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text):
    inside(analyze(text), text)


BASE = (
    'modparam("tm", "disable_6xx_block", 0)\n'
    'request_route {\n\tt_on_failure("F");\n\tt_relay();\n}\n'
    "route[R] {\n\tds_next_dst();\n}\n"
    'failure_route[F] {\n\tif (t_check_status("6[0-9][0-9]")) {\n\t\texit;\n\t}\n\troute(R);\n}\n'
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(0, 5),
            st.sampled_from(["", "x", "\n", "{", "}", '"', "route[Q] {\n", "# c\n", "  ", "t_relay();"]),
        ),
        max_size=8,
    )
)
def test_incremental_edits_equal_a_fresh_analysis(edits):
    text = BASE
    cache = BlockCache()  # the document's, as the server keeps it
    analyze(text, cache=cache)
    for pos, cut, insert in edits:
        pos = pos % (len(text) + 1)
        text = text[:pos] + insert + text[pos + cut :]
        incremental = analyze(text, cache=cache)
    fresh = analyze(text)  # a fresh cache: a cold analysis
    if edits:
        assert snapshot(incremental) == snapshot(fresh)
    inside(fresh, text)


def test_an_edit_reparses_only_the_chunk_it_touches(monkeypatch):
    blocks = "".join(f'route[R{i}] {{\n\tsl_send_reply("404", "r{i}");\n}}\n' for i in range(50))
    cache = BlockCache()
    analyze(blocks, cache=cache)
    calls = []
    real = ser.parse_chunk
    monkeypatch.setattr(ser, "parse_chunk", lambda chunk: calls.append(chunk) or real(chunk))
    edited = blocks.replace('"r25"', '"r25 edited"')
    an = analyze(edited, cache=cache)
    assert len(calls) == 1 and "r25 edited" in calls[0]
    site = next(c for c in an.code_sites if c.phrase == "r30")
    assert edited[site.span.start : site.span.end] == "404"


def test_a_document_cache_keeps_only_the_blocks_its_last_analysis_used():
    a = "route[A] {\n\texit;\n}\n"
    b = "route[B] {\n\tdrop;\n}\n"
    cache = BlockCache()
    dialects.analyze(a + b, "kamailio", DialectContext(cache=cache))
    assert ("ser", a) in cache and ("ser", b) in cache and len(cache) == 2
    dialects.analyze(a, "kamailio", DialectContext(cache=cache))
    assert ("ser", a) in cache and ("ser", b) not in cache and len(cache) == 1


def test_a_document_reads_nothing_another_document_cached(monkeypatch):
    calls = []
    real = ser.parse_chunk
    monkeypatch.setattr(ser, "parse_chunk", lambda chunk: calls.append(chunk) or real(chunk))
    dialects.analyze(BASE, "kamailio", DialectContext(cache=BlockCache()))
    parsed_once = len(calls)
    dialects.analyze(BASE, "kamailio", DialectContext(cache=BlockCache()))
    assert parsed_once and len(calls) == 2 * parsed_once
