"""Status-set analysis through failure handlers: what reaches each failover action."""

from __future__ import annotations

from fixtures.ser.kit import analyze, at, failure, sites

from sip_lsp.model import FINAL_CODES, FailoverKind

SIX = frozenset(range(600, 700))


def only(an, action):
    [site] = sites(an, action)
    return site


def test_unguarded_failover_sees_every_final_code():
    text = failure("\tds_next_dst();\n\tt_relay();\n")
    an = analyze(text)
    ds, relay = only(an, "ds_next_dst"), only(an, "t_relay")
    assert ds.codes == FINAL_CODES and relay.codes == FINAL_CODES
    assert ds.kind is FailoverKind.NEXT_DESTINATION and relay.kind is FailoverKind.NEW_BRANCH
    assert ds.engine == "kamailio" and ds.block == "F"
    assert at(text, ds.span) == "ds_next_dst()"
    [armed] = ds.armed_by
    assert at(text, armed) == "F" and text[armed.start - 14 : armed.start] == 't_on_failure("'


def test_exit_on_6xx_before_ds_next_dst():
    text = failure('\tif (t_check_status("6[0-9][0-9]")) {\n\t\texit;\n\t}\n\tds_next_dst();\n')
    site = only(analyze(text), "ds_next_dst")
    assert site.codes == FINAL_CODES - SIX
    [test] = site.shaping_tests
    assert at(text, test) == "6[0-9][0-9]"


def test_failover_wrapped_in_negated_6xx_test():
    text = failure('\tif (!t_check_status("6[0-9][0-9]")) {\n\t\tt_relay();\n\t}\n')
    assert only(analyze(text), "t_relay").codes == FINAL_CODES - SIX


def test_else_branch_gets_the_complement():
    text = failure(
        '\tif (t_check_status("5[0-9][0-9]")) {\n\t\txlog("x");\n\t} else {\n\t\tds_next_dst();\n\t}\n'
    )
    assert only(analyze(text), "ds_next_dst").codes == FINAL_CODES - frozenset(range(500, 600))


def test_and_or_not_combine():
    text = failure(
        '\tif (t_check_status("5[0-9][0-9]") || (t_branch_timeout() && !t_check_status("6"))) {\n'
        "\t\tds_next_dst();\n"
        "\t} else {\n"
        "\t\tt_relay();\n"
        "\t}\n"
    )
    an = analyze(text)
    assert only(an, "ds_next_dst").codes == frozenset(range(500, 600)) | {408}
    assert only(an, "t_relay").codes == FINAL_CODES - frozenset(range(500, 600)) - {408}


def test_and_with_unknown_condition_keeps_the_narrowing():
    text = failure(
        '\tif (t_check_status("408") && t_local_replied("all")) {\n\t\tt_relay();\n\t}\n\tds_next_dst();\n'
    )
    an = analyze(text)
    assert only(an, "t_relay").codes == {408}
    assert only(an, "ds_next_dst").codes == FINAL_CODES


def test_cancel_check_removes_487():
    text = failure("\tif (t_is_canceled()) {\n\t\texit;\n\t}\n\tt_relay();\n")
    an = analyze(text)
    assert only(an, "t_relay").codes == FINAL_CODES - {487}
    [test] = an.status_tests
    assert test.kind == "cancelled" and test.admits == {487} and test.possible == FINAL_CODES


def test_final_reply_and_return_end_the_branch():
    text = failure(
        '\tif (t_check_status("486")) {\n\t\tt_reply("486", "Busy Here");\n\t}\n'
        '\tif (t_check_status("487")) {\n\t\treturn;\n\t}\n'
        '\tif (t_check_status("488")) {\n\t\tdrop;\n\t}\n'
        '\tif (t_check_status("480")) {\n\t\tt_reply("183", "provisional only");\n\t}\n'
        "\tt_relay();\n"
    )
    assert only(analyze(text), "t_relay").codes == FINAL_CODES - {486, 487, 488}


def test_single_statement_if_without_braces():
    text = failure('\tif (t_is_canceled()) exit;\n\tif (t_check_status("6")) exit;\n\tt_relay();\n')
    codes = only(analyze(text), "t_relay").codes
    assert 487 not in codes and 604 not in codes and 486 not in codes and 500 in codes


