"""What every rule shares: the context it judges in, and the shape of a rule.

A rule is a function `scNNN_name(fact, ctx) -> Found`: it judges one fact (never
the text, never the document's other facts) and takes its name, severity and
message from the catalogue through `ctx.finding`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final, TypeVar

from sip_lsp.catalog import Catalog, fold_phrase
from sip_lsp.model import NO_POLICY, Finding, Fix, Policy, Related, Span

# What a rule returns: usually nothing or one finding. A tuple, not a generator:
# a cold lint of 100k lines calls rules ~200k times, and a generator costs 4x a call.
Found = Sequence[Finding]
NOTHING: Found = ()

FactT = TypeVar("FactT")


class RuleContext:
    """The catalogue, dialect and failover policy a document is judged with."""

    __slots__ = ("catalog", "dialect", "policy", "_owners")

    def __init__(self, catalog: Catalog, dialect: str = "", policy: Policy = NO_POLICY) -> None:
        self.catalog: Final = catalog
        self.dialect: Final = dialect  # kamailio | opensips | asterisk | freeswitch
        self.policy: Final = policy  # the settings' [policy]: SC401 judges tables against it
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
        subject: str = "",
        **values: object,
    ) -> Finding:
        """A Finding for `rule_id` with the catalogue's name, default severity and message.

        `key` picks a variant message template (`messages:` in the rule entry); `subject`
        names what several rules on one span share (features/problems.py merges them).
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
            subject=subject,
        )

    def text(self, rule_id: str, key: str, **values: object) -> str:
        """One of the rule's message templates, filled (a related place's message)."""
        return self.catalog.rules[rule_id].text(key, **values)

    def fix_title(self, rule_id: str, key: str, **values: object) -> str:
        title: str = self.catalog.rules[rule_id].fix_titles[key]
        return title.format(**values)

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


# A rule over one kind of fact: `Rule[CodeSite]` judges a CodeSite.
Rule = Callable[[FactT, RuleContext], Found]
