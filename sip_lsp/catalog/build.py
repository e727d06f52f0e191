"""Compiling catalog/*.yaml into sip_lsp/data/catalog.json (`python -m sip_lsp.catalog build`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import yaml

from sip_lsp.catalog.entries import CatalogError
from sip_lsp.catalog.load import merge, yaml_problem
from sip_lsp.catalog.paths import DATA_FILE, SOURCE_DIR
from sip_lsp.catalog.validate import validate


def compile_sources(source_dir: str | os.PathLike = SOURCE_DIR) -> dict:
    """Read, validate and merge every YAML file under `source_dir`."""
    source_dir = Path(source_dir)
    schema_doc = json.loads((source_dir / "schema.json").read_text(encoding="utf-8"))
    data: dict = {}
    for path in sorted(source_dir.rglob("*.yaml")):
        rel = str(path.relative_to(source_dir.parent))
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CatalogError(rel, "", "", yaml_problem(exc)) from None
        errors = validate(doc, schema_doc)
        if errors:
            raise CatalogError(rel, *errors[0])
        merge(data, doc, rel, user=False)
    data.pop("_codes_index", None)
    data.setdefault("codes", []).sort(key=lambda e: e["code"])
    data["schema"] = schema_doc
    return data


def write_compiled(data: dict) -> None:
    os.makedirs(os.path.dirname(DATA_FILE), exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    tmp = DATA_FILE + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, DATA_FILE)


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
