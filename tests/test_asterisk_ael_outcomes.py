"""AEL Dial() outcome tables: AEL compiled to priorities (ael_steps) gives the extensions.conf tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.dialects.asterisk.ael_steps import Compiler
from sip_lsp.lint import lint
from sip_lsp.model import Local, Outcome, OutcomeTable

HERE = Path(__file__).parent / "fixtures" / "asterisk" / "ael"


def _tables(name: str) -> list[OutcomeTable]:
    path = HERE / name
    return analyze(path.read_text(), "asterisk", DialectContext(path=str(path))).outcome_tables


def _shape(table: OutcomeTable) -> dict[object, tuple[Outcome, int | None]]:
    out: dict[object, tuple[Outcome, int | None]] = {}
    for row in table.rows:
        for key in (*row.codes, *row.local):
            out[key] = (row.outcome, row.reply)
    return out


def test_each_ael_dial_has_the_table_of_its_extensions_conf_form() -> None:
    ael, conf = _tables("outcomes.ael"), _tables("outcomes.conf")
    assert [t.name for t in ael] == [t.name for t in conf]
    for mine, theirs in zip(ael, conf):
        assert _shape(mine) == _shape(theirs), mine.name


def test_the_rows_say_whom_each_failure_reaches() -> None:
    text = (HERE / "outcomes.ael").read_text()
    by_name = {t.name: t for t in reversed(_tables("outcomes.ael"))}  # the first of a name
    carrier = by_name["PJSIP/${EXTEN}@carrier-a"]
    assert carrier.row_for(503).outcome is Outcome.RETRY_SAME  # the `if` on CONGESTION
    assert (carrier.row_for(604).outcome, carrier.row_for(604).reply) == (Outcome.END, 503)  # Hangup(34)
    guard = carrier.row_for(503).guards[0]
    assert text[guard.start : guard.end] == '"${DIALSTATUS}" = "CONGESTION"'
    assert by_name["PJSIP/alice"].row_for(486).outcome is Outcome.NEW_PARTY  # a hunt, not a retry
    carol = by_name["PJSIP/carol"]
    busy = carol.row_for(486)
    assert busy.outcome is Outcome.MEDIA and text[busy.span.start : busy.span.end] == "Voicemail(101,b)"
    assert text[busy.guards[0].start : busy.guards[0].end] == "BUSY"  # the case label
    timeout = carol.row_for_local(Local.TIMEOUT)  # NOANSWER falls through to the default Hangup()
    assert (timeout.outcome, timeout.reply) == (Outcome.END, 603)
    assert by_name["${ARG1}"].row_for(486).outcome is Outcome.MEDIA  # back from the macro: Playback


@pytest.mark.parametrize(
    "text",
    [
        "context c { s => { if (",
        "context c { s => { if (${X}) Dial(PJSIP/a); else",  # an else with nothing after it (fuzz)
        "context c { s => { switch (${DIALSTATUS}) { case",
        "context c { s => { for (;;) { Dial(PJSIP/a); }; }; };",
        "macro m( { Dial(x); return; }; context c { s => &m(1); };",
        "context c { s => { } } } }; Dial(a);",
        "context { => ; ; : &; goto; jump @; catch { ; };",
        "context c { s => {" + "if (1) {" * 400 + "Dial(PJSIP/a);",
    ],
)
def test_broken_ael_never_raises(text: str) -> None:
    analyze(text, "asterisk", DialectContext(path="/x/extensions.ael"))  # the compiler runs inside


def test_the_compiler_keeps_labels_and_priorities() -> None:
    text = "context c {\n s => {\n  start:\n  Dial(PJSIP/a,5);\n  goto s|start;\n };\n};\n"
    steps = Compiler(text, text).compile()["c"].exts["s"].steps
    assert [(s.prio, s.label, s.app, s.args) for s in steps] == [
        (1, "start", "NoOp", ""),
        (2, None, "Dial", "PJSIP/a,5"),
        (3, None, "Goto", "s,start"),
    ]
    assert text[steps[1].span.start : steps[1].span.end] == "Dial(PJSIP/a,5)"


def _findings(name: str) -> list[tuple[str, str, str]]:
    """(rule, the text it points at, message) of each finding on a fixture: the same in both forms."""
    path = HERE / name
    text = path.read_text()
    found = lint(text, str(path), Settings(), default_catalog()).findings
    return sorted((f.rule, text[f.span.start : f.span.end], f.message) for f in found)


def test_the_rules_judge_ael_as_its_extensions_conf_form() -> None:
    ael = _findings("outcomes.ael")
    assert ael == _findings("outcomes.conf")
    rules = [(rule, where) for rule, where, _ in ael]
    assert ("SC301", "Dial(PJSIP/${EXTEN}@carrier-b,60)") in rules  # the carrier pair
    assert ("SC303", "Dial(PJSIP/${EXTEN}@carrier-b,60)") in rules
    assert not any("carrier-b,60)" in where and "if" in where for _, where in rules)
    assert all("bob" not in where for _, where in rules)  # a hunt is no retry
    assert [where for rule, where in rules if rule == "SC301"].count("Dial(PJSIP/${EXTEN}@carrier-b,60)") == 1
    assert sum(rule == "SC313" for rule, _ in rules) == 2  # the unknown DID, the default after NOANSWER


def test_a_guard_on_6xx_keeps_the_ael_carrier_pair_clean() -> None:
    text = (
        "context out {\n _X. => {\n  Dial(PJSIP/${EXTEN}@a,60);\n"
        '  if ("${DIALSTATUS}" = "CHANUNAVAIL") {\n   Hangup(1);\n  }\n'
        "  Dial(PJSIP/${EXTEN}@b,60);\n  Hangup(34);\n };\n};\n"
    )
    found = lint(text, "/x/extensions.ael", Settings(), default_catalog()).findings
    [sc301] = [f for f in found if f.rule == "SC301"]  # 600 is BUSY (app_dial), not CHANUNAVAIL
    assert "600" in sc301.message and "604" not in sc301.message
    guarded = text.replace('"CHANUNAVAIL"', '"CHANUNAVAIL" | "${DIALSTATUS}" = "BUSY"')
    found = lint(guarded, "/x/extensions.ael", Settings(), default_catalog()).findings
    assert [f.rule for f in found] == []
