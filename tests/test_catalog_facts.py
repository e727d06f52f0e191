"""Facts the catalogue's prose must keep, each read in its source (issue 15).

The sources: RFC text (section named in each test), FreeSWITCH mod_sofia.c
sofia_on_hangup (the other leg's SIP code passes through unless
sip_ignore_remote_cause), Asterisk chan_pjsip.c hangup_cause2sip, Kamailio
tm/t_reply.c and the disable_6xx_block docs, OpenSIPS tm/t_reply.c and t_fwd.c.
"""

from __future__ import annotations

import re

import pytest

from sip_lsp import render
from sip_lsp.catalog import default_catalog

CATALOG = default_catalog()
PROSE = ("summary", "description", "when_seen", "how_to_fix")


def _text(code: int, fields: tuple[str, ...] = PROSE) -> str:
    entry = CATALOG.code(code)
    return " ".join(getattr(entry, f) for f in fields)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;])\s+", " ".join(text.split()))


def _required(code: int) -> dict[str, str]:
    return {h.name: f"{h.rfc} {h.when}" for h in CATALOG.code(code).headers_required}


# ---------------------------------------------------------------- engines (item 1)

# Codes whose prose once claimed FreeSWITCH turns them into another code on the way out.
RELAYED = (480, 500, 502, 504, 600, 603, 604, 606, 607, 608)
REMAP = re.compile(r"relay\w*\s+(it\s+)?as\s+\d{3}|arrives\s+as\s+\d{3}|relayed\s+through\s+FreeSWITCH", re.I)


@pytest.mark.parametrize("code", RELAYED)
def test_no_prose_claims_freeswitch_relays_a_code_as_another(code):
    for sentence in _sentences(_text(code)):
        if "FreeSWITCH" in sentence:
            assert not REMAP.search(sentence), f"{code}: {sentence}"


@pytest.mark.parametrize("code", (480, 500, 502, 600, 604, 606, 608))
def test_freeswitch_passes_the_other_legs_code_through(code):
    said = [s for s in _sentences(_text(code)) if "FreeSWITCH" in s]
    assert any("pass" in s for s in said), f"{code}: {said}"


def test_the_override_switch_is_named_where_the_cause_code_differs():
    # FreeSWITCH sends its cause's own code only with sip_ignore_remote_cause=true:
    # 480 -> NO_USER_RESPONSE -> 408, 608 -> CALL_REJECTED -> 603 (hangup_cause_to_sip).
    for code in (480, 500, 502, 604, 608):
        assert "sip_ignore_remote_cause" in _text(code), code


def test_asterisk_remaps_through_its_cause_table():
    assert re.search(r"Asterisk.*403", _text(603))
    assert re.search(r"Asterisk.*(486|busy)", _text(600), re.I)
    assert "603" in _text(504), "RECOVERY_ON_TIMER_EXPIRE has no SIP code in chan_pjsip: 603"


# ---------------------------------------------------------------- RFC facts (items 2-6, 10, 11)


def test_a_location_lookup_that_times_out_is_408():
    # RFC 3261 §21.4.9 gives it as 408's example; §21.5.5 is an external server's silence.
    assert "location" in CATALOG.code(408).description
    assert "location service" not in _text(504)
    for contrast in CATALOG.code(408).contrast + CATALOG.code(504).contrast:
        if contrast.code in (408, 504):
            assert "location" not in contrast.difference.split(";")[-1], contrast


def test_438_does_not_claim_a_stale_iat():
    # RFC 8224 §6.2.2: a stale Date or iat gets 403 "Stale Date", not 438.
    for sentence in _sentences(CATALOG.code(438).when_seen):
        if "iat" in sentence:
            assert "403" in sentence, sentence


def test_494_answers_a_request_that_contains_sec_agree():
    # RFC 3329 §2.3.1: an unprotected request WITH Require/Proxy-Require: sec-agree.
    text = _text(494)
    assert "without `sec-agree`" not in text and "without Security-Client" not in text
    assert re.search(r"contains Require or Proxy-Require:\s+sec-agree", text)
    assert "Security-Verify" in text


def test_200_to_register_must_list_the_bindings_in_contact():
    # RFC 3261 §10.3 step 8.
    assert any(
        h.name == "Contact" and "§10.3" in h.rfc and "REGISTER" in h.when
        for h in CATALOG.code(200).headers_required
    )
    assert not any(h.name == "Contact" for h in CATALOG.code(200).headers_recommended)


