"""SC101-SC104: is a code as written a registered, current code with its own phrase?

Only where the script sends a code or lists it for a module is a bad code a
mistake; a MATCHED code inside a pattern is judged by the status-test rules.
"""

from __future__ import annotations

from sip_lsp.catalog import CodeEntry
from sip_lsp.model import ALL_CODES, CodeSite, Edit, Fix, Role
from sip_lsp.rules.context import NOTHING, Found, RuleContext

_CODE_ROLES = (Role.SENT, Role.CONFIGURED)

# RFC 3261 §8.1.3.2: an unknown provisional response is handled as 183, an
# unknown final one as the x00 of its class.
_UNKNOWN_PROVISIONAL = 183


def sc101_unknown_code(site: CodeSite, ctx: RuleContext) -> Found:
    """A code in 100-699 that IANA never registered."""
    code = _valid_code(site)
    if code is None or ctx.catalog.code(code) is not None:
        return NOTHING
    fallback = _UNKNOWN_PROVISIONAL if code < 200 else code // 100 * 100
    return (ctx.finding("SC101", site.span, code=code, fallback=ctx.code_label(fallback)),)


def sc102_invalid_code(site: CodeSite, ctx: RuleContext) -> Found:
    """Not three digits from 100 to 699 where the syntax requires a code."""
    if site.role not in _CODE_ROLES or not site.code_required or _valid_code(site) is not None:
        return NOTHING
    return (ctx.finding("SC102", site.span, text=site.text),)


def sc103_deprecated_code(site: CodeSite, ctx: RuleContext) -> Found:
    """A deprecated code sent (202): the fix sends its replacement, with its phrase."""
    entry = _sent_entry(site, ctx)
    if entry is None or entry.replaced_by is None or not _replaced(entry):
        return NOTHING
    replacement = entry.replaced_by
    edits = [Edit(site.span, str(replacement))]
    new = ctx.catalog.code(replacement)
    if site.phrase and site.phrase_span and new and ctx.owns_phrase(entry.code, site.phrase):
        edits.append(Edit(site.phrase_span, new.reason))
    label = ctx.code_label(replacement)
    fix = Fix(ctx.fix_title("SC103", "replace", replacement=label), tuple(edits))
    return (
        ctx.finding(
            "SC103",
            site.span,
            label=ctx.code_label(entry.code),
            replacement=label,
            fixes=(fix,),
            tags=("deprecated",),
        ),
    )


def sc104_reason_phrase_mismatch(site: CodeSite, ctx: RuleContext) -> Found:
    """A phrase that is another code's own ("404 Busy Here"); custom phrases are fine."""
    entry = _sent_entry(site, ctx)
    if entry is None or _replaced(entry) or not site.phrase:
        return NOTHING
    code, phrase = entry.code, site.phrase
    owner = ctx.phrase_owner(phrase)
    if owner is None or owner == code or ctx.owns_phrase(code, phrase):
        return NOTHING
    fixes: tuple[Fix, ...] = ()
    if site.phrase_span:
        edit = Edit(site.phrase_span, entry.reason)
        fixes = (Fix(ctx.fix_title("SC104", "phrase", reason=entry.reason), (edit,)),)
    span = site.phrase_span or site.span
    owner_label, label = ctx.code_label(owner), ctx.code_label(code)
    return (ctx.finding("SC104", span, phrase=phrase, owner=owner_label, label=label, fixes=fixes),)


def _valid_code(site: CodeSite) -> int | None:
    """The code of a sent or configured site when it is a 3-digit code in 100-699."""
    code = site.code
    if site.role not in _CODE_ROLES or code is None or code not in ALL_CODES:
        return None
    return code


def _sent_entry(site: CodeSite, ctx: RuleContext) -> CodeEntry | None:
    """The catalogue entry of a registered code the script sends."""
    code = _valid_code(site)
    return None if code is None or site.role is not Role.SENT else ctx.catalog.code(code)


def _replaced(entry: CodeEntry) -> bool:
    return bool(entry.status == "deprecated" and entry.replaced_by)
