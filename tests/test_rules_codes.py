"""SC101-SC104 on hand-built code sites."""

from __future__ import annotations

import pytest
from rulekit import ids, run, sent

from sip_lsp.model import Role, Span


@pytest.mark.parametrize(
    "code, fallback",
    [
        (471, "400 Bad Request"),
        (499, "400 Bad Request"),
        (409, "400 Bad Request"),
        (650, "600 Busy Everywhere"),
        (177, "183"),
    ],
)
def test_unknown_code_says_how_it_is_handled(code, fallback):
    [finding] = run(code_sites=[sent(code, phrase="Custom")])
    assert finding.rule == "SC101" and finding.name == "unknown-code"
    assert f"{code} is not a registered" in finding.message
    assert fallback in finding.message and "§8.1.3.2" in finding.message


def test_registered_code_is_not_unknown():
    assert ids(run(code_sites=[sent(486, phrase="Busy Here")])) == []


def test_unknown_configured_code_is_reported_but_matched_one_is_not():
    configured = sent(499, role=Role.CONFIGURED)
    matched = sent(471, role=Role.MATCHED, start=20)
    assert ids(run(code_sites=[configured, matched])) == ["SC101"]


@pytest.mark.parametrize("text, code", [("4O4", None), ("700", 700), ("99", None), ("099", 99), ("", None)])
def test_invalid_code(text, code):
    [finding] = run(code_sites=[sent(code, text=text)])
    assert (finding.rule, finding.severity) == ("SC102", "error")
    assert f'"{text}"' in finding.message


def test_invalid_code_only_where_a_code_is_required():
    assert run(code_sites=[sent(None, text="$var", code_required=False)]) == []


def test_deprecated_202_fix_replaces_code_and_its_own_phrase():
    [finding] = run(code_sites=[sent(202, phrase="Accepted")])
    assert finding.rule == "SC103" and finding.tags == ("deprecated",)
    assert "202 Accepted" in finding.message and "200 OK" in finding.message
    [fix] = finding.fixes
    assert fix.safe
    assert [(e.span, e.new_text) for e in fix.edits] == [(Span(0, 3), "200"), (Span(10, 18), "OK")]


def test_deprecated_202_keeps_a_custom_phrase():
    [finding] = run(code_sites=[sent(202, phrase="Queued for delivery")])
    assert [e.new_text for e in finding.fixes[0].edits] == ["200"]


@pytest.mark.parametrize(
    "code, phrase, owner, canonical",
    [
        (403, "Message too large", "513", "Forbidden"),
        (405, "Not Found", "404 Not Found", "Method Not Allowed"),
        (404, "busy here", "486", "Not Found"),
    ],
)
def test_phrase_of_another_code(code, phrase, owner, canonical):
    [finding] = run(code_sites=[sent(code, phrase=phrase, has_header_append=True)])
    assert finding.rule == "SC104"
    assert finding.span == Span(10, 10 + len(phrase))
    assert owner in finding.message
    [fix] = finding.fixes
    assert fix.safe and fix.edits[0].new_text == canonical and fix.edits[0].span == finding.span


@pytest.mark.parametrize(
    "code, phrase",
    [
        (606, "Not Acceptable"),  # 406 and 606 both own this phrase
        (406, "not acceptable"),
        (404, "No such user"),  # custom phrases are legal
        (486, "Busy Here"),
        (437, "Unsupported Certificate"),  # RFC 4474 alias of 437
    ],
)
def test_own_or_custom_phrase_is_fine(code, phrase):
    assert run(code_sites=[sent(code, phrase=phrase)]) == []


def test_phrase_is_not_judged_on_configured_codes():
    assert run(code_sites=[sent(405, phrase="Not Found", role=Role.CONFIGURED)]) == []
