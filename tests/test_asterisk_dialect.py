"""Asterisk dialect: parsing constructs and the facts they yield."""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.dialects import DialectContext, analyze, detect
from sip_lsp.model import Role

FIXTURES = Path(__file__).parent / "fixtures" / "asterisk"


def run(text: str, path: str = "/ws/extensions.conf", **kw):
    return analyze(text, "asterisk", DialectContext(path=path, **kw))


def at(text: str, span) -> str:
    return text[span.start : span.end]


def test_detects_extensions_conf_and_ael():
    assert detect("[ctx]\nexten => 1,1,NoOp()\n", "/x/extensions.conf") == "asterisk"
    assert detect("[ctx]\nexten => 1,1,NoOp()\n", "/x/dialplan.conf") == "asterisk"
    assert detect("context foo {\n};\n", "/x/extensions.ael") == "asterisk"


def test_contexts_templates_and_extensions_become_blocks():
    text = (
        "[tmpl](!)\nexten => i,1,Hangup()\n"
        "[users](tmpl)\nexten = 100,1,NoOp()\n same = n,Dial(PJSIP/100)\n"
        "exten => 100,hint,PJSIP/100\n[users](+)\nexten => 101,1,NoOp()\n"
    )
    a = run(text)
    names = [b.name for b in a.blocks]
    assert names == ["tmpl", "users"]
    users = a.blocks[1]
    assert [c.name for c in users.children] == ["100", "101"]
    assert at(text, users.children[0].name_span) == "100"
    for block in a.blocks:
        for child in block.children:
            assert block.span.start <= child.span.start <= child.span.end <= len(text)


def test_priorities_labels_and_template_inheritance_reach_the_failover():
    text = (
        "[base](!)\nexten => sub,1,Dial(PJSIP/b)\n"
        "[main](base)\n"
        "exten => 1,1,Dial(PJSIP/a)\n"
        "exten => 1,n(again),Goto(base,sub,1)\n"
    )
    a = run(text)
    assert [at(text, f.span) for f in a.failover_sites] == ["Dial(PJSIP/b)"]
    assert at(text, a.failover_sites[0].via[0]) == "Goto(base,sub,1)"


def test_numbered_priorities_are_ordered_not_written_order():
    text = "[c]\nexten => 1,3,Dial(PJSIP/b)\nexten => 1,2,Hangup()\nexten => 1,1,Dial(PJSIP/a)\n"
    assert run(text).failover_sites == []


def test_comments_block_comments_and_escaped_semicolons():
    text = (
        "[c] ; a context\n"
        ";-- exten => 1,1,Hangup(1)\n exten => 1,2,Hangup(2) --;\n"
        "exten => 2,1,Set(X=a\\;b) ; Hangup(3)\n"
        "exten => 3,1,Hangup(21) ;-- inline --;\n"
    )
    a = run(text)
    assert [c.token for c in a.cause_sites] == ["21"]
    assert [b.children[0].name for b in a.blocks] == ["2"]


def test_nested_variables_and_expressions_in_arguments():
    text = (
        "[c]\nexten => _X.,1,Dial(PJSIP/${CUT(EXTEN,*,2)}@${IF($[${LEN(${EXTEN})} > 4]?a:b)},30)\n"
        ' same => n,GotoIf($["${DIALSTATUS}" = "CONGESTION"]?retry,1)\n'
        "exten => retry,1,Dial(PJSIP/${EXTEN}@b)\n"
    )
    a = run(text)
    [site] = a.failover_sites
    assert site.codes and all(500 <= c < 600 for c in site.codes)
    assert [at(text, s) for s in site.shaping_tests] == ['"${DIALSTATUS}" = "CONGESTION"']


def test_patterns_match_handlers_case_insensitively_and_with_ranges():
    text = (
        "[c]\nexten => _X.,1,Dial(PJSIP/a)\n same => n,Goto(fn-${DIALSTATUS},1)\n"
        "exten => fn-BUSY,1,Busy()\nexten => _f[n]-.,1,Congestion()\n"
    )
    [site] = run(text).dispatch_sites
    assert site.missing == () and site.stray == ()


def test_hangup_cause_sites_follow_ast_str2cause():
    text = (
        "[c]\n"
        "exten => 1,1,Hangup(TIMEOUT)\n"
        "exten => 2,1,Hangup(BUSY)\n"
        "exten => 3,1,Hangup(user_busy)\n"
        "exten => 4,1,Hangup(34)\n"
        "exten => 5,1,Hangup(${CAUSE})\n"
        "exten => 6,1,Hangup(AST_CAUSE_USER_BUSY)\n"
    )
    sites = {c.token: c for c in run(text).cause_sites}
    assert set(sites) == {"TIMEOUT", "BUSY", "user_busy", "34", "AST_CAUSE_USER_BUSY"}
    assert sites["AST_CAUSE_USER_BUSY"].cause is None
    assert sites["TIMEOUT"].cause is None and sites["BUSY"].cause is None
    assert sites["user_busy"].cause == "USER_BUSY" and sites["user_busy"].codes == {486, 600}
    assert sites["34"].cause == "NORMAL_CIRCUIT_CONGESTION" and 503 in sites["34"].codes
    assert all(c.engine == "asterisk" and c.context == "Hangup" for c in sites.values())


