"""Per-engine facts of a code (`sip-lsp explain N`): what the caller gets, how to send and test it.

The sentences are catalogue templates (catalog/engines/*.yaml `templates:`); these tests hold
the facts they are filled with to the engines' cause tables and call-outcome facts.
"""

from __future__ import annotations

import re

import pytest
from test_catalog_translations import _english_sentences

from sip_lsp import render
from sip_lsp.catalog import default_catalog, load_catalog

CATALOG = default_catalog()
CODES = sorted(CATALOG.codes)
FINAL = [c for c in CODES if c >= 300]
NON_FINAL = [c for c in CODES if c < 300]
# A placeholder left unfilled, not a `${VARIABLE}` of a dialplan.
UNFILLED = re.compile(r"(?<![${])\{[a-z_]+\}")


def facts(code: int, lang: str = "en") -> str:
    return render.engine_facts_markdown(CATALOG.codes[code], CATALOG, lang)


def block(md: str, heading: str) -> str:
    """The lines under `#### heading`, up to the next heading."""
    return md.split(f"#### {heading}\n\n", 1)[1].split("\n\n####", 1)[0]


def row(md: str, engine: str, label: str) -> str:
    lines = [line for line in block(md, engine).splitlines() if line.startswith(f"- **{label}:** ")]
    return lines[0].split(":** ", 1)[1] if lines else ""


def test_604_in_every_engine():
    md = facts(604)
    assert md.startswith("### What the engines do\n\n#### Kamailio\n")
    kamailio, opensips = block(md, "Kamailio"), block(md, "OpenSIPS")
    assert '`sl_send_reply("604", "Does Not Exist Anywhere")`' in kamailio
    assert '`KSR.sl.sl_send_reply(604, "Does Not Exist Anywhere")`' in kamailio
    assert '`send_reply(604, "Does Not Exist Anywhere")`' in opensips
    for proxy in (kamailio, opensips):
        assert '`t_check_status("604")`' in proxy and "`$T_reply_code == 604`" in proxy
        assert "tm relays replies unchanged" in proxy
    asterisk = block(md, "Asterisk")
    assert "`604` → cause `UNALLOCATED` (1) → `404`" in asterisk
    assert "`PJSIPHangup(604)`" in asterisk and "`Hangup(UNALLOCATED)`" in asterisk
    assert "`CHANUNAVAIL`" in asterisk and "makes it 503" in asterisk  # autofallthrough
    assert "`SIP 604 Does Not Exist Anywhere`" in asterisk
    freeswitch = block(md, "FreeSWITCH")
    assert freeswitch.startswith("- **Caller receives:** `604`: sofia passes the other leg's code")
    assert "`sip_ignore_remote_cause=true`" in freeswitch and "sends 404 instead" in freeswitch
    assert "`respond 604 Does Not Exist Anywhere`" in freeswitch
    assert "`hangup DOES_NOT_EXIST_ANYWHERE` sends it too" in freeswitch
    assert "`continue_on_fail=NO_ROUTE_DESTINATION`" in freeswitch
    assert "`${sip_invite_failure_status}` is `604`" in freeswitch
    assert 'Reason: Q.850;cause=3;text="NO_ROUTE_DESTINATION"' in freeswitch
    wire = block(md, "On the wire")
    assert '`Reason: Q.850;cause=1;text="Unallocated (unassigned) number"` (RFC 3326)' in wire
    assert "`sip.Status-Code == 604`" in wire and "`^SIP/2.0 604`" in wire


@pytest.mark.parametrize("code", FINAL)
def test_asterisk_line_follows_the_cause_tables(code):
    """SIP -> cause (from_sip) -> SIP (to_sip, or 603 when the cause has none)."""
    engine, entry = CATALOG.engines["asterisk"], CATALOG.codes[code]
    cause = (engine.cause(entry.asterisk) if entry.asterisk else None) or engine.cause_for_sip(code)
    receives = row(facts(code), "Asterisk", "Caller receives")
    if code in engine.fact("redirect_followed_codes"):
        assert "follows the Contact" in receives
    else:
        sent = cause.to_sip or 603
        assert receives.startswith(f"`{code}` → cause `{cause.name}` ({cause.number})")
        assert f"sends the caller {sent}." in receives


