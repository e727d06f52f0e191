"""The catalogue: every code, cause, rule and heading a user reads.

The YAML sources live in `catalog/` at the top of the repository. They are
validated against `catalog/schema.json` and compiled into
`sip_lsp/data/catalog.json`, which is what the package loads: `check` and
`explain` start without importing PyYAML. `python -m sip_lsp.catalog build`
recompiles; a test fails when the compiled form is stale.

User catalogues (extra YAML files from settings) are validated against the same
schema at load time; their entries add to or replace built-in ones. Every error
names the file, the entry and the field.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import namedtuple
from functools import lru_cache

# Plain strings: pathlib (with urllib and ipaddress) would cost `explain` ~3 ms at start.
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_FILE = os.path.join(_PACKAGE, "data", "catalog.json")
SOURCE_DIR = os.path.join(os.path.dirname(_PACKAGE), "catalog")
LANGS = ("en", "ru")


class CatalogError(Exception):
    """A catalogue file is broken: names file, entry and field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else "") if p)
        super().__init__(f"{file}: {where + ': ' if where else ''}{problem}")


# Records are named tuples, not dataclasses: importing dataclasses pulls in
# inspect and ast, which alone costs `sip-lsp explain` about as much as starting
# the interpreter (bench/cli_start.py). They are immutable, compare by value and
# expose their fields as attributes; `as_dict` turns one into JSON-ready data.


class Header(namedtuple("Header", "name rfc when", defaults=("", ""))):
    """A header a response must or should carry: name, RFC section, condition."""

    __slots__ = ()


class Contrast(namedtuple("Contrast", "code difference choose", defaults=("",))):
    """A code this one is confused with, the one-line difference, and which to use."""

    __slots__ = ()


class CodeEntry(
    namedtuple(
        "CodeEntry",
        (
            "code reason summary description retry aliases when_seen how_to_fix rfc status replaced_by"
            " headers_required headers_recommended q850 freeswitch asterisk frequency contrast source"
        ),
        defaults=((), "", "", "", "current", None, (), (), None, None, None, 0, (), "built-in"),
    )
):
    """One response code: IANA phrase, our prose, retry class, headers, cause maps, contrasts."""

    __slots__ = ()

    @property
    def cls(self) -> str:
        return f"{self.code // 100}xx"


class Q850Cause(namedtuple("Q850Cause", "number name from_sip to_sip", defaults=((), None))):
    """An ISUP cause with its RFC 3398 maps: SIP codes -> cause (from_sip), cause -> SIP (to_sip)."""

    __slots__ = ()


class EngineCause(
    namedtuple("EngineCause", "name number aliases from_sip to_sip summary", defaults=((), (), None, ""))
):
    """A cause as an engine names it, with the engine's own SIP maps."""

    __slots__ = ()


class DialStatus(
    namedtuple("DialStatus", "value summary causes other_causes failed", defaults=((), False, False))
):
    """An Asterisk DIALSTATUS value and the hangup causes that produce it."""

    __slots__ = ()


class RuleEntry(
    namedtuple(
        "RuleEntry",
        ("id name severity summary message why example instead fix fixable rfc messages fix_titles"),
        defaults=("", "", "", "", "never", "", {}, {}),
    )
):
    """A rule's id, name, default severity, docs and message templates."""

    __slots__ = ()

    def text(self, key: str = "", **values: object) -> str:
        """The message template `key` (default: `message`) filled with values."""
        template = self.messages.get(key, self.message) if key else self.message
        return template.format(**values)


class RetryClass(namedtuple("RetryClass", "title advice")):
    """What a client or proxy may do after a response of this retry class."""

    __slots__ = ()


