"""Outcome tables of Kamailio/OpenSIPS failure routes (issue 13): every code in one row."""

from __future__ import annotations

import pytest
from fixtures.ser.kit import analyze, at, failure, sites

from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable

SIX = frozenset(range(600, 700))

CARRIER = """\
\tif (t_is_canceled()) {
\t\texit;
\t}
\tif (t_check_status("486")) {
\t\t$ru = "sip:voicemail@vm.example.com";
\t\tt_relay();
\t\texit;
\t}
\tif (t_check_status("408|5[0-9][0-9]")) {
\t\tif (!ds_next_dst()) {
\t\t\tt_reply("503", "No gateway");
\t\t\texit;
\t\t}
\t\tt_relay();
\t\texit;
\t}
\tif (t_check_status("[56][0-9][0-9]")) {
\t\tt_reply("500", "Error");
\t\texit;
\t}
"""


def table(text: str, flavor: str = "kamailio") -> OutcomeTable:
    [found] = analyze(text, flavor).outcome_tables
    return found


def assert_partition(t: OutcomeTable) -> None:
    codes = [c for row in t.rows for c in row.codes]
    assert sorted(codes) == sorted(FINAL_CODES)
    cases = [c for row in t.rows for c in row.local]
    assert sorted(cases) == sorted(Local)


@pytest.mark.parametrize("flavor", ["kamailio", "opensips"])
def test_every_code_and_local_case_in_exactly_one_row(flavor):
    assert_partition(table(failure(CARRIER), flavor))
    assert_partition(table(failure("")))
    assert_partition(table(failure("\tdrop;\n")))


def test_table_rows_follow_the_script():
    text = failure(CARRIER)
    t = table(text)
    assert t.kind == "failure_route" and t.name == "F"
    [armed] = t.armed_by
    assert at(text, armed) == "F"
    busy = t.row_for(486)
    assert busy.outcome is Outcome.MEDIA and at(text, busy.span) == "t_relay()"
    gateway = t.row_for(502)
    assert gateway.outcome is Outcome.RETRY_SAME and at(text, gateway.span) == "ds_next_dst()"
    assert t.row_for(408) is gateway and t.row_for_local(Local.TIMEOUT) is gateway
    masked = t.row_for(604)
    assert (masked.outcome, masked.reply) == (Outcome.REPLY, 500)
    assert at(text, masked.span) == 't_reply("500", "Error")'
    assert t.row_for(404).outcome is Outcome.FORWARD
    nodest = t.row_for_local(Local.NO_DESTINATION)
    assert (nodest.outcome, nodest.reply, nodest.codes) == (Outcome.REPLY, 503, frozenset())
    assert t.row_for_local(Local.CANCELLED).outcome is Outcome.FORWARD


def test_falling_off_the_end_forwards_the_winning_reply():
    t = table(failure('\tif (t_check_status("6[0-9][0-9]")) {\n\t\texit;\n\t}\n\txlog("x");\n'))
    [row] = t.rows
    assert row.outcome is Outcome.FORWARD and row.codes == FINAL_CODES


def test_kamailio_retries_after_a_6xx_opensips_refuses_and_the_fallback_decides():
    body = '\tds_next_dst();\n\tif (!t_relay()) {\n\t\tt_reply("500", "Error");\n\t}\n\texit;\n'
    kam = table(failure(body))
    assert kam.row_for(603).outcome is Outcome.RETRY_SAME
    ops = table(failure(body), "opensips")
    assert ops.row_for(503).outcome is Outcome.RETRY_SAME
    six = ops.row_for(603)
    assert (six.outcome, six.reply, six.note) == (Outcome.REPLY, 500, "outcome_note_6xx_blocked")
    assert six.codes == SIX


def test_opensips_6xx_without_a_fallback_is_forwarded():
    t = table(failure("\tds_next_dst();\n\tt_relay();\n\texit;\n"), "opensips")
    assert t.row_for(600).outcome is Outcome.FORWARD


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ("\tds_next_dst();\n\tt_relay();\n", Outcome.RETRY_SAME),
        ("\tuse_next_gw();\n\tt_relay();\n", Outcome.RETRY_SAME),
        ('\t$du = "sip:backup.example.com";\n\tt_relay();\n', Outcome.RETRY_SAME),
        ('\t$ru = "sip:" + $rU + "@gw2.example.com";\n\tt_relay();\n', Outcome.RETRY_SAME),
        ('\trewritehostport("gw2.example.com");\n\tt_relay();\n', Outcome.RETRY_SAME),
        ('\tappend_branch("sip:bob@example.com");\n\tt_relay();\n', Outcome.NEW_PARTY),
        ("\tt_load_contacts();\n\tt_next_contacts();\n\tt_relay();\n", Outcome.NEW_PARTY),
        ('\t$ru = "sip:secretary@example.com";\n\tt_relay();\n', Outcome.NEW_PARTY),
        ('\t$rU = "5551234";\n\tt_relay();\n', Outcome.NEW_PARTY),
        ('\trewriteuser("5551234");\n\tt_relay();\n', Outcome.NEW_PARTY),
        ('\t$du = "sip:voicemail.example.com";\n\tt_relay();\n', Outcome.MEDIA),
        ("\t$ru = $avp(forward);\n\tt_relay();\n", Outcome.UNKNOWN),
    ],
)
def test_destination_of_the_failover(body, outcome):
    an = analyze(failure(body))
    first = sites(an)[0]
    assert first.destination is outcome
    assert table(failure(body)).row_for(500).outcome is outcome


