"""Asterisk's cause tables as the dialect needs them: precomputed once per catalogue.

SIP code -> cause -> DIALSTATUS follows res/res_pjsip.c ast_sip_hangup_sip2cause
and apps/app_dial.c handle_cause, both read from `catalog/engines/asterisk.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sip_lsp.catalog import Catalog, Engine, default_catalog
from sip_lsp.model import FINAL_CODES


@dataclass(frozen=True)
class Tables:
    engine: Engine
    status_codes: dict[str, frozenset[int]]  # DIALSTATUS value -> SIP codes producing it
    failed: tuple[str, ...]  # values after which the dialplan goes on failed
    cause_codes: dict[str, frozenset[int]]  # cause name -> SIP codes producing it
    sip_names: dict[str, int]  # PJSIPHangup names -> code
    by_number: tuple[str, ...]  # canonical names in table order (ast_str2cause)


def tables(catalog: Catalog | None) -> Tables | None:
    """The Asterisk tables of `catalog` (the built-in one when None)."""
    return _tables(catalog or default_catalog())


# A pure function of the catalogue (compared by identity); a few entries: user catalogues get reloaded.
@lru_cache(maxsize=4)
def _tables(catalog: Catalog) -> Tables | None:
    engine = catalog.engines.get("asterisk")
    if engine is None:
        return None
    # One pass over 300-699 instead of Engine.codes_for_cause per cause (50 scans).
    by_cause: dict[str, set[int]] = {}
    for code in FINAL_CODES:
        cause = engine.cause_for_sip(code)
        if cause is not None:
            by_cause.setdefault(cause.name, set()).add(code)
    claimed = {c for s in engine.dialstatus.values() for c in s.causes}
    status_codes: dict[str, frozenset[int]] = {}
    for value, status in engine.dialstatus.items():
        names = set(status.causes) | (
            {c for c in engine.causes if c not in claimed} if status.other_causes else set()
        )
        status_codes[value] = frozenset(c for n in names for c in by_cause.get(n, ()))
    return Tables(
        engine=engine,
        status_codes=status_codes,
        failed=tuple(v for v, s in engine.dialstatus.items() if s.failed),
        cause_codes={k: frozenset(v) for k, v in by_cause.items()},
        sip_names={k.upper(): v for k, v in engine.sip_names.items()},
        by_number=tuple(c.name for c in sorted(engine.causes.values(), key=lambda c: c.number)),
    )


def hangup_cause(t: Tables, token: str) -> str | None:
    """The cause Hangup(token) sets, per main/channel.c ast_str2cause + pbx_builtin_hangup.

    A name matches when it starts with a table name (no AST_CAUSE_ prefix, no
    C aliases); otherwise a positive number is taken as is.
    """
    word = token.strip().upper()
    for name in t.by_number:
        if word.startswith(name):
            return name
    if word.isdigit() and int(word) > 0:
        cause = t.engine.cause(word)
        return cause.name if cause else None
    return None
