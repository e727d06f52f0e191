"""The catalogue's records: a code, a cause, a rule, a header, a contrast, a retry class.

Records are slotted classes with `Final` fields, as the model's facts are: read-only
to the type checker, equal and hashed by what they hold, built by plain stores.
Not named tuples: `typing.NamedTuple` needs the `typing` module, which nothing else
`sip-lsp explain` runs imports, and builds each class through it (together ~12 % of
`explain`); not dataclasses: `dataclasses` imports `inspect` and `ast` (as much again).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Names only the type checker reads (annotations are never evaluated at run time):
# importing `typing` would cost `explain` ~9 % of its start-up. Not typing.TYPE_CHECKING,
# which is in `typing`; mypy treats any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

# Catalogue data as read from YAML or the compiled JSON: untyped by nature. The
# records below are its typed form; this alias marks the places that hold it raw.
JSONObject = dict[str, "Any"]


class CatalogError(Exception):
    """A catalogue file is broken: names file, entry and field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file, self.entry, self.field, self.problem = file, entry, field, problem
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else "") if p)
        super().__init__(f"{file}: {where + ': ' if where else ''}{problem}")


_NO_TEXTS: Mapping[str, str] = MappingProxyType({})


class Record:
    """Equal, hashed and shown by its slots, in order (like `model.value.Value`, which the
    catalogue does not import: the model costs `explain` ~8 ms it never needs).

    A subclass lists its fields in `__slots__` (in constructor order) and marks them
    `Final` in `__init__`; `as_dict` turns a record into JSON-ready data.
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({shown})"


class Header(Record):
    """A header a response must or should carry: name, RFC section, condition."""

    __slots__ = ("name", "rfc", "when")

    def __init__(self, name: str, rfc: str = "", when: str = "") -> None:
        self.name: Final = name
        self.rfc: Final = rfc
        self.when: Final = when


class Contrast(Record):
    """A code this one is confused with, the one-line difference, and which to use."""

    __slots__ = ("code", "difference", "choose")

    def __init__(self, code: int, difference: str, choose: str = "") -> None:
        self.code: Final = code
        self.difference: Final = difference
        self.choose: Final = choose


class CodeEntry(Record):
    """One response code: IANA phrase, our prose, retry class, headers, cause maps, contrasts."""

    __slots__ = (
        "code",
        "reason",
        "summary",
        "description",
        "retry",
        "aliases",
        "when_seen",
        "how_to_fix",
        "rfc",
        "status",
        "replaced_by",
        "headers_required",
        "headers_recommended",
        "q850",
        "freeswitch",
        "asterisk",
        "frequency",
        "contrast",
        "source",
    )

    def __init__(
        self,
        code: int,
        reason: str,
        summary: str,
        description: str,
        retry: str,
        aliases: tuple[str, ...] = (),
        when_seen: str = "",
        how_to_fix: str = "",
        rfc: str = "",
        status: str = "current",
        replaced_by: int | None = None,
        headers_required: tuple[Header, ...] = (),
        headers_recommended: tuple[Header, ...] = (),
        q850: int | None = None,
        freeswitch: str | None = None,
        asterisk: str | None = None,
        frequency: int = 0,
        contrast: tuple[Contrast, ...] = (),
        source: str = "built-in",
    ) -> None:
        self.code: Final = code
        self.reason: Final = reason
        self.summary: Final = summary
        self.description: Final = description
        self.retry: Final = retry
        self.aliases: Final = aliases
        self.when_seen: Final = when_seen
        self.how_to_fix: Final = how_to_fix
        self.rfc: Final = rfc
        self.status: Final = status
        self.replaced_by: Final = replaced_by
        self.headers_required: Final = headers_required
        self.headers_recommended: Final = headers_recommended
        self.q850: Final = q850
        self.freeswitch: Final = freeswitch
        self.asterisk: Final = asterisk
        self.frequency: Final = frequency
        self.contrast: Final = contrast
        self.source: Final = source

    @property
    def cls(self) -> str:
        return f"{self.code // 100}xx"


class Q850Cause(Record):
    """An ISUP cause with its RFC 3398 maps: SIP codes -> cause (from_sip), cause -> SIP (to_sip)."""

    __slots__ = ("number", "name", "from_sip", "to_sip")

    def __init__(
        self, number: int, name: str, from_sip: tuple[int, ...] = (), to_sip: int | None = None
    ) -> None:
        self.number: Final = number
        self.name: Final = name
        self.from_sip: Final = from_sip
        self.to_sip: Final = to_sip


class EngineCause(Record):
    """A cause as an engine names it, with the engine's own SIP maps."""

    __slots__ = ("name", "number", "aliases", "from_sip", "to_sip", "summary")

    def __init__(
        self,
        name: str,
        number: int,
        aliases: tuple[str, ...] = (),
        from_sip: tuple[int, ...] = (),
        to_sip: int | None = None,
        summary: str = "",
    ) -> None:
        self.name: Final = name
        self.number: Final = number
        self.aliases: Final = aliases
        self.from_sip: Final = from_sip
        self.to_sip: Final = to_sip
        self.summary: Final = summary


