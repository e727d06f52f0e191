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
    [policy]                         # SC401 policy-violation; code patterns, see below
    never-retry = ["6xx", "487"]     # no row with these codes may be retry-same
    retry-only = ["5xx", "408"]      # only these codes may reach retry-same
    must-reach-caller = ["6xx"]      # these must be forwarded to the caller

A code pattern is a final code (487), a class (6xx), a range (500-599) or a local
case (timeout, cancelled, no-destination). A bad `[policy]` key or pattern is left
out alone and reported (`Settings.problems`); the rest of the file still applies.

Editors send the same settings in camelCase (`sipLsp` section): `select`,
`ignore`, `severity`, `catalogs`, `dialects`, `inlayHints`, `maxFileSize`,
`policy` (`neverRetry`, `retryOnly`, `mustReachCaller`).
"""

# No `from __future__ import annotations` here: NamedTuple would compile each string annotation,
# and the first compile() in a process sets up every AST type (with them ~4 % of `check`).
import os
import re
import sys
from collections.abc import Mapping
from typing import NamedTuple

from sip_lsp.model import NO_POLICY, CodeSet, Local, Policy

CONFIG_NAME = "sip-lsp.toml"
SEVERITIES = ("error", "warning", "information", "hint")
_SEVERITY_ALIASES = {"info": "information", "warn": "warning"}
_DIALECTS = ("kamailio", "opensips", "asterisk", "freeswitch", "kemi")
# An id ("SC301"), an id prefix ("SC3", "SC"), "ALL", or a rule name. A string,
# compiled on first use (re's cache): most runs have no selectors to check.
_SELECTOR = r"(?i)^(ALL|SC[0-9]{0,3}|[a-z0-9]+(-[a-z0-9]+)*)$"
# [policy] keys as sip-lsp.toml spells them -> Policy fields; editors use camelCase.
_POLICY_KEYS = {
    "never-retry": "never_retry",
    "retry-only": "retry_only",
    "must-reach-caller": "must_reach_caller",
}
_POLICY_EDITOR_KEYS = {
    "neverRetry": "never-retry",
    "retryOnly": "retry-only",
    "mustReachCaller": "must-reach-caller",
}
_LOCAL_CASES = {"timeout": Local.TIMEOUT, "cancelled": Local.CANCELLED, "canceled": Local.CANCELLED}
_LOCAL_CASES["no-destination"] = Local.NO_DESTINATION
_FINAL = range(300, 700)


class ConfigError(Exception):
    """A settings file or editor setting is wrong: names the file, field and problem."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        where = f"field '{field}': " if field else ""
        super().__init__(f"{file}: {where}{problem}")


class Settings(NamedTuple):
    """Immutable settings; `_replace` derives changed ones.

    A named tuple, not a dataclass, like the catalogue's records: importing
    dataclasses (inspect, ast) would cost every `check` 13% of its start-up.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # selector -> severity | "off". The empty default is shared: settings are never
    # mutated, changes build new dicts (`merged`, `load_config`).
    severity: dict[str, str] = {}  # noqa: RUF012 - shared and never mutated, as said above
    catalogs: tuple[str, ...] = ()
    dialects: dict[str, str] = {}  # noqa: RUF012 - glob -> dialect; shared as `severity` is
    inlay_hints: bool = True
    max_file_size: int = 5_000_000
    policy: Policy = NO_POLICY
    source: str | None = None  # the sip-lsp.toml these came from
    # Wrong `[policy]` keys or patterns, left out while the rest applies: the CLI prints
    # them, the server shows them (a broken file otherwise fails whole: ConfigError).
    problems: tuple[ConfigError, ...] = ()

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

    def merged(self, overrides: Mapping[str, object]) -> "Settings":
        """These settings with editor settings (camelCase keys) on top; unknown keys are ignored."""
        where = "editor settings"
        settings = self
        if (value := overrides.get("select")) is not None:
            settings = settings._replace(select=_selectors(where, "select", value))
        if (value := overrides.get("ignore")) is not None:
            settings = settings._replace(ignore=_selectors(where, "ignore", value))
        if (value := overrides.get("catalogs")) is not None:
            settings = settings._replace(catalogs=tuple(_strings(where, "catalogs", value)))
        if (value := overrides.get("severity")) is not None:
            settings = settings._replace(severity={**self.severity, **_severity(where, value)})
        if (value := overrides.get("dialects")) is not None:
            settings = settings._replace(dialects={**self.dialects, **_dialects(where, value, None)})
        if (value := overrides.get("inlayHints")) is not None:
            settings = settings._replace(inlay_hints=_bool(where, "inlayHints", value))
        if (value := overrides.get("maxFileSize")) is not None:
            settings = settings._replace(max_file_size=_size(where, "maxFileSize", value))
        if (value := overrides.get("policy")) is not None:
            policy, problems = read_policy(where, "policy", value, editor=True)
            if problems:
                raise problems[0]
            settings = settings._replace(policy=policy.over(settings.policy))
        return settings

    def merged_each(self, overrides: dict[str, object]) -> "Merged":
        """Like `merged`, one setting at a time: a bad one is left out and reported, the rest apply."""
        settings, problems = self, list[ConfigError]()
        for key, value in overrides.items():
            if key == "policy" and value is not None:  # a bad key of it is left out alone
                policy, wrong = read_policy("editor settings", key, value, editor=True)
                settings, problems = (
                    settings._replace(policy=policy.over(settings.policy)),
                    [*problems, *wrong],
                )
                continue
            try:
                settings = settings.merged({key: value})
            except ConfigError as exc:
                problems.append(exc)
        return Merged(settings, tuple(problems))


class Merged:
    """Editor settings applied over a file's, and the ones left out because they are wrong."""

    __slots__ = ("settings", "problems")

    def __init__(self, settings: Settings, problems: tuple[ConfigError, ...]) -> None:
        self.settings = settings
        self.problems = problems


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
    # Imported here: tomllib (with datetime and string) is 5% of a `check` that reads no sip-lsp.toml.
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
    settings = Settings(source=os.path.abspath(file))
    for raw_key, value in doc.items():
        match raw_key.replace("_", "-"):
            case "select":
                settings = settings._replace(select=_selectors(file, raw_key, value))
            case "ignore":
                settings = settings._replace(ignore=_selectors(file, raw_key, value))
            case "severity":
                settings = settings._replace(severity=_severity(file, value))
            case "catalogs":
                paths = tuple(os.path.join(base, p) for p in _strings(file, raw_key, value))
                settings = settings._replace(catalogs=paths)
            case "dialects":
                settings = settings._replace(dialects=_dialects(file, value, base))
            case "inlay-hints":
                settings = settings._replace(inlay_hints=_bool(file, raw_key, value))
            case "max-file-size":
                settings = settings._replace(max_file_size=_size(file, raw_key, value))
            case "policy":
                policy, problems = read_policy(file, raw_key, value)
                settings = settings._replace(policy=policy, problems=problems)
            case _:
                known = "select, ignore, severity, catalogs, dialects, inlay-hints, max-file-size, policy"
                raise ConfigError(file, raw_key, f"unknown field (known: {known})")
    return settings


