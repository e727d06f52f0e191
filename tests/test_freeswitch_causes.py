"""FreeSWITCH cause table (catalogue) and the cause-list semantics built on it."""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects.freeswitch.causes import CauseTable, switch_true, tokens
from sip_lsp.model import FINAL_CODES


@pytest.fixture(scope="module")
def table() -> CauseTable:
    return CauseTable(default_catalog().engines["freeswitch"])


def test_sofia_maps_sip_codes_to_causes(table):
    engine = table.engine
    assert engine.cause_for_sip(604).name == "NO_ROUTE_DESTINATION"
    assert engine.cause_for_sip(487).name == "ORIGINATOR_CANCEL"
    assert engine.cause_for_sip(603).name == engine.cause_for_sip(608).name == "CALL_REJECTED"
    assert engine.cause_for_sip(699).name == "NORMAL_UNSPECIFIED"
    assert table.codes("USER_BUSY") == {486, 600}
    assert table.codes("NO_ROUTE_DESTINATION") == {485, 604}


def test_cause_numbers_and_reverse_map(table):
    engine = table.engine
    assert engine.cause("ORIGINATOR_CANCEL").number == 487
    assert engine.cause("user_busy").to_sip == 486
    assert engine.cause("DOES_NOT_EXIST_ANYWHERE").to_sip == 604
    assert engine.default_to_sip == 480
    assert engine.cause("603") is None  # a SIP code, not a cause number


def test_switch_true_reads_numbers_as_booleans():
    assert switch_true("true") and switch_true("YES") and switch_true("603") and switch_true("17")
    assert not switch_true("false") and not switch_true("0") and not switch_true("USER_BUSY")
    assert not switch_true(None) and not switch_true("")


def test_tokens_are_trimmed_with_positions():
    value = "USER_BUSY, NO_ANSWER ,'603'"
    assert [(t, value[a:b]) for t, a, b in tokens(value)] == [
        ("USER_BUSY", "USER_BUSY"),
        ("NO_ANSWER", "NO_ANSWER"),
        ("603", "603"),
    ]


def test_lookups_follow_each_matching_rule(table):
    assert table.exact("user_busy").name == "USER_BUSY"
    assert table.exact("17").name == "USER_BUSY"
    assert table.exact("017") is None and table.exact("TIMEOUT") is None
    assert table.str2cause("017").name == "USER_BUSY"  # atoi
    assert table.substring("XUSER_BUSY").name == "USER_BUSY"
    assert table.substring("BUSY") is None


def test_default_continue_is_no_answer_no_user_response_cancel(table):
    assert table.continuing(None, None) == {480, 487}


def test_continue_on_fail_list_true_and_numbers(table):
    assert table.continuing("USER_BUSY", None) == {486, 600}
    assert table.continuing("true", None) == FINAL_CODES
    assert table.continuing("603", None) == FINAL_CODES  # switch_true("603")
    assert table.continuing("false", None) == frozenset()
    assert table.continuing("TIMEOUT", None) == frozenset()
    assert table.continuing("USER_BUSY,41", None) == {486, 600, 400, 481, 500, 503}


def test_failure_causes_is_the_inverse(table):
    through = table.continuing(None, "USER_BUSY,CALL_REJECTED")
    assert 486 not in through and 603 not in through and 404 in through and 604 in through
    assert table.continuing("USER_BUSY", "USER_BUSY") >= {486, 600}


def test_fail_on_single_reject_substring_and_negation(table):
    assert table.hunt_goes_on(None) == FINAL_CODES
    assert table.hunt_goes_on("true") == FINAL_CODES  # only ends a `,` group early
    stop_busy = table.hunt_goes_on("USER_BUSY")
    assert 486 not in stop_busy and 600 not in stop_busy and 603 in stop_busy
    assert table.hunt_goes_on("!USER_BUSY") == {486, 600}
    assert 604 not in table.hunt_goes_on("NO_ROUTE_DESTINATION,CALL_REJECTED")
