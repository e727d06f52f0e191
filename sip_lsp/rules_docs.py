"""Each rule's documentation as a Markdown page shipped in the package.

Diagnostics link to these pages (`codeDescription.href`) until a reference site
exists. `make catalog` writes them from the catalogue's rule entries, beside
catalog.json: sip_lsp/data/rules/<ID>.md in English, rules/<lang>/<ID>.md in
the other languages.
"""

from __future__ import annotations

import os

from sip_lsp import render
from sip_lsp.catalog import LANGS, Catalog, RuleEntry

RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "rules")


def page_path(rule_id: str, lang: str = "en") -> str:
    """Where the rule's page for `lang` is (it may be missing for a rule of a user catalogue)."""
    folder = RULES_DIR if lang == "en" else os.path.join(RULES_DIR, lang)
    return os.path.join(folder, f"{rule_id}.md")


def page(rule: RuleEntry, catalog: Catalog, lang: str = "en") -> str:
    """The page: a title, then what the CLI's `explain SC301` shows."""
    return f"# {rule.id} {rule.name}\n\n{render.rule_markdown(rule, catalog, lang)}\n"


def write_pages(catalog: Catalog) -> list[str]:
    """Write every rule's page in every language; remove pages of rules that are gone."""
    written: list[str] = []
    for lang in LANGS:
        folder = os.path.dirname(page_path("SC000", lang))
        os.makedirs(folder, exist_ok=True)
        for rule in catalog.rules.values():
            path = page_path(rule.id, lang)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(page(rule, catalog, lang))
            written.append(path)
        for name in os.listdir(folder):
            if name.endswith(".md") and name[:-3] not in catalog.rules:
                os.remove(os.path.join(folder, name))
    return written