def test_pri_cause_is_a_cause_site():
    text = "[c]\nexten => 1,1,Set(PRI_CAUSE=1)\n"
    [site] = run(text).cause_sites
    assert (at(text, site.span), site.cause, site.context) == ("1", "UNALLOCATED", "PRI_CAUSE")
    assert 604 in site.codes


def test_pjsip_hangup_codes_and_names():
    text = (
        "[c]\nexten => 1,1,PJSIPHangup(486)\nexten => 2,1,PJSIPHangup(PJSIP_SC_DOES_NOT_EXIST_ANYWHERE)\n"
        "exten => 3,1,PJSIPHangup(busy_here)\nexten => 4,1,PJSIPHangup(NOPE)\n"
    )
    sites = run(text).code_sites
    assert [(s.text, s.code, s.role) for s in sites] == [
        ("486", 486, Role.SENT),
        ("PJSIP_SC_DOES_NOT_EXIST_ANYWHERE", 604, Role.SENT),
        ("busy_here", 486, Role.SENT),
        ("NOPE", None, Role.SENT),
    ]
    assert all(at(text, s.span) == s.text for s in sites)


def test_busy_and_congestion_are_implicit_sent_codes():
    text = "[c]\nexten => 1,1,Busy(10)\nexten => 2,1,Congestion()\n"
    sites = run(text).code_sites
    assert [(s.code, s.code_required, at(text, s.span)) for s in sites] == [
        (486, False, "Busy"),
        (503, False, "Congestion"),
    ]


def test_dialstatus_tests_admit_the_codes_asterisk_maps():
    text = (
        '[c]\nexten => 1,1,GotoIf($["${DIALSTATUS}" = "BUSY"]?b)\n'
        " same => n,ExecIf($[${DIALSTATUS} != CHANUNAVAIL]?Hangup())\n"
        ' same => n,GotoIf($["${DIALSTATUS}" = "BUSSY"]?b)\n'
        " same => n,GotoIf($[${HANGUPCAUSE} = 17]?b)\n"
    )
    a = run(text)
    busy, chan, typo, cause = a.status_tests
    assert busy.kind == "dialstatus" and busy.admits == {486, 600}
    assert 604 not in chan.admits and 503 in chan.admits
    assert typo.admits == frozenset()
    assert cause.admits == {486, 600}
    causes = {c.token: c.cause for c in a.cause_sites}
    assert causes == {"BUSY": "BUSY", "CHANUNAVAIL": "CHANUNAVAIL", "BUSSY": None, "17": "USER_BUSY"}


def test_references_for_goto_gosub_macro_and_include():
    text = (
        "[c]\ninclude => other\nexten => 1,1,Goto(ctx2,200,1)\n same => n,Gosub(sub,s,1(a))\n"
        " same => n,GotoIf($[1]?lab:ctx3,300,1)\n same => n,Macro(dialout,1)\n same => n(lab),NoOp()\n"
    )
    refs = {(r.name, r.kind) for r in run(text).references}
    assert refs == {
        ("other", "context"),
        ("ctx2", "context"),
        ("200", "extension"),
        ("sub", "context"),
        ("s", "extension"),
        ("ctx3", "context"),
        ("300", "extension"),
        ("macro-dialout", "context"),
    }


def test_suppression_comments():
    text = "[c]\n; sip-lsp: disable=SC301\nexten => 1,1,NoOp()\n; sip-lsp: disable-file=SC310,SC309\n"
    sup = run(text).suppressions
    assert sup.hides("SC301", 1) and sup.hides("SC301", 2) and not sup.hides("SC301", 3)
    assert sup.hides("SC310", 40) and not sup.hides("SC302", 40)


def test_includes_inside_the_workspace_are_read_outside_are_noted():
    path = FIXTURES / "main.conf"
    a = run(path.read_text(), str(path), root=str(FIXTURES))
    assert a.included == [str(FIXTURES / "sub" / "trunks.conf")]
    # An included file's own sites belong to its own analysis; flow crosses into it.
    assert a.cause_sites == []
    [site] = a.failover_sites
    assert site.span.path == str(FIXTURES / "sub" / "trunks.conf")
    assert len(a.notes) == 1 and "outside.conf" in a.notes[0].message
    assert ("trunks", "context") in {(r.name, r.kind) for r in a.references}


