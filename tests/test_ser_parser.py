"""Lexer, preprocessor and parser of Kamailio/OpenSIPS scripts: structure and tolerance."""

from __future__ import annotations

import pytest
from fixtures.ser.kit import analyze, at

from sip_lsp.dialects.ser import preprocessor
from sip_lsp.dialects.ser.lexer import STR, lex, unescape
from sip_lsp.dialects.ser.parser import parse_chunk, split
from sip_lsp.dialects.ser.syntax import Binary, Call, ExprStmt, If, Switch, Unary, While


def test_comments_hide_code():
    text = (
        "route[A] {\n"
        '\t# sl_send_reply("404", "hash");\n'
        '\t// sl_send_reply("405", "slashes");\n'
        '\t/* sl_send_reply("406", "block /* nested */ still comment"); */\n'
        '\tsl_send_reply("407", "real");\n'
        "}\n"
    )
    an = analyze(text)
    assert [c.code for c in an.code_sites] == [407]


def test_strings_keep_comment_markers_and_escapes():
    text = 'route[A] {\n\tsl_send_reply("480", "a # b // c \\" d");\n}\n'
    [site] = analyze(text).code_sites
    assert site.phrase == 'a # b // c " d'
    assert at(text, site.phrase_span) == 'a # b // c \\" d'


def test_cfg_string_escapes_follow_cfg_lex():
    assert unescape(r"a\tb\\c\.d\x41\101") == "a\tb\\c\\.dAA"
    [tok] = [t for t in lex("'raw\\.'").tokens if t.kind == STR]
    assert tok.value == "raw\\."


def test_every_block_kind_and_name_form():
    text = (
        "request_route {\n}\n"
        "route[NAMED] {\n}\n"
        'route["QUOTED"] {\n}\n'
        "route(OLD) {\n}\n"
        "failure_route[F] {\n}\n"
        "branch_route[B] {\n}\n"
        "branch_failure_route[BF] {\n}\n"
        "onreply_route[R] {\n}\n"
        "onreply_route {\n}\n"
        "reply_route {\n}\n"
        "event_route[xhttp:request] {\n}\n"
        "event_route[tm:branch-failure:EV] {\n}\n"
        "error_route {\n}\n"
        "local_route {\n}\n"
        "startup_route {\n}\n"
        "timer_route[tick, 10] {\n}\n"
    )
    an = analyze(text)
    got = [(b.kind, b.name) for b in an.blocks]
    assert got == [
        ("request_route", "request_route"),
        ("route", "NAMED"),
        ("route", "QUOTED"),
        ("route", "OLD"),
        ("failure_route", "F"),
        ("branch_route", "B"),
        ("branch_failure_route", "BF"),
        ("onreply_route", "R"),
        ("onreply_route", "onreply_route"),
        ("reply_route", "reply_route"),
        ("event_route", "xhttp:request"),
        ("branch_failure_route", "EV"),
        ("error_route", "error_route"),
        ("local_route", "local_route"),
        ("startup_route", "startup_route"),
        ("timer_route", "tick, 10"),
    ]
    for b in an.blocks:
        assert at(text, b.name_span) == b.name
        assert text[b.span.start : b.span.end].rstrip().endswith("}")


def test_opensips_main_route_and_bare_block_names():
    text = "route {\n\troute(relay);\n}\nroute[relay] {\n\tt_relay();\n}\n"
    an = analyze(text, "opensips")
    assert [(b.kind, b.name) for b in an.blocks] == [("route", "route"), ("route", "relay")]
    [ref] = an.references
    assert (ref.name, ref.kind, at(text, ref.span)) == ("relay", "route", "relay")


def test_references_of_every_kind():
    text = (
        "request_route {\n"
        '\troute(A);\n\tt_on_failure("F");\n\tt_on_branch("B");\n'
        '\tt_on_reply("R");\n\tt_on_branch_failure("BF");\n\tt_on_failure($var(x));\n'
        "}\n"
    )
    an = analyze(text)
    assert [(r.name, r.kind) for r in an.references] == [
        ("A", "route"),
        ("F", "failure_route"),
        ("B", "branch_route"),
        ("R", "onreply_route"),
        ("BF", "branch_failure_route"),
    ]
    assert [at(text, r.span) for r in an.references] == ["A", "F", "B", "R", "BF"]


