"""SC401: an outcome table against the user's failover policy (`[policy]`, model.policy).

The policy reaches the rule through `ctx.policy` (the settings); without one the
rule says nothing. One finding per broken policy key per failover point, at the
point, with each offending row's deciding line and guards as related places.
Rows the text cannot judge (`unknown`) never break a policy.
"""

from __future__ import annotations

from sip_lsp.model import CodeSet, Finding, Local, Outcome, OutcomeTable, Related, Row
from sip_lsp.rules.context import NOTHING, Found, RuleContext

_LOCAL_ORDER = (Local.TIMEOUT, Local.CANCELLED, Local.NO_DESTINATION)
# A code "reaches the caller" when relayed as is (forward) or sent as itself by the script's reply.
# When the call ends the engine answers with its own mapping of the code (Asterisk sends 403 for
# a 603, FreeSWITCH passes it on): no script line masks it, so `end` is not held against the policy.
_REACHES = (Outcome.FORWARD, Outcome.END, Outcome.UNKNOWN)
_LOCAL_CODE = {Local.TIMEOUT: 408, Local.CANCELLED: 487}  # what the caller gets for them

Offence = tuple[Row, frozenset[int], frozenset[Local]]


def sc401_policy_violation(table: OutcomeTable, ctx: RuleContext) -> Found:
    """Rows that retry what must not be retried, or keep from the caller what must reach it."""
    policy = ctx.policy
    if not policy:
        return NOTHING
    found: list[Finding] = []
    for key, codes, offences in (
        ("never-retry", policy.never_retry, _retried(table, policy.never_retry, ctx, named=True)),
        ("retry-only", policy.retry_only, _retried(table, policy.retry_only, ctx, named=False)),
        (
            "must-reach-caller",
            policy.must_reach_caller,
            _kept_from_caller(table, policy.must_reach_caller, ctx),
        ),
    ):
        if codes is not None and offences:
            found.append(_finding(key, codes, offences, table, ctx))
    return tuple(found)


def _judged(row: Row, ctx: RuleContext, named: CodeSet) -> frozenset[int]:
    """The row's codes a reader knows: registered ones and those the policy names one by one."""
    mine = {int(p) for p in named.patterns if p.strip().isdigit()}
    return frozenset(c for c in row.codes if c in ctx.catalog.codes or c in mine)


def _retried(table: OutcomeTable, codes: CodeSet | None, ctx: RuleContext, named: bool) -> list[Offence]:
    """retry-same rows holding codes the set names (never-retry) or does not name (retry-only)."""
    if codes is None:
        return []
    out = []
    for row in table.rows:
        if row.outcome is not Outcome.RETRY_SAME:
            continue
        judged = _judged(row, ctx, codes)
        bad, local = codes.holds(judged, row.local) if named else codes.lacks(judged, row.local)
        if bad or local:
            out.append((row, bad, local))
    return out


def _kept_from_caller(table: OutcomeTable, codes: CodeSet | None, ctx: RuleContext) -> list[Offence]:
    if codes is None:
        return []
    out = []
    for row in table.rows:
        if row.outcome in _REACHES:
            continue
        bad, local = codes.holds(_judged(row, ctx, codes), row.local)
        if row.outcome is Outcome.REPLY:
            # A reply of the same code reaches the caller; no code: the received one is passed on.
            sent = row.reply
            bad = frozenset() if sent is None else frozenset(c for c in bad if c != sent)
            local = (
                frozenset()
                if sent is None
                else frozenset(c for c in local if _LOCAL_CODE.get(c, sent) != sent)
            )
        if bad or local:
            out.append((row, bad, local))
    return out


def _finding(
    key: str, codes: CodeSet, offences: list[Offence], table: OutcomeTable, ctx: RuleContext
) -> Finding:
    every = frozenset(c for _, bad, _ in offences for c in bad)
    local = frozenset(case for _, _, cases in offences for case in cases)
    related: list[Related] = []
    for row, bad, cases in offences:
        what = _what(bad, cases, ctx)
        outcome = _outcome(row, ctx)
        if row.span is not None:
            related.append(Related(row.span, ctx.text("SC401", "related-row", codes=what, outcome=outcome)))
        related += [Related(span, ctx.text("SC401", "related-test")) for span in row.guards]
    outcomes = ", ".join(dict.fromkeys(_outcome(row, ctx) for row, _, _ in offences))
    return ctx.finding(
        "SC401",
        table.span,
        key,
        patterns=", ".join(codes.patterns),
        codes=_what(every, local, ctx),
        outcome=outcomes,
        related=tuple(related),
    )


def _what(codes: frozenset[int], local: frozenset[Local], ctx: RuleContext) -> str:
    parts = [ctx.code_list(codes, limit=4)] if codes else []
    parts += [ctx.text("SC401", f"word-{case.value}") for case in _LOCAL_ORDER if case in local]
    return ", ".join(parts)


def _outcome(row: Row, ctx: RuleContext) -> str:
    return ctx.text("SC401", f"word-{row.outcome.value}", reply=row.reply if row.reply is not None else "")
