"""Hover and explain Markdown: layout from render.py, every word from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_catalog_translations import _english_sentences

from sip_lsp import render
from sip_lsp.catalog import default_catalog, load_catalog
from sip_lsp.model import FailoverKind, FailoverSite, Span, StatusTest

SPAN = Span(0, 1)


@pytest.fixture(scope="module")
def catalog():
    return default_catalog()


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """Small engine tables of our own, so these tests do not follow the engine files' edits."""
    path = tmp_path_factory.mktemp("engines") / "engines.yaml"
    path.write_text(
        """
engines:
  freeswitch:
    default_from_sip: {other: NORMAL_UNSPECIFIED}
    default_to_sip: 480
    causes:
      - {name: USER_BUSY, number: 17, from_sip: [486, 600], to_sip: 486, summary: The callee is busy.}
      - {name: NORMAL_UNSPECIFIED, number: 31, to_sip: 480}
  asterisk:
    causes:
      - {name: USER_BUSY, number: 17, from_sip: [486, 600], to_sip: 486}
      - {name: NO_ANSWER, number: 19, from_sip: [480]}
    dialstatus:
      - {value: BUSY, summary: The callee was busy., causes: [USER_BUSY], failed: true}
      - {value: NOANSWER, summary: Nobody answered., causes: [NO_ANSWER], failed: true}
""",
        encoding="utf-8",
    )
    return load_catalog([str(path)])


def test_code_title_line(catalog):
    md = render.code_markdown(catalog.code(604), catalog)
    assert md.splitlines()[0] == "**604 Does Not Exist Anywhere** · 6xx Global Failure · RFC 3261 §21.6.3"


def test_code_in_russian_uses_russian_headings(catalog):
    md = render.code_markdown(catalog.code(604), catalog, "ru")
    assert "### Описание" in md and "### Как исправить" in md and "6xx Глобальная ошибка" in md
    assert "### Description" not in md


def test_required_headers_with_their_rfc(catalog):
    md = render.code_markdown(catalog.code(401), catalog)
    section = md.split("### Required headers", 1)[1]
    assert "`WWW-Authenticate`" in section and "RFC 3261 §" in section


def test_phrase_of_another_code(catalog):
    md = render.phrase_markdown("not found", 604, catalog)
    assert md.startswith(
        "> ⚠ “not found” is the reason phrase of 404 Not Found, not of 604 Does Not Exist Anywhere."
    )
    assert "\n\n**404 Not Found** · " in md


def test_phrase_of_its_own_code_is_the_entry(catalog):
    assert render.phrase_markdown("Not Found", 404, catalog) == render.code_markdown(
        catalog.code(404), catalog
    )


def test_custom_phrase_is_legal(catalog):
    md = render.phrase_markdown("No such user", 404, catalog)
    assert md.startswith("“No such user” is not a registered reason phrase")
    assert "**404 Not Found**" in md


def test_unregistered_code_is_handled_as_its_class_base(catalog):
    md = render.unregistered_markdown(499, catalog)
    assert md.startswith("**499** · 4xx Client Failure (Request Failure)")
    assert "400 Bad Request" in md


def test_rule_docs(catalog):
    md = render.rule_markdown(catalog.rule("SC301"), catalog)
    assert md.startswith("**SC301** · `retry-after-global-failure` · warning")
    assert "### Why is this bad?" in md and "### Example\n\n```\n" in md


def test_compare_uses_the_contrast_choice_when_there_is_one(catalog):
    a, b = catalog.code(404), catalog.code(604)
    choose = next(c.choose for c in a.contrast + b.contrast if c.code in (404, 604) and c.choose)
    md = render.compare_markdown(a, b, catalog)
    use = md.split("### When to use which", 1)[1]
    assert use.strip().startswith("- For 404 (Not Found): ")
    assert choose.strip()[:40] in use
    differences = md.split("### Key differences", 1)[1]
    assert "(local: " in differences and "(global: " in differences


def test_compare_derives_the_choice_without_a_contrast(catalog):
    a, b = catalog.code(100), catalog.code(608)
    md = render.compare_markdown(a, b, catalog)
    first = a.how_to_fix.split(". ")[0]
    assert f"- For 100 (Trying): {first}" in md.split("### When to use which", 1)[1]


def test_final_code_set_is_compact_and_marks_surprises(catalog):
    md = render.codes_markdown(frozenset(range(300, 700)), catalog, title="Admits")
    registered = len([c for c in catalog.codes if c >= 300])
    assert md.startswith(f"**Admits**\n\n300–699 (400 codes, {registered} registered)")
    assert "`604` Does Not Exist Anywhere ⚠ usually unintended in a failover" in md
    assert "- `503` Service Unavailable\n" in md
    assert "handled as 600 Busy Everywhere) ⚠" in md
    assert "#### 4xx Client Failure (Request Failure)" in md


