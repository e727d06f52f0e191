"""Facts + catalogue + settings -> findings (pure, dialect-free).

Each rule is a function `scNNN_name(fact, ctx)` that judges one fact, kept in the
module named for what it judges (codes, replies, failover, status_tests, causes,
dispatch, outcomes, policy, ignored, truth_uses) and listed below under the fact it reads. Its
name, severity, docs and messages live in the catalogue.

`judge` runs every rule on a set of facts: a whole Analysis, or one part of one
(sip_lsp.lint judges a document part by part and keeps each part's findings).
`apply_settings` keeps what the settings enable (with their severity
overrides), drops what inline `sip-lsp: disable=` comments hide, and sorts by
position. Dialect notes are not rules: `lint()` passes them on as is.

To add a rule: its entry (id, name, severity, docs, messages, in English and
Russian) in catalog/; a function `scNNN_name(fact, ctx) -> Found` in the module
for what it judges; that function in the tuple below for the fact it reads; and
tests/fixtures/rules/SCNNN.<cfg|conf|xml|py|lua|js> with the lines it must report marked
`expect: SCNNN` (tests/test_rule_fixtures.py runs it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sip_lsp.catalog import Catalog
from sip_lsp.config import Settings
from sip_lsp.model import (
    Analysis,
    CauseSite,
    CodeSite,
    DispatchSite,
    FactSource,
    FailoverSite,
    Finding,
    IgnoredStep,
    Knob,
    OutcomeTable,
    StatusTest,
    TruthUse,
)
from sip_lsp.rules import (
    causes,
    codes,
    dispatch,
    failover,
    ignored,
    outcomes,
    policy,
    replies,
    status_tests,
    truth_uses,
)
from sip_lsp.rules.context import Rule, RuleContext
from sip_lsp.text import LineIndex

__all__ = ["RuleContext", "apply_settings", "judge", "run_rules"]

CODE_SITE_RULES: tuple[Rule[CodeSite], ...] = (
    codes.sc101_unknown_code,
    codes.sc102_invalid_code,
    codes.sc103_deprecated_code,
    codes.sc104_reason_phrase_mismatch,
    replies.sc201_missing_required_header,
    replies.sc202_global_failure_for_local_miss,
)
FAILOVER_SITE_RULES: tuple[Rule[FailoverSite], ...] = (
    failover.sc301_retry_after_global_failure,
    failover.sc302_retry_after_cancel,
    failover.sc303_failover_on_busy,
    failover.sc304_failover_on_challenge,
)
KNOB_RULES: tuple[Rule[Knob], ...] = (
    failover.sc305_6xx_block_disabled,
    outcomes.sc312_failure_handler_lost,
    outcomes.sc314_reply_header_on_request,
)
OUTCOME_TABLE_RULES: tuple[Rule[OutcomeTable], ...] = (
    outcomes.sc311_failure_masked,
    policy.sc401_policy_violation,
)
STATUS_TEST_RULES: tuple[Rule[StatusTest], ...] = (
    status_tests.sc306_unanchored_status_pattern,
    status_tests.sc307_dead_status_test,
    status_tests.sc308_reply_status_in_failure_route,
)
CAUSE_SITE_RULES: tuple[Rule[CauseSite], ...] = (
    causes.sc309_unknown_cause,
    causes.sc313_hangup_sends_decline,
)
DISPATCH_SITE_RULES: tuple[Rule[DispatchSite], ...] = (dispatch.sc310_dialstatus_dispatch,)
TRUTH_USE_RULES: tuple[Rule[TruthUse], ...] = (truth_uses.sc315_ksr_result_as_boolean,)
IGNORED_STEP_RULES: tuple[Rule[IgnoredStep], ...] = (ignored.sc316_ignored_action,)

F = TypeVar("F")


def run_rules(
    analysis: Analysis, catalog: Catalog, settings: Settings | None = None, lines: LineIndex | None = None
) -> list[Finding]:
    """Every rule on a whole analysis, with the settings and suppressions applied.

    `lines`: the line index of `analysis.text` when the caller has one (lint passes the server's).
    """
    settings = settings or Settings()
    found = judge(analysis, RuleContext(catalog, analysis.dialect, settings.policy))
    return apply_settings(found, analysis, settings, lines)


def judge(facts: FactSource, ctx: RuleContext) -> list[Finding]:
    """Every rule's findings on `facts`, at the offsets the facts hold, before settings apply."""
    found: list[Finding] = []
    _judge_each(facts.code_sites, CODE_SITE_RULES, ctx, found)
    _judge_each(facts.failover_sites, FAILOVER_SITE_RULES, ctx, found)
    _judge_each(facts.knobs, KNOB_RULES, ctx, found)
    _judge_each(facts.status_tests, STATUS_TEST_RULES, ctx, found)
    _judge_each(facts.cause_sites, CAUSE_SITE_RULES, ctx, found)
    _judge_each(facts.dispatch_sites, DISPATCH_SITE_RULES, ctx, found)
    _judge_each(facts.truth_uses, TRUTH_USE_RULES, ctx, found)
    _judge_each(facts.ignored_steps, IGNORED_STEP_RULES, ctx, found)
    _judge_each(facts.outcome_tables, OUTCOME_TABLE_RULES, ctx, found)
    return found


def _judge_each(
    facts: Sequence[F], rules: tuple[Rule[F], ...], ctx: RuleContext, found: list[Finding]
) -> None:
    for fact in facts:
        for rule in rules:
            found += rule(fact, ctx)


def apply_settings(
    found: list[Finding], analysis: Analysis, settings: Settings, lines: LineIndex | None = None
) -> list[Finding]:
    """The findings the settings enable and no suppression comment hides, at their severity, sorted."""
    # Lines matter only for line suppressions; indexing a 100k-line text costs ~10 ms.
    if lines is None and analysis.suppressions.lines:
        lines = LineIndex(analysis.text)
    out: list[Finding] = []
    for finding in found:
        if not settings.enabled(finding.rule, finding.name):
            continue
        if _suppressed(finding, analysis, lines):
            continue
        level = settings.severity_for(finding.rule, finding.name)
        out.append(finding.with_severity(level) if level else finding)
    out.sort(key=lambda f: (f.span.path or "", f.span.start, f.span.end, f.rule))
    return out


def _suppressed(finding: Finding, analysis: Analysis, lines: LineIndex | None) -> bool:
    """Hidden by a file-wide comment, or one on the finding's start line (this document only)."""
    sup = analysis.suppressions
    in_document = finding.span.path in (None, analysis.path)
    line = lines.position(finding.span.start)[0] if in_document and lines is not None else -1
    return any(sup.hides(key, line) for key in (finding.rule, finding.name))
