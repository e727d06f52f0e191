"""FreeSWITCH call outcomes: whom a bridge calls next, routing-time conditions, outcome tables."""

from __future__ import annotations

import pytest

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.dialects.freeswitch import dial
from sip_lsp.model import Local, Outcome


def facts(body: str):
    text = f'<include><context name="c"><extension name="e">{body}</extension></context></include>'
    return analyze(text, "freeswitch", DialectContext())


def legs(s: str) -> list[dial.Leg]:
    return dial.parse(s).legs()


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("sofia/gateway/a/$1", "sofia/gateway/b/$1", "retry-same"),
        ("sofia/gateway/a/${destination_number}", "sofia/gateway/b/1$1", "retry-same"),
        ("sofia/external/${destination_number}@a.example", "sofia/external/$1@b.example", "retry-same"),
        ("user/1000", "user/1001", "new-party"),
        ("user/1000@example.com", "user/1000@example.com", "retry-same"),
        ("user/1000", "sofia/gateway/a/15551230000", "new-party"),
        ("user/1000", "loopback/app=voicemail:default example.com 1000", "media"),
        ("sofia/gateway/a/$1", "${fallback}", "unknown"),
        ("${group_call(sales@x)}", "user/1000", "unknown"),
        ("user/${dialed_extension}@x", "sofia/gateway/b/$1", "retry-same"),
    ],
)
def test_destination_tells_the_party_from_the_route(before: str, after: str, expected: str) -> None:
    assert dial.destination(legs(before), legs(after)) == expected


def _sites(body: str):
    return [(s.destination, s.codes != frozenset()) for s in facts(body).failover_sites]


def test_pipe_list_of_users_is_a_hunt_and_gateways_a_retry() -> None:
    hunt = facts(
        '<condition field="destination_number" expression="^1$">'
        '<action application="bridge" data="user/1000|user/1001"/></condition>'
    )
    assert [s.destination for s in hunt.failover_sites] == [Outcome.NEW_PARTY]
    retry = facts(
        '<condition field="destination_number" expression="^(1)$">'
        '<action application="bridge" data="sofia/gateway/a/$1|sofia/gateway/b/$1"/></condition>'
    )
    assert [s.destination for s in retry.failover_sites] == [Outcome.RETRY_SAME]


def test_sequential_bridges_after_continue_on_fail_count_the_same_way() -> None:
    body = (
        '<condition field="destination_number" expression="^(1)$">'
        '<action application="set" data="continue_on_fail=true"/>'
        '<action application="bridge" data="user/1000"/>'
        '<action application="bridge" data="user/1001"/>'
        '<action application="bridge" data="sofia/gateway/a/1001"/>'
        '<action application="bridge" data="${somewhere}"/>'
        "</condition>"
    )
    got = [s.destination for s in facts(body).failover_sites]
    assert got == [Outcome.NEW_PARTY, Outcome.RETRY_SAME, Outcome.UNKNOWN]


def test_a_bridge_under_a_routing_time_condition_is_never_queued() -> None:
    body = (
        '<condition field="destination_number" expression="^(1)$">'
        '<action application="set" data="continue_on_fail=true"/>'
        '<action application="bridge" data="sofia/gateway/a/$1"/></condition>'
        '<condition field="${originate_disposition}" expression="^USER_BUSY$">'
        '<action application="bridge" data="sofia/gateway/b/$1"/>'
        '<anti-action application="bridge" data="sofia/gateway/c/$1"/></condition>'
    )
    got = facts(body)
    assert [s.kind for s in got.ignored_steps] == ["routing-time"]
    assert got.ignored_steps[0].name == "originate_disposition"
    assert len(got.ignored_steps[0].related) == 1
    # gateway b is never queued; the anti-action (gateway c) always is: one retry, to c
    assert len(got.failover_sites) == 1
    assert got.text[got.failover_sites[0].span.start :].startswith("sofia/gateway/c/")
    assert not [t for t in got.status_tests if t.text == "^USER_BUSY$"]


def test_an_action_outside_a_condition_is_reported_once() -> None:
    got = facts('<action application="answer"/><condition field="a" expression="b"/>')
    assert [(s.kind, s.name) for s in got.ignored_steps] == [("outside-condition", "answer")]


def _tables(body: str):
    return facts(body).outcome_tables


def _every_case_once(table) -> None:
    seen = [c for r in table.rows for c in r.codes]
    assert sorted(seen) == list(range(300, 700))
    assert sorted(x for r in table.rows for x in r.local) == sorted(Local)