def as_dict(value: object) -> object:
    """A record (and the records inside it) as plain dicts and lists, for JSON."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    return value


class Engine:
    """An engine's cause table: names, numbers, and its SIP <-> cause maps."""

    def __init__(
        self,
        name: str,
        causes: dict[str, EngineCause],
        default_from_sip: dict[str, str] | None = None,
        default_to_sip: int | None = None,
        dialstatus: dict[str, DialStatus] | None = None,
        source: str = "",
        sip_names: dict[str, int] | None = None,
    ) -> None:
        self.name = name
        self.causes = causes
        self.default_from_sip = default_from_sip or {}
        self.default_to_sip = default_to_sip
        self.dialstatus = dialstatus or {}
        self.source = source
        # Response names the engine accepts in place of a code (PJSIPHangup(BUSY_HERE) -> 486).
        self.sip_names = sip_names or {}
        self._by_token: dict[str, EngineCause] = {}
        self._codes_by_cause: dict[str, frozenset[int]] = {}
        for cause in causes.values():
            self._by_token.setdefault(str(cause.number), cause)
            for token in (cause.name, *cause.aliases):
                self._by_token[token.upper()] = cause

    def __repr__(self) -> str:
        return f"Engine({self.name!r}, {len(self.causes)} causes)"

    def cause(self, token: str) -> EngineCause | None:
        """A cause by name (case-insensitive, aliases too) or number."""
        return self._by_token.get(token.strip().upper())

    def cause_for_sip(self, code: int) -> EngineCause | None:
        """The cause this engine derives from a received SIP failure response."""
        for cause in self.causes.values():
            if code in cause.from_sip:
                return cause
        cls = f"{code // 100}xx"
        name = self.default_from_sip.get(cls) or self.default_from_sip.get("other")
        return self.cause(name) if name else None

    def codes_for_cause(self, name: str) -> frozenset[int]:
        """Every final SIP code (300-699) this engine maps to the cause (computed once per cause)."""
        target = self.cause(name)
        if target is None:
            return frozenset()
        if target.name not in self._codes_by_cause:
            self._codes_by_cause[target.name] = frozenset(
                c for c in range(300, 700) if self.cause_for_sip(c) is target
            )
        return self._codes_by_cause[target.name]

    def codes_for_dialstatus(self, value: str) -> frozenset[int]:
        status = self.dialstatus.get(value.upper())
        if status is None:
            return frozenset()
        names = set(status.causes)
        if status.other_causes:
            claimed = {c for s in self.dialstatus.values() if s is not status for c in s.causes}
            names |= {c for c in self.causes if c not in claimed}
        codes: set[int] = set()
        for name in names:
            codes |= self.codes_for_cause(name)
        return frozenset(codes)


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
                self._phrases.setdefault(_fold(phrase), entry.code)

    def __repr__(self) -> str:
        return f"Catalog({len(self.codes)} codes, {len(self.rules)} rules)"

    def code(self, code: int) -> CodeEntry | None:
        return self.codes.get(code)

    def phrase_owner(self, phrase: str) -> int | None:
        """The code whose IANA phrase (or alias) this is, case-insensitively."""
        return self._phrases.get(_fold(phrase))

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

    def with_user_files(self, paths: list[str]) -> Catalog:
        """This catalogue plus user files; raises CatalogError on the first bad one."""
        data = self.to_data()
        for path in paths:
            _merge(data, _read_user_file(path), path, user=True)
        return _build(data)

    def to_data(self) -> dict:
        """A deep copy of the merged source data this catalogue was built from."""
        return json.loads(json.dumps(self._data))


def _fold(phrase: str) -> str:
    return " ".join(phrase.lower().replace("-", " ").split())


# ---------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The built-in catalogue from its compiled form (fast: json only)."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    data.pop("schema", None)
    return _build(data)


def load_catalog(extra_files: list[str] | tuple[str, ...] = ()) -> Catalog:
    """The built-in catalogue plus user files (validated; CatalogError when broken)."""
    base = default_catalog()
    return base.with_user_files(list(extra_files)) if extra_files else base


def schema() -> dict:
    with open(DATA_FILE, encoding="utf-8") as fh:
        return json.load(fh)["schema"]


def _read_user_file(path: str) -> dict:
    import yaml  # only user catalogues pay for PyYAML

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as exc:
        raise CatalogError(path, "", "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(path, "", "", f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise CatalogError(path, "", "", _yaml_problem(exc)) from None
    if doc is None:
        return {}
    errors = validate(doc, schema())
    if errors:
        entry, fld, problem = errors[0]
        raise CatalogError(path, entry, fld, problem)
    return doc


def _yaml_problem(exc: Exception) -> str:
    """A PyYAML error as one line: where, then what."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"YAML syntax error: {where}{problem}"


def _merge(data: dict, doc: dict, path: str, user: bool) -> None:
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


def _build(data: dict) -> Catalog:
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
    retry = {k: RetryClass(v["title"], v["advice"].strip()) for k, v in data.get("retry_classes", {}).items()}
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


# ---------------------------------------------------------------- validation

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


# ---------------------------------------------------------------- compiling


def compile_sources(source_dir: str | os.PathLike = SOURCE_DIR) -> dict:
    """Read, validate and merge every YAML file under `source_dir`."""
    from pathlib import Path

    import yaml

    source_dir = Path(source_dir)
    schema_doc = json.loads((source_dir / "schema.json").read_text(encoding="utf-8"))
    data: dict = {}
    for path in sorted(source_dir.rglob("*.yaml")):
        rel = str(path.relative_to(source_dir.parent))
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CatalogError(rel, "", "", _yaml_problem(exc)) from None
        errors = validate(doc, schema_doc)
        if errors:
            raise CatalogError(rel, *errors[0])
        _merge(data, doc, rel, user=False)
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