# ---------------------------------------------------------------- policy


def read_policy(
    file: str, key: str, value: object, editor: bool = False
) -> tuple[Policy, tuple[ConfigError, ...]]:
    """A `[policy]` table (or the editor's `policy` object) and what is wrong in it.

    A wrong key or pattern leaves that key out (a partial `retry-only` would
    report codes the user allowed); the other keys apply.
    """
    if not isinstance(value, dict):
        return NO_POLICY, (ConfigError(file, key, f"expected a table of policy keys, got {_kind(value)}"),)
    fields: dict[str, CodeSet] = {}
    problems: list[ConfigError] = []
    for raw, patterns in value.items():
        if patterns is None and editor:
            continue  # an editor's unset key (VS Code sends null): sip-lsp.toml's applies
        name = _POLICY_EDITOR_KEYS.get(raw, raw) if editor else raw
        field = _POLICY_KEYS.get(str(name).replace("_", "-"))
        if field is None:
            spelled = _POLICY_EDITOR_KEYS if editor else _POLICY_KEYS
            problems.append(ConfigError(file, f"{key}.{raw}", f"unknown key (known: {', '.join(spelled)})"))
            continue
        try:
            fields[field] = code_set(file, f"{key}.{raw}", patterns)
        except ConfigError as exc:
            problems.append(exc)
    return Policy(**fields), tuple(problems)


def code_set(file: str, key: str, value: object) -> CodeSet:
    """Code patterns -> the codes and local cases they name; ConfigError names a bad one."""
    items = _strings(file, key, value)
    codes: set[int] = set()
    local: set[Local] = set()
    for item in items:
        found = _pattern(item)
        if found is None:
            raise ConfigError(
                file,
                key,
                f"{item!r} is not a code pattern: a final code (487), a class (6xx), a range (500-599), "
                "or timeout, cancelled, no-destination",
            )
        if isinstance(found, Local):
            local.add(found)
        else:
            codes.update(found)
    return CodeSet(frozenset(codes), frozenset(local), tuple(items))


def _pattern(item: str) -> range | Local | None:
    text = item.strip().lower()
    if text in _LOCAL_CASES:
        return _LOCAL_CASES[text]
    if re.fullmatch(r"[3-6]xx", text):
        first = int(text[0]) * 100
        return range(first, first + 100)
    if m := re.fullmatch(r"([0-9]{3})\s*-\s*([0-9]{3})", text):
        low, high = int(m[1]), int(m[2])
        return range(low, high + 1) if low in _FINAL and high in _FINAL and low <= high else None
    if re.fullmatch(r"[0-9]{3}", text) and int(text) in _FINAL:
        return range(int(text), int(text) + 1)
    return None


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
