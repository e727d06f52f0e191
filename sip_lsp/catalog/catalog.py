"""`Catalog`: every entry looked up by code, phrase, rule id or name, heading and class."""

from __future__ import annotations

import json

from sip_lsp.catalog.engines import Engine
from sip_lsp.catalog.entries import CodeEntry, Q850Cause, RetryClass, RuleEntry


class Catalog:
    """Everything the user reads, looked up by code, phrase, rule, heading and class."""

    def __init__(
        self,
        codes: dict[int, CodeEntry],
        causes: dict[int, Q850Cause],
        engines: dict[str, Engine],
        rules: dict[str, RuleEntry],
        headings: dict[str, dict[str, str]],
        classes: dict[str, dict[str, str]],
        retry_classes: dict[str, RetryClass],
        data: dict | None = None,
    ) -> None:
        self.codes, self.causes, self.engines, self.rules = codes, causes, engines, rules
        self.headings, self.classes, self.retry_classes = headings, classes, retry_classes
        self._data = data or {}
        self._phrases: dict[str, int] = {}
        for entry in sorted(codes.values(), key=lambda e: e.code):
            for phrase in (entry.reason, *entry.aliases):
                self._phrases.setdefault(fold_phrase(phrase), entry.code)

    def __repr__(self) -> str:
        return f"Catalog({len(self.codes)} codes, {len(self.rules)} rules)"

    def code(self, code: int) -> CodeEntry | None:
        return self.codes.get(code)

    def phrase_owner(self, phrase: str) -> int | None:
        """The code whose IANA phrase (or alias) this is, case-insensitively."""
        return self._phrases.get(fold_phrase(phrase))

    def rule(self, key: str) -> RuleEntry | None:
        key = key.strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        for rule in self.rules.values():
            if rule.name == key.lower():
                return rule
        return None

    def heading(self, key: str, lang: str = "en") -> str:
        table = self.headings.get(lang) or self.headings.get("en", {})
        return table.get(key) or self.headings.get("en", {}).get(key, key)

    def class_name(self, cls: str, lang: str = "en") -> str:
        names = self.classes.get(cls, {})
        return names.get(lang) or names.get("en", cls)

    def to_data(self) -> dict:
        """A deep copy of the merged source data this catalogue was built from."""
        return json.loads(json.dumps(self._data))


def fold_phrase(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())
