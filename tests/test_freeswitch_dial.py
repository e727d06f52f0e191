"""Bridge dial strings: `|` groups, `,` legs, variable blocks, `${...}`, `:_:`."""

from __future__ import annotations

from sip_lsp.dialects.freeswitch.dial import parse


def legs(ds):
    return [[[leg.text for leg in group] for group in thread] for thread in ds.threads]


def test_pipe_is_sequential_comma_is_parallel():
    assert legs(parse("a|b,c|d")) == [[["a"], ["b", "c"], ["d"]]]


def test_global_and_leg_variables_with_positions():
    s = "{leg_timeout=15,fail_on_single_reject=USER_BUSY}[x=1,y=2]sofia/gw/a|sofia/gw/b"
    ds = parse(s)
    assert legs(ds) == [[["sofia/gw/a"], ["sofia/gw/b"]]]
    fosr = ds.var("fail_on_single_reject")
    assert (fosr.value, s[fosr.start : fosr.end]) == ("USER_BUSY", "USER_BUSY")
    leg = ds.threads[0][0][0]
    assert [(v.name, v.value) for v in leg.vars] == [("x", "1"), ("y", "2")]
    assert s[leg.start : leg.end] == "sofia/gw/a"


def test_separators_inside_expansions_brackets_and_quotes_do_not_split():
    s = "sofia/${p}/${u}${regex(${c}|^[^\\@]+(.*)|%1)}"
    assert legs(parse(s)) == [[[s]]]
    assert legs(parse("{a='x|y,z'}user/1|user/2")) == [[["user/1"], ["user/2"]]]
    assert parse("{a='x,y'}user/1").var("a").value == "x,y"


def test_enterprise_threads():
    assert legs(parse("user/1|user/2:_:user/3")) == [[["user/1"], ["user/2"]], [["user/3"]]]


def test_broken_strings_never_raise():
    for s in ("", "{", "}", "[", "{a=b", "|||", ",,", "${", "a|", "\\", "'", ":_:", "<x=1>user/1"):
        parse(s)
    assert legs(parse("a||b")) == [[["a"], ["b"]]]
    assert parse("<origination_caller_id_number=1>user/1").var("origination_caller_id_number").value == "1"
