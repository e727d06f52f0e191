"""The engines' call-outcome facts in the catalogue say what their sources do (docs/engine-semantics.md)."""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog


@pytest.fixture(scope="module")
def engines():
    return default_catalog().to_data()["engines"]


def _rank(priority: dict, code: int, cancelled: bool = False) -> int:
    """tm's rank for `code`: the first range it falls in; lower wins."""
    for r in priority["ranks"]:
        if r["from"] <= code <= r["to"]:
            if cancelled and "cancelled_rank" in r:
                return r["cancelled_rank"]
            return r["rank"] + (code % 100 if r.get("plus_xx") else 0)
    raise AssertionError(f"{code} has no rank")


def _winner(priority: dict, codes: list[int], cancelled: bool = False) -> int:
    return min(codes, key=lambda c: _rank(priority, c, cancelled))


@pytest.mark.parametrize(
    ("engine", "codes", "cancelled", "winner"),
    [
        ("kamailio", [503, 603, 404], False, 603),  # get_prio: 6xx 1000+xx
        ("kamailio", [487, 404], True, 404),  # 4xx: 4100+xx, no cancel bonus
        ("kamailio", [500, 408], False, 408),  # 4xx before 5xx
        ("kamailio", [486, 407], False, 407),  # get_4xx_prio: challenges first
        ("opensips", [500, 408], False, 500),  # branch_prio: 408 800, 5xx 700+xx
        ("opensips", [503, 408], False, 408),  # 503 801, last
        ("opensips", [487, 404, 302], True, 487),  # cancelled 487 ranks 0
        ("opensips", [604, 302, 401], False, 604),
    ],
)
def test_reply_priority_picks_the_winner_tm_picks(engines, engine, codes, cancelled, winner):
    assert _winner(engines[engine]["reply_priority"], codes, cancelled) == winner


def test_every_final_failure_has_a_rank(engines):
    for name in ("kamailio", "opensips"):
        for code in range(300, 700):
            _rank(engines[name]["reply_priority"], code)


def test_6xx_blocks_new_branches_only_on_opensips(engines):
    assert engines["kamailio"]["semantics"]["six_xx_blocks_new_branches"]["value"] is False
    assert engines["opensips"]["semantics"]["six_xx_blocks_new_branches"]["value"] is True


def test_status_regex_is_unanchored_and_timeout_is_408_everywhere(engines):
    for name in ("kamailio", "opensips"):
        facts = engines[name]["semantics"]
        assert facts["status_regex_anchored"]["value"] is False
        assert facts["local_timeout_code"]["value"] == 408
        assert facts["cancelled_code"]["value"] == 487
        assert facts["failure_route_end_forwards_winning_reply"]["value"] is True


def test_every_fact_names_its_source(engines):
    for name, engine in engines.items():
        for key, fact in engine.get("semantics", {}).items():
            assert fact["source"].strip(), f"{name}.{key}"
            assert "@" in fact["source"], f"{name}.{key} names no commit"


def test_asterisk_unmapped_cause_sends_decline_and_chan_sip_lacks_302(engines):
    asterisk = engines["asterisk"]
    assert asterisk["semantics"]["unmapped_cause_sends"]["value"] == 603
    normal = next(c for c in asterisk["causes"] if c["number"] == 16)
    assert normal.get("to_sip") is None  # hangup_cause2sip has no entry: 603
    redirected = next(c for c in asterisk["causes"] if c["number"] == 23)
    assert (redirected["to_sip"], redirected["to_sip_chan_sip"]) == (302, 603)
    interworking = next(c for c in asterisk["causes"] if c["number"] == 127)
    assert 481 in interworking["from_sip"]


def test_freeswitch_passes_the_remote_code_and_routes_before_bridging(engines):
    facts = engines["freeswitch"]["semantics"]
    assert facts["remote_sip_code_passthrough"]["value"] is True
    assert facts["conditions_evaluated_at_routing"]["value"] is True
    assert facts["actions_outside_condition_run"]["value"] is False
    assert set(facts["default_continue_causes"]["value"]) == {
        "NO_ANSWER",
        "NO_USER_RESPONSE",
        "ORIGINATOR_CANCEL",
    }
