"""`simulate` on Asterisk dialplans: one status through a Dial() and the priorities after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze, simulate
from sip_lsp.model import Local, Outcome, OutcomeTable, Simulation, Step, StepKind

FIXTURE = Path(__file__).parent / "fixtures" / "simulate" / "extensions.conf"
TEXT = FIXTURE.read_text()
REGISTERED = sorted(c for c in default_catalog().codes if 300 <= c <= 699)
CAUSE = {"by": "chan_pjsip", "note": "simulate_note_ast_cause"}
DIALSTATUS = {"by": "app_dial", "note": "simulate_note_ast_dialstatus"}
HANGUPCAUSE = {"by": "app_dial", "note": "simulate_note_ast_hangupcause"}
SENDS = {"by": "chan_pjsip", "note": "simulate_note_ast_hangup_sends"}


def ctx() -> DialectContext:
    return DialectContext(path=str(FIXTURE))


def tables() -> dict[str, OutcomeTable]:
    return {t.name: t for t in analyze(TEXT, "asterisk", ctx()).outcome_tables}


def run(name: str, code: int | None, local: Local | None = None) -> Simulation:
    sim = simulate(TEXT, "asterisk", tables()[name], code, local, ctx())
    assert sim is not None
    return sim


def line(step: Step) -> int | None:
    return TEXT.count("\n", 0, step.span.start) + 1 if step.span is not None else None


def walk(sim: Simulation) -> list[tuple[str, int | None, dict[str, str]]]:
    return [(s.kind.value, line(s), dict(s.values)) for s in sim.steps]


def stops(sim: Simulation) -> list[Step]:
    """The steps where the walk stopped: another Dial, a media application, the end of the call."""
    return [
        s for s in sim.steps if s.kind in (StepKind.ACTION, StepKind.EXIT) and "outcome" in dict(s.values)
    ]


@pytest.mark.parametrize("name", sorted(tables()))
def test_every_registered_code_ends_in_the_tables_row(name: str) -> None:
    table = tables()[name]
    for code in REGISTERED:
        sim = run(name, code)
        row = table.row_for(code)
        assert sim.row == row, code
        assert sim.steps[0].kind is StepKind.ENTER and sim.steps[0].span == table.span
        if row.outcome is not Outcome.UNKNOWN:
            # The walk stops where the row says, with the row's outcome and code.
            last = stops(sim)[-1]
            assert dict(last.values)["outcome"] == row.outcome.value, code
            if row.span is not None:
                assert last.span == row.span, code
            if row.outcome is Outcome.END:
                assert sim.steps[-1].kind is StepKind.MAP
                assert dict(sim.steps[-1].values)["to"] == str(row.reply), code
    for case in Local:
        assert run(name, None, case).row == table.row_for_local(case)


def test_603_to_a_carrier_is_rejected_and_hangup_sends_403() -> None:
    sim = run("PJSIP/${EXTEN}@carrier-a", 603)
    assert walk(sim) == [
        ("enter", 5, {"app": "Dial", "target": "PJSIP/${EXTEN}@carrier-a", "status": "603"}),
        ("map", None, {**CAUSE, "from": "603", "to": "CALL_REJECTED (21)"}),
        ("map", None, {**DIALSTATUS, "from": "CALL_REJECTED (21)", "to": "DIALSTATUS=CHANUNAVAIL"}),
        ("map", None, {**HANGUPCAUSE, "from": "CALL_REJECTED (21)", "to": "HANGUPCAUSE=21"}),
        ("test-false", 6, {"app": "GotoIf", "test": '$["${DIALSTATUS}" = "BUSY"]'}),
        (
            "test-false",
            7,
            {"app": "GotoIf", "test": '$["${DIALSTATUS}" = "CONGESTION" | "${HANGUPCAUSE}" = "38"]'},
        ),
        ("exit", 8, {"app": "Hangup", "args": "", "outcome": "end"}),
        ("map", 8, {**SENDS, "from": "CALL_REJECTED (21)", "to": "403"}),
    ]
    assert (sim.row.outcome, sim.row.reply) == (Outcome.END, 403)
    facts = dict(sim.facts)
    assert facts["simulate_fact_dialstatus_pjsip"] == facts["simulate_fact_dialstatus_sip"] == "CHANUNAVAIL"
    assert facts["simulate_fact_hangupcause_pjsip"] == facts["simulate_fact_hangupcause_sip"] == "21"


def test_486_is_busy_and_plays_an_announcement() -> None:
    sim = run("PJSIP/${EXTEN}@carrier-a", 486)
    assert [(k, n) for k, n, _ in walk(sim)][4:] == [
        ("test-true", 6),
        ("call", 6),
        ("action", 11),
    ]
    assert walk(sim)[5][2] == {"app": "GotoIf", "target": "busy", "exten": "_X."}
    assert sim.row.outcome is Outcome.MEDIA
    assert dict(sim.facts)["simulate_fact_dialstatus_pjsip"] == "BUSY"
    assert dict(sim.facts)["simulate_fact_hangupcause_pjsip"] == "17"


def test_503_goes_to_the_other_carrier_as_retry_same() -> None:
    sim = run("PJSIP/${EXTEN}@carrier-a", 503)
    kinds = [(k, n) for k, n, _ in walk(sim)]
    assert kinds[4:] == [("test-false", 6), ("test-true", 7), ("call", 7), ("action", 9)]
    assert walk(sim)[-1][2]["outcome"] == "retry-same"
    assert sim.row.outcome is Outcome.RETRY_SAME
    assert dict(sim.facts)["simulate_fact_dialstatus_pjsip"] == "CONGESTION"


def test_timeout_is_noanswer_without_a_cause_and_hangup_falls_back_to_603() -> None:
    sim = run("PJSIP/${EXTEN}@carrier-a", None, Local.TIMEOUT)
    steps = walk(sim)
    assert steps[0][2]["local"] == "timeout"
    assert steps[1] == (
        "map",
        None,
        {
            "from": "timeout",
            "to": "DIALSTATUS=NOANSWER",
            "by": "app_dial",
            "note": "simulate_note_ast_timeout",
        },
    )
    assert steps[2] == (
        "map",
        None,
        {"from": "timeout", "to": "HANGUPCAUSE=0", "by": "app_dial", "note": "simulate_note_ast_no_cause"},
    )
    # Hangup() sets cause 16, which chan_pjsip's hangup_cause2sip does not list: 603.
    assert steps[-1] == (
        "map",
        8,
        {
            "from": "NORMAL_CLEARING (16)",
            "to": "603",
            "by": "chan_pjsip",
            "default": "603",
            "note": "simulate_note_ast_unmapped",
        },
    )
    assert (sim.row.outcome, sim.row.reply) == (Outcome.END, 603)
    assert dict(sim.facts)["simulate_fact_hangupcause_pjsip"] == "0"


def test_cancel_ends_the_dialplan_with_487() -> None:
    sim = run("PJSIP/${EXTEN}@carrier-a", None, Local.CANCELLED)
    assert [k for k, _, _ in walk(sim)] == ["enter", "map", "exit"]
    assert dict(sim.steps[-1].values) == {"outcome": "end", "code": "487"}


def test_a_hunt_through_a_subroutine_is_new_party() -> None:
    sim = run("PJSIP/alice", 486)
    steps = walk(sim)
    assert [(k, n) for k, n, _ in steps][4:] == [
        ("call", 17),  # Gosub(check-status,s,1)
        ("test-false", 30),  # ExecIf(CHANUNAVAIL?Hangup(21)) does not hold for BUSY
        ("call", 31),  # Return()
        ("action", 18),  # Dial(PJSIP/bob)
    ]
    assert steps[6][2] == {"app": "Return", "target": "office,100", "note": "simulate_note_ast_return"}
    assert steps[-1][2] == {"app": "Dial", "args": "PJSIP/bob,15", "outcome": "new-party"}
    assert sim.row.outcome is Outcome.NEW_PARTY


def test_dialstatus_dispatch_names_the_handler_reached() -> None:
    busy = walk(run("PJSIP/carol", 486))
    assert busy[4] == ("call", 23, {"app": "Goto", "target": "s-BUSY,1", "exten": "s-BUSY"})
    assert busy[-1] == (
        "map",
        24,
        {"from": "Busy(5)", "to": "486", "by": "Busy", "note": "simulate_note_ast_app_sends"},
    )
    congestion = walk(run("PJSIP/carol", 503))
    assert congestion[4][2]["exten"] == "s-CONGESTION"
    assert congestion[-1][2]["to"] == "503"


def test_chan_sip_maps_a_redirect_otherwise() -> None:
    """chan_sip's hangup_sip2cause has no 302: NORMAL_CLEARING, so NOANSWER (chan_pjsip: 23, CHANUNAVAIL)."""
    facts = dict(run("PJSIP/carol", 302).facts)
    assert (facts["simulate_fact_dialstatus_pjsip"], facts["simulate_fact_hangupcause_pjsip"]) == (
        "CHANUNAVAIL",
        "23",
    )
    assert (facts["simulate_fact_dialstatus_sip"], facts["simulate_fact_hangupcause_sip"]) == (
        "NOANSWER",
        "16",
    )


