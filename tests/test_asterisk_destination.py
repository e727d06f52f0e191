"""Whom a Dial() after a failed one calls: the same party again, another, or unknown (issue 13)."""

from __future__ import annotations

import pytest

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.dialects.asterisk.party import destination, parties, party
from sip_lsp.model import Outcome


def sites(text: str) -> dict[str, Outcome]:
    analysis = analyze(text, "asterisk", DialectContext(path="/ws/extensions.conf"))
    return {text[s.span.start : s.span.end]: s.destination for s in analysis.failover_sites}


@pytest.mark.parametrize(
    "device, key",
    [
        ("PJSIP/alice", "alice"),
        ("PJSIP/5551234@carrier", "5551234"),
        ("PJSIP/${EXTEN}@carrier", "${EXTEN}"),
        ("PJSIP/9${EXTEN:1}@carrier", "${EXTEN}"),
        ("PJSIP/carrier/sip:5551234@10.0.0.1", "5551234"),
        ("SIP/carrier/5551234", "5551234"),
        ("SIP/5551234@carrier", "5551234"),
        ("SIP/bob", "bob"),
        ("IAX2/user:secret@provider", "provider"),
        ("IAX2/provider/5551234@ctx", "5551234"),
        ("DAHDI/g1/5551234", "5551234"),
        ("Local/201@internal/n", "201"),
        ("${TRUNK}/${EXTEN}", "${EXTEN}"),
        ("PJSIP/${NUMBER}@carrier", None),
        ("${FORWARD_TO}", None),
        ("", None),
    ],
)
def test_the_party_of_a_device(device: str, key: str | None) -> None:
    assert party(device) == key


def test_a_literal_extension_binds_exten() -> None:
    assert parties("PJSIP/${EXTEN}@a,30", "100", None) == {"100"}
    assert parties("PJSIP/${ARG1}@${ARG2}", "s", ("alice", "office")) == {"alice"}


@pytest.mark.parametrize(
    "before, after, outcome",
    [
        ({"${EXTEN}"}, {"${EXTEN}"}, Outcome.RETRY_SAME),
        ({"alice"}, {"bob"}, Outcome.NEW_PARTY),
        ({"alice", "bob"}, {"bob"}, Outcome.RETRY_SAME),
        ({"alice"}, {None}, Outcome.UNKNOWN),
        ({None}, {"alice"}, Outcome.UNKNOWN),
    ],
)
def test_destination(before, after, outcome) -> None:
    assert destination(before, after) is outcome


def test_carrier_pair_is_a_retry_and_the_hunt_is_not() -> None:
    found = sites(
        "[in]\n"
        "exten => 100,1,Dial(PJSIP/alice,15)\n"
        " same => n,Dial(PJSIP/bob,15)\n"
        "[out]\n"
        "exten => _1NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@carrier-a,60)\n"
        " same => n,Dial(PJSIP/${EXTEN}@carrier-b,60)\n"
    )
    assert found == {
        "Dial(PJSIP/bob,15)": Outcome.NEW_PARTY,
        "Dial(PJSIP/${EXTEN}@carrier-b,60)": Outcome.RETRY_SAME,
    }


def test_a_literal_number_through_two_trunks() -> None:
    found = sites("[out]\nexten => 911,1,Dial(SIP/trunk-a/911)\n same => n,Dial(PJSIP/911@trunk-b)\n")
    assert found == {"Dial(PJSIP/911@trunk-b)": Outcome.RETRY_SAME}


def test_exten_of_a_literal_extension_is_its_name() -> None:
    found = sites("[in]\nexten => 100,1,Dial(PJSIP/${EXTEN})\n same => n,Dial(PJSIP/101)\n")
    assert found == {"Dial(PJSIP/101)": Outcome.NEW_PARTY}


def test_a_subroutine_called_for_two_users_is_a_hunt() -> None:
    found = sites(
        "[in]\n"
        "exten => 400,1,Gosub(trunk,s,1(alice,office))\n"
        " same => n,Gosub(trunk,s,1(bob,office))\n"
        "[trunk]\n"
        "exten => s,1,Dial(PJSIP/${ARG1}@${ARG2},30)\n"
        " same => n,Return()\n"
    )
    assert found == {"Dial(PJSIP/${ARG1}@${ARG2},30)": Outcome.NEW_PARTY}


def test_a_subroutine_called_twice_with_the_same_number_is_a_retry() -> None:
    found = sites(
        "[out]\n"
        "exten => _8NXXXXXX,1,Gosub(trunk,s,1(${EXTEN},carrier-a))\n"
        " same => n,Gosub(trunk,s,1(${EXTEN},carrier-b))\n"
        "[trunk]\n"
        "exten => s,1,Dial(PJSIP/${ARG1}@${ARG2},30)\n"
        " same => n,Return()\n"
    )
    assert found == {"Dial(PJSIP/${ARG1}@${ARG2},30)": Outcome.RETRY_SAME}


def test_a_macro_frame_binds_its_arguments() -> None:
    found = sites(
        "[out]\n"
        "exten => _X.,1,Macro(dialout,${EXTEN})\n"
        "[macro-dialout]\n"
        "exten => s,1,Dial(SIP/a/${ARG1})\n"
        " same => n,Dial(SIP/b/${ARG1})\n"
        " same => n,Dial(SIP/c/${ARG2})\n"
    )
    assert found["Dial(SIP/b/${ARG1})"] is Outcome.RETRY_SAME
    assert found["Dial(SIP/c/${ARG2})"] is Outcome.UNKNOWN  # ARG2 unbound: may be the same number


def test_a_variable_target_is_unknown() -> None:
    found = sites("[in]\nexten => 300,1,Dial(PJSIP/alice,15)\n same => n,Dial(${FORWARD_TO},15)\n")
    assert found == {"Dial(${FORWARD_TO},15)": Outcome.UNKNOWN}


def test_execif_dial_is_judged_by_its_target() -> None:
    found = sites(
        "[out]\n"
        "exten => _X.,1,Dial(PJSIP/${EXTEN}@a)\n"
        ' same => n,ExecIf($["${DIALSTATUS}" = "CONGESTION"]?Dial(PJSIP/${EXTEN}@b))\n'
        ' same => n,ExecIf($["${DIALSTATUS}" = "BUSY"]?Dial(PJSIP/operator))\n'
    )
    assert set(found.values()) == {Outcome.RETRY_SAME, Outcome.NEW_PARTY}
