"""The outcome table of each Asterisk Dial(): every final code -> what the dialplan then does."""

from __future__ import annotations

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable


def tables(text: str) -> dict[str, OutcomeTable]:
    analysis = analyze(text, "asterisk", DialectContext(path="/ws/extensions.conf"))
    return {t.name: t for t in analysis.outcome_tables}


def whole(table: OutcomeTable) -> None:
    """Every final code and local case in exactly one row."""
    codes = [c for r in table.rows for c in r.codes]
    assert sorted(codes) == sorted(FINAL_CODES)
    local = [x for r in table.rows for x in r.local]
    assert sorted(local) == sorted(Local)


BOSS = (
    "[in]\n"
    "exten => 200,1,Dial(PJSIP/boss,20)\n"
    ' same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?sec)\n'
    " same => n,Hangup()\n"
    " same => n(sec),Dial(PJSIP/secretary,20)\n"
    " same => n,VoiceMail(200@default,u)\n"
)


def test_every_code_lands_in_one_row() -> None:
    for table in tables(BOSS).values():
        whole(table)


def test_busy_goes_to_another_party_and_the_rest_end_with_the_mapped_cause() -> None:
    boss = tables(BOSS)["PJSIP/boss"]
    assert boss.kind == "dial"
    assert boss.row_for(486).outcome is Outcome.NEW_PARTY
    assert boss.row_for(486).guards  # the BUSY test narrowed it
    assert (boss.row_for(604).outcome, boss.row_for(604).reply) == (Outcome.END, 404)
    assert (boss.row_for(603).outcome, boss.row_for(603).reply) == (Outcome.END, 403)
    assert boss.row_for(503).reply == 503
    # Dial's timeout: NOANSWER with no cause, and Hangup() then sends 603 Decline.
    timeout = boss.row_for_local(Local.TIMEOUT)
    assert (timeout.outcome, timeout.reply) == (Outcome.END, 603)
    assert boss.row_for_local(Local.CANCELLED).reply == 487


def test_voicemail_after_the_last_dial_is_media() -> None:
    secretary = tables(BOSS)["PJSIP/secretary"]
    assert secretary.row_for(486).outcome is Outcome.MEDIA
    assert secretary.row_for_local(Local.TIMEOUT).outcome is Outcome.MEDIA


def test_the_end_of_the_extension_indicates_busy_or_congestion() -> None:
    table = tables("[in]\nexten => 300,1,Dial(PJSIP/carol,20)\n")["PJSIP/carol"]
    whole(table)
    assert table.row_for(486).reply == 486
    assert table.row_for(604).reply == 503  # CHANUNAVAIL: indicate_congestion
    assert table.row_for(480).reply == 480  # NOANSWER: the cause, mapped back
    assert table.row_for_local(Local.TIMEOUT).reply == 603


def test_explicit_causes_and_codes() -> None:
    text = (
        "[in]\n"
        "exten => 1,1,Dial(PJSIP/a,20)\n same => n,Hangup(29)\n"
        "exten => 2,1,Dial(PJSIP/b,20)\n same => n,Hangup(58)\n"
        "exten => 3,1,Dial(PJSIP/c,20)\n same => n,PJSIPHangup(404)\n"
        "exten => 4,1,Dial(PJSIP/d,20)\n same => n,Busy()\n"
        "exten => 5,1,Dial(PJSIP/e,20)\n same => n,Hangup(16)\n"
    )
    found = tables(text)
    assert {name: t.row_for(604).reply for name, t in found.items()} == {
        "PJSIP/a": 501,
        "PJSIP/b": 488,
        "PJSIP/c": 404,
        "PJSIP/d": 486,
        "PJSIP/e": 603,
    }


def test_a_variable_goto_is_unknown() -> None:
    table = tables("[in]\nexten => 1,1,Dial(PJSIP/a,20)\n same => n,Goto(${NEXT},1)\n")["PJSIP/a"]
    whole(table)
    assert {r.outcome for r in table.rows} == {Outcome.UNKNOWN, Outcome.END}
    assert table.row_for(486).outcome is Outcome.UNKNOWN
