"""SC201-SC202: does a reply the script sends carry what its code promises?"""

from __future__ import annotations

from sip_lsp.model import CodeSite, Edit, Fix, Role
from sip_lsp.rules.context import NOTHING, Found, RuleContext

# Replies that are useless without a header the script itself must add; the
# header names come from the catalogue. 401/407: RFC 3261 §22.2-22.3;
# 405: §8.2.1; 415: §8.2.3; 420: §8.2.2.3; 421: §8.2.4; 422: RFC 4028 §9;
# 423: RFC 3261 §10.3; 494: RFC 3329 §2.3.1.
_NEEDS_HEADER = frozenset({401, 405, 407, 415, 420, 421, 422, 423, 494})
# Codes with a challenge function that builds the header (auth module).
_CHALLENGES = frozenset({401, 407})
_SER = ("kamailio", "opensips")

# What a local miss should send instead of a 6xx: RFC 3261 §21.4.5, §21.4.18.
_LOCAL_MISS = (404, 480)


def sc201_missing_required_header(site: CodeSite, ctx: RuleContext) -> Found:
    """A reply sent without a header its RFC requires (401 without WWW-Authenticate)."""
    code = site.code
    if site.role is not Role.SENT or code is None or code not in _NEEDS_HEADER or site.has_header_append:
        return NOTHING
    entry = ctx.catalog.code(code)
    if entry is None or not entry.headers_required:
        return NOTHING
    headers = " and ".join(h.name for h in entry.headers_required)
    rfc = next((h.rfc for h in entry.headers_required if h.rfc), "") or entry.rfc
    key = f"challenge-{code}" if ctx.dialect in _SER and code in _CHALLENGES else ""
    return (ctx.finding("SC201", site.span, key, label=ctx.code_label(code), headers=headers, rfc=rfc),)


def sc202_global_failure_for_local_miss(site: CodeSite, ctx: RuleContext) -> Found:
    """A 6xx sent because a local lookup failed: offers 404 or 480 instead."""
    code = site.code
    if site.role is not Role.SENT or code is None or not site.after_local_miss or not 600 <= code <= 699:
        return NOTHING
    fixes = tuple(_send_instead(site, code, ctx, other) for other in _LOCAL_MISS)
    local, later = (ctx.code_label(c) for c in _LOCAL_MISS)
    return (
        ctx.finding("SC202", site.span, label=ctx.code_label(code), local=local, later=later, fixes=fixes),
    )


def _send_instead(site: CodeSite, code: int, ctx: RuleContext, other: int) -> Fix:
    """Send `other` instead of `code`; the phrase follows when it was the old code's own."""
    edits = [Edit(site.span, str(other))]
    entry = ctx.catalog.code(other)
    if entry and site.phrase and site.phrase_span and ctx.owns_phrase(code, site.phrase):
        edits.append(Edit(site.phrase_span, entry.reason))
    title = ctx.fix_title("SC202", "replace", replacement=ctx.code_label(other))
    return Fix(title, tuple(edits), safe=False)
