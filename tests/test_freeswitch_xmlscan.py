"""The tolerant XML scanner: exact spans, broken input, entities, comments, CDATA."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sip_lsp.dialects.freeswitch.xmlscan import decode, scan


def names(doc):
    return [(e.name, e.closed) for e in doc.iter()]


def test_well_formed_tree_and_spans():
    text = (
        '<context name="d"><extension name="e"><action application="bridge" data="x"/></extension></context>'
    )
    doc = scan(text)
    ctx = doc.roots[0]
    ext = ctx.children[0]
    act = ext.children[0]
    assert [e.name for e in doc.iter()] == ["context", "extension", "action"]
    assert text[ctx.start : ctx.end] == text
    assert (
        text[ext.start : ext.end] == '<extension name="e"><action application="bridge" data="x"/></extension>'
    )
    assert text[act.start : act.end] == '<action application="bridge" data="x"/>'
    data = act.get("data")
    assert (data.value, text[data.start : data.end]) == ("x", "x")
    assert text[act.get("application").name_start :].startswith("application=")


def test_single_quotes_and_unquoted_values():
    text = "<action application='set' data='a=\"b\"' x=1 flag/>"
    act = scan(text).roots[0]
    assert act.value("application") == "set"
    assert act.value("data") == 'a="b"'
    assert act.value("x") == "1"
    assert act.get("flag").value == ""
    assert act.closed


def test_entities_decoded_but_spans_on_raw_text():
    text = '<action data="a &amp; b &lt;sip:x&gt; &#65;&#x42;"/>'
    data = scan(text).roots[0].get("data")
    assert data.value == "a & b <sip:x> AB"
    assert text[data.start : data.end] == "a &amp; b &lt;sip:x&gt; &#65;&#x42;"
    i = data.value.index("b")
    assert text[data.offset(i)] == "b"
    assert text[data.offset(data.value.index("<"))] == "&"  # an entity maps to its "&"
    assert data.offset(len(data.value)) == data.end


def test_bad_entities_do_not_raise():
    assert decode("&#99999999; &bogus; &#x0;", 0)[0] == "\ufffd &bogus; \ufffd"


def test_comments_cdata_and_processing_instructions_are_skipped():
    text = (
        '<?xml version="1.0"?><!-- <action application="x"/> --><include>'
        '<![CDATA[<action application="y"/>]]><!DOCTYPE x><action application="z"/></include>'
    )
    doc = scan(text)
    assert [e.value("application") for e in doc.iter() if e.name == "action"] == ["z"]
    assert len(doc.comments) == 1
    assert doc.comments[0].text == ' <action application="x"/> '


def test_unterminated_comment_runs_to_the_end():
    doc = scan('<a/><!-- open <action application="x"/>')
    assert [e.name for e in doc.iter()] == ["a"]
    assert doc.comments[0].end == len('<a/><!-- open <action application="x"/>')


def test_half_typed_tag_ends_at_the_next_tag():
    text = '<condition><action application="bridge" data="a"\n<action application="hangup"/></condition>'
    doc = scan(text)
    acts = [e for e in doc.iter() if e.name == "action"]
    assert [a.value("application") for a in acts] == ["bridge", "hangup"]
    assert acts[0].tag_end == text.index("\n<action") + 1


def test_unterminated_value_stops_before_the_next_tag_line():
    text = (
        '<condition>\n  <action application="set" data="continue_on_fail=USER_BUSY\n'
        '  <action application="bridge" data="b"/>\n</condition>'
    )
    acts = [e for e in scan(text).iter() if e.name == "action"]
    assert acts[0].value("data") == "continue_on_fail=USER_BUSY"
    assert acts[1].value("data") == "b"


def test_unclosed_action_does_not_swallow_its_siblings():
    text = '<condition><action application="a"><action application="b"/></condition>'
    cond = scan(text).roots[0]
    assert [c.value("application") for c in cond.children] == ["a", "b"]


def test_unclosed_extension_closes_at_the_next_extension():
    text = '<context><extension name="a"><condition/><extension name="b"></extension></context>'
    ctx = scan(text).roots[0]
    assert [c.value("name") for c in ctx.children] == ["a", "b"]
    assert not ctx.children[0].closed and ctx.children[1].closed


def test_stray_end_tags_are_ignored_and_open_elements_end_with_their_last_child():
    text = '</x><context><extension name="a"><action application="z"/>'
    doc = scan(text)
    ctx = doc.roots[0]
    assert ctx.end == len(text) and ctx.children[0].end == len(text)


def test_x_pre_process_is_an_element():
    el = scan('<X-PRE-PROCESS cmd="include" data="default/*.xml"/>').roots[0]
    assert (el.name, el.value("cmd"), el.value("data")) == ("X-PRE-PROCESS", "include", "default/*.xml")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/=\"'!-[]?&;#x acdeilnot\n", max_size=300))
def test_any_text_scans_with_spans_inside(text):
    doc = scan(text)
    for el in doc.iter():
        assert 0 <= el.start < el.name_end <= el.tag_end <= len(text)
        assert el.tag_end <= el.end <= len(text)
        for attr in el.attrs.values():
            assert el.start <= attr.start <= attr.end <= len(text)
            for i in range(len(attr.value) + 1):
                assert attr.start <= attr.offset(i) <= attr.end
    for c in doc.comments:
        assert 0 <= c.start < c.end <= len(text)