def test_registered_only_set_has_no_range_line(catalog):
    md = render.codes_markdown(frozenset({404, 603}), catalog)
    assert md.startswith("#### 4xx")
    assert "codes," not in md


def test_ranges():
    assert render.ranges(frozenset({300, 301, 302, 305, 380, 381})) == "300–302, 305, 380–381"


def test_status_test_shows_what_it_admits_beyond_the_named(catalog):
    admits = frozenset(c for c in range(100, 700) if "4" in str(c) or "5" in str(c))
    named = frozenset(range(400, 600))
    md = render.status_test_markdown(StatusTest(SPAN, "t_check_status", '"[45]"', admits, named), catalog)
    assert md.startswith('`"[45]"`\n\n**Codes it admits**')
    beyond = md.split("**Admitted beyond the codes the pattern names**", 1)[1]
    assert "`604` Does Not Exist Anywhere ⚠" in beyond and "`404`" not in beyond


def test_failover_site(catalog):
    site = FailoverSite(
        SPAN, "ds_next_dst", FailoverKind.NEXT_DESTINATION, frozenset({486, 503, 603}), shaping_tests=(SPAN,)
    )
    md = render.failover_markdown(site, catalog)
    assert md.startswith("**`ds_next_dst`** · next-destination\n\n**Codes that reach this action**")
    assert "`486` Busy Here ⚠" in md and "- `503` Service Unavailable\n" in md
    assert md.endswith("Narrowed by 1 status test(s) on the way")


def test_engine_cause(engines):
    engine = engines.engines["freeswitch"]
    md = render.cause_markdown(engine, engine.cause("user_busy"), engines)
    assert md.startswith("**USER_BUSY** · cause 17 · FreeSWITCH\n\nThe callee is busy.")
    assert "Q.850 (RFC 3398): 17 User busy" in md
    assert "`486` Busy Here" in md and "`600` Busy Everywhere" in md
    assert md.endswith("### SIP response it sends\n\n486 Busy Here")


def test_engine_cause_that_takes_every_unlisted_code(engines):
    engine = engines.engines["freeswitch"]
    md = render.cause_markdown(engine, engine.cause("31"), engines)
    assert "300–485, 487–599, 601–699 (398 codes" in md


def test_dialstatus(engines):
    md = render.dialstatus_markdown("busy", engines)
    assert md.startswith("**DIALSTATUS=BUSY** · Asterisk\n\nThe callee was busy.")
    assert "`USER_BUSY`" in md and "`600` Busy Everywhere" in md
    assert render.dialstatus_markdown("NOSUCH", engines) == ""


def test_markdown_to_text():
    md = (
        '**604 X** · 6xx\n\n### When\n\nUse `t_check_status("[45].*")` **now**.\n\n'
        "| | **a** | **b** |\n|---|---|---|\n| Class | 4xx | 6xx Global |\n\n```\nroute {\n}\n```"
    )
    assert render.markdown_to_text(md) == (
        '604 X · 6xx\n\nWhen\n====\n\nUse t_check_status("[45].*") now.\n\n'
        "       a    b\nClass  4xx  6xx Global\n\n    route {\n    }\n"
    )


def test_a_broken_user_template_does_not_raise(tmp_path):
    path = tmp_path / "h.yaml"
    path.write_text("headings:\n  en:\n    unintended: 'odd {0} {x.y'\n", encoding="utf-8")
    cat = load_catalog([str(path)])
    assert "odd {0} {x.y" in render.codes_markdown(frozenset({604}), cat)


def test_python_holds_no_prose(catalog):
    """Reason phrases and headings live in the catalogue, never in the renderer or the CLI."""
    sources = "".join(
        (Path(render.__file__).parent / name).read_text(encoding="utf-8")
        for name in ("render.py", "cli/reference.py")
    )
    words = [e.reason for e in catalog.codes.values() if len(e.reason) > 6]
    words += [w for w in catalog.headings["en"].values() if len(w) > 8 and not w.isupper()]
    assert [w for w in words if w in sources] == []


def test_every_heading_key_the_code_asks_for_exists(catalog):
    """A key missing from headings.yaml would show users the raw key."""
    import re

    sources = "\n".join(p.read_text(encoding="utf-8") for p in Path(render.__file__).parent.rglob("*.py"))
    literal = set(re.findall(r"words\([^,()]+,\s*\"([a-z0-9_]+)\"", sources))
    families = set(re.findall(r"words\([^,()]+,\s*f\"([a-z0-9]+_)\{", sources))
    assert {"description", "error_unknown_subject"} <= literal and "action_" in families
    en = catalog.headings["en"]
    assert sorted(literal - set(en)) == []
    assert [f for f in families if not any(k.startswith(f) for k in en)] == []
    for n in range(1, 7):
        assert f"scope_{n}xx" in en
    assert {f"fixable_{v}" for v in ("always", "sometimes", "never")} <= set(en)
    assert {"current", "deprecated", "reserved", "unregistered"} <= set(en)  # the `status` enum


