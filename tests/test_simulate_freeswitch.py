"""`simulate` on FreeSWITCH dialplans: one status through a bridge and the actions after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze, simulate
from sip_lsp.model import Local, Outcome, OutcomeTable, Simulation, Step, StepKind

FIXTURE = Path(__file__).parent / "fixtures" / "simulate" / "dialplan.xml"
TEXT = FIXTURE.read_text()
REGISTERED = sorted(c for c in default_catalog().codes if 300 <= c <= 699)
CARRIERS = "sofia/gateway/carrier-a/$1|sofia/gateway/carrier-b/$1"


def ctx() -> DialectContext:
    return DialectContext(path=str(FIXTURE))


def tables() -> dict[str, OutcomeTable]:
    return {t.name: t for t in analyze(TEXT, "freeswitch", ctx()).outcome_tables}


def run(name: str, code: int | None, local: Local | None = None) -> Simulation:
    sim = simulate(TEXT, "freeswitch", tables()[name], code, local, ctx())
    assert sim is not None
    return sim


def line(step: Step) -> int | None:
    return TEXT.count("\n", 0, step.span.start) + 1 if step.span is not None else None


def walk(sim: Simulation) -> list[tuple[str, int | None, dict[str, str]]]:
    return [(s.kind.value, line(s), dict(s.values)) for s in sim.steps]


@pytest.mark.parametrize("name", sorted(tables()))
def test_every_registered_code_ends_in_the_tables_row(name: str) -> None:
    table = tables()[name]
    for code in REGISTERED:
        sim = run(name, code)
        row = table.row_for(code)
        assert sim.row == row, code
        assert sim.steps[0].kind is StepKind.ENTER and sim.steps[0].span == table.span
        last = sim.steps[-1]
        if row.outcome is Outcome.END:  # the last step says what the caller receives
            assert last.kind is StepKind.MAP
            assert dict(last.values)["to"] == str(row.reply if row.reply is not None else code), code
        elif row.outcome is not Outcome.UNKNOWN:
            assert dict(last.values)["outcome"] == row.outcome.value, code
            assert last.span == row.span, code
    for case in Local:
        assert run(name, None, case).row == table.row_for_local(case)


def test_603_stops_the_carrier_hunt_and_plays_an_announcement() -> None:
    sim = run(CARRIERS, 603)
    cause = {"app": "bridge", "cause": "CALL_REJECTED"}
    reject = {"test": "fail_on_single_reject", "value": "USER_BUSY,CALL_REJECTED"}
    assert walk(sim) == [
        ("enter", 9, {"app": "bridge", "target": CARRIERS, "status": "603"}),
        (
            "map",
            None,
            {"from": "603", "to": "CALL_REJECTED", "by": "sofia", "note": "simulate_note_fs_cause"},
        ),
        ("test-false", 9, {**cause, **reject, "note": "simulate_note_fs_hunt_stops"}),
        (
            "test-true",
            9,
            {**cause, "test": "continue_on_fail", "value": "true", "note": "simulate_note_fs_continues"},
        ),
        (
            "action",
            10,
            {"app": "playback", "args": "ivr/ivr-all_circuits_busy.wav", "outcome": "media"},
        ),
    ]
    assert sim.row.outcome is Outcome.MEDIA
    assert dict(sim.facts) == {"simulate_fact_cause": "CALL_REJECTED"}


def test_503_goes_to_the_other_gateway_as_retry_same() -> None:
    sim = run(CARRIERS, 503)
    assert [(k, n) for k, n, _ in walk(sim)] == [("enter", 9), ("map", None), ("test-true", 9), ("action", 9)]
    assert walk(sim)[-1][2] == {
        "app": "bridge",
        "outcome": "retry-same",
        "target": "sofia/gateway/carrier-b/$1",
    }
    assert sim.row.outcome is Outcome.RETRY_SAME
    assert dict(sim.facts)["simulate_fact_cause"] == "NORMAL_TEMPORARY_FAILURE"
    assert dict(sim.facts)["simulate_fact_next_target"] == "sofia/gateway/carrier-b/$1"
    # The next element's own span: the row's deciding place.
    assert sim.steps[-1].span == sim.row.span and TEXT[sim.row.span.start :].startswith(
        "sofia/gateway/carrier-b"
    )


def test_486_is_named_by_fail_on_single_reject() -> None:
    steps = walk(run(CARRIERS, 486))
    assert steps[1][2]["to"] == "USER_BUSY"
    assert steps[2][0] == "test-false"


def test_timeout_stops_the_hunt_without_originate_continue_on_timeout() -> None:
    steps = walk(run(CARRIERS, None, Local.TIMEOUT))
    assert steps[0][2]["local"] == "timeout"
    assert steps[1] == (
        "map",
        None,
        {"from": "timeout", "to": "NO_ANSWER", "by": "sofia", "note": "simulate_note_fs_timeout"},
    )
    assert steps[2][:2] == ("test-false", 9) and steps[2][2]["test"] == "originate_continue_on_timeout"
    assert steps[2][2]["note"] == "simulate_note_fs_timeout_stops"
    assert steps[-1][2]["outcome"] == "media"


def test_a_hunt_of_users_is_new_party_whatever_the_code() -> None:
    for code in (603, 486, 503):
        sim = run("user/1000|user/1001", code)
        assert walk(sim)[-1][2] == {"app": "bridge", "outcome": "new-party", "target": "user/1001"}
        assert dict(sim.facts)["simulate_fact_next_target"] == "user/1001"
        assert sim.row.outcome is Outcome.NEW_PARTY


def test_without_continue_on_fail_the_caller_is_hung_up_with_the_causes_code() -> None:
    """sip_ignore_remote_cause=true: hangup_cause_to_sip's code, not the one received."""
    sim = run("user/200", 603)
    assert walk(sim)[2:] == [
        (
            "test-false",
            25,
            {
                "app": "bridge",
                "test": "continue_on_fail",
                "value": "",
                "cause": "CALL_REJECTED",
                "note": "simulate_note_fs_stops",
            },
        ),
        (
            "map",
            25,
            {
                "from": "CALL_REJECTED",
                "to": "603",
                "by": "hangup_cause_to_sip",
                "note": "simulate_note_fs_cause_code",
            },
        ),
    ]
    assert (sim.row.outcome, sim.row.reply) == (Outcome.END, 603)
    # NO_ANSWER goes on by default, to `hangup USER_BUSY`: 486.
    timeout = walk(run("user/200", None, Local.TIMEOUT))
    assert timeout[2][0] == "test-true"
    assert timeout[3] == ("exit", 26, {"app": "hangup", "cause": "USER_BUSY"})
    assert timeout[4][2]["to"] == "486"