def test_switch_on_reply_code_narrows_with_fallthrough():
    text = failure(
        "\tswitch ($T_reply_code) {\n"
        "\t\tcase 486:\n"
        "\t\tcase 408:\n"
        "\t\t\tds_next_dst();\n"
        "\t\t\tbreak;\n"
        "\t\tcase 603:\n"
        "\t\t\texit;\n"
        "\t\tdefault:\n"
        "\t\t\tappend_branch();\n"
        "\t}\n"
        "\tt_relay();\n"
    )
    an = analyze(text)
    assert only(an, "ds_next_dst").codes == {486, 408}
    assert only(an, "append_branch").codes == FINAL_CODES - {486, 408, 603}
    assert only(an, "t_relay").codes == FINAL_CODES - {603}
    cases = [t for t in an.status_tests if t.kind == "compare"]
    assert [t.admits for t in cases] == [{486}, {408}, {603}]


def test_while_condition_narrows_its_body():
    text = failure('\twhile (t_check_status("5..")) {\n\t\tds_next_dst();\n\t}\n')
    assert only(analyze(text), "ds_next_dst").codes == frozenset(range(500, 600))


def test_route_calls_are_followed_with_the_current_set():
    text = (
        failure('\tif (t_check_status("486|408")) {\n\t\troute(VM);\n\t\texit;\n\t}\n')
        + 'route[VM] {\n\t$du = "sip:vm@example.com";\n\troute(RELAY);\n}\n'
        + "route[RELAY] {\n\tt_relay();\n}\n"
    )
    an = analyze(text)
    relays = [s for s in sites(an, "t_relay") if s.block == "F"]
    [relay] = relays
    assert relay.codes == {486, 408} and relay.rewrites_target
    assert [at(text, v) for v in relay.via] == ["route(VM)", "route(RELAY)"]


def test_voicemail_without_rewrite_is_not_marked():
    text = failure('\tif (t_check_status("486")) {\n\t\tt_relay();\n\t}\n')
    assert not only(analyze(text), "t_relay").rewrites_target


def test_recursive_routes_terminate():
    text = (
        failure("\troute(A);\n")
        + "route[A] {\n\troute(B);\n\tds_next_dst();\n}\nroute[B] {\n\troute(A);\n}\n"
    )
    [site] = sites(analyze(text), "ds_next_dst")
    assert site.codes == FINAL_CODES


def test_return_in_a_called_route_comes_back():
    text = (
        failure("\troute(CHECK);\n\tds_next_dst();\n")
        + 'route[CHECK] {\n\tif (t_check_status("6")) {\n\t\texit;\n\t}\n\treturn;\n}\n'
    )
    site = only(analyze(text), "ds_next_dst")
    assert site.codes == frozenset(c for c in FINAL_CODES if "6" not in str(c))


def test_uac_auth_then_relay_is_authenticated():
    text = failure(
        '\tif (t_check_status("401|407")) {\n\t\tif (uac_auth()) {\n\t\t\tt_relay();\n\t\t}\n\t\texit;\n\t}\n'
    )
    site = only(analyze(text), "t_relay")
    assert site.codes == {401, 407} and site.authenticated


def test_failover_in_a_condition_is_recorded():
    text = failure("\tif (use_next_gw()) {\n\t\tt_relay();\n\t}\n")
    an = analyze(text, "opensips")
    gw = only(an, "use_next_gw")
    assert gw.kind is FailoverKind.NEXT_DESTINATION and gw.engine == "opensips"


def test_possible_set_on_tests_and_dead_test():
    text = failure(
        '\tif (t_check_status("6..")) {\n\t\texit;\n\t}\n'
        '\tif (t_check_status("604")) {\n\t\txlog("never");\n\t}\n'
        '\tif (t_check_status("2[0-9][0-9]")) {\n\t\txlog("never");\n\t}\n'
    )
    t6, t604, t2 = analyze(text).status_tests
    assert t6.possible == FINAL_CODES
    assert t604.possible == FINAL_CODES - SIX and not (t604.admits & t604.possible)
    assert not (t2.admits & t2.possible)


