"""Per-block facts: replies sent, status comparisons, knobs, configured codes, suppressions."""

from __future__ import annotations

from fixtures.ser.kit import analyze, at, failure

from sip_lsp.model import Role


def sent(an):
    return [c for c in an.code_sites if c.role is Role.SENT]


def test_reply_functions_and_code_forms():
    text = (
        "route[A] {\n"
        '\tsl_send_reply("404", "Not Found");\n'
        '\tsend_reply(486, "Busy Here");\n'
        "\tt_reply('603', 'Decline');\n"
        '\tsl_reply("4O4", "typo");\n'
        '\tt_send_reply("6000", "long");\n'
        '\tsend_reply_mode("500", "x", "1");\n'
        '\tt_reply("$var(code)", "from var");\n'
        '\tsl_send_reply($var(code), "from var");\n'
        '\tsl_send_reply(CODE_DEFINE, "define");\n'
        "\tsl_reply_error();\n"
        "}\n"
    )
    got = [(c.function, c.text, c.code, c.phrase) for c in sent(analyze(text))]
    assert got == [
        ("sl_send_reply", "404", 404, "Not Found"),
        ("send_reply", "486", 486, "Busy Here"),
        ("t_reply", "603", 603, "Decline"),
        ("sl_reply", "4O4", None, "typo"),
        ("t_send_reply", "6000", None, "long"),
        ("send_reply_mode", "500", 500, "x"),
    ]
    for c in sent(analyze(text)):
        assert at(text, c.span) == c.text and at(text, c.phrase_span) == c.phrase
        assert c.block == "A" and c.code_required


def test_header_append_before_reply_on_its_path():
    text = (
        "route[AUTH] {\n"
        '\tif (!auth_check("$fd", "subscriber", "1")) {\n'
        '\t\tauth_challenge("$fd", "1");\n'
        "\t\texit;\n"
        "\t}\n"
        '\tsl_send_reply("403", "Forbidden");\n'
        '\tappend_to_reply("Allow: INVITE\\r\\n");\n'
        '\tsl_send_reply("405", "Method Not Allowed");\n'
        "}\n"
        "route[OTHER] {\n"
        '\tsl_send_reply("401", "Unauthorized");\n'
        "}\n"
    )
    got = [(c.code, c.has_header_append) for c in sent(analyze(text))]
    assert got == [(403, False), (405, True), (401, False)]


def test_challenge_in_one_branch_counts_after_the_merge():
    text = (
        "route[A] {\n"
        '\tif ($var(x)) { www_challenge("$fd", "0"); }\n'
        '\tsl_send_reply("401", "Unauthorized");\n'
        "}\n"
    )
    assert [c.has_header_append for c in sent(analyze(text))] == [True]


def test_after_local_miss_forms():
    text = (
        "route[A] {\n"
        '\tif (!lookup("location")) {\n'
        '\t\tsl_send_reply("604", "Does Not Exist Anywhere");\n'
        "\t\texit;\n"
        "\t}\n"
        '\tsl_send_reply("480", "elsewhere");\n'
        '\t$var(rc) = registered("location");\n'
        "\tif ($var(rc) < 0) {\n"
        '\t\tt_reply("404", "Not Found");\n'
        "\t}\n"
        '\tlookup("location");\n'
        "\tswitch ($rc) {\n"
        "\t\tcase -1:\n"
        '\t\t\tsend_reply("404", "Not Found");\n'
        "\t\t\texit;\n"
        "\t\tcase 1:\n"
        '\t\t\tsend_reply("200", "OK");\n'
        "\t}\n"
        '\tif (ds_select_dst("1", "4")) { xlog("ok"); } else { sl_send_reply("603", "no"); }\n'
        "}\n"
    )
    got = [(c.code, c.after_local_miss) for c in sent(analyze(text))]
    assert got == [(604, True), (480, False), (404, True), (404, True), (200, False), (603, True)]


def test_status_comparisons_either_order():
    text = failure(
        "\tif ($T_reply_code == 486) { exit; }\n"
        "\tif (408 == $T_reply_code) { exit; }\n"
        "\tif ($T_rpl($rs) >= 500) { exit; }\n"
        '\tif ($T_reply_code =~ "^3") { exit; }\n'
        '\tif ($T_reply_code !~ "^4") { exit; }\n'
        "\tif ($rs != 600) { exit; }\n"
        "\tif (t_branch_timeout()) { exit; }\n"
    )
    an = analyze(text)
    tests = an.status_tests
    assert [t.kind for t in tests] == ["compare"] * 6 + ["branch_timeout"]
    assert tests[0].admits == {486} and tests[0].named is None
    assert tests[1].admits == {408}
    assert tests[2].admits == frozenset(range(500, 700))
    assert tests[3].admits == frozenset(range(300, 400))
    assert tests[3].text == "^3" and at(text, tests[3].pattern_span) == "^3"
    assert at(text, tests[3].span) == '$T_reply_code =~ "^3"'
    assert tests[4].admits == frozenset(c for c in range(100, 700) if not str(c).startswith("4"))
    assert tests[5].admits == frozenset(range(100, 700)) - {600}
    assert tests[5].reads_request_status and at(text, tests[5].variable_span) == "$rs"
    assert not tests[2].reads_request_status
    assert tests[6].admits == {408}
    matched = sorted(c.code for c in an.code_sites if c.role is Role.MATCHED)
    assert matched == [408, 486, 600]


