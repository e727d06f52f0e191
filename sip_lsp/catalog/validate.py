"""Validation of catalogue documents against catalog/schema.json."""

from __future__ import annotations

import re

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "null": type(None),
}


def validate(doc: object, schema: dict) -> list[tuple[str, str, str]]:
    """Check `doc` against the subset of JSON Schema the catalogue uses.

    Returns (entry, field, problem) triples, where entry names the list item
    ("codes[3] (code 700)") and field the dotted path inside it.
    """
    errors: list[tuple[str, str, str]] = []
    _check(doc, schema, schema, [], errors)
    return errors


def _check(value: object, node: dict, root: dict, path: list, errors: list) -> None:
    if "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if "enum" in node and value not in node["enum"]:
        _err(errors, path, f"{value!r} is not one of {', '.join(map(str, node['enum']))}")
        return
    types = node.get("type")
    if types:
        names = types if isinstance(types, list) else [types]
        ok = any(
            isinstance(value, _TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
            for t in names
        )
        if not ok:
            _err(errors, path, f"expected {' or '.join(names)}, got {_kind(value)}")
            return
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            _err(errors, path, "must not be empty")
        if "pattern" in node and not re.search(node["pattern"], value):
            _err(errors, path, f"{value!r} does not match {node['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            _err(errors, path, f"{value} is below the minimum {node['minimum']}")
        if "maximum" in node and value > node["maximum"]:
            _err(errors, path, f"{value} is above the maximum {node['maximum']}")
    if isinstance(value, dict):
        for key in node.get("required", ()):
            if key not in value:
                _err(errors, path + [key], "required field is missing")
        props = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], root, path + [key], errors)
            elif extra is False:
                _err(errors, path + [key], "unknown field")
            elif isinstance(extra, dict):
                _check(item, extra, root, path + [key], errors)
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            _check(item, node["items"], root, path + [(i, item)], errors)


def _kind(value: object) -> str:
    for name, t in _TYPES.items():
        if isinstance(value, t) and not (name == "integer" and isinstance(value, bool)):
            return name
    return type(value).__name__


def _err(errors: list, path: list, problem: str) -> None:
    """Record a problem; the first list item on the path names the entry."""
    entry, rest = "", path
    for n, part in enumerate(path):
        if isinstance(part, tuple):
            i, item = part
            entry = ".".join(str(p) for p in path[:n]) + f"[{i}]"
            if isinstance(item, dict):
                key = next(
                    (
                        k
                        for k in ("code", "id", "name", "number", "value")
                        if isinstance(item.get(k), (str, int))
                    ),
                    None,
                )
                if key:
                    entry += f" ({key} {item[key]})"
            rest = path[n + 1 :]
            break
    field = ".".join(f"[{p[0]}]" if isinstance(p, tuple) else str(p) for p in rest).replace(".[", "[")
    errors.append((entry, field, problem))
