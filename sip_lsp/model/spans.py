"""Where a fact or a finding is: offsets into a text, and the file they belong to."""

from __future__ import annotations

from typing import Final

from sip_lsp.model.value import Value


class Span(Value):
    """Python string offsets (code points); `path` is None for the analysed document itself."""

    __slots__ = ("start", "end", "path")

    def __init__(self, start: int, end: int, path: str | None = None) -> None:
        self.start: Final = start
        self.end: Final = end
        self.path: Final = path

    # Spans key the dicts and sets of every layer above (sites, problems, findings): the three
    # fields compared directly cost a third of Value's walk over the slots (a 100k-line
    # dialplan's diagnostics group ~10k spans per keystroke).
    def __eq__(self, other: object) -> bool:
        if type(other) is not Span:
            return NotImplemented
        return self.start == other.start and self.end == other.end and self.path == other.path

    def __hash__(self) -> int:
        return hash((self.start, self.end, self.path))

    def shift(self, delta: int) -> Span:
        return Span(self.start + delta, self.end + delta, self.path)


def shift_optional(span: Span | None, delta: int) -> Span | None:
    """`span` moved by `delta`, or None."""
    return None if span is None else Span(span.start + delta, span.end + delta, span.path)


def shift_all(spans: tuple[Span, ...], delta: int) -> tuple[Span, ...]:
    return tuple([Span(s.start + delta, s.end + delta, s.path) for s in spans])
