"""What the rules return: findings, with related places and fixes (edits to the text)."""

from __future__ import annotations

from typing import Final

from sip_lsp.model.spans import Span
from sip_lsp.model.value import Value


class Edit(Value):
    __slots__ = ("span", "new_text")

    def __init__(self, span: Span, new_text: str) -> None:
        self.span: Final = span
        self.new_text: Final = new_text

    def shift(self, delta: int) -> Edit:
        return Edit(self.span.shift(delta), self.new_text)


class Fix(Value):
    __slots__ = ("title", "edits", "safe")

    def __init__(
        self,
        title: str,
        edits: tuple[Edit, ...],
        safe: bool = True,  # applied by `check --fix` and source.fixAll
    ) -> None:
        self.title: Final = title
        self.edits: Final = edits
        self.safe: Final = safe

    def shift(self, delta: int) -> Fix:
        return Fix(self.title, tuple([edit.shift(delta) for edit in self.edits]), self.safe)


class Related(Value):
    __slots__ = ("span", "message")

    def __init__(self, span: Span, message: str) -> None:
        self.span: Final = span
        self.message: Final = message

    def shift(self, delta: int) -> Related:
        return Related(self.span.shift(delta), self.message)


class Finding(Value):
    __slots__ = ("rule", "name", "severity", "span", "message", "related", "fixes", "tags", "subject")

    def __init__(
        self,
        rule: str,  # SC301
        name: str,  # retry-after-global-failure
        severity: str,  # error | warning | information | hint
        span: Span,
        message: str,
        related: tuple[Related, ...] = (),
        fixes: tuple[Fix, ...] = (),
        tags: tuple[str, ...] = (),  # deprecated | unnecessary
        subject: str = "",  # what the finding is about where several rules share a span: the failover action
    ) -> None:
        self.rule: Final = rule
        self.name: Final = name
        self.severity: Final = severity
        self.span: Final = span
        self.message: Final = message
        self.related: Final = related
        self.fixes: Final = fixes
        self.tags: Final = tags
        self.subject: Final = subject

    def shift(self, delta: int) -> Finding:
        return Finding(
            self.rule,
            self.name,
            self.severity,
            self.span.shift(delta),
            self.message,
            tuple([r.shift(delta) for r in self.related]),
            tuple([fix.shift(delta) for fix in self.fixes]),
            self.tags,
            self.subject,
        )

    def with_severity(self, severity: str) -> Finding:
        """The same finding at another severity (a settings override)."""
        return Finding(
            self.rule,
            self.name,
            severity,
            self.span,
            self.message,
            self.related,
            self.fixes,
            self.tags,
            self.subject,
        )
