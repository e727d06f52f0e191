"""The offset index, hover picking and completion contexts, on plain data."""

from __future__ import annotations

from sip_lsp.catalog import default_catalog
from sip_lsp.features import SiteIndex, completions_at, hover_at, inlay_hints
from sip_lsp.model import Analysis, CodeSite, Role, Span, StatusTest


def _analysis() -> Analysis:
    text = 'if (t_check_status("486|604")) { sl_send_reply("404", "Not Found"); }'
    pattern = text.index("486|604")
    sites = [
        CodeSite(Span(pattern, pattern + 3), "486", 486, Role.MATCHED),
        CodeSite(Span(pattern + 4, pattern + 7), "604", 604, Role.MATCHED),
        CodeSite(
            Span(text.index("404"), text.index("404") + 3),
            "404",
            404,
            Role.SENT,
            phrase="Not Found",
            phrase_span=Span(text.index("Not Found"), text.index("Not Found") + 9),
        ),
    ]
    test = StatusTest(Span(pattern, pattern + 7), "t_check_status", "486|604", frozenset({486, 604}))
    return Analysis(dialect="kamailio", text=text, code_sites=sites, status_tests=[test])


def test_index_picks_the_smallest_fact():
    analysis = _analysis()
    index = SiteIndex(analysis)
    pattern = analysis.text.index("486|604")
    assert index.at(pattern + 1).kind == "code"
    assert index.at(pattern + 3).fact.code == 486  # the cursor right after a token still hovers it
    assert index.at(pattern + 5).fact.code == 604
    assert index.at(analysis.text.index("Not Found") + 2).kind == "phrase"
    assert index.at(0) is None


def test_hover_markdown_comes_from_the_catalogue():
    analysis = _analysis()
    catalog = default_catalog()
    found = hover_at(analysis, SiteIndex(analysis), analysis.text.index("604") + 1, catalog)
    assert catalog.code(604).reason in found.markdown
    assert (found.start, found.end) == (analysis.text.index("604"), analysis.text.index("604") + 3)


def test_inlay_hints_only_for_bare_matched_codes():
    analysis = _analysis()
    hints = inlay_hints(analysis, default_catalog())
    assert [(h.offset, h.label) for h in hints] == [
        (analysis.text.index('604")') + 4, "486 Busy Here, 604 Does Not Exist Anywhere")
    ]


def test_inlay_hint_beside_a_code_outside_a_string():
    text = "if ($T_reply_code == 486 || $rs == 603) {"
    sites = [
        CodeSite(Span(text.index("486"), text.index("486") + 3), "486", 486, Role.MATCHED),
        CodeSite(Span(text.index("603"), text.index("603") + 3), "603", 603, Role.MATCHED),
    ]
    hints = inlay_hints(Analysis(dialect="kamailio", text=text, code_sites=sites), default_catalog())
    assert [(h.offset, h.label) for h in hints] == [
        (text.index("486") + 3, "Busy Here"),
        (text.index("603") + 3, "Decline"),
    ]


def test_completion_contexts():
    catalog = default_catalog()
    line = "\tt_reply(4"
    items = completions_at(line, len(line), 100, "kamailio", catalog)
    busy = next(i for i in items if i.label == "486")
    assert busy.insert_text == '486, "Busy Here"' and (busy.start, busy.end) == (
        100 + len(line) - 1,
        100 + len(line),
    )
    line = 'sl_send_reply("'
    items = completions_at(line + '", "Busy")', len(line), 0, "kamailio", catalog)
    busy = next(i for i in items if i.label == "486")
    # The closing quote after the cursor stays and closes the inserted text.
    assert busy.insert_text == '"486' and (busy.start, busy.end) == (len(line) - 1, len(line))
    items = completions_at(line + "40", len(line) + 1, 0, "kamailio", catalog)
    not_found = next(i for i in items if i.label == "404")
    assert not_found.insert_text == '"404", "Not Found"' and (not_found.start, not_found.end) == (
        len(line) - 1,
        len(line) + 2,
    )
    assert completions_at("xlog(", 5, 0, "kamailio", catalog) == []


def test_bare_number_hovers_on_a_reply_line_only():
    text = 'xlog("reply code 486 seen");\n$var(x) = 486;\n'
    analysis = Analysis(dialect="kamailio", text=text)
    catalog = default_catalog()
    found = hover_at(analysis, SiteIndex(analysis), text.index("486") + 1, catalog)
    assert found is not None and "Busy Here" in found.markdown
    assert hover_at(analysis, SiteIndex(analysis), text.rindex("486") + 1, catalog) is None


def test_asterisk_goto_finds_the_extension_in_the_named_context():
    from sip_lsp.config import Settings
    from sip_lsp.features import definition_at
    from sip_lsp.lint import lint

    text = "[main]\nexten => s,1,Goto(other,s,1)\n same => n,Goto(s,1)\n\n[other]\nexten => s,1,Hangup(17)\n"
    analysis = lint(text, "/tmp/extensions.conf", Settings(), default_catalog()).analysis
    index = SiteIndex(analysis)
    [target] = definition_at(analysis, index, text.index("other,s") + 6)
    assert target.start == text.index("s,1,Hangup")
    [local] = definition_at(analysis, index, text.index("Goto(s,1)") + 5)
    assert local.start == text.index("s,1,Goto")


def test_a_phrase_beside_a_code_that_is_not_a_number_hovers_as_its_owner():
    text = 'sl_send_reply("$var(code)", "Busy Here"); sl_send_reply("$var(x)", "Nobody Knows");'
    phrase, unknown = text.index("Busy Here"), text.index("Nobody Knows")
    sites = [
        CodeSite(
            Span(15, 25),
            "$var(code)",
            None,
            Role.SENT,
            phrase="Busy Here",
            phrase_span=Span(phrase, phrase + 9),
        ),
        CodeSite(
            Span(text.index("$var(x)"), text.index("$var(x)") + 7),
            "$var(x)",
            None,
            Role.SENT,
            phrase="Nobody Knows",
            phrase_span=Span(unknown, unknown + 12),
        ),
    ]
    analysis = Analysis(dialect="kamailio", text=text, code_sites=sites)
    catalog = default_catalog()
    found = hover_at(analysis, SiteIndex(analysis), phrase + 2, catalog)
    assert found is not None and found.markdown.startswith("**486 Busy Here**"), found
    assert "None" not in found.markdown
    assert hover_at(analysis, SiteIndex(analysis), unknown + 2, catalog) is None