@pytest.mark.parametrize("code", (180, 183))
def test_reliable_provisionals_require_100rel_and_rseq(code):
    # RFC 3262 §3.
    required = _required(code)
    assert "100rel" in required["Require"] and "RFC 3262 §3" in required["Require"]
    assert "RFC 3262 §3" in required["RSeq"]


def test_199_carries_reason_and_only_reaches_callers_that_support_it():
    # RFC 6228 §5-6: Reason is a MUST; no 199 unless the INVITE had Supported: 199.
    assert "Reason" in _required(199)
    assert "treats it as 183" not in _text(199)
    assert "Supported: 199" in CATALOG.code(199).description


def test_202_points_to_the_notify_for_the_outcome():
    text = _text(202, ("when_seen", "how_to_fix"))
    assert "Asterisk" in text and "REFER with 202" in text
    assert "NOTIFY" in text and "sipfrag" in text


def test_smaller_errors():
    assert "should update" in CATALOG.code(301).description  # §21.3.2 SHOULD
    for text in (CATALOG.code(402).how_to_fix, *(c.choose for c in CATALOG.code(402).contrast)):
        assert "keep 402" not in text and "402 only for" not in text, text
    assert CATALOG.code(489).rfc == "RFC 6665 §8.3.2"
    assert "sip.608" in _text(608) and "announcement" in _text(608)  # RFC 8688 §3.3-3.5
    assert "BYE" in _text(607) and "authenticated" in _text(607)  # RFC 8197 §4, §6


# ---------------------------------------------------------------- rules (item 7)


@pytest.mark.parametrize("rule_id", ("SC301", "SC305"))
def test_6xx_block_is_described_per_engine(rule_id):
    why = " ".join(CATALOG.rule(rule_id).why.split())
    assert "Kamailio" in why and "OpenSIPS" in why
    assert "Kamailio and OpenSIPS tm refuse" not in why
    assert "tm module of Kamailio and OpenSIPS blocks" not in why


def test_sc301_says_kamailio_still_forks_from_a_failure_route():
    why = " ".join(CATALOG.rule("SC301").why.split())
    kamailio = why[why.index("Kamailio") : why.index("OpenSIPS")]
    assert "failure_route" in kamailio and "fails" not in kamailio
    assert "fails" in why[why.index("OpenSIPS") :]


# ---------------------------------------------------------------- render (items 8, 9)

NO_CAUSE = (100, 180, 181, 182, 183, 199, 202, 204)


@pytest.mark.parametrize("code", NO_CAUSE)
def test_codes_that_end_no_call_attempt_show_no_hangup_cause(code):
    md = render.code_markdown(CATALOG.code(code), CATALOG)
    assert "### Cause mappings" not in md
    assert "NORMAL_UNSPECIFIED" not in md and "NORMAL_CLEARING" not in md


def test_an_explicit_cause_still_shows_and_failures_still_fall_back():
    assert "NORMAL_CLEARING" in render.code_markdown(CATALOG.code(200), CATALOG)
    assert "### Cause mappings" not in render.unregistered_markdown(150, CATALOG)
    unregistered = render.unregistered_markdown(499, CATALOG)
    assert "### Cause mappings" in unregistered and "INTERWORKING" in unregistered


def _retry_section(code: int) -> str:
    md = render.code_markdown(CATALOG.code(code), CATALOG)
    return md.split("### Retry and failover", 1)[1].split("###", 1)[0]


@pytest.mark.parametrize("code", (380, 405, 481, 482, 483))
def test_do_not_failover_advice_does_not_call_every_answer_a_user_answer(code):
    assert "about this user" not in _retry_section(code)


@pytest.mark.parametrize("code", (600, 603, 604, 606, 607, 608))
def test_6xx_advice_does_not_talk_about_cancellation(code):
    advice = _retry_section(code).lower()
    assert "487" not in advice and "cancel" not in advice


@pytest.mark.parametrize("name", sorted(CATALOG.retry_classes))
def test_class_advice_names_no_single_member(name):
    # Advice shared by a class is true for every member, so it names none of them.
    advice = CATALOG.retry_classes[name].advice
    assert not re.search(r"(?<![\d.§])[1-6]\d\d(?![\d.])", advice), advice


# ---------------------------------------------------------------- references (review pass)


def test_every_entry_cites_a_section():
    unsectioned = sorted(c for c, e in CATALOG.codes.items() if "§" not in e.rfc)
    assert unsectioned == [], unsectioned
