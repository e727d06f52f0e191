"""The catalogue's records: a code, a cause, a rule, a header, a contrast, a retry class."""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation, 6% of `explain`.
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

# Catalogue data as read from YAML or the compiled JSON: untyped by nature. The
# records below are its typed form; this alias marks the places that hold it raw.
JSONObject = dict[str, Any]


class CatalogError(Exception):
    """A catalogue file is broken: names file, entry and field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else "") if p)
        super().__init__(f"{file}: {where + ': ' if where else ''}{problem}")


_NO_TEXTS: Mapping[str, str] = MappingProxyType({})

# Records are named tuples, not dataclasses: importing dataclasses pulls in
# inspect and ast, which alone costs `sip-lsp explain` about as much as starting
# the interpreter (bench/cli_start.py). They are immutable, compare by value and
# expose their fields as attributes; `as_dict` turns one into JSON-ready data.


class Header(NamedTuple):
    """A header a response must or should carry: name, RFC section, condition."""

    name: str
    rfc: str = ""
    when: str = ""


class Contrast(NamedTuple):
    """A code this one is confused with, the one-line difference, and which to use."""

    code: int
    difference: str
    choose: str = ""


class CodeEntry(NamedTuple):
    """One response code: IANA phrase, our prose, retry class, headers, cause maps, contrasts."""

    code: int
    reason: str
    summary: str
    description: str
    retry: str
    aliases: tuple[str, ...] = ()
    when_seen: str = ""
    how_to_fix: str = ""
    rfc: str = ""
    status: str = "current"
    replaced_by: int | None = None
    headers_required: tuple[Header, ...] = ()
    headers_recommended: tuple[Header, ...] = ()
    q850: int | None = None
    freeswitch: str | None = None
    asterisk: str | None = None
    frequency: int = 0
    contrast: tuple[Contrast, ...] = ()
    source: str = "built-in"

    @property
    def cls(self) -> str:
        return f"{self.code // 100}xx"


class Q850Cause(NamedTuple):
    """An ISUP cause with its RFC 3398 maps: SIP codes -> cause (from_sip), cause -> SIP (to_sip)."""

    number: int
    name: str
    from_sip: tuple[int, ...] = ()
    to_sip: int | None = None


class EngineCause(NamedTuple):
    """A cause as an engine names it, with the engine's own SIP maps."""

    name: str
    number: int
    aliases: tuple[str, ...] = ()
    from_sip: tuple[int, ...] = ()
    to_sip: int | None = None
    summary: str = ""
    # Asterisk chan_sip, where it differs from chan_pjsip (from_sip / to_sip); None: the same.
    from_sip_chan_sip: tuple[int, ...] | None = None
    to_sip_chan_sip: int | None = None


class DialStatus(NamedTuple):
    """An Asterisk DIALSTATUS value and the hangup causes that produce it."""

    value: str
    summary: str
    causes: tuple[str, ...] = ()
    other_causes: bool = False
    failed: bool = False


class RuleEntry(NamedTuple):
    """A rule's id, name, default severity, docs and message templates."""

    id: str
    name: str
    severity: str
    summary: str
    message: str
    why: str = ""
    example: str = ""
    instead: str = ""
    fix: str = ""
    fixable: str = "never"
    rfc: str = ""
    messages: Mapping[str, str] = _NO_TEXTS
    fix_titles: Mapping[str, str] = _NO_TEXTS

    def text(self, key: str = "", **values: object) -> str:
        """The message template `key` (default: `message`) filled with values."""
        template = self.messages.get(key, self.message) if key else self.message
        return template.format(**values)


class RetryLines(NamedTuple):
    """One line each for a hover: what the caller does on receiving it, what a failure route does."""

    on_receive: str = ""
    in_failure_route: str = ""


class RetryClass(NamedTuple):
    """What a client or proxy may do after a response of this retry class.

    `on_receive` and `in_failure_route` are the hover's one-liners for the whole
    class; `codes` (code -> RetryLines) replaces them for a member they would misstate.
    """

    title: str
    advice: str
    on_receive: str = ""
    in_failure_route: str = ""
    codes: Mapping[int, RetryLines] = {}  # read-only, shared empty default

    def lines(self, code: int) -> RetryLines:
        """The hover's lines for `code`: its own where the catalogue has them, else the class's."""
        own = self.codes.get(code, RetryLines())
        return RetryLines(own.on_receive or self.on_receive, own.in_failure_route or self.in_failure_route)


class _Record(Protocol):
    def _asdict(self) -> dict[str, Any]: ...


def as_dict(record: _Record) -> JSONObject:
    """A record (and the records inside it) as plain dicts and lists, for JSON."""
    return {key: _plain(value) for key, value in record._asdict().items()}


def _plain(value: object) -> object:
    if hasattr(value, "_asdict"):
        return as_dict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value
