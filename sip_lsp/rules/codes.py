"""SC101-SC104: is each code as written a registered, current code with its own phrase?"""

from __future__ import annotations

from collections.abc import Iterator

from sip_lsp.model import ALL_CODES, Analysis, CodeSite, Edit, Finding, Fix, Role
from sip_lsp.rules.base import RuleContext

# Only where the script sends a code or lists it for a module is a bad code a
# mistake; a MATCHED code inside a pattern is judged by the status-test rules.
_CODE_ROLES = (Role.SENT, Role.CONFIGURED)

# RFC 3261 §8.1.3.2: an unknown provisional response is handled as 183, an
# unknown final one as the x00 of its class.
_UNKNOWN_PROVISIONAL = 183


# The fact lists `check` reads: a part with none of them is not judged.
READS = ("code_sites",)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for site in analysis.code_sites:
        if site.role not in _CODE_ROLES:
            continue
        if site.code is None or site.code not in ALL_CODES:
            if site.code_required:
                yield ctx.finding("SC102", site.span, text=site.text)
            continue
        entry = ctx.catalog.code(site.code)
        if entry is None:
            yield _unknown(site, ctx)
            continue
        if site.role is not Role.SENT:
            continue
        if entry.status == "deprecated" and entry.replaced_by:
            yield _deprecated(site, ctx, entry.replaced_by)
        elif site.phrase:
            finding = _phrase_mismatch(site, ctx)
            if finding:
                yield finding


def _unknown(site: CodeSite, ctx: RuleContext) -> Finding:
    code = site.code or 0
    fallback = _UNKNOWN_PROVISIONAL if code < 200 else code // 100 * 100
    return ctx.finding("SC101", site.span, code=code, fallback=ctx.code_label(fallback))


def _deprecated(site: CodeSite, ctx: RuleContext, replacement: int) -> Finding:
    code = site.code or 0
    edits = [Edit(site.span, str(replacement))]
    new = ctx.catalog.code(replacement)
    if site.phrase and site.phrase_span and new and ctx.owns_phrase(code, site.phrase):
        edits.append(Edit(site.phrase_span, new.reason))
    label = ctx.code_label(replacement)
    fix = Fix(ctx.fix_title("SC103", "replace", replacement=label), tuple(edits))
    return ctx.finding(
        "SC103", site.span, label=ctx.code_label(code), replacement=label, fixes=(fix,), tags=("deprecated",)
    )


def _phrase_mismatch(site: CodeSite, ctx: RuleContext) -> Finding | None:
    code, phrase = site.code or 0, site.phrase or ""
    owner = ctx.phrase_owner(phrase)
    if owner is None or owner == code or ctx.owns_phrase(code, phrase):
        return None
    reason = ctx.catalog.codes[code].reason
    span = site.phrase_span or site.span
    fixes = ()
    if site.phrase_span:
        fixes = (Fix(ctx.fix_title("SC104", "phrase", reason=reason), (Edit(site.phrase_span, reason),)),)
    return ctx.finding(
        "SC104", span, phrase=phrase, owner=ctx.code_label(owner), label=ctx.code_label(code), fixes=fixes
    )