def test_statements_parse_into_the_expected_tree():
    text = (
        "route[A] {\n"
        "\tif (a() && !b() || c()) { x(); } else if ($rs == 1 and $var(y)) y(); else { z(); }\n"
        '\tswitch ($rU) { case "1": one(); break; case 2: two(); default: other(); }\n'
        "\twhile ($var(i) < 3) { $var(i) = $var(i) + 1; }\n"
        "\tnoparens;\n"
        "}\n"
    )
    [route] = parse_chunk(text).routes
    first, sw, loop, bare = route.body
    assert isinstance(first, If) and isinstance(first.cond, Binary) and first.cond.op == "||"
    assert first.cond.left.op == "&&" and isinstance(first.cond.left.right, Unary)
    assert isinstance(first.orelse[0], If) and first.orelse[0].cond.op == "&&"
    assert isinstance(sw, Switch) and [c.values is None for c in sw.cases] == [False, False, True]
    assert isinstance(loop, While)
    assert isinstance(bare, ExprStmt) and isinstance(bare.expr, Call) and bare.expr.name == "noparens"


def test_preprocessor_branches_are_all_analysed():
    text = (
        '#!KAMAILIO\n#!define WITH_X\n#!substdef "/A/B/"\n'
        "route[A] {\n"
        "#!ifdef WITH_X\n"
        '\tsl_send_reply("404", "one");\n'
        "#!else\n"
        '\tsl_send_reply("480", "two");\n'
        "#!endif\n"
        "#!ifndef WITH_Y\n#!trydef Z 1\n#!redefine Z 2\n#!endif\n"
        "}\n"
    )
    assert sorted(c.code for c in analyze(text).code_sites) == [404, 480]


def test_define_with_continuation_is_one_directive():
    text = '#!define LONG "a" \\\n  "b"\nroute[A] {\n\tsl_send_reply("404", "x");\n}\n'
    assert len(lex(text).directives) == 1
    assert [c.code for c in analyze(text).code_sites] == [404]


def test_m4_templates_keep_every_branch_at_its_offset():
    text = (
        "divert(-1)\ndefine(`USE_X', `no')\ndivert(0)dnl\n"
        "route {\n"
        "ifelse(USE_X,`yes',`\n"
        '\tsl_send_reply(404, "Not Here");\n'
        "',`\n"
        '\tsl_send_reply(480, "Away");\n'
        "')dnl\n"
        "}\n"
    )
    masked = preprocessor.mask(text, "x.m4")
    assert len(masked) == len(text)
    an = analyze(text, "opensips", path="/tmp/x.m4")
    assert sorted(c.code for c in an.code_sites) == [404, 480]
    for c in an.code_sites:
        assert at(text, c.span) == str(c.code)


def test_jinja_tags_are_tolerated_and_read_as_variables():
    text = (
        'route[A] {\n\t{% if x %}\n\tsl_send_reply("{{ code }}", "x");\n'
        '\tsl_send_reply({{ code }}, "x");\n\tsl_send_reply("404", "y");\n}\n'
        'failure_route[F] {\n\tif (t_check_status("{{ codes }}")) {\n\t\texit;\n\t}\n}\n'
    )
    an = analyze(text)
    assert [c.code for c in an.code_sites] == [404]
    assert an.status_tests == []


def test_split_cuts_at_block_headers_only():
    text = 'loadmodule "tm.so"\nroute[A] {\n\troute(B);\n}\nfailure_route[F]\n{\n}\n'
    starts = split(text)
    assert [text[s:].split("\n")[0] for s in starts] == [
        'loadmodule "tm.so"',
        "route[A] {",
        "failure_route[F]",
    ]


@pytest.mark.parametrize(
    "text",
    [
        'route[A] {\n\tif (t_check_status("6") {\n\t\tt_relay(\n',
        'route[A] {\n\tsl_send_reply("404, "x);\n}\n',
        "}}}}{{{{((((\"'",
        "route[",
        "failure_route[F] { if if if else else ((( ",
        "\x00\x01\xff\ufffd route[A] { $ $( $x( ",
        "route[A] {\n" + "if (a) {\n" * 400 + "t_relay();\n",
        "route[A] { " + "(" * 3000 + " }",
        "switch(",
        "if (",
    ],
)
def test_broken_input_degrades(text):
    an = analyze(text)
    for fact in an.code_sites + an.status_tests + an.failover_sites + an.blocks + an.references:
        assert 0 <= fact.span.start <= fact.span.end <= len(text)


def test_half_typed_line_keeps_the_rest_of_the_block():
    text = 'route[A] {\n\tsl_send_reply("40\n\tsl_send_reply("480", "Away");\n}\n'
    codes = [c.text for c in analyze(text).code_sites]
    assert "480" in codes


def test_commented_out_route_is_not_a_block():
    text = (
        '/*\nroute[OLD] {\n\tsl_send_reply("404", "x");\n}\n/* nested */\n'
        "failure_route[GONE] {\n\tds_next_dst();\n}\n*/\n"
        '# /* not a block comment start\nroute[NEW] {\n\tsl_send_reply("480", "y");\n}\n'
    )
    an = analyze(text)
    assert [b.name for b in an.blocks] == ["NEW"]
    assert [c.code for c in an.code_sites] == [480]
    assert an.failover_sites == []