@pytest.mark.parametrize("code", FINAL)
def test_freeswitch_passes_the_code_through(code):
    engine = CATALOG.engines["freeswitch"]
    receives = row(facts(code), "FreeSWITCH", "Caller receives")
    if code in engine.fact("redirect_followed_codes"):
        assert "sends the INVITE again to the Contact" in receives
    else:
        assert receives.startswith(f"`{code}`: sofia passes the other leg's code to the caller")


def test_kamailio_remaps_a_relayed_503_and_opensips_does_not():
    md = facts(503)
    assert row(md, "Kamailio", "Caller receives").startswith("`500`: tm replaces a relayed 503 with 500")
    assert row(md, "OpenSIPS", "Caller receives").startswith("`503` as the callee sent it")


def test_codes_tm_makes_itself_name_the_test_that_tells_them_apart():
    assert "`t_is_canceled()`" in row(facts(487), "Kamailio", "Test for it")
    assert "`t_was_cancelled()`" in row(facts(487), "OpenSIPS", "Test for it")
    assert "`t_branch_timeout()`" in row(facts(408), "Kamailio", "Test for it")
    assert "t_branch_timeout" not in facts(404)


def test_a_cause_that_continues_by_default_says_so():
    assert "goes on anyway: `NO_USER_RESPONSE`" in row(facts(480), "FreeSWITCH", "Test for it")
    assert "goes on anyway" not in facts(404)


@pytest.mark.parametrize("code", NON_FINAL)
def test_provisional_and_success_show_only_what_applies(code):
    md = facts(code)
    for wrong in (
        "PJSIPHangup",
        "`Hangup(",
        "`hangup ",
        "continue_on_fail",
        "DIALSTATUS}}` is `C",
        "In failure_route",
    ):
        assert wrong not in md
    assert "Reason: Q.850" not in md  # no ISUP cause for a 1xx or 2xx
    assert "never sees it" in row(md, "Kamailio", "Test for it")


def test_the_engines_own_way_to_send_provisional_and_success():
    assert row(facts(180), "Asterisk", "Send it") == "`Ringing()`."
    assert row(facts(200), "Asterisk", "Send it") == "`Answer()`."
    assert row(facts(183), "FreeSWITCH", "Send it").startswith("`pre_answer`")
    assert row(facts(100), "Asterisk", "Caller receives").startswith("Never passed on")


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("code", CODES)
def test_every_placeholder_is_filled(code, lang):
    assert UNFILLED.findall(facts(code, lang)) == []


@pytest.mark.parametrize("code", CODES)
def test_russian_facts_hold_no_english_sentence(code):
    assert _english_sentences(facts(code, "ru")) == []


def _prose(text: str) -> bool:
    """Words outside code: `respond {code} {reason}`. is code only and reads the same in Russian."""
    return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", text)))


def test_every_template_and_hover_line_has_its_russian():
    ru = CATALOG.for_lang("ru")
    gaps = [
        f"{name}.templates.{key}"
        for name, engine in CATALOG.engines.items()
        for key, text in engine.templates.items()
        if _prose(text) and ru.engines[name].templates.get(key) == text
    ]
    for name, retry in CATALOG.retry_classes.items():
        localized = ru.retry_classes[name]
        gaps += [
            f"{name}.{f}"
            for f in ("on_receive", "in_failure_route")
            if getattr(retry, f) == getattr(localized, f)
        ]
        for code, lines in retry.codes.items():
            gaps += [
                f"{name}.codes[{code}].{f}"
                for f in lines.__slots__
                if getattr(lines, f) and getattr(lines, f) == getattr(localized.codes[code], f)
            ]
    assert gaps == []