def test_rs_outside_failure_route_is_fine():
    text = 'onreply_route[R] {\n\tif ($rs >= 200 && $rs <= 299) { xlog("ok"); }\n}\n'
    tests = analyze(text).status_tests
    assert len(tests) == 2
    assert not any(t.reads_request_status or t.in_failure_handler for t in tests)
    assert all(t.possible is None for t in tests)


def test_knobs():
    text = (
        'modparam("tm", "disable_6xx_block", 1)\n'
        'modparam("tm", "disable_6xx_block", "0")\n'
        "route[A] {\n\tt_set_disable_6xx(1);\n\tt_set_disable_6xx($var(x));\n}\n"
    )
    knobs = analyze(text).knobs
    assert [(k.name, k.value, k.disables_6xx_block) for k in knobs] == [
        ("disable_6xx_block", "1", True),
        ("disable_6xx_block", "0", False),
        ("t_set_disable_6xx", "1", True),
        ("t_set_disable_6xx", "$var(x)", False),
    ]
    assert at(text, knobs[0].span) == "1"


def test_configured_code_lists():
    text = (
        'modparam("dispatcher", "ds_ping_reply_codes", "class=2;code=403;code=488")\n'
        'modparam("dispatcher", "options_reply_codes", "404,488")\n'
        'modparam("drouting", "probing_reply_codes", "501, 4040")\n'
        'modparam("tm", "failover_reply_codes", "code=403;class=5")\n'
    )
    an = analyze(text)
    got = [(c.function, c.text, c.code) for c in an.code_sites]
    assert all(c.role is Role.CONFIGURED for c in an.code_sites)
    assert got == [
        ("ds_ping_reply_codes", "403", 403),
        ("ds_ping_reply_codes", "488", 488),
        ("options_reply_codes", "404", 404),
        ("options_reply_codes", "488", 488),
        ("probing_reply_codes", "501", 501),
        ("probing_reply_codes", "4040", None),
        ("failover_reply_codes", "403", 403),
    ]
    for c in an.code_sites:
        assert at(text, c.span) == c.text


def test_suppressions_hash_and_slash_comments():
    text = (
        "# sip-lsp: disable-file=SC103\n"
        "route[A] {\n"
        "\t# sip-lsp: disable=SC301, SC303\n"
        "\tds_next_dst();\n"
        "\tt_relay(); // sip-lsp: disable=SC302\n"
        "}\n"
    )
    sup = analyze(text).suppressions
    assert sup.file == {"SC103"}
    assert sup.lines[2] == {"SC301", "SC303"} and sup.lines[3] == {"SC301", "SC303"}
    assert sup.lines[4] == {"SC302"} and sup.lines[5] == {"SC302"}
    assert sup.hides("SC301", 3) and not sup.hides("SC301", 4)


def test_opensips_unquoted_ints_and_names():
    text = 'route {\n\tsl_send_reply(404, "Not Here");\n\tt_on_failure("missed_call");\n}\n'
    an = analyze(text, "opensips")
    assert an.dialect == "opensips"
    [site] = an.code_sites
    assert (site.code, at(text, site.span)) == (404, "404")


def test_many_suppressions_map_to_their_lines():
    text = "".join(f"route[R{i}] {{\n\tt_relay(); # sip-lsp: disable=SC30{i % 5}\n}}\n" for i in range(40))
    sup = analyze(text).suppressions
    assert sup.lines[1] == {"SC300"} and sup.lines[2] == {"SC300"}
    assert sup.lines[3 * 39 + 1] == {"SC304"}


def test_digest_challenge_in_a_reply_phrase_counts_as_header_append():
    text = (
        'route[A] {\n\tappend_to_reply("%$digest_challenge");\n\tsl_send_reply("401", "Unauthorized");\n}\n'
    )
    assert [c.has_header_append for c in sent(analyze(text))] == [True]


def test_opensips_drouting_miss():
    text = (
        'route {\n\tif (!do_routing(0)) {\n\t\tsend_reply(604, "No Route");\n\t\texit;\n\t}\n'
        '\tsend_reply(200, "OK");\n}\n'
    )
    assert [(c.code, c.after_local_miss) for c in sent(analyze(text, "opensips"))] == [
        (604, True),
        (200, False),
    ]
