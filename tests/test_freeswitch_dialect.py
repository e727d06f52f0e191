"""FreeSWITCH dialect facts: blocks, sent codes, causes, failovers, tests, suppressions."""

from __future__ import annotations

from sip_lsp.dialects import DialectContext, analyze, detect
from sip_lsp.model import FINAL_CODES, Role


def fs(body: str, *, wrap: bool = True):
    text = (
        (
            '<include><context name="default"><extension name="e"><condition field="destination_number" '
            f'expression="^(\\d+)$">{body}</condition></extension></context></include>'
        )
        if wrap
        else body
    )
    return text, analyze(text, "freeswitch", DialectContext())


def spans(text, sites):
    return [text[s.span.start : s.span.end] for s in sites]


def act(app: str, data: str) -> str:
    return f'<action application="{app}" data="{data}"/>'


def test_detection():
    text, _ = fs(act("bridge", "user/1"))
    assert detect(text, "/etc/freeswitch/dialplan/default.xml") == "freeswitch"
    assert detect(text) == "freeswitch"


def test_blocks_context_extension_conditions():
    text = (
        '<include><context name="public"><extension name="a"><condition field="x" expression="1">'
        '<condition field="y" expression="2"/></condition></extension>'
        '<extension name="b"/></context></include>'
    )
    a = analyze(text, "freeswitch", DialectContext())
    (ctx,) = a.blocks
    assert (ctx.kind, ctx.name, text[ctx.name_span.start : ctx.name_span.end]) == (
        "context",
        "public",
        "public",
    )
    assert [e.name for e in ctx.children] == ["a", "b"]
    (cond,) = ctx.children[0].children
    assert cond.kind == "condition" and [c.name for c in cond.children] == ["y 2"]


def test_extensions_of_an_include_file_are_top_level_blocks():
    text = '<include><extension name="a"/><extension name="b"/></include>'
    assert [b.name for b in analyze(text, "freeswitch", DialectContext()).blocks] == ["a", "b"]


def test_respond_code_and_phrase():
    text, a = fs(act("respond", "404 Nobody &amp; Here") + act("respond", "183") + act("respond", "${code}"))
    first, second = a.code_sites
    assert (first.code, first.role, first.function, first.phrase) == (
        404,
        Role.SENT,
        "respond",
        "Nobody & Here",
    )
    assert text[first.phrase_span.start : first.phrase_span.end] == "Nobody &amp; Here"
    assert spans(text, a.code_sites) == ["404", "183"]
    assert second.phrase is None and not first.has_header_append


def test_respond_401_407_is_a_challenge_and_302_takes_a_contact():
    _, a = fs(act("respond", "407") + act("respond", "401 example.com") + act("respond", "302 sip:x@y"))
    assert [c.has_header_append for c in a.code_sites] == [True, True, False]
    assert a.code_sites[2].phrase is None


def test_respond_bad_code():
    _, a = fs(act("respond", "4040 Nope"))
    assert a.code_sites[0].code is None and a.code_sites[0].text == "4040"


def test_hangup_cause_sites():
    text, a = fs(act("hangup", "USER_BUSY") + act("hangup", "17") + act("hangup", "BUSY") + act("hangup", ""))
    assert [(c.token, c.cause, c.context) for c in a.cause_sites] == [
        ("USER_BUSY", "USER_BUSY", "hangup"),
        ("17", "USER_BUSY", "hangup"),
        ("BUSY", None, "hangup"),
    ]
    assert a.cause_sites[0].codes == {486, 600}
    assert spans(text, a.cause_sites) == ["USER_BUSY", "17", "BUSY"]


def test_cause_lists_in_set_export_and_dial_strings():
    text, a = fs(
        act("set", "continue_on_fail=USER_BUSY, TIMEOUT,603,true")
        + act("export", "nolocal:failure_causes=NORMAL_CLEARING")
        + act("set", "continue_on_fail=true")
        + act("bridge", "{fail_on_single_reject=!USER_BUSY}[continue_on_fail=CALL_REJECTED]user/1")
    )
    got = [(c.token, c.cause, c.context) for c in a.cause_sites]
    assert got == [
        ("USER_BUSY", "USER_BUSY", "continue_on_fail"),
        ("TIMEOUT", None, "continue_on_fail"),
        ("603", None, "continue_on_fail"),
        ("true", None, "continue_on_fail"),
        ("NORMAL_CLEARING", "NORMAL_CLEARING", "failure_causes"),
        ("USER_BUSY", "USER_BUSY", "fail_on_single_reject"),
        ("CALL_REJECTED", "CALL_REJECTED", "continue_on_fail"),
    ]
    assert spans(text, a.cause_sites)[-2:] == ["USER_BUSY", "CALL_REJECTED"]