def test_a_line_for_one_code_overrides_its_class(tmp_path):
    """The lookup: name_<code>, then name_<class>, then name; an empty text drops the line."""
    path = tmp_path / "engines.yaml"
    path.write_text(
        """
engines:
  kamailio:
    templates:
      receives: 'general {code}'
      receives_6xx: 'class {code}'
      receives_604: 'own {code}'
      send: 'send {code}'
      send_6xx: ''
""",
        encoding="utf-8",
    )
    catalog = load_catalog([str(path)])
    md = render.engine_facts_markdown(catalog.codes[604], catalog)
    assert row(md, "Kamailio", "Caller receives") == "own 604"
    assert "send 604" not in md
    assert row(render.engine_facts_markdown(catalog.codes[603], catalog), "Kamailio", "Caller receives") == (
        "class 603"
    )
    assert row(render.engine_facts_markdown(catalog.codes[486], catalog), "Kamailio", "Send it") == "send 486"


# ---------------------------------------------------------------- typical log lines

LOG = {"en": "Typical log line", "ru": "Типичная строка в логе"}
ENGINE_HEADINGS = {
    "en": ("Kamailio", "OpenSIPS", "Asterisk", "FreeSWITCH"),
    "ru": ("Kamailio", "OpenSIPS", "Asterisk", "FreeSWITCH"),
}
CODE_SPAN = re.compile(r"`[^`]+`")


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("code", CODES)
def test_every_code_has_a_log_line_in_every_engine(code, lang):
    md = facts(code, lang)
    for engine in ENGINE_HEADINGS[lang]:
        line = row(md, engine, LOG[lang])
        assert line and CODE_SPAN.search(line), (engine, code)


@pytest.mark.parametrize("code", CODES)
def test_log_lines_stay_verbatim_in_russian(code):
    """Engine output is not translated: the Russian row quotes the same code spans as the English one."""
    en, ru = facts(code), facts(code, "ru")
    for engine in ENGINE_HEADINGS["en"]:
        assert CODE_SPAN.findall(row(en, engine, LOG["en"])) == CODE_SPAN.findall(row(ru, engine, LOG["ru"]))


@pytest.mark.parametrize("code", CODES)
def test_kamailio_log_line_covers_kemi(code):
    """KEMI runs the same tm and acc: its lines are Kamailio's, and the row says so."""
    assert "KEMI scripts log the same lines" in row(facts(code), "Kamailio", LOG["en"])


@pytest.mark.parametrize("code", CODES)
def test_proxies_log_the_code_tm_received(code):
    for engine, line in (
        ("Kamailio", f"t_should_relay_response(): ->>>>>>>>> T_code=100, new_code={code}`"),
        ("OpenSIPS", f"`DBG:tm:t_should_relay_response: T_code=100, new_code={code}`"),
    ):
        assert line in row(facts(code), engine, LOG["en"])


def test_failed_calls_show_the_acc_line_of_the_sample_configs():
    for engine in ("Kamailio", "OpenSIPS"):
        assert "code=486;reason=Busy Here" in row(facts(486), engine, LOG["en"])
        assert "`ACC: transaction answered: " in row(facts(200), engine, LOG["en"])
    assert "ACC: call missed" not in row(facts(503), "Kamailio", LOG["en"])  # relayed as 500


def test_only_opensips_logs_a_refused_relay_after_a_6xx():
    refused = "`INFO:tm:t_forward_nonack: discarding fwd for a 6xx transaction`"
    for code in (600, 603, 604, 606, 607, 608):
        assert refused in row(facts(code), "OpenSIPS", LOG["en"])
        assert "discarding fwd" not in row(facts(code), "Kamailio", LOG["en"])
    assert refused not in row(facts(486), "OpenSIPS", LOG["en"])
    assert "discarding fwd for a cancelled transaction" in row(facts(487), "OpenSIPS", LOG["en"])


