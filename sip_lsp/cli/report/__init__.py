"""Output formats of `sip-lsp check`: text, json, sarif, github.

Each format gets the checked files as `FileReport`s and writes to a stream.
Positions here are 1-based (line, column in code points), as every format shows them.
"""

# No `from __future__ import annotations` here: NamedTuple would compile each string annotation,
# and the first compile() in a process sets up every AST type (with them ~4 % of `check`).
import os
from collections.abc import Callable
from typing import NamedTuple

from sip_lsp.model import Finding, Span
from sip_lsp.text import LineIndex

# A slotted class and a named tuple, not dataclasses: importing dataclasses
# (with inspect and ast) would cost every `check` 13% of its start-up.


class FileReport:
    """One checked file: its text and findings; `--fix` replaces both."""

    __slots__ = ("path", "display", "text", "findings", "fixed", "actions")

    def __init__(self, path: str, display: str, text: str, findings: list[Finding]) -> None:
        self.path = path  # absolute path of the checked file
        self.display = display  # the path as shown to the user
        self.text = text
        self.findings = findings
        self.fixed = 0  # findings `--fix` removed


class Location(NamedTuple):
    """A span as the user reads it: display path, 1-based line and column, and the end."""

    display: str
    line: int
    column: int
    end_line: int
    end_column: int


class Locator:
    """Turns spans into 1-based locations; spans in included files are read once."""

    def __init__(self, read: Callable[[str], str | None]) -> None:
        self._read = read
        self._indexes: dict[str, LineIndex] = {}

    def index(self, path: str, text: str | None = None) -> LineIndex:
        if path not in self._indexes:
            self._indexes[path] = LineIndex(text if text is not None else (self._read(path) or ""))
        return self._indexes[path]

    def locate(self, span: Span, report: FileReport) -> Location:
        if span.path in (None, report.path):
            index, display = self.index(report.path, report.text), report.display
        else:
            index, display = self.index(span.path), display_path(span.path)
        line, col = index.position(span.start)
        end_line, end_col = index.position(span.end)
        return Location(display, line + 1, col + 1, end_line + 1, end_col + 1)

    def source_line(self, location: Location, report: FileReport, span: Span) -> str:
        path = report.path if span.path in (None, report.path) else span.path
        return self.index(path).line_text(location.line - 1)


def display_path(path: str) -> str:
    """Relative to the working directory when below it, else absolute."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
