"""Compiling catalog/*.yaml into sip_lsp/data/catalog.json (`python -m sip_lsp.catalog build`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from sip_lsp.catalog import translations
from sip_lsp.catalog.entries import CatalogError, JSONObject
from sip_lsp.catalog.load import merge, yaml_problem
from sip_lsp.catalog.paths import DATA_FILE, LANGS, SCHEMA_FILE, SOURCE_DIR, translation_file
from sip_lsp.catalog.validate import validate

# Languages other than English: their files live in catalog/<lang>/ and hold prose only.
TRANSLATED = tuple(lang for lang in LANGS if lang != "en")


def compile_sources(source: str | os.PathLike[str] = SOURCE_DIR) -> JSONObject:
    """Read, validate and merge every YAML file under `source`."""
    source_dir = Path(source)
    schema_doc: JSONObject = json.loads((source_dir / "schema.json").read_text(encoding="utf-8"))
    data: JSONObject = {}
    for path in sorted(source_dir.rglob("*.yaml")):
        if path.relative_to(source_dir).parts[0] in TRANSLATED:
            continue
        rel = str(path.relative_to(source_dir.parent))
        doc = _read(path, rel)
        errors = validate(doc, schema_doc)
        if errors:
            raise CatalogError(rel, *errors[0])
        merge(data, doc, rel, user=False)
    data.pop("_codes_index", None)
    data.setdefault("codes", []).sort(key=lambda e: e["code"])
    english = {k: v for k, v in data.items() if k in translations.SECTIONS}
    for lang in TRANSLATED:
        overlay: JSONObject = {}
        for path in sorted((source_dir / lang).rglob("*.yaml")):
            rel = str(path.relative_to(source_dir.parent))
            doc = _read(path, rel)
            try:
                translations.check(english, doc)
            except translations.TranslationError as exc:
                raise CatalogError(rel, exc.entry, exc.field, exc.problem) from None
            translations.combine(overlay, doc)
        if overlay:
            data.setdefault("i18n", {})[lang] = overlay
    data["schema"] = schema_doc
    return data


def _read(path: Path, rel: str) -> JSONObject:
    try:
        doc: JSONObject = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return doc
    except yaml.YAMLError as exc:
        raise CatalogError(rel, "", "", yaml_problem(exc)) from None


def write_compiled(data: JSONObject) -> None:
    """catalog.json; each translation (catalog.ru.json) and the schema (schema.json) apart.

    `check` and `explain` in English read catalog.json alone.
    """
    data = dict(data)
    for lang, overlay in data.pop("i18n", {}).items():
        _write_json(translation_file(lang), overlay)
    _write_json(SCHEMA_FILE, data.pop("schema"))
    _write_json(DATA_FILE, data)


def _write_json(path: str, data: JSONObject) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    if argv[:1] != ["build"]:
        print("usage: python -m sip_lsp.catalog build", file=sys.stderr)
        return 2
    try:
        data = compile_sources()
    except CatalogError as exc:
        print(f"sip-lsp: {exc}", file=sys.stderr)
        return 2
    write_compiled(data)
    print(f"wrote {DATA_FILE} ({len(data['codes'])} codes, {len(data.get('rules', []))} rules)")
    return 0