def test_every_bridge_has_a_table_with_every_code_once() -> None:
    body = (
        '<condition field="destination_number" expression="^(\\d+)$">'
        '<action application="set" data="continue_on_fail=NORMAL_TEMPORARY_FAILURE,USER_BUSY"/>'
        '<action application="bridge" data="sofia/gateway/a/$1|sofia/gateway/b/$1"/>'
        '<action application="bridge" data="user/1000"/>'
        '<action application="respond" data="503"/>'
        "</condition>"
    )
    first, second = _tables(body)
    for table in (first, second):
        assert table.kind == "bridge"
        _every_case_once(table)
    # the | list dials gateway b for any cause; a timeout stops it (NO_ANSWER is not listed: 480)
    assert first.row_for(604).outcome is Outcome.RETRY_SAME
    assert first.row_for(302).outcome is Outcome.NEW_PARTY  # sofia follows the Contact
    timeout = first.row_for_local(Local.TIMEOUT)
    assert (timeout.outcome, timeout.reply) == (Outcome.END, 480)
    # user/1000: 503 (NORMAL_TEMPORARY_FAILURE) and 486 (USER_BUSY) go on to `respond 503`
    assert (second.row_for(486).outcome, second.row_for(486).reply) == (Outcome.REPLY, 503)
    assert second.row_for(503).outcome is Outcome.REPLY
    # 604 ends the call; the caller gets the 604 itself (sofia passes the other leg's code)
    ended = second.row_for(604)
    assert (ended.outcome, ended.reply, ended.note) == (Outcome.END, None, "outcome_note_fs_remote_code")
    assert second.row_for_local(Local.CANCELLED).reply == 487


def test_fail_on_single_reject_timeout_and_ignore_remote_cause_shape_the_table() -> None:
    body = (
        '<condition field="destination_number" expression="^(\\d+)$">'
        '<action application="set" data="sip_ignore_remote_cause=true"/>'
        '<action application="bridge" data="{fail_on_single_reject=USER_BUSY,'
        'originate_continue_on_timeout=true}user/1000|user/1001"/>'
        "</condition>"
    )
    (table,) = _tables(body)
    _every_case_once(table)
    assert table.row_for(480).outcome is Outcome.NEW_PARTY
    busy = table.row_for(486)  # the hunt stops; the default list does not continue on USER_BUSY
    assert (busy.outcome, busy.reply) == (Outcome.END, 486)
    assert (table.row_for(600).outcome, table.row_for(600).reply) == (Outcome.END, 486)  # USER_BUSY -> 486
    assert table.row_for_local(Local.TIMEOUT).outcome is Outcome.NEW_PARTY


def test_after_the_bridge_media_hangup_and_variables() -> None:
    body = (
        '<condition field="destination_number" expression="^(\\d+)$">'
        '<action application="set" data="continue_on_fail=true"/>'
        '<action application="bridge" data="user/1000"/>'
        '<action application="voicemail" data="default example.com 1000"/>'
        "</condition>"
    )
    (table,) = _tables(body)
    assert table.row_for(486).outcome is Outcome.MEDIA
    hangup = _tables(
        body.replace(
            'application="voicemail" data="default example.com 1000"', 'application="hangup" data="USER_BUSY"'
        )
    )[0]
    assert hangup.row_for(404).note == "outcome_note_fs_remote_code"
    unknown = _tables(body.replace("continue_on_fail=true", "continue_on_fail=${causes}"))[0]
    assert unknown.row_for(486).outcome is Outcome.UNKNOWN


def _dialplan(tmp_path):
    """default.xml sets continue_on_fail in a continue="true" extension, then includes default/*.xml."""
    (tmp_path / "default").mkdir()
    (tmp_path / "default.xml").write_text(
        '<include><context name="default">'
        '<extension name="global" continue="true"><condition field="destination_number" expression="^.*$">'
        '<action application="set" data="continue_on_fail=true"/></condition></extension>'
        '<X-PRE-PROCESS cmd="include" data="default/*.xml"/>'
        "</context></include>"
    )
    carriers = (
        '<include><extension name="out"><condition field="destination_number" expression="^(\\d+)$">'
        '<action application="bridge" data="sofia/gateway/a/$1"/>'
        '<action application="bridge" data="sofia/gateway/b/$1"/>'
        "</condition></extension></include>"
    )
    (tmp_path / "default" / "10_carriers.xml").write_text(carriers)
    return tmp_path / "default" / "10_carriers.xml", carriers


def test_continue_on_fail_of_another_file_of_the_context_governs_the_bridges(tmp_path) -> None:
    path, text = _dialplan(tmp_path)
    got = analyze(text, "freeswitch", DialectContext(path=str(path), root=str(tmp_path)))
    (site,) = got.failover_sites
    assert 604 in site.codes  # continue_on_fail=true from default.xml: every failure goes on
    assert site.shaping_tests[0].path == str(tmp_path / "default.xml")
    alone = analyze(text, "freeswitch", DialectContext())
    assert [604 in s.codes for s in alone.failover_sites] == [False]  # alone: the default list


def test_an_earlier_file_of_the_same_glob_passes_its_variables_on(tmp_path) -> None:
    path, text = _dialplan(tmp_path)
    (tmp_path / "default.xml").write_text(
        '<include><context name="default"><X-PRE-PROCESS cmd="include" data="default/*.xml"/>'
        "</context></include>"
    )
    (tmp_path / "default" / "00_vars.xml").write_text(
        '<include><extension name="v" continue="true"><condition field="destination_number" expression=".">'
        '<action application="set" data="continue_on_fail=USER_BUSY"/></condition></extension></include>'
    )
    got = analyze(text, "freeswitch", DialectContext(path=str(path), root=str(tmp_path)))
    (site,) = got.failover_sites
    assert 486 in site.codes and 604 not in site.codes
