"""`sip-lsp: disable=` comments mean the same in every dialect (dialects/common/suppressions.py).

Each dialect's document holds two findings of SC101 unknown-code (a 499 sent
twice), a line apart: a line directive covers its own line and the next, so it
hides the first and never the second; a file directive hides both wherever it
stands. Ids, names and id prefixes, in any case, with spaces around `=` and
around commas, in each comment style the dialect reads. KEMI scripts (`kemi.py`,
`kemi.lua`, `kemi.js`: the kemi dialect in each language) read the comments their
language's own parser finds.
"""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.dialects.common.suppressions import directives
from sip_lsp.lint import lint

# dialect[.language] -> (file name, document with {above}, {trailing} and {anywhere} slots, comment styles)
DOCUMENTS = {
    "kamailio": (
        "kamailio.cfg",
        "request_route {{\n{above}\n"
        '\tsl_send_reply("499", "First");{trailing}\n'
        '\txlog("L_INFO", "between");\n'
        '\tsl_send_reply("499", "Second");\n'
        "}}\n{anywhere}\n",
        ("# {}", "// {}", "/* {} */"),
    ),
    "opensips": (
        "opensips.cfg",
        "route {{\n{above}\n"
        '\tsl_send_reply(499, "First");{trailing}\n'
        '\txlog("between");\n'
        '\tsl_send_reply(499, "Second");\n'
        "}}\n{anywhere}\n",
        ("# {}", "// {}"),
    ),
    "asterisk": (
        "extensions.conf",
        "[incoming]\n{above}\n"
        "exten => s,1,PJSIPHangup(499){trailing}\n"
        "same => n,NoOp(between)\n"
        "same => n,PJSIPHangup(499)\n"
        "{anywhere}\n",
        ("; {}", ";{}"),
    ),
    "freeswitch": (
        "dialplan.xml",
        '<include>\n<context name="default">\n<extension name="reject">\n<condition>\n{above}\n'
        '<action application="respond" data="499 First"/>{trailing}\n'
        '<action application="log" data="between"/>\n'
        '<action application="respond" data="499 Second"/>\n'
        "</condition>\n</extension>\n</context>\n{anywhere}\n</include>\n",
        ("<!-- {} -->", "<!--{}-->"),
    ),
    "kemi.py": (
        "kamailio.py",
        "def ksr_request_route():\n{above}\n"
        '    KSR.sl.sl_send_reply(499, "First"){trailing}\n'
        '    KSR.info("between")\n'
        '    KSR.sl.sl_send_reply(499, "Second")\n'
        "{anywhere}\n",
        ("# {}", "#{}"),
    ),
    "kemi.lua": (
        "kamailio.lua",
        "function ksr_request_route()\n{above}\n"
        '\tKSR.sl.sl_send_reply(499, "First"){trailing}\n'
        '\tKSR.info("between")\n'
        '\tKSR.sl.sl_send_reply(499, "Second")\n'
        "end\n{anywhere}\n",
        ("-- {}", "--{}", "--[[ {} ]]", "--[==[ {} ]==]"),
    ),
    "kemi.js": (
        "kamailio.js",
        "function ksr_request_route() {{\n{above}\n"
        '\tKSR.sl.sl_send_reply(499, "First");{trailing}\n'
        '\tKSR.info("between");\n'
        '\tKSR.sl.sl_send_reply(499, "Second");\n'
        "}}\n{anywhere}\n",
        ("// {}", "/* {} */", "/*{}*/"),
    ),
}
# Stand-ins for a directive that is not in a comment (a string, an argument, an attribute).
NOT_COMMENTS = {
    "kamailio": '\txlog("L_INFO", "{}");',
    "opensips": '\txlog("{}");',
    "asterisk": "same => n,NoOp({})",
    "freeswitch": '<action application="log" data="{}"/>',
    "kemi.py": '    KSR.info("{}")',
    "kemi.lua": '\tKSR.info("{}")',
    "kemi.js": '\tKSR.info("{}");',
}
FIRST, SECOND = 0, 1

