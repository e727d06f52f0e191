"""Russian: every prose field translated, and Russian output free of English sentences."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from sip_lsp.catalog import DATA_FILE, default_catalog
from sip_lsp.catalog.paths import translation_file
from sip_lsp.catalog.translations import TranslationError, apply, check

# Fields a reader reads, wherever they stand in an entry.
PROSE_KEYS = {
    "summary", "description", "when_seen", "how_to_fix", "when", "difference", "choose",
    "why", "fix", "message", "title", "advice", "on_receive", "in_failure_route",
}  # fmt: skip
SECTIONS = ("codes", "rules", "retry_classes", "causes", "engines")


def _data() -> dict:
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    with open(translation_file("ru"), encoding="utf-8") as fh:
        data["i18n"] = {"ru": json.load(fh)}
    return data


def _untranslated(english: object, localized: object, where: str) -> list[str]:
    """Prose leaves that read the same after the Russian overlay was laid over them."""
    gaps: list[str] = []
    if isinstance(english, dict) and isinstance(localized, dict):
        for key, value in english.items():
            here = f"{where}.{key}"
            if isinstance(value, str) and (key in PROSE_KEYS or where.endswith(("messages", "fix_titles"))):
                if " " in value.strip() and localized.get(key) == value:  # a phrase, not a name
                    gaps.append(here)
            else:
                gaps += _untranslated(value, localized.get(key), here)
    elif isinstance(english, list) and isinstance(localized, list):
        for i, (e, r) in enumerate(zip(english, localized)):
            label = next(
                (e[k] for k in ("code", "id", "number", "value", "name") if isinstance(e, dict) and k in e), i
            )
            gaps += _untranslated(e, r, f"{where}[{label}]")
    return gaps


def test_every_prose_field_has_its_russian():
    data = _data()
    english = {k: data[k] for k in SECTIONS}
    localized = apply(english, data["i18n"]["ru"])
    # Q.850 cause names are prose too: their key is `name`, translated in catalog/ru/causes.yaml.
    gaps = _untranslated(english, localized, "")
    gaps += [
        f".causes[{e['number']}].name"
        for e, r in zip(english["causes"], localized["causes"])
        if e["name"] == r["name"]
    ]
    assert gaps == []


def test_headings_and_class_names_have_both_languages():
    catalog = default_catalog()
    assert set(catalog.headings["ru"]) >= set(catalog.headings["en"])
    assert all("ru" in names for names in catalog.classes.values())


@pytest.mark.parametrize(
    "overlay, problem",
    [
        ({"codes": [{"code": 999, "summary": "x"}]}, "no English entry has it"),
        ({"codes": [{"code": 604, "colour": "x"}]}, "no such field"),
        ({"rules": [{"id": "SC101", "message": "{code} без {fallback} {extra}"}]}, "placeholders"),
        ({"codes": [{"summary": "x"}]}, "needs its code"),
    ],
)
def test_a_broken_translation_is_refused_with_where_and_why(overlay, problem):
    data = _data()
    with pytest.raises(TranslationError, match=problem):
        check({k: data[k] for k in SECTIONS}, overlay)


def test_items_sharing_a_name_take_their_own_translation_in_order():
    english = [
        {"name": "Contact", "when": "a"},
        {"name": "Via", "when": "b"},
        {"name": "Contact", "when": "c"},
    ]
    overlay = [{"name": "Contact", "when": "А"}, {"name": "Contact", "when": "В"}]
    assert [h["when"] for h in apply({"h": english}, {"h": overlay})["h"]] == ["А", "b", "В"]
    # A name the overlay translates fewer times than the English uses stays English.
    assert [h["when"] for h in apply({"h": english}, {"h": overlay[:1]})["h"]] == ["А", "b", "c"]
    headers = default_catalog().for_lang("ru").code(200).headers_required
    assert len({h.when for h in headers if h.name == "Contact"}) == 2


# Text that stays English in Russian output: code, identifiers, IANA phrases, RFC titles.
_KEEP = [
    re.compile(r"`[^`]*`"),
    re.compile(r"```.*?```", re.S),
    re.compile(r"\b[\w.$-]*[_$(){}\[\]\"=/\\:][\w.$(){}\[\]\"=/\\:,* -]*"),  # calls, variables, patterns
    re.compile(r"\b[A-Z][A-Z0-9_-]+\b"),  # cause names, methods, header-like tokens
    re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][A-Za-z]*)+\b"),  # header names (Content-Type)
]
_ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,'-]+[A-Za-z][a-z]+){3,}")


def _english_sentences(text: str) -> list[str]:
    catalog = default_catalog()
    for entry in catalog.codes.values():  # IANA phrases stay English (RFC 3261 §21)
        for phrase in (entry.reason, *entry.aliases):
            text = text.replace(phrase, " ")
    for header in {
        h.name for e in catalog.codes.values() for h in e.headers_required + e.headers_recommended
    }:
        text = text.replace(header, " ")
    for pattern in _KEEP:
        text = pattern.sub(" ", text)
    return _ENGLISH_RUN.findall(text)


def _cli(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", *args], capture_output=True, text=True, check=True
    )
    return proc.stdout


@pytest.mark.parametrize("code", sorted(default_catalog().codes))
def test_explain_in_russian_holds_no_english_sentence(code):
    catalog = default_catalog()
    from sip_lsp import render

    text = render.code_markdown(catalog.codes[code], catalog, "ru")
    assert _english_sentences(text) == []


@pytest.mark.parametrize("rule", sorted(default_catalog().rules))
def test_rule_docs_in_russian_hold_no_english_sentence(rule):
    catalog = default_catalog()
    from sip_lsp import render

    text = render.rule_markdown(catalog.rules[rule], catalog, "ru")
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("    "))
    assert _english_sentences(text) == []


def test_explain_and_compare_through_the_cli_in_russian():
    explain = _cli("explain", "604", "--lang", "ru")
    compare = _cli("compare", "202", "604", "--lang", "ru")
    assert "Описание" in explain and "Как исправить" in explain
    assert _english_sentences(explain) == [] and _english_sentences(compare) == []


def test_check_speaks_russian_with_lang_or_the_locale(tmp_path):
    """`check --lang ru` (or LANG=ru_RU) gives Russian messages and fix titles: no English sentence."""
    command = [sys.executable, "-m", "sip_lsp", "check", "--exit-zero", "examples/"]
    by_flag = subprocess.run([*command, "--lang", "ru"], capture_output=True, text=True, check=True)
    env = {**os.environ, "LANG": "ru_RU.UTF-8"}
    by_locale = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    assert by_flag.stdout == by_locale.stdout
    messages = [line.split(" ", 2)[-1] for line in by_flag.stdout.splitlines() if ": SC" in line]
    fixes = [line.split(": ", 1)[1] for line in by_flag.stdout.splitlines() if "= исправление" in line]
    assert messages and fixes
    assert [m for m in messages + fixes if _english_sentences(m)] == []
