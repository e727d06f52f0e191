"""SC313 through jumps: a Hangup() reached unanswered via Goto/GotoIf/Gosub in other contexts."""

from __future__ import annotations

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import DocumentCache, lint

PATH = "/t/extensions.conf"


def _dialplan(first: str) -> str:
    """An entry context that jumps into [closing-time] (past its Playback) across 40 filler contexts."""
    filler = "".join(f"[filler-{n}]\nexten => {n},1,Answer()\n same => n,Hangup()\n\n" for n in range(40))
    return (
        "[from-carrier]\n"
        "exten => _X.,1,GotoIf($[${DB_EXISTS(open/now)}]?open)\n"
        " same => n,Goto(closing-time,s,end)\n"
        " same => n(open),Dial(PJSIP/${EXTEN}@office)\n\n"
        + filler
        + "[closing-time]\nexten => s,1,Playback(closed)\n same => n,Hangup()\n"
        + f" same => n(end),{first}\n same => n,Hangup()\n"
    )


def _sc313_lines(text: str, cache: DocumentCache | None = None) -> list[int]:
    found = lint(text, PATH, Settings(), default_catalog(), dialect="asterisk", cache=cache).findings
    return sorted(text.count("\n", 0, f.span.start) + 1 for f in found if f.rule == "SC313")


def test_a_hangup_reached_through_a_goto_in_another_context_is_reported() -> None:
    text = _dialplan("NoOp(closed)")
    (line,) = _sc313_lines(text)
    assert text.splitlines()[line - 2] == " same => n(end),NoOp(closed)"


def test_answered_on_the_way_it_is_not() -> None:
    assert _sc313_lines(_dialplan("Answer()")) == []


def test_an_edit_of_the_target_context_alone_is_seen_by_a_warm_lint() -> None:
    cache = DocumentCache()
    before = _dialplan("NoOp(closed)")
    assert len(_sc313_lines(before, cache)) == 1
    after = _dialplan("Playback(closed)")
    assert _sc313_lines(after, cache) == _sc313_lines(after) == []
    assert len(_sc313_lines(before, cache)) == 1
