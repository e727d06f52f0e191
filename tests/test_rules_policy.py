"""SC401 on hand-built outcome tables: what each policy key holds against which outcome."""

from __future__ import annotations

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings, code_set
from sip_lsp.lint import DocumentCache, lint
from sip_lsp.model import FINAL_CODES, Local, Outcome, OutcomeTable, Policy, Row, Span
from sip_lsp.rules import RuleContext
from sip_lsp.rules.policy import sc401_policy_violation

POINT = Span(0, 10)
RETRY, REPLY, TEST = Span(20, 30), Span(40, 50), Span(60, 70)


def _table(*rows: Row) -> OutcomeTable:
    rest = FINAL_CODES - {c for r in rows for c in r.codes}
    cases = frozenset(Local) - {c for r in rows for c in r.local}
    return OutcomeTable(
        "failure_route", "GW", POINT, rows=(*rows, Row(frozenset(rest), cases, Outcome.FORWARD))
    )


def _policy(**keys: list[str]) -> Policy:
    return Policy(**{k: code_set("f", k, v) for k, v in keys.items()})


def _judge(table: OutcomeTable, policy: Policy) -> list:
    return list(sc401_policy_violation(table, RuleContext(default_catalog(), "kamailio", policy)))


def test_no_policy_no_finding():
    table = _table(Row(frozenset(range(500, 700)), frozenset(), Outcome.RETRY_SAME, span=RETRY))
    assert _judge(table, Policy()) == []


def test_never_retry_names_the_retried_codes_at_the_point_with_the_row_and_its_test():
    table = _table(
        Row(frozenset({503, 604}), frozenset({Local.TIMEOUT}), Outcome.RETRY_SAME, span=RETRY, guards=(TEST,))
    )
    [found] = _judge(table, _policy(never_retry=["6xx", "timeout"]))
    assert found.rule == "SC401" and found.span == POINT
    assert (
        "never-retry (6xx, timeout)" in found.message
        and "604" in found.message
        and "503" not in found.message
    )
    assert "timeout" in found.message
    assert [r.span for r in found.related] == [RETRY, TEST]
    assert _judge(table, _policy(never_retry=["487", "cancelled"])) == []


def test_retry_only_names_what_else_is_retried():
    table = _table(
        Row(frozenset({404, 503}), frozenset({Local.NO_DESTINATION}), Outcome.RETRY_SAME, span=RETRY)
    )
    [found] = _judge(table, _policy(retry_only=["5xx"]))
    assert "404" in found.message and "503" not in found.message and "no destination" in found.message
    assert _judge(table, _policy(retry_only=["5xx", "404", "no-destination"])) == []


def test_must_reach_caller_forward_end_and_a_reply_of_the_same_code_keep_it():
    masked = Row(frozenset({603}), frozenset(), Outcome.REPLY, reply=500, span=REPLY)
    same = Row(frozenset({604}), frozenset(), Outcome.REPLY, reply=604, span=REPLY)
    ended = Row(frozenset({600}), frozenset(), Outcome.END, reply=486, span=REPLY)
    [found] = _judge(_table(masked, same, ended), _policy(must_reach_caller=["6xx"]))
    assert "603" in found.message and "604" not in found.message and "600" not in found.message
    assert "a fixed reply 500" in found.message
    for outcome in (Outcome.MEDIA, Outcome.NEW_PARTY, Outcome.RETRY_SAME):
        table = _table(Row(frozenset({603}), frozenset(), outcome, span=RETRY))
        assert len(_judge(table, _policy(must_reach_caller=["603"]))) == 1, outcome
    unknown = _table(Row(frozenset({603}), frozenset(), Outcome.UNKNOWN, span=RETRY))
    assert _judge(unknown, _policy(must_reach_caller=["603"], never_retry=["603"])) == []


def test_one_finding_per_broken_key():
    table = _table(Row(frozenset({404, 604}), frozenset(), Outcome.RETRY_SAME, span=RETRY))
    found = _judge(table, _policy(never_retry=["6xx"], retry_only=["5xx"], must_reach_caller=["6xx"]))
    assert [f.message.split(" (")[0] for f in found] == [
        "policy never-retry",
        "policy retry-only",
        "policy must-reach-caller",
    ]


def test_a_changed_policy_is_judged_again_on_a_warm_document():
    text = '#!KAMAILIO\nrequest_route {\n t_on_failure("GW");\n t_relay();\n}\nfailure_route[GW] {\n'
    text += ' if (t_check_status("6[0-9][0-9]")) { ds_next_dst(); t_relay(); }\n}\n'
    cache = DocumentCache()

    def sc401(policy: Policy) -> int:
        settings = Settings(policy=policy)
        found = lint(text, "a.cfg", settings, default_catalog(), dialect="kamailio", cache=cache).findings
        return sum(f.rule == "SC401" for f in found)

    assert sc401(Policy()) == 0
    assert sc401(_policy(never_retry=["6xx"])) == 1
    assert sc401(_policy(never_retry=["5xx"])) == 0
