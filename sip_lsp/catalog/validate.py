"""Validation of catalogue documents against catalog/schema.json, by the `jsonschema` library.

Problems come back located for people: the list item they are in
("codes[3] (code 700)") and the field inside it ("headers.required[0].name").

Only user catalogues (catalog/load.py) and the build import this module, so
`check` and `explain` never load jsonschema (~70 ms).
"""

from __future__ import annotations

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sip_lsp.catalog.entries import JSONObject

# The fields that name a list item, in the order they are looked for.
_ITEM_KEYS = ("code", "id", "name", "number", "value")
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def validate(doc: object, schema: JSONObject) -> list[tuple[str, str, str]]:
    """Check `doc` against `schema`: (entry, field, problem) for each problem found."""
    return [_located(doc, error) for error in Draft202012Validator(schema).iter_errors(doc)]


def _located(doc: object, error: ValidationError) -> tuple[str, str, str]:
    """(entry, field, problem) for one error; a missing or unknown field is named in `field`."""
    path: list[str | int] = list(error.absolute_path)
    problem = error.message
    instance, expected, schema = error.instance, error.validator_value, error.schema
    if error.validator == "required" and isinstance(instance, dict) and isinstance(expected, list):
        path.append(next(k for k in expected if k not in instance))
        problem = "required field is missing"
    elif error.validator == "type":  # jsonschema's message quotes the whole value, however large
        types = " or ".join(expected) if isinstance(expected, list) else str(expected)
        problem = f"expected {types}, got {_JSON_TYPES.get(type(instance), type(instance).__name__)}"
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {}) if isinstance(schema, dict) else {}
        path.append(next(k for k in instance if k not in known))
        problem = "unknown field"
    entry, inside = _entry(doc, path)
    field = ".".join(f"[{p}]" if isinstance(p, int) else p for p in inside).replace(".[", "[")
    return entry, field, problem


def _entry(doc: object, path: list[str | int]) -> tuple[str, list[str | int]]:
    """The first list item on `path` ("codes[3] (code 700)") and the rest of the path, inside it."""
    node = doc
    for n, part in enumerate(path):
        if isinstance(node, list) and isinstance(part, int):
            item = node[part]
            return ".".join(str(p) for p in path[:n]) + f"[{part}]" + _name(item), path[n + 1 :]
        node = node.get(part) if isinstance(node, dict) else None
    return "", path


def _name(item: object) -> str:
    """' (code 700)': the field that names a list item, when it has one."""
    if isinstance(item, dict):
        for key in _ITEM_KEYS:
            if isinstance(item.get(key), (str, int)):
                return f" ({key} {item[key]})"
    return ""
