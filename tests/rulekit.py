"""Hand-built facts for rule tests: a small document and helpers to run the rules on it."""

from __future__ import annotations

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.model import Analysis, CodeSite, Role, Span
from sip_lsp.rules import run_rules

TEXT = "line one\nline two\nline three\nline four\nline five\n" * 4


def analysis(**facts) -> Analysis:
    return Analysis(dialect=facts.pop("dialect", "kamailio"), text=facts.pop("text", TEXT), **facts)


def run(settings: Settings | None = None, **facts):
    return run_rules(analysis(**facts), default_catalog(), settings)


def ids(findings) -> list[str]:
    return [f.rule for f in findings]


def sent(
    code: int | None, text: str | None = None, phrase: str | None = None, start: int = 0, **kw
) -> CodeSite:
    text = text if text is not None else str(code)
    phrase_span = Span(start + 10, start + 10 + len(phrase)) if phrase else None
    return CodeSite(
        span=Span(start, start + len(text)),
        text=text,
        code=code,
        role=kw.pop("role", Role.SENT),
        function="sl_send_reply",
        phrase=phrase,
        phrase_span=phrase_span,
        **kw,
    )