def test_forks_and_forwards_are_not_warned_as_retries():
    from sip_lsp.catalog import default_catalog
    from sip_lsp.config import Settings
    from sip_lsp.lint import lint

    for body in (
        '\tappend_branch("sip:bob@example.com");\n\tt_relay();\n',
        '\t$ru = "sip:secretary@example.com";\n\tt_relay();\n',
        '\t$ru = "sip:voicemail@example.com";\n\tt_relay();\n',
        "\tt_next_contacts();\n\tt_relay();\n",
    ):
        found = lint(failure(body), "/tmp/x.cfg", Settings(), default_catalog(), dialect="kamailio").findings
        assert not {f.rule for f in found} & {"SC301", "SC302", "SC303", "SC304"}, body


def test_local_cases_follow_their_tests():
    body = (
        "\tif (t_is_canceled()) {\n\t\texit;\n\t}\n"
        '\tif (t_branch_timeout() || t_check_status("^5[0-9][0-9]$")) {\n'
        "\t\tif (ds_next_dst()) {\n\t\t\tt_relay();\n\t\t\texit;\n\t\t}\n"
        '\t\tappend_to_reply("Retry-After: 30\\r\\n");\n\t\tt_reply("503", "No gateway");\n\t\texit;\n\t}\n'
    )
    t = table(failure(body))
    assert t.row_for_local(Local.CANCELLED).outcome is Outcome.FORWARD
    assert t.row_for_local(Local.TIMEOUT) is t.row_for(502)
    assert t.row_for(502).outcome is Outcome.RETRY_SAME
    assert t.row_for(408) is t.row_for(502)  # t_branch_timeout() is a status test admitting 408
    assert t.row_for_local(Local.NO_DESTINATION).reply == 503
    [site] = sites(analyze(failure(body)), "ds_next_dst")
    assert site.codes == frozenset(range(500, 600)) | {408}  # the local cases never show as codes


def test_no_reply_at_all_is_the_timeout_case():
    t = table(failure('\tif (!t_branch_replied()) {\n\t\tt_reply("430", "Flow Failed");\n\t}\n'))
    assert (t.row_for_local(Local.TIMEOUT).outcome, t.row_for_local(Local.TIMEOUT).reply) == (
        Outcome.REPLY,
        430,
    )
    assert t.row_for(486).outcome is Outcome.FORWARD


def test_a_retry_after_cancel_falls_back_to_what_the_script_does():
    t = table(failure('\tif (!t_relay()) {\n\t\tt_reply("500", "Error");\n\t}\n'))
    assert t.row_for(503).outcome is Outcome.RETRY_SAME
    assert t.row_for_local(Local.CANCELLED).reply == 500


def test_an_action_on_one_path_beats_a_fallback_reply_on_another():
    body = '\tif (!lookup("location")) {\n\t\tt_reply("404", "Not Found");\n\t\texit;\n\t}\n\tt_relay();\n'
    assert table(failure(body)).row_for(603).outcome is Outcome.RETRY_SAME


def _rules(text: str, flavor: str = "kamailio") -> set[str]:
    from sip_lsp.catalog import default_catalog
    from sip_lsp.config import Settings
    from sip_lsp.lint import lint

    return {f.rule for f in lint(text, "/tmp/x.cfg", Settings(), default_catalog(), dialect=flavor).findings}


def test_a_route_in_an_include_not_read_is_not_called_missing():
    text = (
        '#!KAMAILIO\ninclude_file "/nonexistent/routes.cfg"\n'
        'request_route {\n\tt_on_failure("X");\n\tt_relay();\n}\n'
    )
    assert "SC312" not in _rules(text)
    assert "SC312" in _rules(text.replace('include_file "/nonexistent/routes.cfg"\n', ""))


def test_a_failure_route_replying_500_to_a_604_is_masked():
    body = '\tif (t_check_status("604")) {\n\t\tt_reply("500", "Error");\n\t\texit;\n\t}\n'
    assert "SC311" in _rules(failure(body))
    assert "SC311" not in _rules(failure(body.replace('t_reply("500", "Error");', "exit;")))
