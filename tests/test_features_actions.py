"""Suppression comments and the safe-fix set, on plain analyses (no server)."""

from __future__ import annotations

from sip_lsp.features import disable_in_file, disable_on_line, safe_fix_edits
from sip_lsp.model import Analysis, Edit, Finding, Fix, Span
from sip_lsp.text import LineIndex


def _finding(text: str, needle: str, rule: str = "SC301", fixes=()) -> Finding:
    start = text.index(needle)
    return Finding(rule, "x", "warning", Span(start, start + len(needle)), "m", fixes=tuple(fixes))


def _apply(text: str, edit: Edit) -> str:
    return text[: edit.span.start] + edit.new_text + text[edit.span.end :]


def test_line_comment_matches_indentation_and_style():
    for leader, expected in (
        ("#", "\t\t# sip-lsp: disable=SC301"),
        (";", "\t\t; sip-lsp: disable=SC301"),
        ("<!--", "\t\t<!-- sip-lsp: disable=SC301 -->"),
    ):
        text = "a {\n\t{\n\t\tds_next_dst();\n\t}\n}\n"
        analysis = Analysis(dialect="kamailio", text=text, comment=leader)
        edit = disable_on_line(analysis, LineIndex(text), _finding(text, "ds_next_dst()"))
        assert _apply(text, edit).split("\n")[2] == expected


def test_line_comment_extends_an_existing_directive():
    text = "x {\n\t# sip-lsp: disable=SC303\n\tds_next_dst();\n}\n"
    analysis = Analysis(dialect="kamailio", text=text)
    edit = disable_on_line(analysis, LineIndex(text), _finding(text, "ds_next_dst()"))
    assert _apply(text, edit).split("\n")[1] == "\t# sip-lsp: disable=SC303,SC301"


def test_line_comment_extends_a_directive_written_the_ways_the_dialects_read():
    """Spaces around `=`, names and an XML comment: the grammar of dialects/common/suppressions.py."""
    for line, expected in (
        ("\t# sip-lsp: disable = failover-on-busy", "\t# sip-lsp: disable = failover-on-busy,SC301"),
        ("\t<!-- sip-lsp: disable=SC303 -->", "\t<!-- sip-lsp: disable=SC303,SC301 -->"),
        ("\t; sip-lsp: disable=SC303, SC304", "\t; sip-lsp: disable=SC303,SC304,SC301"),
    ):
        text = f"x {{\n{line}\n\tds_next_dst();\n}}\n"
        analysis = Analysis(dialect="kamailio", text=text)
        edit = disable_on_line(analysis, LineIndex(text), _finding(text, "ds_next_dst()"))
        assert _apply(text, edit).split("\n")[1] == expected


def test_crlf_files_get_crlf_comments():
    text = "x {\r\n\tds_next_dst();\r\n}\r\n"
    analysis = Analysis(dialect="kamailio", text=text)
    edit = disable_on_line(analysis, LineIndex(text), _finding(text, "ds_next_dst()"))
    assert _apply(text, edit) == "x {\r\n\t# sip-lsp: disable=SC301\r\n\tds_next_dst();\r\n}\r\n"


def test_file_comment_goes_after_markers_and_extends():
    text = "#!KAMAILIO\nroute {}\n"
    analysis = Analysis(dialect="kamailio", text=text)
    once = _apply(text, disable_in_file(analysis, LineIndex(text), "SC301"))
    assert once == "#!KAMAILIO\n# sip-lsp: disable-file=SC301\nroute {}\n"
    twice = _apply(once, disable_in_file(Analysis(dialect="kamailio", text=once), LineIndex(once), "SC303"))
    assert twice == "#!KAMAILIO\n# sip-lsp: disable-file=SC301,SC303\nroute {}\n"
    xml = '<?xml version="1.0"?>\n<include/>\n'
    done = _apply(
        xml,
        disable_in_file(Analysis(dialect="freeswitch", text=xml, comment="<!--"), LineIndex(xml), "SC309"),
    )
    assert done.split("\n")[1] == "<!-- sip-lsp: disable-file=SC309 -->"


def test_safe_fixes_skip_unsafe_and_overlapping_edits():
    text = "0123456789"
    a = Fix("a", (Edit(Span(2, 4), "x"),))
    b = Fix("b", (Edit(Span(3, 5), "y"),))
    c = Fix("c", (Edit(Span(6, 6), "z"),), safe=False)
    d = Fix("d", (Edit(Span(8, 8), "w"),))
    findings = [
        _finding(text, "2", fixes=[a]),
        _finding(text, "3", fixes=[b]),
        _finding(text, "6", fixes=[c]),
        _finding(text, "8", fixes=[d]),
    ]
    assert [e.new_text for e in safe_fix_edits(findings)] == ["x", "w"]