def test_a_table_not_in_the_text_gives_none() -> None:
    table = tables()["PJSIP/carol"]
    assert simulate("[x]\nexten => 1,1,NoOp()\n", "asterisk", table, 603, None, ctx()) is None


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


def test_hangup_with_a_cause_sends_that_causes_code() -> None:
    """Hangup(34) after the second carrier: chan_pjsip sends 503 whatever the callee said."""
    sim = run("PJSIP/${EXTEN}@carrier-b", 603)
    assert walk(sim)[-2:] == [
        ("exit", 10, {"app": "Hangup", "args": "34", "outcome": "end"}),
        ("map", 10, {**SENDS, "from": "NORMAL_CIRCUIT_CONGESTION (34)", "to": "503"}),
    ]
    assert (sim.row.outcome, sim.row.reply) == (Outcome.END, 503)


def test_a_test_the_status_does_not_decide_walks_both_branches() -> None:
    sim = run("PJSIP/dave", 603)
    tests = [(k, n, v.get("note")) for k, n, v in walk(sim) if k.startswith("test")]
    either = "simulate_note_ast_either"
    assert sorted(tests) == [("test-false", 36, either), ("test-true", 36, either)]
    assert sim.row.outcome is Outcome.UNKNOWN  # one branch hangs up, the other rings erin
    stopped = {dict(s.values)["outcome"] for s in stops(sim)}
    assert stopped == {"end", "new-party"}


def test_ael_is_walked_as_compiled() -> None:
    """extensions.ael: pbx_ael's priorities (ael_steps), its made-up labels not shown as jumps."""
    path = FIXTURE.with_suffix(".ael")
    text = path.read_text()
    [alice, _] = analyze(text, "asterisk", DialectContext(path=str(path))).outcome_tables
    assert alice.name == "PJSIP/alice"

    def steps(code: int) -> list[tuple[str, int | None]]:
        sim = simulate(text, "asterisk", alice, code, None, DialectContext(path=str(path)))
        assert sim is not None and sim.row == alice.row_for(code)
        return [(s.kind.value, text.count("\n", 0, s.span.start) + 1 if s.span else None) for s in sim.steps]

    assert steps(486)[4:] == [("test-true", 5), ("action", 6)]
    assert steps(603)[4:] == [("test-false", 5), ("exit", 8), ("map", 8)]
    for code in REGISTERED:
        sim = simulate(text, "asterisk", alice, code, None, DialectContext(path=str(path)))
        assert sim is not None and sim.row == alice.row_for(code)
