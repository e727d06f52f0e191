"""Grouping findings into problems, on plain data: the message in both languages, related once."""

from __future__ import annotations

from pathlib import Path

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.features.problems import problems
from sip_lsp.lint import lint
from sip_lsp.model import Finding

GATEWAYS = Path(__file__).parent / "fixtures" / "server" / "gateways.cfg"


def _result():
    return lint(GATEWAYS.read_text(encoding="utf-8"), str(GATEWAYS), Settings(), default_catalog())


def test_russian_message_names_the_groups_and_the_other_rules():
    [problem] = problems(_result().findings, default_catalog(), "ru")
    assert problem.message == "use_next_gw() может выполниться после 6xx, 486 и 401/407 (также SC303, SC304)"


def test_the_english_message_names_the_action_the_rules_share():
    [problem] = problems(_result().findings, default_catalog(), "en")
    assert problem.message == "use_next_gw() can run after 6xx, 486 and 401/407 (also SC303, SC304)"


def test_without_the_action_name_the_message_still_reads():
    unnamed = [
        Finding(f.rule, f.name, f.severity, f.span, f.message, f.related, f.fixes, f.tags)
        for f in _result().findings
    ]
    [problem] = problems(unnamed, default_catalog(), "en")
    assert problem.message == "This action can run after 6xx, 486 and 401/407 (also SC303, SC304)"


def test_each_related_location_once_with_every_rules_note():
    result = _result()
    [problem] = problems(result.findings, default_catalog())
    spans = [r.span for r in problem.related]
    assert len(spans) == len(set(spans))
    assert set(spans) == {r.span for f in result.findings for r in f.related}
    assert problem.fixes == tuple(fix for f in result.findings for fix in f.fixes)


def test_findings_on_other_spans_or_of_other_rules_stay_apart():
    result = _result()
    sc301 = next(f for f in result.findings if f.rule == "SC301")
    [alone] = problems([sc301], default_catalog())
    assert not alone.merged and alone.message == sc301.message and alone.related == sc301.related
