"""One line index per document text: the caller's (the server's), shared by the dialect and the rules."""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import lint
from sip_lsp.text import LineIndex

# dialect -> (path, a document whose first SC101 is hidden by a line directive and second is not)
DOCUMENTS = {
    "kamailio": (
        "/work/kamailio.cfg",
        'request_route {\n\t# sip-lsp: disable=SC101\n\tsl_send_reply("499", "a");\n\n'
        '\tsl_send_reply("499", "b");\n}\n',
    ),
    "asterisk": (
        "/work/extensions.conf",
        "[in]\n; sip-lsp: disable=SC101\nexten => s,1,PJSIPHangup(499)\nsame => n,NoOp()\n"
        "same => n,PJSIPHangup(499)\n",
    ),
    "freeswitch": (
        "/work/dialplan.xml",
        '<include><context name="c"><extension name="e"><condition>\n<!-- sip-lsp: disable=SC101 -->\n'
        '<action application="respond" data="499"/>\n\n<action application="respond" data="499"/>\n'
        "</condition></extension></context></include>\n",
    ),
}


@pytest.fixture
def built(monkeypatch):
    """The texts LineIndex was built for."""
    texts: list[str] = []
    real = LineIndex.__init__

    def counting(self, text):
        texts.append(text)
        real(self, text)

    monkeypatch.setattr(LineIndex, "__init__", counting)
    return texts


def _sc101(path, text, dialect, **kwargs):
    found = lint(text, path, Settings(), default_catalog(), dialect=dialect, **kwargs).findings
    return [text[: f.span.start].count("\n") for f in found if f.rule == "SC101"]


@pytest.mark.parametrize("dialect", DOCUMENTS)
def test_the_callers_line_index_is_the_only_one(dialect, built):
    path, text = DOCUMENTS[dialect]
    lines = LineIndex(text)
    built.clear()
    shown = _sc101(path, text, dialect, lines=lines)
    assert len(shown) == 1 and built == []


@pytest.mark.parametrize("dialect", DOCUMENTS)
def test_without_one_the_text_is_indexed_once_for_dialect_and_rules(dialect, built):
    path, text = DOCUMENTS[dialect]
    assert len(_sc101(path, text, dialect)) == 1
    assert built == [text]


def test_a_document_without_line_directives_is_not_indexed(built):
    path, text = DOCUMENTS["kamailio"]
    _sc101(path, text.replace("# sip-lsp: disable=SC101", "# a comment"), "kamailio")
    assert built == []
