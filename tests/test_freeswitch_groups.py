"""FreeSWITCH `,` groups in bridge strings: the group fails as a whole (switch_ivr_originate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.model import Local, Outcome, OutcomeTable

FIXTURE = Path(__file__).parent / "fixtures" / "freeswitch" / "comma-groups.xml"
GROUP = "outcome_note_fs_group"
SINGLE = "outcome_note_fs_single_reject"


@pytest.fixture(scope="module")
def tables() -> dict[str, tuple[str, OutcomeTable]]:
    text = FIXTURE.read_text()
    got = analyze(text, "freeswitch", DialectContext())
    return {t.block or "": (text, t) for t in got.outcome_tables}


def _at(text: str, table: OutcomeTable, code: int | Local) -> tuple[Outcome, str, str]:
    row = table.row_for(code) if isinstance(code, int) else table.row_for_local(code)
    assert row is not None
    where = text[row.span.start : row.span.end] if row.span else ""
    return row.outcome, row.note, where


def test_every_code_lands_in_one_row(tables) -> None:
    for _, table in tables.values():
        assert sorted(c for r in table.rows for c in r.codes) == list(range(300, 700))
        assert sorted(x for r in table.rows for x in r.local) == sorted(Local)


def test_the_next_element_runs_once_the_whole_group_failed(tables) -> None:
    text, table = tables["ring-all-then-next"]
    assert _at(text, table, 486) == (Outcome.NEW_PARTY, GROUP, "user/1002")
    assert _at(text, table, 604) == (Outcome.NEW_PARTY, GROUP, "user/1002")
    outcome, note, _ = _at(text, table, Local.TIMEOUT)
    assert (outcome, note) == (Outcome.END, "")  # a timeout stops the | list, no group note


def test_a_group_alone_decides_by_its_first_legs_cause(tables) -> None:
    text, table = tables["group-then-voicemail"]
    assert _at(text, table, 486)[:2] == (Outcome.END, GROUP)  # USER_BUSY does not continue
    outcome, note, where = _at(text, table, 480)  # NO_USER_RESPONSE continues by default
    assert (outcome, note) == (Outcome.MEDIA, GROUP) and where.startswith('<action application="voicemail"')


def test_fail_on_single_reject_on_a_group_reports_no_answer_and_goes_on(tables) -> None:
    text, table = tables["group-single-reject"]
    outcome, note, where = _at(text, table, 486)
    # one 486 ends the group as NO_ANSWER: the hunt stops, NO_ANSWER continues the dialplan
    assert (outcome, note) == (Outcome.MEDIA, SINGLE) and "voicemail" in where
    assert _at(text, table, 404) == (Outcome.NEW_PARTY, GROUP, "user/1002")


def test_fail_on_single_reject_on_one_leg_stops_with_its_cause(tables) -> None:
    text, table = tables["leg-single-reject"]
    outcome, note, _ = _at(text, table, 486)
    assert (outcome, note) == (Outcome.END, "outcome_note_fs_remote_code")  # USER_BUSY: no continue
    assert _at(text, table, 404)[:2] == (Outcome.NEW_PARTY, "")


def test_a_true_fail_on_single_reject_ends_the_group_but_not_the_list(tables) -> None:
    text, table = tables["group-reject-true"]
    assert _at(text, table, 486) == (Outcome.NEW_PARTY, SINGLE, "user/1002")
    # a leg that cannot be created ends the whole originate: no hunt to user/1002
    row = table.row_for_local(Local.NO_DESTINATION)
    assert row is not None and (row.outcome, row.reply) == (Outcome.END, 480)


def test_carriers_rung_at_once_then_another_carrier_is_a_retry(tables) -> None:
    text, table = tables["carriers-in-parallel"]
    assert _at(text, table, 503) == (Outcome.RETRY_SAME, GROUP, "sofia/gateway/c/$1")
    got = analyze(FIXTURE.read_text(), "freeswitch", DialectContext())
    retries = [s for s in got.failover_sites if s.destination is Outcome.RETRY_SAME]
    assert [text[s.span.start : s.span.end] for s in retries] == ["sofia/gateway/c/$1"]
