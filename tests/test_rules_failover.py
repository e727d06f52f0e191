"""SC301-SC305 on hand-built failover sites and knobs."""

from __future__ import annotations

from rulekit import ids, run

from sip_lsp.model import FINAL_CODES, FailoverKind, FailoverSite, GuardFix, Knob, Outcome, Span

GUARD = GuardFix(
    offset=5,
    texts={"6xx": 'if (t_check_status("6[0-9][0-9]")) exit;\n', "cancel": "if (t_is_canceled()) exit;\n"},
)


def site(codes, kind=FailoverKind.NEXT_DESTINATION, **kw) -> FailoverSite:
    return FailoverSite(
        span=Span(20, 33), action=kw.pop("action", "ds_next_dst"), kind=kind, codes=frozenset(codes), **kw
    )


def test_failover_after_6xx():
    test, armed, via = Span(1, 4), Span(40, 45), Span(50, 55)
    [finding] = run(
        failover_sites=[
            site(range(500, 700), guard=GUARD, shaping_tests=(test,), armed_by=(armed,), via=(via,))
        ]
    )
    assert finding.rule == "SC301" and finding.span == Span(20, 33)
    assert finding.message.startswith(
        "ds_next_dst() can run after 600 Busy Everywhere, 603 Decline, 604 Does Not Exist Anywhere, …"
    )
    assert "RFC 3261 §16.7" in finding.message
    assert [r.span for r in finding.related] == [test, armed, via]
    [fix] = finding.fixes
    assert fix.safe and fix.edits[0].span == Span(5, 5) and "6[0-9][0-9]" in fix.edits[0].new_text


def test_6xx_guard_fix_needs_a_guard_from_the_dialect():
    [finding] = run(failover_sites=[site({603})])
    assert finding.rule == "SC301" and finding.fixes == ()
    assert "603 Decline" in finding.message and "…" not in finding.message


def test_no_6xx_no_sc301():
    assert ids(run(failover_sites=[site({500, 502, 503, 504, 408})])) == []


def test_retry_after_cancel():
    [finding] = run(failover_sites=[site({487}, kind=FailoverKind.NEW_BRANCH, action="t_relay", guard=GUARD)])
    assert finding.rule == "SC302" and "t_relay()" in finding.message and "487" in finding.message
    assert finding.fixes[0].edits[0].new_text == "if (t_is_canceled()) exit;\n"


def test_cancel_does_not_apply_on_asterisk():
    assert run(failover_sites=[site({487}, cancel_applies=False)]) == []


def test_gateway_failover_on_busy():
    [finding] = run(failover_sites=[site({486, 503})])
    assert (finding.rule, finding.severity) == ("SC303", "information")
    assert "486" in finding.message


def test_busy_to_voicemail_or_new_branch_is_not_failover():
    # The dialect marks a rewritten $ru (forward, voicemail) as another party or media.
    rewritten = site({486}, rewrites_target=True, destination=Outcome.NEW_PARTY)
    voicemail = site({486}, rewrites_target=True, destination=Outcome.MEDIA)
    branch = site({486}, kind=FailoverKind.NEW_BRANCH, action="t_relay")
    assert run(failover_sites=[rewritten, voicemail, branch]) == []


def test_busy_retried_via_another_route_to_the_same_party_is_failover():
    # $du rewritten, $rU kept: the same callee through another proxy (destination retry-same).
    assert ids(run(failover_sites=[site({486}, rewrites_target=True)])) == ["SC303"]


def test_failover_on_challenge():
    [finding] = run(failover_sites=[site({401, 407, 503})])
    assert finding.rule == "SC304" and "401" in finding.message and "407" in finding.message


def test_authenticated_retry_is_fine():
    assert run(failover_sites=[site({401, 407}, authenticated=True)]) == []


def test_one_code_one_rule():
    findings = run(failover_sites=[site(FINAL_CODES, guard=GUARD)])
    assert sorted(ids(findings)) == ["SC301", "SC302", "SC303", "SC304"]


def test_6xx_block_disabled():
    knob = Knob(span=Span(0, 30), name="disable_6xx_block", value="1", disables_6xx_block=True)
    off = Knob(span=Span(40, 60), name="disable_6xx_block", value="0")
    [finding] = run(knobs=[knob, off])
    assert finding.rule == "SC305" and finding.span == Span(0, 30)
    assert "disable_6xx_block = 1" in finding.message


def test_forwarding_to_a_rewritten_target_after_a_challenge_is_not_a_retry():
    # Call-forward to voicemail after 401/407: the challenged request is not sent again.
    assert "SC304" not in ids(
        run(
            failover_sites=[
                site({401, 407}, FailoverKind.NEW_BRANCH, rewrites_target=True, destination=Outcome.MEDIA)
            ]
        )
    )
