"""SC309 and the FreeSWITCH examples and corpus files end to end."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rulekit import run
from shared import CORPUS as SHARED_CORPUS

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze, detect
from sip_lsp.model import CauseSite, Span
from sip_lsp.rules import run_rules

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "freeswitch"
CORPUS = SHARED_CORPUS

EXPECTED = {
    "continue-on-fail-user-busy.xml": ["SC301", "SC303"],
    "bridge-hunt-after-6xx.xml": ["SC301", "SC303"],
    "unknown-cause.xml": ["SC309"],
    "clean-fail-on-single-reject.xml": [],
    "clean-local-extension.xml": [],
    "clean-continue-on-temporary.xml": [],
}


def findings(text: str):
    return run_rules(analyze(text, "freeswitch", DialectContext()), default_catalog())


def cause(
    token: str, cause_name: str | None, context: str = "continue_on_fail", engine="freeswitch"
) -> CauseSite:
    return CauseSite(Span(0, len(token)), engine, token, cause_name, context)


def test_sc309_names_token_engine_and_where_it_is_used():
    (f,) = run(cause_sites=[cause("TIMEOUT", None)], dialect="freeswitch", text="TIMEOUT")
    assert (f.rule, f.name, f.severity) == ("SC309", "unknown-cause", "warning")
    assert "TIMEOUT" in f.message and "FreeSWITCH" in f.message and "continue_on_fail" in f.message
    assert f.fixes == ()


def test_sc309_is_engine_neutral_and_quiet_on_known_causes():
    assert run(cause_sites=[cause("USER_BUSY", "USER_BUSY")]) == []
    (f,) = run(cause_sites=[cause("BUSY", None, "Hangup", "asterisk")], dialect="asterisk", text="BUSY")
    assert "Asterisk" in f.message and "Hangup" in f.message


def test_sc309_fix_maps_a_sip_code_or_a_typo_and_is_never_safe():
    (code,) = run(cause_sites=[cause("603", None)], text="603")
    (typo,) = run(cause_sites=[cause("NORMAL_CLEARNG", None, "hangup")], text="NORMAL_CLEARNG")
    assert [e.new_text for e in code.fixes[0].edits] == ["CALL_REJECTED"]
    assert [e.new_text for e in typo.fixes[0].edits] == ["NORMAL_CLEARING"]
    assert not code.fixes[0].safe and not typo.fixes[0].safe


def test_sc309_suppressed_inline():
    text = (
        '<include><context name="d"><extension name="e"><condition>\n'
        "<!-- sip-lsp: disable=SC309 -->\n"
        '<action application="set" data="continue_on_fail=TIMEOUT"/>\n'
        '<action application="hangup" data="NOPE"/>\n</condition></extension></context></include>'
    )
    assert [(f.rule, f.message.split("'")[1]) for f in findings(text)] == [("SC309", "NOPE")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples(name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert detect(text, str(EXAMPLES / name)) == "freeswitch"
    assert sorted({f.rule for f in findings(text)}) == EXPECTED[name]


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.xml")) == sorted(EXPECTED)


def test_sc301_carries_the_guard_fix_for_a_hunt():
    text = (EXAMPLES / "bridge-hunt-after-6xx.xml").read_text(encoding="utf-8")
    (sc301,) = [f for f in findings(text) if f.rule == "SC301"]
    (edit,) = sc301.fixes[0].edits
    fixed = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    assert [f.rule for f in findings(fixed)] == []


CORPUS_FILES = sorted(CORPUS.glob("signalwire__freeswitch__*")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="shared/ corpus not available")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name.split("__", 2)[-1])
def test_corpus_files_analyse_with_spans_inside(path):
    text = path.read_text(encoding="utf-8")
    a = analyze(text, "freeswitch", DialectContext(path=str(path)))
    n = len(text)
    spans = [s.span for s in a.code_sites + a.cause_sites + a.failover_sites + a.status_tests + a.references]
    spans += [k.span for k in a.knobs] + [b.span for b in a.blocks] + [b.name_span for b in a.blocks]
    assert all(0 <= s.start <= s.end <= n and s.path is None for s in spans)
    run_rules(a, default_catalog())


@pytest.mark.skipif(not CORPUS_FILES, reason="shared/ corpus not available")
def test_vanilla_dialplan_is_clean_and_its_commented_list_is_not():
    path = CORPUS / "signalwire__freeswitch__conf__vanilla__dialplan__default.xml"
    text = path.read_text(encoding="utf-8")
    assert findings(text) == []
    line = (
        '<!--<action application="set" data="continue_on_fail='
        'NORMAL_TEMPORARY_FAILURE,USER_BUSY,NO_ANSWER,TIMEOUT,NO_ROUTE_DESTINATION"/> -->'
    )
    assert line in text
    uncommented = text.replace(line, line[4:-4])
    assert [(f.rule, f.message.split("'")[1]) for f in findings(uncommented)] == [("SC309", "TIMEOUT")]


_FRAGMENTS = (
    "<",
    ">",
    "/>",
    "</condition>",
    "<condition>",
    '"',
    "'",
    "&amp;",
    "&",
    "<!--",
    "-->",
    "|",
    ",",
    "{",
    "}",
    "[",
    "]",
    "${",
    "!",
    "continue_on_fail=",
    "fail_on_single_reject=",
    "603",
    "USER_BUSY",
    '<action application="bridge" data="a|b"/>',
    '<action application="respond" data="4',
    "\n",
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_edited_examples_never_raise_and_keep_spans_inside(data):
    name = data.draw(st.sampled_from(sorted(EXPECTED)))
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(st.sampled_from(_FRAGMENTS)) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
    a = analyze(text, "freeswitch", DialectContext())
    for f in run_rules(a, default_catalog()):
        assert 0 <= f.span.start <= f.span.end <= len(text)
        for fix in f.fixes:
            assert all(0 <= e.span.start <= e.span.end <= len(text) for e in fix.edits)
