"""What every rule module shares: the context a rule runs in and the Finding builder.

A rule module exposes `check(analysis, ctx) -> Iterable[Finding]`. It reads facts
only (never the text) and takes its name, severity and message from the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from sip_lsp.catalog import Catalog, fold_phrase
from sip_lsp.model import Finding, Fix, Record, Related, Span


class RuleContext(Record):
    __slots__ = ("catalog", "_owners")
    _fields = ("catalog",)

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # phrase -> owning code: a script sends the same few phrases hundreds of times.
        self._owners: dict[str, int | None] = {}

    def finding(
        self,
        rule_id: str,
        span: Span,
        key: str = "",
        *,
        related: tuple[Related, ...] = (),
        fixes: tuple[Fix, ...] = (),
        tags: tuple[str, ...] = (),
        **values: object,
    ) -> Finding:
        """A Finding for `rule_id` with the catalogue's name, default severity and message.

        `key` picks a variant message template (`messages:` in the rule entry).
        """
        rule = self.catalog.rules[rule_id]
        return Finding(
            rule=rule.id,
            name=rule.name,
            severity=rule.severity,
            span=span,
            message=rule.text(key, **values),
            related=related,
            fixes=fixes,
            tags=tags,
        )

    def fix_title(self, rule_id: str, key: str, **values: object) -> str:
        return self.catalog.rules[rule_id].fix_titles[key].format(**values)

    def code_label(self, code: int) -> str:
        """ "604 Does Not Exist Anywhere" — or the bare number for an unregistered code."""
        entry = self.catalog.code(code)
        return f"{code} {entry.reason}" if entry else str(code)

    def code_list(self, codes: Iterable[int], limit: int = 3) -> str:
        """ "600 Busy Everywhere, 603 Decline, …": registered codes first, at most `limit` shown."""
        ordered = sorted(codes, key=lambda c: (self.catalog.code(c) is None, c))
        shown = ", ".join(self.code_label(c) for c in ordered[:limit])
        return shown + (", …" if len(ordered) > limit else "")

    def phrase_owner(self, phrase: str) -> int | None:
        """The catalogue's `phrase_owner`, folded once per distinct phrase."""
        owners = self._owners
        if phrase in owners:
            return owners[phrase]
        owner = owners[phrase] = self.catalog.phrase_owner(phrase)
        return owner

    def owns_phrase(self, code: int, phrase: str) -> bool:
        """True when `phrase` is the code's registered phrase or one of its aliases."""
        entry = self.catalog.code(code)
        return entry is not None and any(
            fold_phrase(p) == fold_phrase(phrase) for p in (entry.reason, *entry.aliases)
        )
