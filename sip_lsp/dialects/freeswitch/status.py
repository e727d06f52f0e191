"""Dialplan conditions that test how a bridge failed, as StatusTests.

mod_dialplan_xml matches `expression` as a PCRE search (unanchored) against
the expanded `field`. Fields holding the SIP status (`sip_term_status`,
`sip_invite_failure_status`, set by sofia.c from the failure response) admit
the codes whose 3 digits the regex finds; fields holding a cause name
(`originate_disposition`, `hangup_cause`, ...; switch_ivr_originate.c and
switch_channel.c set them with switch_channel_cause2str) admit the codes whose
FreeSWITCH cause name it finds. Python `re` stands in for PCRE.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from sip_lsp.model import ALL_CODES

STATUS_FIELDS = frozenset({"sip_term_status", "sip_invite_failure_status"})
CAUSE_FIELDS = frozenset(
    {
        "originate_disposition",
        "hangup_cause",
        "originate_failed_cause",
        "last_bridge_hangup_cause",
        "bridge_hangup_cause",
    }
)
_FIELD = re.compile(r"\$\{(\w+)\}\Z")
_CODES = tuple(sorted(ALL_CODES))


class FieldKind(NamedTuple):
    """What a condition's field holds."""

    kind: Literal["status", "cause"]  # the SIP status, or a cause name
    variable: str


class Admitted(NamedTuple):
    """The status codes a regex finds."""

    admits: frozenset[int]  # searched, as mod_dialplan_xml does
    named: frozenset[int]  # read as if anchored: what its author named


def field_kind(field: str) -> FieldKind | None:
    """What `field` holds, for a field we understand; else None."""
    if "${" not in field:
        return None  # most fields: destination_number, caller_id_number ...
    m = _FIELD.match(field.strip())
    if not m:
        return None
    name = m.group(1)
    if name in STATUS_FIELDS:
        return FieldKind("status", name)
    if name in CAUSE_FIELDS:
        return FieldKind("cause", name)
    return None


@lru_cache(maxsize=1024)
def _compile(expression: str) -> re.Pattern[str] | None:
    try:
        return re.compile(expression)
    except (re.error, RecursionError, OverflowError):
        return None


def status_admits(expression: str) -> Admitted | None:
    """The status codes `expression` admits, or None for a bad regex."""
    rx = _compile(expression)
    if rx is None:
        return None
    admits = frozenset(c for c in _CODES if rx.search(str(c)))
    named = frozenset(c for c in admits if rx.fullmatch(str(c)))
    return Admitted(admits, named)


@lru_cache(maxsize=1024)
def cause_names(expression: str, names: tuple[str, ...]) -> frozenset[str] | None:
    """The cause names the regex finds, or None for a bad regex."""
    rx = _compile(expression)
    if rx is None:
        return None
    return frozenset(n for n in names if rx.search(n))
