"""SC201-SC202: does a reply the script sends carry what its code promises?"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import Analysis, CodeSite, Edit, Finding, Fix, Role
from sip_lsp.rules.base import RuleContext

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


# The fact lists `check` reads: a part with none of them is not judged.
READS = ("code_sites",)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for site in analysis.code_sites:
        if site.role is not Role.SENT or site.code is None:
            continue
        if site.code in _NEEDS_HEADER and not site.has_header_append:
            finding = _missing_header(site, ctx, analysis.dialect in _SER)
            if finding:
                yield finding
        if site.after_local_miss and 600 <= site.code <= 699:
            yield _global_for_local(site, ctx)


def _missing_header(site: CodeSite, ctx: RuleContext, ser: bool) -> Finding | None:
    code = site.code or 0
    entry = ctx.catalog.code(code)
    if entry is None or not entry.headers_required:
        return None
    headers = " and ".join(h.name for h in entry.headers_required)
    rfc = next((h.rfc for h in entry.headers_required if h.rfc), "") or entry.rfc
    key = f"challenge-{code}" if ser and code in _CHALLENGES else ""
    return ctx.finding("SC201", site.span, key, label=ctx.code_label(code), headers=headers, rfc=rfc)


def _global_for_local(site: CodeSite, ctx: RuleContext) -> Finding:
    fixes = tuple(_replace_fix(site, ctx, code) for code in _LOCAL_MISS)
    local, later = (ctx.code_label(c) for c in _LOCAL_MISS)
    return ctx.finding(
        "SC202", site.span, label=ctx.code_label(site.code or 0), local=local, later=later, fixes=fixes
    )


def _replace_fix(site: CodeSite, ctx: RuleContext, code: int) -> Fix:
    """Send `code` instead; the phrase follows when it was the old code's own."""
    edits = [Edit(site.span, str(code))]
    entry = ctx.catalog.code(code)
    if entry and site.phrase and site.phrase_span and ctx.owns_phrase(site.code or 0, site.phrase):
        edits.append(Edit(site.phrase_span, entry.reason))
    title = ctx.fix_title("SC202", "replace", replacement=ctx.code_label(code))
    return Fix(title, tuple(edits), safe=False)