class DialStatus(Record):
    """An Asterisk DIALSTATUS value and the hangup causes that produce it."""

    __slots__ = ("value", "summary", "causes", "other_causes", "failed")

    def __init__(
        self,
        value: str,
        summary: str,
        causes: tuple[str, ...] = (),
        other_causes: bool = False,
        failed: bool = False,
    ) -> None:
        self.value: Final = value
        self.summary: Final = summary
        self.causes: Final = causes
        self.other_causes: Final = other_causes
        self.failed: Final = failed


class RuleEntry(Record):
    """A rule's id, name, default severity, docs and message templates."""

    __slots__ = (
        "id",
        "name",
        "severity",
        "summary",
        "message",
        "why",
        "example",
        "instead",
        "fix",
        "fixable",
        "rfc",
        "messages",
        "fix_titles",
    )

    def __init__(
        self,
        id: str,
        name: str,
        severity: str,
        summary: str,
        message: str,
        why: str = "",
        example: str = "",
        instead: str = "",
        fix: str = "",
        fixable: str = "never",
        rfc: str = "",
        messages: Mapping[str, str] = _NO_TEXTS,
        fix_titles: Mapping[str, str] = _NO_TEXTS,
    ) -> None:
        self.id: Final = id
        self.name: Final = name
        self.severity: Final = severity
        self.summary: Final = summary
        self.message: Final = message
        self.why: Final = why
        self.example: Final = example
        self.instead: Final = instead
        self.fix: Final = fix
        self.fixable: Final = fixable
        self.rfc: Final = rfc
        self.messages: Final = messages
        self.fix_titles: Final = fix_titles

    def text(self, key: str = "", **values: object) -> str:
        """The message template `key` (default: `message`) filled with values."""
        template = self.messages.get(key, self.message) if key else self.message
        return template.format(**values)


class RetryLines(Record):
    """One line each for a hover: what the caller does on receiving it, what a failure route does."""

    __slots__ = ("on_receive", "in_failure_route")

    def __init__(self, on_receive: str = "", in_failure_route: str = "") -> None:
        self.on_receive: Final = on_receive
        self.in_failure_route: Final = in_failure_route


_NO_LINES: Mapping[int, RetryLines] = MappingProxyType({})


class RetryClass(Record):
    """What a client or proxy may do after a response of this retry class.

    `on_receive` and `in_failure_route` are the hover's one-liners for the whole
    class; `codes` (code -> RetryLines) replaces them for a member they would misstate.
    """

    __slots__ = ("title", "advice", "on_receive", "in_failure_route", "codes")

    def __init__(
        self,
        title: str,
        advice: str,
        on_receive: str = "",
        in_failure_route: str = "",
        codes: Mapping[int, RetryLines] = _NO_LINES,
    ) -> None:
        self.title: Final = title
        self.advice: Final = advice
        self.on_receive: Final = on_receive
        self.in_failure_route: Final = in_failure_route
        self.codes: Final = codes

    def lines(self, code: int) -> RetryLines:
        """The hover's lines for `code`: its own where the catalogue has them, else the class's."""
        own = self.codes.get(code, RetryLines())
        return RetryLines(own.on_receive or self.on_receive, own.in_failure_route or self.in_failure_route)


def as_dict(record: Record) -> JSONObject:
    """A record (and the records inside it) as plain dicts and lists, for JSON."""
    return {name: _plain(getattr(record, name)) for name in record.__slots__}


def _plain(value: object) -> object:
    if isinstance(value, Record):
        return as_dict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value
