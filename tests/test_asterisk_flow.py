"""Asterisk engine tables, failover code sets, dispatch gaps and SC310."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from shared import CORPUS as SHARED_CORPUS

from sip_lsp.catalog import default_catalog
from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.dialects.asterisk.engine import tables
from sip_lsp.rules import run_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = SHARED_CORPUS


def run(text: str, path: str = "/ws/extensions.conf"):
    return analyze(text, "asterisk", DialectContext(path=path))


def at(text: str, span) -> str:
    return text[span.start : span.end]


@pytest.fixture(scope="module")
def t():
    return tables(default_catalog())


@pytest.mark.parametrize(
    "code, cause, status",
    [
        (604, "UNALLOCATED", "CHANUNAVAIL"),
        (404, "UNALLOCATED", "CHANUNAVAIL"),
        (486, "USER_BUSY", "BUSY"),
        (600, "USER_BUSY", "BUSY"),
        (503, "NORMAL_CIRCUIT_CONGESTION", "CONGESTION"),
        (580, "NORMAL_CIRCUIT_CONGESTION", "CONGESTION"),
        (500, "NETWORK_OUT_OF_ORDER", "CHANUNAVAIL"),
        (505, "INTERWORKING", "CHANUNAVAIL"),
        (480, "NO_ANSWER", "NOANSWER"),
        (483, "NO_ANSWER", "NOANSWER"),
        (301, "NORMAL_CLEARING", "NOANSWER"),
        (603, "CALL_REJECTED", "CHANUNAVAIL"),
        (408, "NO_USER_RESPONSE", "CHANUNAVAIL"),
        (302, "REDIRECTED_TO_NEW_DESTINATION", "CHANUNAVAIL"),
        (699, "INTERWORKING", "CHANUNAVAIL"),
    ],
)
def test_sip_to_cause_to_dialstatus(t, code, cause, status):
    assert t.engine.cause_for_sip(code).name == cause
    assert [v for v, codes in t.status_codes.items() if code in codes] == [status]


def test_cause_to_sip_and_aliases(t):
    e = t.engine
    assert e.cause("1").to_sip == 404 and e.cause("AST_CAUSE_BUSY").name == "USER_BUSY"
    assert e.cause("CONGESTION").to_sip == 503 and e.cause("UNREGISTERED").number == 20
    assert e.default_to_sip == 603 and e.cause("NORMAL_CLEARING").to_sip is None
    assert t.failed == ("BUSY", "NOANSWER", "CONGESTION", "CHANUNAVAIL")
    assert t.sip_names["DOES_NOT_EXIST_ANYWHERE"] == 604


def failover(text: str):
    sites = run(text).failover_sites
    return {at(text, s.span): s for s in sites}


def test_unconditional_second_dial_sees_every_final_code():
    text = "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Dial(PJSIP/b)\n"
    [site] = failover(text).values()
    assert site.codes == frozenset(range(300, 700))
    assert site.kind.value == "next-destination" and site.engine == "asterisk"
    assert site.cancel_applies is False and site.guard is None


def test_chanunavail_failover_admits_6xx_but_not_busy():
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,GotoIf($["${DIALSTATUS}" = "CHANUNAVAIL"]?next)\n'
        " same => n,Hangup()\n same => n(next),Dial(PJSIP/b)\n"
    )
    [site] = failover(text).values()
    assert {603, 604, 606, 607, 608, 404, 403} <= site.codes
    assert not site.codes & {486, 600, 503, 480}


def test_not_equal_test_skipping_the_dial_narrows_to_that_value():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,GotoIf($[${DIALSTATUS} != CONGESTION]?end)\n"
        " same => n,Dial(PJSIP/b)\n same => n(end),Hangup()\n"
    )
    [site] = failover(text).values()
    assert min(site.codes) >= 500 and max(site.codes) < 600 and 503 in site.codes


def test_dispatch_handler_dial_gets_that_status_codes():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(s-${DIALSTATUS},1)\n"
        "exten => s-CONGESTION,1,Dial(PJSIP/b)\nexten => s-CHANUNAVAIL,1,Dial(PJSIP/c)\n"
        "exten => _s-.,1,Hangup()\n"
    )
    sites = failover(text)
    assert max(sites["Dial(PJSIP/b)"].codes) < 600
    assert 604 in sites["Dial(PJSIP/c)"].codes
    assert sites["Dial(PJSIP/c)"].via and at(text, sites["Dial(PJSIP/c)"].via[0]).startswith("Goto(")


def test_gosub_return_reaches_the_callers_next_dial():
    text = (
        "[c]\nexten => 1,1,Gosub(trunk,s,1(PJSIP/a))\n same => n,Gosub(trunk,s,1(PJSIP/b))\n"
        "[trunk]\nexten => s,1,Dial(${ARG1})\n same => n,Return()\n"
    )
    [site] = failover(text).values()
    assert at(text, site.span) == "Dial(${ARG1})" and 604 in site.codes


def test_macro_body_dial_is_reached():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Macro(trunk,x)\n"
        "[macro-trunk]\nexten => s,1,Dial(PJSIP/b)\n"
    )
    assert "Dial(PJSIP/b)" in failover(text)


@pytest.mark.parametrize(
    "text",
    [
        # BUSY to voicemail: forwarding, no Dial.
        '[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?vm)\n'
        " same => n,Hangup()\n"
        " same => n(vm),VoiceMail(1@default,b)\n",
        # A Dial to a voicemail Local channel is not a failover.
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Dial(Local/vm-1@voicemail)\n",
        # Every outcome hangs up.
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Hangup(${HANGUPCAUSE})\n same => n,Dial(PJSIP/b)\n",
        # A single Dial and a dispatch whose handlers never dial.
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(d-${DIALSTATUS},1)\nexten => _d-.,1,Congestion()\n",
        # Dial in another extension that nothing jumps to.
        "[c]\nexten => 1,1,Dial(PJSIP/a)\nexten => 2,1,Dial(PJSIP/b)\n",
    ],
)
def test_legitimate_patterns_have_no_failover(text):
    assert run(text).failover_sites == []


def test_congestion_only_failover_is_clean_of_6xx_findings():
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,GotoIf($["${DIALSTATUS}" = "CONGESTION"]?n)\n'
        " same => n,Hangup()\n same => n(n),Dial(PJSIP/b)\n"
    )
    findings = run_rules(run(text), default_catalog())
    assert not [f for f in findings if f.rule in ("SC301", "SC302", "SC303", "SC304")]


def test_dispatch_missing_values_depend_on_dial_options():
    base = (
        "[c]\nexten => 1,1,Dial(PJSIP/a,20{opts})\n same => n,Goto(d-${{DIALSTATUS}},1)\n"
        "exten => d-BUSY,1,Busy()\n"
    )
    [plain] = run(base.format(opts="")).dispatch_sites
    assert plain.missing == ("NOANSWER", "CONGESTION", "CHANUNAVAIL")
    [g] = run(base.format(opts=",gP")).dispatch_sites
    assert g.missing == ("NOANSWER", "CONGESTION", "CHANUNAVAIL", "ANSWER", "DONTCALL", "TORTURE")


def test_dispatch_into_another_context_with_includes_and_stray():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(h,r-${DIALSTATUS},1)\n"
        "[h]\ninclude => h2\nexten => r-BUSY,1,Busy()\nexten => r-NOANSWR,1,Hangup()\n"
        "[h2]\nexten => _r-C.,1,Congestion()\n"
    )
    [site] = run(text).dispatch_sites
    assert site.missing == ("NOANSWER",)
    assert [(n, at(text, s)) for n, s in site.stray] == [("r-NOANSWR", "r-NOANSWR")]


def test_sc310_findings_for_gap_and_stray():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(d-${DIALSTATUS},1)\n"
        "exten => d-BUSY,1,Busy()\nexten => d-CONGESTIONS,1,Congestion()\n"
    )
    found = [(f.rule, at(text, f.span)) for f in run_rules(run(text), default_catalog()) if f.rule == "SC310"]
    assert found == [("SC310", "d-${DIALSTATUS}"), ("SC310", "d-CONGESTIONS")]


def test_examples_through_the_cli():
    def check(name):
        proc = subprocess.run(
            [sys.executable, "-m", "sip_lsp", "check", str(ROOT / "examples" / "asterisk" / name)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        return proc.returncode, proc.stdout

    rc, out = check("extensions-chanunavail-failover.conf")
    assert rc == 1 and "SC301" in out and "604" in out
    rc, out = check("extensions-dispatch-gap.conf")
    assert rc == 1 and out.count("SC310") == 2
    rc, out = check("extensions-unknown-cause.conf")
    assert rc == 1 and out.count("SC309") == 2 and "TIMEOUT" in out and "USER_BUSY" not in out
    rc, out = check("extensions-busy-voicemail.conf")
    assert rc == 0 and "SC" not in out
    # no failover finding; the Hangup()s reached after a Dial() timeout (through the GotoIf) send 603
    rc, out = check("extensions-congestion-failover.conf")
    assert rc == 1 and out.count("SC313") == 2 and "SC30" not in out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")
@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("asterisk__*")) if CORPUS.is_dir() else [], ids=lambda p: p.name
)
def test_corpus_files_analyse_with_spans_inside(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    name = path.name.split("__")[-1].removesuffix(".sample")
    a = run(text, f"/corpus/{name}")
    for fact in [
        *a.code_sites,
        *a.cause_sites,
        *a.status_tests,
        *a.failover_sites,
        *a.dispatch_sites,
        *a.references,
        *a.blocks,
    ]:
        assert 0 <= fact.span.start <= fact.span.end <= len(text)
    if name.endswith("extensions.conf"):
        assert a.blocks and all(not d.missing and not d.stray for d in a.dispatch_sites)


def test_parallel_dial_busy_can_hide_a_604_on_the_other_line():
    # Dial(A&B): A answers 604 (nochan), B 486 (busy) -> DIALSTATUS=BUSY (app_dial.c wait_for_answer).
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a&PJSIP/b)\n same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?again)\n'
        " same => n,Hangup()\n same => n(again),Dial(PJSIP/c)\n"
    )
    [site] = failover(text).values()
    assert {486, 604, 503} <= site.codes and 480 not in site.codes
    single = text.replace("PJSIP/a&PJSIP/b", "PJSIP/a")
    [site] = failover(single).values()
    assert site.codes == {486, 600}


def test_parallel_dial_false_branch_keeps_overlapping_codes():
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a&PJSIP/b)\n same => n,GotoIf($["${DIALSTATUS}" = "CHANUNAVAIL"]?end)\n'
        " same => n,Dial(PJSIP/c)\n same => n(end),Hangup()\n"
    )
    [site] = failover(text).values()
    assert 604 in site.codes  # BUSY or CONGESTION or NOANSWER can still hide a 604 on the other line


def test_execif_dial_is_a_failover_narrowed_by_its_condition():
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,ExecIf($["${DIALSTATUS}" = "NOANSWER"]?Dial(PJSIP/b))\n'
    )
    [site] = run(text).failover_sites
    assert at(text, site.span).startswith("ExecIf(") and 480 in site.codes and 604 not in site.codes


def test_if_function_comparisons_are_status_tests():
    text = '[c]\nexten => 1,1,Set(X=${IF($["${DIALSTATUS}" = "CHANUNAVAIL"]?a:b)})\n'
    [test] = run(text).status_tests
    assert 604 in test.admits and 486 not in test.admits


def test_loop_back_to_the_same_dial_is_a_retry():
    text = "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Wait(1)\n same => n,Goto(1)\n"
    [site] = run(text).failover_sites
    assert at(text, site.span) == "Dial(PJSIP/a)" and 604 in site.codes


def test_deep_include_chains_resolve_without_recursion():
    depth = 3000
    chain = "".join(f"[c{i}]\ninclude => c{i + 1}\n" for i in range(depth))
    text = (
        f"[start]\nexten => 1,1,Dial(PJSIP/a)\n same => n,Goto(c0,t-${{DIALSTATUS}},1)\n{chain}"
        f"[c{depth}]\nexten => _t-.,1,Dial(PJSIP/b)\n"
    )
    a = run(text)
    [site] = a.failover_sites
    assert at(text, site.span) == "Dial(PJSIP/b)" and a.dispatch_sites[0].missing == ()


def test_while_loop_around_a_dial_retries_it():
    text = (
        "[c]\nexten => 1,1,Set(i=1)\n same => n,While($[${i} <= 3])\n same => n,Dial(PJSIP/${EXTEN}@t${i})\n"
        " same => n,Set(i=$[${i} + 1])\n same => n,EndWhile()\n same => n,Hangup()\n"
    )
    [site] = run(text).failover_sites
    assert at(text, site.span).startswith("Dial(PJSIP/${EXTEN}@t") and 604 in site.codes


def test_while_on_dialstatus_narrows_the_retry():
    text = (
        '[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,While($["${DIALSTATUS}" = "CONGESTION"])\n'
        " same => n,Dial(PJSIP/b)\n same => n,EndWhile()\n same => n,ExitWhile()\n"
    )
    sites = run(text).failover_sites
    assert sites and all(max(s.codes) < 600 for s in sites)


def test_hangupcause_test_narrows_by_cause_number():
    text = (
        "[c]\nexten => 1,1,Dial(PJSIP/a)\n same => n,GotoIf($[${HANGUPCAUSE} = 34]?next)\n"
        " same => n,Hangup()\n same => n(next),Dial(PJSIP/b)\n"
    )
    [site] = run(text).failover_sites
    assert 503 in site.codes and max(site.codes) < 600


def test_tables_follow_the_catalogue_given(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "engines:\n  asterisk:\n    causes:\n"
        "      - {name: USER_BUSY, number: 17, from_sip: [486, 600, 604]}\n"
        "    dialstatus:\n      - {value: BUSY, summary: busy, causes: [USER_BUSY], failed: true}\n"
    )
    from sip_lsp.catalog import load_catalog

    custom = tables(load_catalog([str(extra)]))
    assert 604 in custom.status_codes["BUSY"]
    assert 604 not in tables(default_catalog()).status_codes["BUSY"]