CASES = [
    ("disable=SC101", "above", {SECOND}),
    ("disable=unknown-code", "above", {SECOND}),
    ("disable=SC1", "above", {SECOND}),
    ("disable=sc101", "above", {SECOND}),
    ("disable = SC101", "above", {SECOND}),
    ("disable =SC999, SC101", "above", {SECOND}),
    ("disable=SC999 , unknown-code", "above", {SECOND}),
    ("disable=SC102", "above", {FIRST, SECOND}),
    ("disable=SC101", "trailing", {SECOND}),
    ("disable-file=SC101", "anywhere", set()),
    ("disable-file = unknown-code", "anywhere", set()),
    ("disable-file=SC3, SC1", "anywhere", set()),
    ("disable=SC101", "anywhere", {FIRST, SECOND}),
]


def _shown(dialect: str, text: str) -> set[int]:
    """Which of the two 499s still have their SC101 finding."""
    name = DOCUMENTS[dialect][0]
    forced = dialect.split(".")[0]  # kemi.lua: the kemi dialect, in Lua
    findings = lint(text, f"/work/{name}", Settings(), default_catalog(), dialect=forced).findings
    lines = sorted(text[: f.span.start].count("\n") for f in findings if f.rule == "SC101")
    first = next(n for n, line in enumerate(text.split("\n")) if "499" in line)
    return {FIRST if line == first else SECOND for line in lines}


def _document(dialect: str, where: str, comment: str) -> str:
    slots = {"above": "", "trailing": "", "anywhere": ""}
    slots[where] = (" " if where == "trailing" else "") + comment
    return DOCUMENTS[dialect][1].format(**slots)


@pytest.mark.parametrize("dialect", DOCUMENTS)
def test_the_document_without_directives_has_both_findings(dialect):
    assert _shown(dialect, _document(dialect, "above", "")) == {FIRST, SECOND}


@pytest.mark.parametrize("dialect", DOCUMENTS)
@pytest.mark.parametrize(("directive", "where", "shown"), CASES)
def test_a_directive_hides_what_it_names_in_its_scope(dialect, directive, where, shown):
    for style in DOCUMENTS[dialect][2]:
        comment = style.format(f"sip-lsp: {directive}")
        assert _shown(dialect, _document(dialect, where, comment)) == shown, comment


@pytest.mark.parametrize("dialect", DOCUMENTS)
def test_a_directive_outside_a_comment_hides_nothing(dialect):
    for directive in ("disable=SC101", "disable-file=SC101"):
        text = _document(dialect, "above", NOT_COMMENTS[dialect].format(f"sip-lsp: {directive}"))
        assert _shown(dialect, text) == {FIRST, SECOND}, directive


def test_ael_reads_its_own_comments():
    text = (
        "context incoming {{\n\ts => {{\n{}\n"
        "\t\tPJSIPHangup(499);\n\t\tNoOp(x);\n\t\tPJSIPHangup(499);\n\t}};\n}};\n"
    )
    path = "/work/extensions.ael"

    def shown(comment: str) -> int:
        found = lint(text.format(comment), path, Settings(), default_catalog(), dialect="asterisk").findings
        return sum(f.rule == "SC101" for f in found)

    assert shown("") == 2
    assert shown("\t\t// sip-lsp: disable = unknown-code") == 1
    assert shown("\t\t; sip-lsp: disable-file=SC1") == 0


def test_the_grammar_reads_lists_and_stops_where_they_end():
    text = "sip-lsp: disable=SC301-->  sip-lsp:disable-file = sc3 ,Retry-After-Cancel, x"
    assert directives(text) == [
        (0, False, frozenset({"SC301"})),
        (27, True, frozenset({"SC3", "RETRY-AFTER-CANCEL", "X"})),
    ]
    assert directives("sip-lsp: disable=") == [] and directives("sip-lsp disable=SC301") == []


def test_ael_comments_hide_failover_findings():
    text = (
        "context out {{\n\t_X. => {{\n\t\tDial(PJSIP/${{EXTEN}}@carrier-a,60);\n{}\n"
        "\t\tDial(PJSIP/${{EXTEN}}@carrier-b,60);\n\t}};\n}};\n"
    )

    def shown(comment: str) -> set[str]:
        found = lint(text.format(comment), "/work/extensions.ael", Settings(), default_catalog()).findings
        return {f.rule for f in found}

    assert shown("") == {"SC301", "SC303"}
    assert shown("\t\t// sip-lsp: disable=SC301") == {"SC303"}
    assert shown("\t\t// sip-lsp: disable=SC301,SC303") == set()