def test_fail_on_single_reject_tokens_match_by_substring_and_reject_numbers():
    _, a = fs(act("set", "fail_on_single_reject=USER_BUSY,486,BUSY"))
    assert [(c.token, c.cause) for c in a.cause_sites] == [
        ("USER_BUSY", "USER_BUSY"),
        ("486", None),
        ("BUSY", None),
    ]


def test_transfer_on_fail_first_word_only():
    _, a = fs(
        act("set", "transfer_on_fail=USER_BUSY,NO_ANSWR auto_cause XML default")
        + act("set", "transfer_on_fail=true 1000 XML default")
    )
    assert [(c.token, c.cause) for c in a.cause_sites] == [("USER_BUSY", "USER_BUSY"), ("NO_ANSWR", None)]


def test_knobs():
    _, a = fs(act("set", "hangup_after_bridge=true") + act("export", "originate_continue_on_timeout=false"))
    assert [(k.name, k.value) for k in a.knobs] == [
        ("hangup_after_bridge", "true"),
        ("originate_continue_on_timeout", "false"),
    ]


def test_pipe_groups_are_failovers_with_every_final_code():
    text, a = fs(act("bridge", "user/1|sofia/gateway/b/$1,sofia/gateway/c/$1|user/9"))
    assert spans(text, a.failover_sites) == ["sofia/gateway/b/$1", "user/9"]
    first, second = a.failover_sites
    assert first.codes == second.codes == FINAL_CODES
    assert first.engine == "freeswitch" and not first.cancel_applies
    # mod_sofia answers a gateway's challenge itself: only the hunt after gateways is authenticated
    assert (first.authenticated, second.authenticated) == (False, True)


def test_fail_on_single_reject_shapes_the_hunt():
    text, a = fs(act("set", "fail_on_single_reject=USER_BUSY,CALL_REJECTED") + act("bridge", "user/1|user/2"))
    (site,) = a.failover_sites
    assert not site.codes & {486, 600, 603, 401} and {604, 503} <= site.codes
    assert spans(text, [type("S", (), {"span": s}) for s in site.shaping_tests]) == [
        "USER_BUSY,CALL_REJECTED"
    ]


def test_dial_string_fail_on_single_reject_overrides_the_channel_variable():
    _, a = fs(
        act("set", "fail_on_single_reject=USER_BUSY")
        + act("bridge", "{fail_on_single_reject=true}user/1|user/2")
    )
    (site,) = a.failover_sites
    assert site.codes == FINAL_CODES and site.guard is None


def test_guard_fix_lists_every_6xx_cause():
    text, a = fs(
        "\n    "
        + act("set", "fail_on_single_reject=GATEWAY_DOWN")
        + "\n    "
        + act("bridge", "user/1|user/2")
    )
    guard = a.failover_sites[0].guard
    inserted = guard.texts["6xx"]
    assert guard.offset == text.index('<action application="bridge"')
    assert inserted.startswith(
        '<action application="set" data="fail_on_single_reject=GATEWAY_DOWN,USER_BUSY,'
    )
    for cause in (
        "CALL_REJECTED",
        "NO_ROUTE_DESTINATION",
        "INCOMPATIBLE_DESTINATION",
        "UNWANTED",
        "NORMAL_UNSPECIFIED",
    ):
        assert cause in inserted
    assert inserted.endswith('"/>\n    ')
    fixed = text[: guard.offset] + inserted + text[guard.offset :]
    _, again = fs(fixed, wrap=False)
    assert not again.failover_sites[0].codes & set(range(600, 700))


def test_a_later_bridge_runs_on_what_continue_on_fail_admits():
    text, a = fs(act("set", "continue_on_fail=USER_BUSY") + act("bridge", "user/1") + act("bridge", "user/2"))
    (site,) = a.failover_sites
    assert spans(text, a.failover_sites) == ["user/2"] and site.codes == {486, 600}
    assert text[site.shaping_tests[0].start : site.shaping_tests[0].end] == "USER_BUSY"


def test_without_continue_on_fail_only_480_and_487_reach_a_later_bridge():
    _, a = fs(act("bridge", "user/1") + act("bridge", "user/2"))
    assert a.failover_sites[0].codes == {480, 487}


