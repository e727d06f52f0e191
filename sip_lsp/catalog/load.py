"""Loading: the compiled built-in catalogue, and user YAML files merged over it."""

from __future__ import annotations

import json
from functools import lru_cache

from sip_lsp.catalog.catalog import Catalog
from sip_lsp.catalog.entries import CatalogError, JSONObject
from sip_lsp.catalog.paths import DATA_FILE, SCHEMA_FILE


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The built-in catalogue from its compiled form (fast: json only)."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    return Catalog.from_data(data)


def load_catalog(extra_files: list[str] | tuple[str, ...] = ()) -> Catalog:
    """The built-in catalogue plus user files (validated; CatalogError when broken)."""
    base = default_catalog()
    return with_user_files(base, list(extra_files)) if extra_files else base


def with_user_files(base: Catalog, paths: list[str]) -> Catalog:
    """`base` plus user files; raises CatalogError on the first bad one."""
    data = base.to_data()
    for path in paths:
        merge(data, _read_user_file(path), path, user=True)
    return Catalog.from_data(data)


def schema() -> JSONObject:
    """catalog/schema.json as compiled into the package (read only to validate user files)."""
    with open(SCHEMA_FILE, encoding="utf-8") as fh:
        schema_doc: JSONObject = json.load(fh)
    return schema_doc


def _read_user_file(path: str) -> JSONObject:
    # Only user catalogues pay for PyYAML and the validator (with jsonschema); `check` and
    # `explain` without one never import them.
    import yaml

    from sip_lsp.catalog.validate import validate

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise CatalogError(path, "", "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(path, "", "", f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise CatalogError(path, "", "", yaml_problem(exc)) from None
    if doc is None:
        return {}
    errors = validate(doc, schema())
    if errors:
        entry, fld, problem = errors[0]
        raise CatalogError(path, entry, fld, problem)
    valid: JSONObject = doc  # the schema's top level is an object
    return valid


def yaml_problem(exc: Exception) -> str:
    """A PyYAML error as one line: where, then what."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"YAML syntax error: {where}{problem}"


def merge(data: JSONObject, doc: JSONObject, path: str, user: bool) -> None:
    """Add one validated file to `data`; duplicates inside a file are errors."""
    seen: set[int] = set()
    for i, entry in enumerate(doc.get("codes", [])):
        code = entry["code"]
        if code in seen:
            raise CatalogError(path, f"codes[{i}] (code {code})", "code", f"duplicate code {code}")
        seen.add(code)
        if not user and code in data.setdefault("_codes_index", {}):
            raise CatalogError(
                path, f"codes[{i}] (code {code})", "code", f"code {code} is defined twice in the catalogue"
            )
        entry = dict(entry, source=path if user else "built-in")
        if user:  # the user's own prose replaces the entry: no built-in translation of it applies
            for overlay in data.get("i18n", {}).values():
                overlay["codes"] = [e for e in overlay.get("codes", []) if e.get("code") != code]
        codes = data.setdefault("codes", [])
        codes[:] = [e for e in codes if e["code"] != code]
        codes.append(entry)
        if not user:
            data["_codes_index"][code] = True
    for key, ident in (("causes", "number"), ("rules", "id"), ("rules", "name")):
        items = data.setdefault(key, [])
        values = [item[ident] for item in doc.get(key, [])]
        for i, value in enumerate(values):
            where = f"{key}[{i}] ({ident} {value})"
            if value in values[:i]:
                raise CatalogError(path, where, ident, f"duplicate {ident} {value}")
            if not user and any(x[ident] == value for x in items):
                raise CatalogError(path, where, ident, f"{ident} {value} is defined twice in the catalogue")
    for key, ident in (("causes", "number"), ("rules", "id")):
        items = data[key]
        for item in doc.get(key, []):
            items[:] = [x for x in items if x[ident] != item[ident]]
            items.append(item)
            if user:  # the user's own text replaces the entry, and with it every translation of it
                for overlay in data.get("i18n", {}).values():
                    overlay[key] = [x for x in overlay.get(key, []) if x.get(ident) != item[ident]]
    for name, engine in doc.get("engines", {}).items():
        if not user and name in data.get("engines", {}):
            raise CatalogError(
                path, f"engines.{name}", "", f"engine {name} is defined twice in the catalogue"
            )
        data.setdefault("engines", {})[name] = engine
    for key in ("headings", "classes", "retry_classes"):
        for k, v in doc.get(key, {}).items():
            target = data.setdefault(key, {})
            target[k] = {**target.get(k, {}), **v} if isinstance(v, dict) else v