def test_include_cycle_terminates(tmp_path):
    (tmp_path / "a.conf").write_text('#include "b.conf"\n[a]\nexten => 1,1,Dial(PJSIP/x)\n')
    (tmp_path / "b.conf").write_text('#include "a.conf"\n[b]\nexten => 1,1,Dial(PJSIP/y)\n')
    a = run((tmp_path / "a.conf").read_text(), str(tmp_path / "a.conf"), root=str(tmp_path))
    assert a.included == [str(tmp_path / "b.conf")]


def test_ael_tolerated_with_sites():
    text = (
        "context incoming {\n  _X. => {\n    Dial(PJSIP/${EXTEN},20);\n"
        "    switch(${DIALSTATUS}) {\n      case BUSY:\n        Hangup(17);\n        break;\n"
        "      case BOGUS:\n        PJSIPHangup(603);\n    }\n"
        '    if ("${DIALSTATUS}" = "CONGESTION") { Congestion(); }\n  };\n};\n'
    )
    a = run(text, "/ws/extensions.ael")
    assert [b.name for b in a.blocks] == ["incoming"]
    assert {(c.token, c.cause) for c in a.cause_sites} == {
        ("BUSY", "BUSY"),
        ("BOGUS", None),
        ("17", "USER_BUSY"),
        ("CONGESTION", "CONGESTION"),
    }
    assert sorted(s.code for s in a.code_sites) == [503, 603]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[",
        "[]",
        "exten => ",
        "[c]\nexten => 1",
        "[c]\nexten => 1,n(,Dial(",
        "[c]\nsame => n,Goto(",
        '[c]\nexten => 1,1,GotoIf($["${DIALSTATUS}" = ?:)',
        "[c]\nexten => _[,1,Goto(_[-${DIALSTATUS},1)",
        "[c]\r\nexten => 1,1,Hangup(17)\r\n",
        ";--",
        "[c]\nexten => 1,1,Gosub(c,1,1)\nexten => 1,2,Return()\n",
    ],
)
def test_bad_input_never_raises_and_spans_stay_inside(text):
    for path in ("/ws/extensions.conf", "/ws/x.ael"):
        a = run(text, path)
        for fact in [
            *a.code_sites,
            *a.cause_sites,
            *a.status_tests,
            *a.failover_sites,
            *a.dispatch_sites,
            *a.references,
            *a.blocks,
        ]:
            assert 0 <= fact.span.start <= fact.span.end <= len(text)


def test_next_follows_the_previous_statement_and_same_repeats_it():
    # pbx_config: n = last priority + 1 across extensions; s = last priority.
    from sip_lsp.dialects.asterisk.parse import Parsed, parse_file

    parsed = Parsed()
    parse_file(
        "[c]\nexten => a,5,NoOp()\nexten => b,n,NoOp()\nexten => b,next(x),NoOp()\nexten => b,s,NoOp()\n",
        None,
        parsed,
    )
    exts = parsed.contexts["c"].exts
    assert [st.prio for st in exts["a"].steps] == [5]
    assert [(st.prio, st.label) for st in exts["b"].steps] == [(6, None), (7, "x"), (7, None)]


def test_unnamed_ael_text_is_read_as_ael():
    text = "context c {\n  s => {\n    Hangup(17);\n  };\n};\n"
    a = analyze(text, "asterisk", DialectContext())
    assert [b.name for b in a.blocks] == ["c"] and [c.cause for c in a.cause_sites] == ["USER_BUSY"]


def test_include_is_textual_and_continues_the_current_context(tmp_path):
    (tmp_path / "exts.conf").write_text("exten => 2,1,Dial(PJSIP/b)\n")
    main = tmp_path / "extensions.conf"
    main.write_text('[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(2,1)\n#include "exts.conf"\n')
    a = run(main.read_text(), str(main), root=str(tmp_path))
    [site] = a.failover_sites
    assert site.span.path == str(tmp_path / "exts.conf")


def test_fragment_without_context_still_yields_facts():
    text = "exten => 1,1,Hangup(TIMEOUT)\n same => n,PJSIPHangup(604)\n"
    a = run(text, "/ws/extensions-fragment.conf")
    assert [c.token for c in a.cause_sites] == ["TIMEOUT"] and [s.code for s in a.code_sites] == [604]
    assert a.blocks == []


def test_detects_an_included_fragment_without_context():
    assert (
        detect("exten => 100,1,Dial(PJSIP/100)\n same => n,Hangup()\n", "/x/internal-exts.conf") == "asterisk"
    )
    assert detect("exten = _X.,n(dial),Dial(PJSIP/a)\n", "/x/part.conf") == "asterisk"
    assert detect("port=5060\nexten=5060\n", "/x/some.conf") == "unknown"


def test_unusable_include_names_are_skipped(tmp_path):
    text = '#include "\x00x.conf"\n#include "' + "a" * 5000 + '.conf"\n[c]\nexten => 1,1,Hangup(17)\n'
    a = run(text, str(tmp_path / "extensions.conf"), root=str(tmp_path))
    assert [c.cause for c in a.cause_sites] == ["USER_BUSY"] and a.included == []