def test_voicemail_same_target_hangup_and_anti_actions_are_not_failovers():
    body = (
        act("set", "continue_on_fail=true")
        + act("bridge", "user/1")
        + act("bridge", "loopback/app=voicemail:default ${domain_name} 1")
        + act("bridge", "user/1")
    )
    assert fs(body)[1].failover_sites == []
    assert (
        fs(
            act("set", "continue_on_fail=true")
            + act("bridge", "user/1")
            + act("hangup", "")
            + act("bridge", "user/2")
        )[1].failover_sites
        == []
    )
    assert (
        fs(
            act("set", "continue_on_fail=true")
            + act("bridge", "user/1")
            + act("respond", "503")
            + act("bridge", "user/2")
        )[1].failover_sites
        == []
    )
    anti = (
        act("set", "continue_on_fail=true")
        + act("bridge", "user/1")
        + '<anti-action application="bridge" data="user/2"/>'
    )
    assert fs(anti)[1].failover_sites == []


def test_continue_state_carries_across_continue_true_extensions():
    text = (
        '<include><context name="d"><extension name="vars" continue="true"><condition>'
        + act("set", "continue_on_fail=USER_BUSY")
        + '</condition></extension><extension name="call">'
        "<condition>" + act("bridge", "user/1") + act("bridge", "user/2") + "</condition></extension>"
        "</context></include>"
    )
    a = analyze(text, "freeswitch", DialectContext())
    assert a.failover_sites[0].codes == {486, 600}


def test_status_tests_on_sip_status_and_cause_fields():
    body = (
        '</condition><condition field="${sip_term_status}" expression="^(486|600)$"/>'
        '<condition field="${originate_disposition}" expression="^(USER_BUSY|NO_ANSWER)$">'
        '<regex field="${sip_invite_failure_status}" expression="6"/>'
    )
    text, a = fs(body)
    status, cause, regex = a.status_tests
    assert (status.kind, status.admits, status.named) == ("t_check_status", {486, 600}, {486, 600})
    assert cause.kind == "cause_list" and cause.admits == {486, 600}
    assert 486 in regex.admits and 604 in regex.admits and regex.named == frozenset()
    assert text[regex.span.start : regex.span.end] == "6"


def test_references_for_transfer_and_execute_extension():
    text, a = fs(
        act("transfer", "-bleg 1000 XML features")
        + act("execute_extension", "is_secure XML default")
        + act("transfer", "${target}")
    )
    assert [(r.name, r.kind) for r in a.references] == [
        ("1000", "extension"),
        ("features", "context"),
        ("is_secure", "extension"),
        ("default", "context"),
    ]
    assert spans(text, a.references) == ["1000", "features", "is_secure", "default"]


def test_suppressions_cover_the_comment_line_and_the_next():
    text = (
        '<include>\n<!-- sip-lsp: disable=SC301,SC303 -->\n<context name="x"/>\n'
        "<!-- sip-lsp: disable-file=SC309 -->\n</include>\n"
    )
    a = analyze(text, "freeswitch", DialectContext())
    assert a.comment == "<!--"
    assert a.suppressions.hides("SC301", 1) and a.suppressions.hides("SC303", 2)
    assert not a.suppressions.hides("SC301", 3)
    assert a.suppressions.hides("SC309", 40)


def test_broken_xml_still_yields_facts():
    text = (
        '<context name="d"><extension name="e"><condition>\n'
        '<action application="set" data="continue_on_fail=USER_BUSY\n'
        '<action application="bridge" data="user/1"\n'
        '<action application="bridge" data="user/2"/>\n'
    )
    a = analyze(text, "freeswitch", DialectContext())
    assert [s.codes for s in a.failover_sites] == [{486, 600}]
    assert a.cause_sites[0].cause == "USER_BUSY"


def test_values_from_variables_are_not_judged():
    _, a = fs(act("set", "fail_on_single_reject=${my_causes}") + act("bridge", "user/1|user/2"))
    assert a.failover_sites[0].codes == frozenset() and a.cause_sites == []
    _, a = fs(act("set", "continue_on_fail=${cof}") + act("bridge", "user/1") + act("bridge", "user/2"))
    assert a.failover_sites[0].codes == frozenset()


def test_export_nolocal_reaches_only_the_b_leg():
    _, a = fs(
        act("export", "nolocal:continue_on_fail=true") + act("bridge", "user/1") + act("bridge", "user/2")
    )
    assert a.failover_sites[0].codes == {480, 487}  # the caller channel never got it
    _, a = fs(act("export", "nolocal:fail_on_single_reject=USER_BUSY") + act("bridge", "user/1|user/2"))
    assert 486 not in a.failover_sites[0].codes  # the originate reads exported variables


def test_error_endpoint_names_a_cause():
    text, a = fs(act("bridge", "user/1|error/user_busy|error/TIMEOUT"))
    assert [(c.token, c.cause, c.context) for c in a.cause_sites] == [
        ("user_busy", "USER_BUSY", "error/"),
        ("TIMEOUT", None, "error/"),
    ]
    assert spans(text, a.cause_sites) == ["user_busy", "TIMEOUT"]
