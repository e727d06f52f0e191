"""The code hover's action follows where the code stands, in every dialect (plain data, no client)."""

from __future__ import annotations

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.features import SiteIndex, hover_at
from sip_lsp.lint import lint

KAMAILIO = """#!KAMAILIO
loadmodule "tm.so"
loadmodule "sl.so"
modparam("tm", "failure_reply_mode", 3)
request_route {
    sl_send_reply("486", "Busy Here");
    t_on_failure("MISSED");
    t_relay();
}
failure_route[MISSED] {
    if (t_check_status("486|408")) { exit; }
    xlog("L_INFO", "status 480 seen\\n");
}
"""
ASTERISK = "[in]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@gw,30)\n same => n,PJSIPHangup(486)\n"
FREESWITCH = """<include><context name="public"><extension name="x">
<condition field="destination_number" expression="^(\\d+)$">
<action application="respond" data="486 Busy Here"/>
</condition></extension></context></include>
"""
RECEIVE = "On receipt"
FAILURE = "In a failure route"


def _hover(text: str, path: str, needle: str, nth: int = 0, link=None) -> str:
    catalog = default_catalog()
    result = lint(text, path, Settings(), catalog)
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    found = hover_at(result.analysis, SiteIndex(result.analysis), offset + 1, catalog, link=link)
    assert found is not None, needle
    return found.markdown


@pytest.mark.parametrize(
    ("text", "path", "needle", "nth", "shown", "hidden"),
    [
        (KAMAILIO, "/x/k.cfg", "486", 0, RECEIVE, FAILURE),  # sl_send_reply: a reply
        (KAMAILIO, "/x/k.cfg", "486", 1, FAILURE, RECEIVE),  # t_check_status: a status test
        (KAMAILIO, "/x/k.cfg", "480", 0, FAILURE, RECEIVE),  # a bare number in a failure_route
        (ASTERISK, "/x/extensions.conf", "486", 0, RECEIVE, FAILURE),  # PJSIPHangup
        (FREESWITCH, "/x/dialplan.xml", "486", 0, RECEIVE, FAILURE),  # respond
    ],
)
def test_the_action_shown_follows_the_site(text, path, needle, nth, shown, hidden):
    markdown = _hover(text, path, needle, nth)
    assert shown in markdown and hidden not in markdown


def test_the_link_is_asked_for_the_codes_page():
    asked = []

    def link(kind, key):
        asked.append((kind, key))
        return f"https://docs.example.org/en/codes/{key}.html"

    markdown = _hover(KAMAILIO, "/x/k.cfg", "486", link=link)
    assert asked == [("code", 486)]
    assert markdown.rstrip().endswith("(https://docs.example.org/en/codes/486.html)")
    assert "](" not in _hover(KAMAILIO, "/x/k.cfg", "486")  # no link without one to give
