"""Settings: one model for `sip-lsp.toml`, editor settings and CLI flags.

`sip-lsp.toml` (found by walking up from the checked file) holds top-level keys:

    select = ["SC1", "SC3"]          # rule ids, names or id prefixes; empty: all
    ignore = ["failover-on-busy"]
    catalogs = ["vendor-codes.yaml"] # relative to the config file
    inlay-hints = true
    max-file-size = 5000000          # characters; larger files are not analysed
    [severity]                       # error | warning | information | hint | off
    SC303 = "warning"
    [dialects]                       # glob -> kamailio | opensips | asterisk | freeswitch
    "routing/*.cfg" = "opensips"

Editors send the same settings in camelCase (`sipLsp` section): `select`,
`ignore`, `severity`, `catalogs`, `dialects`, `inlayHints`, `maxFileSize`.
"""

from __future__ import annotations

import os
import re
import sys
from collections import namedtuple

CONFIG_NAME = "sip-lsp.toml"
SEVERITIES = ("error", "warning", "information", "hint")
_SEVERITY_ALIASES = {"info": "information", "warn": "warning"}
_DIALECTS = ("kamailio", "opensips", "asterisk", "freeswitch", "kemi")
# An id ("SC301"), an id prefix ("SC3", "SC"), "ALL", or a rule name. A string,
# compiled on first use (re's cache): most runs have no selectors to check.
_SELECTOR = r"(?i)^(ALL|SC[0-9]{0,3}|[a-z0-9]+(-[a-z0-9]+)*)$"