# app_dial counts each failed line as busy, congestion or "nochan" (handle_cause) and prints the counts.
DIAL_COUNTS = {
    "BUSY": "`Everyone is busy/congested at this time (1:1/0/0)`",
    "CONGESTION": "`Everyone is busy/congested at this time (1:0/1/0)`",
    "CHANUNAVAIL": "`Everyone is busy/congested at this time (1:0/0/1)`",
    "NOANSWER": "`No one is available to answer at this time (1:0/0/0)`",
}


@pytest.mark.parametrize("code", FINAL)
def test_asterisk_log_line_follows_the_dialstatus(code):
    md = facts(code)
    line = row(md, "Asterisk", LOG["en"])
    if code in CATALOG.engines["asterisk"].fact("redirect_followed_codes"):
        assert line.startswith("`Now forwarding PJSIP/alice-00000001 to 'Local/carol@default'")
        return
    status = re.search(r"`\$\{DIALSTATUS\}` is `([A-Z]+)`", row(md, "Asterisk", "Test for it")).group(1)
    assert DIAL_COUNTS[status] in line
    assert f"status is '{status}'`" in line


def test_486_and_503_in_asterisk_and_freeswitch():
    busy = row(facts(486), "Asterisk", LOG["en"])
    assert "`Local/bob@default-00000002;1 is busy`" in busy and "(1:1/0/0)" in busy
    congestion = row(facts(503), "Asterisk", LOG["en"])
    assert "`Local/bob@default-00000002;1 is circuit-busy`" in congestion and "(1:0/1/0)" in congestion
    freeswitch = row(facts(486), "FreeSWITCH", LOG["en"])
    assert "`Hangup sofia/external/bob@203.0.113.5 [CS_CONSUME_MEDIA] [USER_BUSY]`" in freeswitch
    assert "`Originate Failed.  Cause: USER_BUSY`" in freeswitch
    assert "`Originate Resulted in Error Cause: 17 [USER_BUSY]`" in freeswitch


@pytest.mark.parametrize("code", FINAL)
def test_freeswitch_log_line_names_the_leg_cause(code):
    engine, entry = CATALOG.engines["freeswitch"], CATALOG.codes[code]
    line = row(facts(code), "FreeSWITCH", LOG["en"])
    if code in engine.fact("redirect_followed_codes"):
        assert "`Redirect: Transfering to carol`" in line
        return
    cause = (engine.cause(entry.freeswitch) if entry.freeswitch else None) or engine.cause_for_sip(code)
    assert f"[{cause.name}]`" in line and f"`Originate Failed.  Cause: {cause.name}`" in line
    assert f"entering state [terminated][{code}]`" in line


def test_provisional_and_success_log_what_the_engines_print():
    assert row(facts(180), "Asterisk", LOG["en"]).startswith("`PJSIP/bob-00000002 is ringing`")
    assert row(facts(200), "Asterisk", LOG["en"]).startswith(
        "`PJSIP/bob-00000002 answered PJSIP/alice-00000001`"
    )
    assert row(facts(180), "FreeSWITCH", LOG["en"]).startswith("`Ring-Ready sofia/external/bob@203.0.113.5!`")
    assert row(facts(183), "FreeSWITCH", LOG["en"]).startswith("`Pre-Answer sofia/external/bob@203.0.113.5!`")
    assert "has been answered`" in row(facts(200), "FreeSWITCH", LOG["en"])
    assert row(facts(100), "FreeSWITCH", LOG["en"]).startswith("No line")


def test_the_hover_leaves_the_log_lines_to_explain():
    hover = render.code_hover_markdown(CATALOG.codes[486], CATALOG)
    assert "Everyone is busy" not in hover and "Originate Failed" not in hover


def test_a_cancelled_call_logs_the_cancel():
    assert "exited non-zero on 'PJSIP/alice-00000001'`" in row(facts(487), "Asterisk", LOG["en"])
    assert "`Originate Cancelled by originator termination Cause: 487 [ORIGINATOR_CANCEL]`" in row(
        facts(487), "FreeSWITCH", LOG["en"]
    )