def test_guard_texts_and_offset_kamailio_tabs():
    text = failure("\tds_next_dst();\n")
    guard = only(analyze(text), "ds_next_dst").guard
    assert text[guard.offset - 2 : guard.offset] == "{\n"
    assert guard.texts["6xx"] == '\tif (t_check_status("6[0-9][0-9]")) {\n\t\texit;\n\t}\n'
    assert guard.texts["cancel"] == "\tif (t_is_canceled()) {\n\t\texit;\n\t}\n"
    fixed = text[: guard.offset] + guard.texts["6xx"] + text[guard.offset :]
    assert only(analyze(fixed), "ds_next_dst").codes == FINAL_CODES - SIX


def test_guard_in_opensips_with_spaces():
    text = 'route {\n    t_on_failure("gw");\n    t_relay();\n}\nfailure_route[gw] {\n    use_next_gw();\n}\n'
    guard = only(analyze(text, "opensips"), "use_next_gw").guard
    assert guard.texts["cancel"] == "    if (t_was_cancelled()) {\n        exit;\n    }\n"
    fixed = text[: guard.offset] + guard.texts["cancel"] + text[guard.offset :]
    assert 487 not in only(analyze(fixed, "opensips"), "use_next_gw").codes


def test_branch_failure_event_route_is_a_handler():
    text = (
        'request_route {\n\tt_on_branch_failure("BF");\n\tt_relay();\n}\n'
        'event_route[tm:branch-failure:BF] {\n\tif (t_check_status("430")) {\n\t\tt_relay();\n\t}\n}\n'
    )
    an = analyze(text)
    [site] = [s for s in sites(an, "t_relay") if s.block == "BF"]
    assert site.codes == {430}
    assert [at(text, a) for a in site.armed_by] == ["BF"]


def test_request_route_failover_is_not_a_failure_site():
    assert sites(analyze("request_route {\n\tt_relay();\n\tds_next_dst();\n}\n")) == []


def test_route_defined_in_both_preprocessor_branches_is_followed_twice():
    text = (
        failure("\troute(R);\n")
        + "#!ifdef A\nroute[R] {\n\tds_next_dst();\n}\n#!else\nroute[R] {\n\tt_relay();\n}\n#!endif\n"
    )
    an = analyze(text)
    assert only(an, "ds_next_dst").codes == FINAL_CODES
    assert [s.codes for s in sites(an, "t_relay") if s.block == "F"] == [FINAL_CODES]


def test_only_tests_that_remove_codes_shape_the_set():
    text = failure(
        '\tif (t_check_status("2[0-9][0-9]")) {\n\t\texit;\n\t}\n'
        "\tif (t_is_canceled()) {\n\t\texit;\n\t}\n\tds_next_dst();\n"
    )
    [shaping] = only(analyze(text), "ds_next_dst").shaping_tests
    assert at(text, shaping) == "t_is_canceled()"


def test_clearing_the_destination_is_not_a_rewrite():
    text = failure('\tif (t_check_status("486")) {\n\t\t$du = $null;\n\t\tds_next_dst();\n\t}\n')
    assert not only(analyze(text), "ds_next_dst").rewrites_target
    text = failure('\tif (t_check_status("486")) {\n\t\t$ru = "sip:vm@example.com";\n\t\tt_relay();\n\t}\n')
    assert only(analyze(text), "t_relay").rewrites_target
    text = failure(
        '\tif (t_check_status("486")) {\n\t\trewritehostport("vm.example.com:5060");\n\t\tt_relay();\n\t}\n'
    )
    assert only(analyze(text), "t_relay").rewrites_target


def test_guard_on_a_one_line_handler_goes_right_after_the_brace():
    text = 'request_route {\n\tt_on_failure("F");\n}\nfailure_route[F] { ds_next_dst(); }\n'
    guard = only(analyze(text), "ds_next_dst").guard
    assert text[guard.offset - 1] == "{"
    fixed = text[: guard.offset] + guard.texts["6xx"] + text[guard.offset :]
    assert only(analyze(fixed), "ds_next_dst").codes == FINAL_CODES - SIX


def test_guard_keeps_crlf_line_endings():
    text = failure("\tds_next_dst();\n").replace("\n", "\r\n")
    guard = only(analyze(text), "ds_next_dst").guard
    assert text[guard.offset - 3 : guard.offset] == "{\r\n"
    assert guard.texts["cancel"] == "\tif (t_is_canceled()) {\r\n\t\texit;\r\n\t}\r\n"
