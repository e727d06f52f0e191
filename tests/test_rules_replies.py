"""SC201-SC202 on hand-built reply sites."""

from __future__ import annotations

import pytest
from rulekit import ids, run, sent

from sip_lsp.model import Role


@pytest.mark.parametrize(
    "code, header",
    [
        (401, "WWW-Authenticate"),
        (407, "Proxy-Authenticate"),
        (405, "Allow"),
        (420, "Unsupported"),
        (421, "Require"),
        (422, "Min-SE"),
        (423, "Min-Expires"),
    ],
)
def test_reply_without_required_header(code, header):
    [finding] = run(code_sites=[sent(code)])
    assert finding.rule == "SC201" and finding.name == "missing-required-header"
    assert header in finding.message and str(code) in finding.message


def test_challenge_replies_suggest_the_challenge_function_in_ser_dialects():
    [f401, f407] = run(code_sites=[sent(401), sent(407, start=20)])
    assert "www_challenge()" in f401.message and "proxy_challenge()" in f407.message
    [other] = run(code_sites=[sent(401)], dialect="freeswitch")
    assert "challenge()" not in other.message


def test_header_added_before_the_reply_is_fine():
    assert (
        run(code_sites=[sent(401, has_header_append=True), sent(423, has_header_append=True, start=20)]) == []
    )


def test_codes_without_header_duty_and_matched_codes_are_fine():
    assert run(code_sites=[sent(404), sent(401, role=Role.MATCHED, start=20)]) == []


def test_6xx_after_local_miss():
    [finding] = run(code_sites=[sent(604, phrase="Does Not Exist Anywhere", after_local_miss=True)])
    assert (finding.rule, finding.severity) == ("SC202", "information")
    assert "604 Does Not Exist Anywhere" in finding.message
    assert "404 Not Found" in finding.message and "480" in finding.message
    assert [f.safe for f in finding.fixes] == [False, False]
    first = finding.fixes[0]
    assert [e.new_text for e in first.edits] == ["404", "Not Found"]


def test_4xx_after_local_miss_and_6xx_elsewhere_are_fine():
    assert ids(run(code_sites=[sent(404, after_local_miss=True), sent(603, start=20)])) == []
