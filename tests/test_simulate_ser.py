"""Kamailio/OpenSIPS `simulate`: one status walked through a failure route, step by step.

The steps come from the same walker that builds the outcome table, run with one
code; the row a simulation ends in must be the table's row for that code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.dialects.common.block_cache import BlockCache
from sip_lsp.model import Local, Outcome, OutcomeTable, Simulation, StepKind

FIXTURES = Path(__file__).parent / "fixtures"
KAMAILIO = FIXTURES / "simulate" / "kamailio.cfg"
OPENSIPS = FIXTURES / "simulate" / "opensips.cfg"
REGISTERED_FINAL = sorted(c for c in default_catalog().codes if 300 <= c < 700)
T, F = StepKind.TEST_TRUE, StepKind.TEST_FALSE


def _table(path: Path, dialect: str, name: str | None = None) -> tuple[str, OutcomeTable]:
    text = path.read_text()
    tables = dialects.analyze(text, dialect, dialects.DialectContext(path=str(path))).outcome_tables
    return text, next(t for t in tables if name is None or t.name == name)


def simulate(
    path: Path, code: int | None, dialect: str = "kamailio", local: Local | None = None
) -> tuple[str, Simulation]:
    text, table = _table(path, dialect)
    sim = dialects.simulate(text, dialect, table, code, local, dialects.DialectContext(path=str(path)))
    assert sim is not None
    return text, sim


def steps(text: str, sim: Simulation) -> list[tuple[int | None, StepKind, str]]:
    """(line, kind, source text) of each step."""
    return [
        (
            None if s.span is None else text.count("\n", 0, s.span.start) + 1,
            s.kind,
            "" if s.span is None else text[s.span.start : s.span.end],
        )
        for s in sim.steps
    ]


def test_603_stops_at_the_6xx_guard_and_the_caller_gets_it():
    text, sim = simulate(KAMAILIO, 603)
    assert steps(text, sim) == [
        (15, StepKind.ENTER, "failure_route[CARRIER]"),
        (16, F, "t_is_canceled()"),
        (19, T, 't_check_status("6[0-9][0-9]")'),
        (20, StepKind.EXIT, "exit"),
    ]
    assert (sim.code, sim.local, sim.row.outcome, sim.row.reply) == (603, None, Outcome.FORWARD, None)
    assert sim.steps[0].values == (("status", "603"),)


def test_486_goes_to_voicemail_through_the_called_route():
    text, sim = simulate(KAMAILIO, 486)
    found = steps(text, sim)
    assert found[3] == (22, T, 't_check_status("486")')
    assert found[4] == (23, StepKind.CALL, "route(VOICEMAIL)")
    assert sim.steps[4].values == (("target", "route[VOICEMAIL]"),)
    assert found[5] == (11, StepKind.ACTION, "t_relay()")  # inside route[VOICEMAIL]
    assert dict(sim.steps[5].values)["outcome"] == "media"
    assert found[6] == (12, StepKind.EXIT, "exit")
    assert sim.row.outcome is Outcome.MEDIA
    assert text.count("\n", 0, sim.row.span.start) + 1 == 11


def test_503_fails_over_to_the_next_gateway():
    text, sim = simulate(KAMAILIO, 503)
    found = steps(text, sim)
    assert (25, F, "t_branch_timeout()") in found
    assert (25, T, 't_check_status("5[0-9][0-9]")') in found
    assert (26, T, "$T_reply_code == 503") in found
    nxt = found.index((29, StepKind.ACTION, "ds_next_dst()"))
    assert dict(sim.steps[nxt].values) == {
        "action": "ds_next_dst",
        "outcome": "retry-same",
        "note": "simulate_note_destination_left",
    }
    assert found[nxt + 1 :] == [(33, StepKind.ACTION, "t_relay()"), (34, StepKind.EXIT, "exit")]
    assert sim.row.outcome is Outcome.RETRY_SAME
    assert not any(k is StepKind.REPLY for _, k, _ in found)  # the no-gateway reply is not on this path


def test_timeout_is_the_branch_timeout_and_short_circuits_the_status_test():
    text, sim = simulate(KAMAILIO, None, local=Local.TIMEOUT)
    found = steps(text, sim)
    assert (sim.code, sim.local) == (408, Local.TIMEOUT)
    assert dict(sim.steps[0].values)["local"] == "timeout"
    assert (25, T, "t_branch_timeout()") in found
    assert not any(line == 25 and "t_check_status" in src for line, _, src in found)
    assert (26, F, "$T_reply_code == 503") in found
    assert sim.row.outcome is Outcome.RETRY_SAME


def test_cancelled_stops_at_the_cancel_guard():
    text, sim = simulate(KAMAILIO, None, local=Local.CANCELLED)
    assert steps(text, sim)[1:] == [(16, T, "t_is_canceled()"), (17, StepKind.EXIT, "exit")]
    assert (sim.code, sim.row.outcome) == (487, Outcome.FORWARD)


def test_an_undecidable_condition_shows_the_side_the_table_takes():
    text, sim = simulate(KAMAILIO, 404)
    found = steps(text, sim)
    assert found[-2:] == [
        (36, T, "isflagset(5)"),
        (37, StepKind.REPLY, 't_reply("480", "Temporarily Unavailable")'),
    ]
    assert sim.steps[-2].values == (("note", "simulate_note_undecided"),)
    assert sim.steps[-1].values == (("code", "480"),)
    assert (sim.row.outcome, sim.row.reply) == (Outcome.REPLY, 480)
    assert not any(k is StepKind.EXIT for _, k, _ in found)  # falling off the end is the other side


def test_opensips_refuses_the_relay_after_a_6xx_and_the_reply_runs():
    text, sim = simulate(OPENSIPS, 603, "opensips")
    found = steps(text, sim)
    assert (14, F, "case 486:") in found
    assert found[found.index((14, F, "case 486:")) + 1][:2] == (17, T)  # default:
    relay = found.index((22, StepKind.ACTION, "t_relay()"))
    assert ("note", "simulate_note_6xx_blocked") in sim.steps[relay].values
    assert found[relay + 1] == (23, StepKind.REPLY, 't_reply("500", "Failover failed")')
    assert (sim.row.outcome, sim.row.reply, sim.row.note) == (Outcome.REPLY, 500, "outcome_note_6xx_blocked")


def test_the_same_script_on_kamailio_really_fails_over_on_603():
    text, sim = simulate(OPENSIPS, 603, "kamailio")
    relay = steps(text, sim).index((22, StepKind.ACTION, "t_relay()"))
    assert all(key != "note" for key, _ in sim.steps[relay].values)
    assert sim.row.outcome is Outcome.RETRY_SAME
    assert not any(s.kind is StepKind.REPLY for s in sim.steps)


def test_a_status_switch_case_takes_its_code():
    text, sim = simulate(OPENSIPS, 486, "opensips")
    assert steps(text, sim)[2:4] == [
        (14, T, "case 486:"),
        (15, StepKind.REPLY, 't_reply("486", "Busy Here")'),
    ]
    assert (sim.row.outcome, sim.row.reply) == (Outcome.REPLY, 486)


def _fixture_files() -> list[tuple[Path, str]]:
    files = sorted((FIXTURES / "simulate").glob("*.cfg")) + sorted((FIXTURES / "table").glob("*.cfg"))
    files += sorted((FIXTURES / "ser").glob("*.cfg")) + sorted((FIXTURES / "rules").glob("SC3*.cfg"))
    return [(path, dialect) for path in files for dialect in ("kamailio", "opensips")]


@pytest.mark.parametrize(("path", "dialect"), _fixture_files(), ids=lambda v: getattr(v, "name", v))
def test_every_simulation_ends_in_the_tables_row(path, dialect):
    text = path.read_text()
    cache = BlockCache()  # one parse for the file's many walks
    tables = dialects.analyze(
        text, dialect, dialects.DialectContext(path=str(path), cache=cache)
    ).outcome_tables
    for table in tables:
        for code in REGISTERED_FINAL:
            ctx = dialects.DialectContext(path=str(path), cache=cache)
            sim = dialects.simulate(text, dialect, table, code, None, ctx)
            assert sim is not None and sim.row == table.row_for(code), (table.name, code)
            assert sim.steps[0].kind is StepKind.ENTER
        for case in (Local.TIMEOUT, Local.CANCELLED):
            ctx = dialects.DialectContext(path=str(path), cache=cache)
            sim = dialects.simulate(text, dialect, table, None, case, ctx)
            assert sim is not None and sim.row == table.row_for_local(case), (table.name, case)


def test_a_table_not_in_the_text_or_a_code_out_of_range_gives_none():
    text, table = _table(KAMAILIO, "kamailio")
    other = OPENSIPS.read_text()
    assert dialects.simulate(other, "kamailio", table, 603) is None
    assert dialects.simulate(text, "kamailio", table, 200) is None
    assert dialects.simulate(text, "kamailio", table, None) is None


def test_a_route_calling_itself_does_not_loop():
    text = (
        'route[AGAIN] {\n\troute(AGAIN);\n\tt_reply("500", "x");\n}\n'
        'failure_route[F] {\n\troute(AGAIN);\n}\nrequest_route {\n\tt_on_failure("F");\n\tt_relay();\n}\n'
    )
    tables = dialects.analyze(text, "kamailio").outcome_tables
    sim = dialects.simulate(text, "kamailio", tables[0], 503)
    assert sim is not None
    assert [s.kind for s in sim.steps] == [StepKind.ENTER, StepKind.CALL, StepKind.REPLY]
    assert (sim.row.outcome, sim.row.reply) == (Outcome.REPLY, 500)


@pytest.mark.parametrize("path", [KAMAILIO, OPENSIPS], ids=lambda p: p.name)
def test_cut_and_garbled_scripts_never_crash(path):
    whole = path.read_text()
    for cut in range(0, len(whole), 37):
        for text in (whole[:cut], whole[:cut] + "}" * 3, whole[:cut] + '(("' + whole[cut:]):
            for table in dialects.analyze(text, "kamailio").outcome_tables:
                for code, local in ((603, None), (None, Local.TIMEOUT)):
                    sim = dialects.simulate(text, "kamailio", table, code, local)
                    assert sim is None or sim.row in table.rows or sim.row.codes <= {code}
