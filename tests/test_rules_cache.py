"""lint.FindingsCache: after an edit only the parts whose Facts are new are judged again."""

from __future__ import annotations

import pytest

import sip_lsp.lint as lint_module
from sip_lsp.catalog import Catalog, default_catalog
from sip_lsp.lint import DocumentCache

HANDLER = """
failure_route[F{n}] {{
    if (t_check_status("[56][0-9][0-9]")) {{
        ds_next_dst();
        t_relay();
    }}
}}
"""
TEXT = '#!KAMAILIO\nrequest_route {\n    t_on_failure("F0");\n    t_relay();\n}\n' + "".join(
    HANDLER.format(n=n) for n in range(6)
)


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The fact sets `lint` judges, in order."""
    seen: list[object] = []
    real = lint_module.judge

    def spy(facts, ctx):
        seen.append(facts)
        return real(facts, ctx)

    monkeypatch.setattr(lint_module, "judge", spy)
    return seen


def _lint(text: str, cache: DocumentCache, catalog=None):
    """Analyse with the document's blocks (unchanged blocks keep their Facts), then judge."""
    catalog = catalog or default_catalog()
    analysis = lint_module.dialects.analyze(
        text, "kamailio", lint_module.dialects.DialectContext(catalog=catalog, cache=cache.blocks)
    )
    return analysis, cache.findings.findings(analysis, catalog)


def test_an_edit_in_one_handler_judges_only_what_changed(judged: list[object]) -> None:
    cache = DocumentCache()
    analysis, first = _lint(TEXT, cache)
    assert len(judged) == len(analysis.parts)
    judged.clear()
    edited = TEXT.replace("failure_route[F3] {", 'failure_route[F3] {\n    xlog("edited\\n");', 1)
    analysis, second = _lint(edited, cache)
    assert 0 < len(judged) < len(analysis.parts)
    moved = len('\n    xlog("edited\\n");')
    assert sorted((f.rule, f.span.start) for f in second) == sorted(
        (f.rule, f.span.start + (moved if f.span.start > TEXT.index("[F3]") else 0)) for f in first
    )


def test_another_catalogue_judges_every_part_again(judged: list[object]) -> None:
    cache = DocumentCache()
    analysis, _ = _lint(TEXT, cache)
    judged.clear()
    _lint(TEXT, cache, Catalog.from_data(default_catalog().to_data()))
    assert len(judged) == len(analysis.parts)


def test_warm_findings_equal_cold_ones_after_edits() -> None:
    cache, text = DocumentCache(), TEXT
    for k in range(5):
        at = text.index(f"[F{k}]")
        text = text[:at] + "\n" + text[at:]
        assert _lint(text, cache)[1] == _lint(text, DocumentCache())[1]