def test_failure_causes_lets_every_other_cause_go_on_and_passes_the_code_through() -> None:
    busy = run("user/300", 486)
    assert walk(busy)[-1] == (
        "map",
        33,
        {
            "from": "USER_BUSY",
            "to": "486",
            "by": "sofia_on_hangup",
            "passthrough": "true",
            "note": "outcome_note_fs_remote_code",
        },
    )
    declined = run("user/300", 603)
    assert walk(declined)[2][:2] == ("test-true", 33)
    assert walk(declined)[-1] == ("action", 34, {"app": "bridge", "args": "user/301", "outcome": "new-party"})


def test_cancel_and_redirect() -> None:
    cancelled = run("user/200", None, Local.CANCELLED)
    assert walk(cancelled)[-1] == (
        "exit",
        25,
        {"outcome": "end", "code": "487", "note": "simulate_note_fs_cancelled"},
    )
    redirected = run("user/200", 302)
    assert [k for k, _, _ in walk(redirected)] == ["enter", "map", "action"]
    assert redirected.row.outcome is Outcome.NEW_PARTY


def test_a_table_not_in_the_text_gives_none() -> None:
    table = tables()["user/200"]
    assert simulate("<include/>", "freeswitch", table, 603, None, ctx()) is None


def test_every_note_and_fact_has_english_and_russian_words() -> None:
    catalog = default_catalog()
    keys: set[str] = set()
    for name in tables():
        sims = [run(name, code) for code in (302, 404, 480, 486, 500, 503, 603)]
        sims += [run(name, None, case) for case in Local]
        for sim in sims:
            keys |= {v for s in sim.steps for k, v in s.values if k == "note"}
            keys |= {key for key, _ in sim.facts}
    assert keys
    for key in keys:
        assert key in catalog.headings["en"] and key in catalog.headings["ru"], key


def test_a_transfer_hands_the_call_on_and_a_respond_replies() -> None:
    busy = run("user/400", 486)
    assert walk(busy)[-1] == (
        "action",
        42,
        {
            "app": "transfer",
            "args": "vm-400 XML default",
            "outcome": "unknown",
            "note": "simulate_note_fs_handed_on",
        },
    )
    assert busy.row.outcome is Outcome.UNKNOWN
    gone = run("user/500", 604)
    assert walk(gone)[-1] == (
        "reply",
        49,
        {"app": "respond", "args": "503 Service Unavailable", "outcome": "reply", "code": "503"},
    )
    assert (gone.row.outcome, gone.row.reply) == (Outcome.REPLY, 503)


def test_a_busy_phone_ends_the_ring_group_at_once() -> None:
    """fail_on_single_reject=USER_BUSY: one 486 ends the `,` group, reported as NO_ANSWER."""
    busy = run("user/601,user/602|user/603", 486)
    steps = walk(busy)
    assert [(k, n) for k, n, _ in steps] == [
        ("enter", 56),
        ("map", None),
        ("test-false", 56),
        ("map", 56),
        ("test-true", 56),
        ("action", 57),
    ]
    assert steps[2][2]["note"] == "simulate_note_fs_group_rejected"
    assert steps[3][2] == {"from": "USER_BUSY", "to": "NO_ANSWER", "by": "originate"}
    assert steps[4][2]["cause"] == "NO_ANSWER"  # continue_on_fail unset: NO_ANSWER goes on
    assert busy.row.outcome is Outcome.MEDIA
    # Any other cause lets the group fail as a whole, then the `|` list goes on to user/603.
    other = run("user/601,user/602|user/603", 503)
    assert walk(other)[-1][2] == {"app": "bridge", "outcome": "new-party", "target": "user/603"}
