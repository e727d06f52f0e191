"""Guards the Asterisk flow follows: ExecIf's false branch, OR-ed cause tests, DIALSTATUS copies."""

from __future__ import annotations

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.dialects.asterisk.engine import tables

T = tables(default_catalog())


def reached(text: str) -> dict[str, frozenset[int]]:
    analysis = analyze(text, "asterisk", DialectContext(path="/ws/extensions.conf"))
    return {text[s.span.start : s.span.end]: s.codes for s in analysis.failover_sites}


OUT = "[out]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@a,30)\n"
RETRY = " same => n,Dial(PJSIP/${EXTEN}@b,30)\n"


def test_execif_false_branch_return_stops_the_other_codes() -> None:
    text = (
        "[out]\nexten => _X.,1,Gosub(try,s,1(${EXTEN}))\n same => n,Hangup()\n"
        "[try]\nexten => s,1,Dial(PJSIP/${ARG1}@a,30)\n"
        ' same => n,ExecIf($["${DIALSTATUS}" = "CONGESTION"]?NoOp():Return(0))\n'
        " same => n,Dial(PJSIP/${ARG1}@b,30)\n same => n,Return()\n"
    )
    found = reached(text)
    assert found == {"Dial(PJSIP/${ARG1}@b,30)": T.status_codes["CONGESTION"]}


def test_execif_true_branch_hangup_drops_its_codes() -> None:
    text = OUT + ' same => n,ExecIf($["${DIALSTATUS}" = "BUSY"]?Hangup(17))\n' + RETRY
    found = reached(text)["Dial(PJSIP/${EXTEN}@b,30)"]
    assert not found & T.status_codes["BUSY"]
    assert T.status_codes["CONGESTION"] <= found


def test_or_of_dialstatus_and_hangupcause() -> None:
    text = (
        OUT + ' same => n,GotoIf($["${DIALSTATUS}" = "CONGESTION" | "${HANGUPCAUSE}" = "38"]?next)\n'
        " same => n,Hangup()\n same => n(next),Dial(PJSIP/${EXTEN}@b,30)\n"
    )
    found = reached(text)["Dial(PJSIP/${EXTEN}@b,30)"]
    assert found == T.status_codes["CONGESTION"] | (T.status_codes["CHANUNAVAIL"] & _cause(38))
    assert 604 not in found and 486 not in found


def test_and_of_inequalities() -> None:
    text = (
        OUT + ' same => n,GotoIf($["${DIALSTATUS}" != "BUSY" & "${DIALSTATUS}" != "CHANUNAVAIL"]?next)\n'
        " same => n,Hangup()\n same => n(next),Dial(PJSIP/${EXTEN}@b,30)\n"
    )
    found = reached(text)["Dial(PJSIP/${EXTEN}@b,30)"]
    assert not found & (T.status_codes["BUSY"] | T.status_codes["CHANUNAVAIL"])


def test_a_copy_of_dialstatus_is_a_status_test() -> None:
    text = (
        OUT + " same => n,Set(SV=${DIALSTATUS})\n"
        ' same => n,GotoIf($["${SV}" = "BUSY"]?busy)\n' + RETRY + " same => n(busy),VoiceMail(${EXTEN})\n"
    )
    found = reached(text)["Dial(PJSIP/${EXTEN}@b,30)"]
    assert not found & T.status_codes["BUSY"]
    assert T.status_codes["CONGESTION"] <= found


def test_a_copy_overwritten_is_no_longer_the_status() -> None:
    text = (
        OUT + " same => n,Set(SV=${DIALSTATUS})\n same => n,Set(SV=${OTHER})\n"
        ' same => n,GotoIf($["${SV}" = "BUSY"]?busy)\n' + RETRY + " same => n(busy),Hangup()\n"
    )
    found = reached(text)["Dial(PJSIP/${EXTEN}@b,30)"]
    assert T.status_codes["BUSY"] <= found


def _cause(number: int) -> frozenset[int]:
    cause = T.engine.cause(str(number))
    return T.cause_codes.get(cause.name if cause else "", frozenset())
