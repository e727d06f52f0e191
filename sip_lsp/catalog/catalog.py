"""`Catalog`: every entry looked up by code, phrase, rule id or name, heading and class."""

from __future__ import annotations

import json

from sip_lsp.catalog.engines import Engine
from sip_lsp.catalog.entries import (
    CodeEntry,
    Contrast,
    DialStatus,
    EngineCause,
    Header,
    JSONObject,
    Q850Cause,
    RetryClass,
    RetryLines,
    RuleEntry,
)
from sip_lsp.catalog.paths import LANGS, translation_file

TRANSLATED = tuple(lang for lang in LANGS if lang != "en")


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
        data: JSONObject | None = None,
    ) -> None:
        self.codes, self.causes, self.engines, self.rules = codes, causes, engines, rules
        self.headings, self.classes, self.retry_classes = headings, classes, retry_classes
        self._data = data or {}
        self._localized: dict[str, Catalog] = {}
        self._phrases: dict[str, int] = {}
        for entry in sorted(codes.values(), key=lambda e: e.code):
            for phrase in (entry.reason, *entry.aliases):
                self._phrases.setdefault(fold_phrase(phrase), entry.code)

    def __repr__(self) -> str:
        return f"Catalog({len(self.codes)} codes, {len(self.rules)} rules)"

    def for_lang(self, lang: str) -> Catalog:
        """This catalogue with `lang`'s translated prose laid over the English (itself for English)."""
        overlay = self._overlay(lang)
        if not overlay:
            return self
        found = self._localized.get(lang)
        if found is None:
            # Only another language needs the overlay's code: English `check` and `explain` skip it.
            from sip_lsp.catalog import translations

            english = {k: v for k, v in self._data.items() if k != "i18n"}
            found = self._localized[lang] = Catalog.from_data(translations.apply(english, overlay))
        return found

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

    def _overlay(self, lang: str) -> JSONObject | None:
        """`lang`'s prose: in the data (a user catalogue's merge), else the compiled translation file."""
        if lang == "en":
            return None
        i18n = self._data.setdefault("i18n", {})
        if lang not in i18n:
            try:
                with open(translation_file(lang), encoding="utf-8") as fh:
                    i18n[lang] = json.load(fh)
            except OSError:  # no such translation: English
                i18n[lang] = {}
        overlay: JSONObject | None = i18n[lang]
        return overlay

    def to_data(self) -> JSONObject:
        """A deep copy of the merged source data this catalogue was built from (translations too)."""
        for lang in TRANSLATED:
            self._overlay(lang)
        copy: JSONObject = json.loads(json.dumps(self._data))
        return copy

    @staticmethod
    def from_data(data: JSONObject) -> Catalog:
        """A catalogue from merged source data (the compiled JSON, plus user files)."""
        codes = {}
        for e in data.get("codes", []):
            headers = e.get("headers", {})
            codes[e["code"]] = CodeEntry(
                code=e["code"],
                reason=e["reason"],
                summary=e["summary"].strip(),
                description=e["description"].strip(),
                retry=e["retry"],
                aliases=tuple(e.get("aliases", ())),
                when_seen=e.get("when_seen", "").strip(),
                how_to_fix=e.get("how_to_fix", "").strip(),
                rfc=e.get("rfc", ""),
                status=e.get("status", "current"),
                replaced_by=e.get("replaced_by"),
                headers_required=tuple(Header(**h) for h in headers.get("required", ())),
                headers_recommended=tuple(Header(**h) for h in headers.get("recommended", ())),
                q850=e.get("q850"),
                freeswitch=e.get("freeswitch"),
                asterisk=e.get("asterisk"),
                frequency=e.get("frequency", 0),
                contrast=tuple(Contrast(**c) for c in e.get("contrast", ())),
                source=e.get("source", "built-in"),
            )
        causes = {
            c["number"]: Q850Cause(c["number"], c["name"], tuple(c.get("from_sip", ())), c.get("to_sip"))
            for c in data.get("causes", [])
        }
        engines = {}
        for name, eng in data.get("engines", {}).items():
            engines[name] = Engine(
                name=name,
                causes={
                    c["name"]: EngineCause(
                        c["name"],
                        c["number"],
                        tuple(c.get("aliases", ())),
                        tuple(c.get("from_sip", ())),
                        c.get("to_sip"),
                        c.get("summary", ""),
                    )
                    for c in eng.get("causes", [])
                },
                default_from_sip=dict(eng.get("default_from_sip", {})),
                default_to_sip=eng.get("default_to_sip"),
                dialstatus={
                    d["value"]: DialStatus(
                        d["value"],
                        d["summary"],
                        tuple(d.get("causes", ())),
                        d.get("other_causes", False),
                        d.get("failed", False),
                    )
                    for d in eng.get("dialstatus", [])
                },
                source=eng.get("source", ""),
                sip_names=dict(eng.get("sip_names", {})),
                facts={k: f.get("value") for k, f in eng.get("semantics", {}).items()},
                templates=dict(eng.get("templates", {})),
            )
        rules = {
            r["id"]: RuleEntry(
                id=r["id"],
                name=r["name"],
                severity=r["severity"],
                summary=r["summary"].strip(),
                message=r["message"].strip(),
                why=r.get("why", "").strip(),
                example=r.get("example", ""),
                instead=r.get("instead", ""),
                fix=r.get("fix", "").strip(),
                fixable=r.get("fixable", "never"),
                rfc=r.get("rfc", ""),
                messages=dict(r.get("messages", {})),
                fix_titles=dict(r.get("fix_titles", {})),
            )
            for r in data.get("rules", [])
        }
        retry = {
            k: RetryClass(
                v["title"],
                v["advice"].strip(),
                v.get("on_receive", "").strip(),
                v.get("in_failure_route", "").strip(),
                {
                    c["code"]: RetryLines(
                        c.get("on_receive", "").strip(), c.get("in_failure_route", "").strip()
                    )
                    for c in v.get("codes", ())
                },
            )
            for k, v in data.get("retry_classes", {}).items()
        }
        return Catalog(
            codes=dict(sorted(codes.items())),
            causes=dict(sorted(causes.items())),
            engines=engines,
            rules=dict(sorted(rules.items())),
            headings=data.get("headings", {}),
            classes=data.get("classes", {}),
            retry_classes=retry,
            data={k: v for k, v in data.items() if not k.startswith("_")},
        )


def fold_phrase(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())