# ---------------------------------------------------------------- concise hover

HOVER_LIMIT = 80  # words before the "more" link (issue 15: the first screen of a hover)


def _words(md: str) -> int:
    return len(re.findall(r"\S*\w\S*", md))


def test_hover_first_line_is_code_class_and_rfc(catalog):
    md = render.code_hover_markdown(catalog.code(604), catalog)
    assert md.splitlines()[0] == "**604 Does Not Exist Anywhere** · 6xx · RFC 3261 §21.6.3"
    assert catalog.code(604).summary in md
    assert "**Through the engines:** Asterisk sends 404 (`UNALLOCATED`)" in md


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("where", [None, "reply", "failure"])
def test_every_hover_fits_the_first_screen(catalog, lang, where):
    long = {
        code: _words(md)
        for code, entry in catalog.codes.items()
        if (md := render.code_hover_markdown(entry, catalog, lang, where)) and _words(md) > HOVER_LIMIT
    }
    assert long == {}


@pytest.mark.parametrize("code", sorted(default_catalog().codes))
def test_russian_hover_holds_no_english_sentence(catalog, code):
    md = render.code_hover_markdown(catalog.code(code), catalog, "ru", more="file:///site/ru/604.html")
    assert _english_sentences(md) == []
    assert "**При получении:**" in md and "**В обработке отказа:**" in md


def test_hover_action_follows_where_the_code_stands(catalog):
    entry, retry = catalog.code(603), catalog.retry_classes["never-retry-anywhere"]
    reply = render.code_hover_markdown(entry, catalog, where="reply")
    failure = render.code_hover_markdown(entry, catalog, where="failure")
    both = render.code_hover_markdown(entry, catalog)
    assert f"**On receipt:** {retry.on_receive}" in reply and "In a failure route" not in reply
    assert f"**In a failure route:** {retry.in_failure_route}" in failure and "On receipt" not in failure
    assert retry.on_receive in both and retry.in_failure_route in both


def test_a_member_the_class_line_would_misstate_has_its_own(catalog):
    loop = render.code_hover_markdown(catalog.code(483), catalog)
    cancel = render.code_hover_markdown(catalog.code(487), catalog)
    assert catalog.retry_classes["do-not-failover"].on_receive not in loop and "loop" in loop
    assert "487 means" not in render.code_hover_markdown(catalog.code(604), catalog)
    assert "`t_is_canceled()`" in cancel
    for name, retry in catalog.retry_classes.items():  # an own line stays with its class
        assert {c: catalog.code(c).retry for c in retry.codes} == dict.fromkeys(retry.codes, name)


def test_hover_more_link_only_when_given(catalog):
    entry = catalog.code(604)
    md = render.code_hover_markdown(entry, catalog, more="https://example.invalid/604.html")
    assert md.endswith("\n\n[Full entry for 604](https://example.invalid/604.html)")
    assert "](" not in render.code_hover_markdown(entry, catalog)


def test_hover_engine_line_only_where_the_caller_gets_another_code(catalog):
    assert "Kamailio sends 500" in render.code_hover_markdown(catalog.code(503), catalog)
    assert "follows it" in render.code_hover_markdown(catalog.code(302), catalog)
    assert "Through the engines" not in render.code_hover_markdown(catalog.code(486), catalog)
    assert "Through the engines" not in render.code_hover_markdown(catalog.code(180), catalog)


def test_hover_fields_are_chosen_in_the_catalogue(tmp_path):
    path = tmp_path / "hover.yaml"
    path.write_text("headings:\n  en:\n    hover_fields: title more\n", encoding="utf-8")
    cat = load_catalog([str(path)])
    md = render.code_hover_markdown(cat.code(604), cat, more="u")
    assert md == "**604 Does Not Exist Anywhere** · 6xx · RFC 3261 §21.6.3\n\n[Full entry for 604](u)"


def test_explain_puts_the_engine_facts_after_the_cause_mappings(catalog):
    md = render.code_explain_markdown(catalog.code(604), catalog)
    assert (
        md.index("### Cause mappings") < md.index("### What the engines do") < md.index("### Often confused")
    )
    assert render.code_markdown(catalog.code(604), catalog) == md.replace(
        "\n\n" + render.engine_facts_markdown(catalog.code(604), catalog), ""
    )
