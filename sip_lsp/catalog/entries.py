"""The catalogue's records: a code, a cause, a rule, a header, a contrast, a retry class."""

from __future__ import annotations

from collections import namedtuple


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


class RetryLines(namedtuple("RetryLines", "on_receive in_failure_route", defaults=("", ""))):
    """One line each for a hover: what the caller does on receiving it, what a failure route does."""

    __slots__ = ()


class RetryClass(
    namedtuple("RetryClass", "title advice on_receive in_failure_route codes", defaults=("", "", {}))
):
    """What a client or proxy may do after a response of this retry class.

    `on_receive` and `in_failure_route` are the hover's one-liners for the whole
    class; `codes` (code -> RetryLines) replaces them for a member they would misstate.
    """

    __slots__ = ()

    def lines(self, code: int) -> RetryLines:
        """The hover's lines for `code`: its own where the catalogue has them, else the class's."""
        own = self.codes.get(code, RetryLines())
        return RetryLines(own.on_receive or self.on_receive, own.in_failure_route or self.in_failure_route)


def as_dict(value: object) -> object:
    """A record (and the records inside it) as plain dicts and lists, for JSON."""
    if hasattr(value, "_asdict"):
        return {k: as_dict(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [as_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: as_dict(v) for k, v in value.items()}
    return value