class ConfigError(Exception):
    """A settings file or editor setting is wrong: names the file, field and problem."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        where = f"field '{field}': " if field else ""
        super().__init__(f"{file}: {where}{problem}")


class Settings(
    namedtuple("Settings", "select ignore severity catalogs dialects inlay_hints max_file_size source")
):
    """Immutable settings; `_replace` derives changed ones.

    A named tuple, not a dataclass, like the catalogue's records: creating the
    dataclass cost every `check` ~0.6 ms at import.
    """

    __slots__ = ()

    def __new__(
        cls,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, str] | None = None,
        catalogs: tuple[str, ...] = (),
        dialects: dict[str, str] | None = None,
        inlay_hints: bool = True,
        max_file_size: int = 5_000_000,
        source: str | None = None,
    ) -> Settings:
        # severity: selector -> severity | "off"; dialects: glob -> dialect;
        # source: the sip-lsp.toml these came from. Each gets its own empty dicts.
        return super().__new__(
            cls,
            select,
            ignore,
            {} if severity is None else severity,
            catalogs,
            {} if dialects is None else dialects,
            inlay_hints,
            max_file_size,
            source,
        )

    def enabled(self, rule_id: str, name: str) -> bool:
        if self.select and not any(matches(s, rule_id, name) for s in self.select):
            return False
        if any(matches(s, rule_id, name) for s in self.ignore):
            return False
        return self.severity_for(rule_id, name) != "off"

    def severity_for(self, rule_id: str, name: str) -> str | None:
        """The configured severity (or "off"); the most specific selector wins."""
        best: tuple[int, str] | None = None
        for selector, level in self.severity.items():
            if matches(selector, rule_id, name):
                rank = 99 if selector.lower() == name else len(selector)
                if best is None or rank > best[0]:
                    best = (rank, level)
        return best[1] if best else None

    def merged(self, overrides: dict) -> Settings:
        """These settings with editor settings (camelCase keys) on top; unknown keys are ignored."""
        where = "editor settings"
        changes: dict = {}
        for key, attr in (("select", "select"), ("ignore", "ignore"), ("catalogs", "catalogs")):
            if overrides.get(key) is not None:
                changes[attr] = (
                    _selectors(where, key, overrides[key])
                    if key != "catalogs"
                    else tuple(_strings(where, key, overrides[key]))
                )
        if overrides.get("severity") is not None:
            changes["severity"] = {**self.severity, **_severity(where, overrides["severity"])}
        if overrides.get("dialects") is not None:
            changes["dialects"] = {**self.dialects, **_dialects(where, overrides["dialects"], None)}
        if overrides.get("inlayHints") is not None:
            changes["inlay_hints"] = _bool(where, "inlayHints", overrides["inlayHints"])
        if overrides.get("maxFileSize") is not None:
            changes["max_file_size"] = _size(where, "maxFileSize", overrides["maxFileSize"])
        return self._replace(**changes)


def matches(selector: str, rule_id: str, name: str) -> bool:
    """Does a selector (id, id prefix, name or ALL) pick this rule?"""
    s = selector.strip()
    return (
        s.upper() == "ALL"
        or s.lower() == name
        or (s.upper().startswith("SC") and rule_id.startswith(s.upper()))
    )


def find_config(path: str) -> str | None:
    """The nearest `sip-lsp.toml` in `path`'s directory or above it."""
    here = os.path.abspath(path)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        candidate = os.path.join(here, CONFIG_NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_config(file: str) -> Settings:
    """Read and validate a `sip-lsp.toml`; ConfigError names what is wrong."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(file, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(file, "", f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(file, "", f"TOML syntax error: {exc}") from None
    base = os.path.dirname(os.path.abspath(file))
    values: dict = {"source": os.path.abspath(file)}
    for raw_key, value in doc.items():
        key = raw_key.replace("_", "-")
        if key in ("select", "ignore"):
            values[key] = _selectors(file, raw_key, value)
        elif key == "severity":
            values["severity"] = _severity(file, value)
        elif key == "catalogs":
            values["catalogs"] = tuple(os.path.join(base, p) for p in _strings(file, raw_key, value))
        elif key == "dialects":
            values["dialects"] = _dialects(file, value, base)
        elif key == "inlay-hints":
            values["inlay_hints"] = _bool(file, raw_key, value)
        elif key == "max-file-size":
            values["max_file_size"] = _size(file, raw_key, value)
        else:
            known = "select, ignore, severity, catalogs, dialects, inlay-hints, max-file-size"
            raise ConfigError(file, raw_key, f"unknown field (known: {known})")
    return Settings(**values)


# ---------------------------------------------------------------- field checks


def _strings(file: str, key: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(file, key, f"expected a list of strings, got {_kind(value)}")
    return [v.strip() for v in value]


def _selectors(file: str, key: str, value: object) -> tuple[str, ...]:
    items = _strings(file, key, value)
    for item in items:
        if not re.match(_SELECTOR, item):
            raise ConfigError(file, key, f"{item!r} is not a rule id (SC301), prefix (SC3) or name")
    return tuple(items)


def _severity(file: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(file, "severity", f"expected a table of rule = severity, got {_kind(value)}")
    out = {}
    for selector, level in value.items():
        if not re.match(_SELECTOR, selector):
            raise ConfigError(file, f"severity.{selector}", "not a rule id, prefix or name")
        level = _SEVERITY_ALIASES.get(level, level) if isinstance(level, str) else level
        if level not in (*SEVERITIES, "off"):
            raise ConfigError(
                file, f"severity.{selector}", f"{level!r} is not one of {', '.join(SEVERITIES)}, off"
            )
        out[selector] = level
    return out


def _dialects(file: str, value: object, base: str | None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(file, "dialects", f"expected a table of glob = dialect, got {_kind(value)}")
    out = {}
    for glob, dialect in value.items():
        if dialect not in _DIALECTS:
            raise ConfigError(file, f"dialects.{glob}", f"{dialect!r} is not one of {', '.join(_DIALECTS)}")
        # A glob with a directory part is relative to the config file.
        if base and "/" in glob and not os.path.isabs(glob):
            glob = os.path.join(base, glob)
        out[glob] = dialect
    return out


def _bool(file: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(file, key, f"expected true or false, got {_kind(value)}")
    return value


def _size(file: str, key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(file, key, f"expected a positive integer, got {value!r}")
    return value


def _kind(value: object) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
