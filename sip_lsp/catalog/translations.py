"""Translations: prose in another language laid over the English catalogue.

`catalog/ru/` mirrors the English files with only their prose: each entry carries the
key that names it (`code`, `id`, `number`, `value` or `name`) and its translated fields.
The build checks every translated field against the English one and stores the overlay
per language (`i18n`) in the compiled JSON; `Catalog.for_lang` lays it over the English
data. Anything not translated reads in English.
"""

from __future__ import annotations

import re

from sip_lsp.catalog.entries import JSONObject

# The field that names a list item, in the order they are looked for.
_ITEM_KEYS = ("code", "id", "number", "value", "name")
_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")

# The parts of the catalogue a translation may cover (headings carry both languages in place).
SECTIONS = ("codes", "rules", "retry_classes", "causes", "engines")


class TranslationError(Exception):
    """An overlay field that has no English counterpart or changes a placeholder."""

    def __init__(self, entry: str, field: str, problem: str) -> None:
        self.entry, self.field, self.problem = entry, field, problem
        super().__init__(f"{entry}, field '{field}': {problem}" if field else f"{entry}: {problem}")


def item_key(item: JSONObject) -> tuple[str, str | int] | None:
    """The (field, value) that names a list item, or None."""
    for key in _ITEM_KEYS:
        value = item.get(key)
        if isinstance(value, (str, int)):
            return key, value
    return None


def check(english: object, overlay: object, where: str = "") -> None:
    """Raise TranslationError where `overlay` has no English counterpart or breaks a template."""
    if isinstance(overlay, dict):
        if not isinstance(english, dict):
            raise TranslationError(where, "", "the English catalogue has no such section")
        for key, value in overlay.items():
            if key not in english:
                raise TranslationError(where, str(key), "the English entry has no such field")
            check(english[key], value, f"{where}.{key}" if where else str(key))
    elif isinstance(overlay, list):
        if not isinstance(english, list):
            raise TranslationError(where, "", "the English catalogue has no such list")
        for i, item in enumerate(overlay):
            named = item_key(item) if isinstance(item, dict) else None
            if named is None:
                raise TranslationError(
                    f"{where}[{i}]", "", "an item needs its code, id, number, value or name"
                )
            match = _find(english, named)
            if match is None:
                raise TranslationError(f"{where}[{i}] ({named[0]} {named[1]})", "", "no English entry has it")
            rest = {k: v for k, v in item.items() if k != named[0]}
            check(match, rest, f"{where}[{i}] ({named[0]} {named[1]})")
    elif isinstance(overlay, str):
        if not isinstance(english, str):
            raise TranslationError(where, "", "the English field is not text")
        if _placeholders(overlay) != _placeholders(english):
            raise TranslationError(
                where, "", f"placeholders {sorted(_placeholders(overlay))} differ from the English ones"
            )
    elif overlay != english:
        raise TranslationError(where, "", "only text is translated; this value differs from the English one")


def combine(target: JSONObject, doc: JSONObject) -> None:
    """Add one translated file to the language's overlay (lists extend, mappings merge)."""
    for key, value in doc.items():
        if isinstance(value, list):
            target.setdefault(key, []).extend(value)
        elif isinstance(value, dict):
            combine(target.setdefault(key, {}), value)
        else:
            target[key] = value


def apply(english: JSONObject, overlay: JSONObject) -> JSONObject:
    """A copy of `english` with the overlay's text laid over it."""
    return {key: _laid(value, overlay[key]) if key in overlay else value for key, value in english.items()}


def _laid(english: object, overlay: object) -> object:
    """`english` (any part of the catalogue) with the overlay's text laid over it."""
    if isinstance(overlay, dict) and isinstance(english, dict):
        return apply(english, overlay)
    if isinstance(overlay, list) and isinstance(english, list):
        named = [(item_key(o), o) for o in overlay if isinstance(o, dict)]
        seen: dict[tuple[str, str | int], int] = {}
        return [_apply_item(item, named, seen) for item in english]
    return overlay if isinstance(overlay, str) else english


def _apply_item(
    item: object,
    named: list[tuple[tuple[str, str | int] | None, JSONObject]],
    seen: dict[tuple[str, str | int], int],
) -> object:
    """`item` with the overlay entry that names it by the same field (a cause by name or number).

    Items that share a name (two Contact rows of one header list) pair up in order: the
    n-th English item with that name takes the n-th overlay entry, or stays English.
    """
    if isinstance(item, dict):
        for key, _ in named:
            if key is not None and item.get(key[0]) == key[1]:
                entries = [entry for k, entry in named if k == key]
                nth = seen.get(key, 0)
                seen[key] = nth + 1
                if nth >= len(entries):
                    return item
                return apply(item, {k: v for k, v in entries[nth].items() if k != key[0]})
    return item


def _find(items: list[object], named: tuple[str, str | int]) -> object:
    key, value = named
    return next((e for e in items if isinstance(e, dict) and e.get(key) == value), None)


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))
