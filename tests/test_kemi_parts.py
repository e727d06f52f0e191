"""A large KEMI Python script is parsed a part at a time (python.py): the tree is the whole parse's."""

from __future__ import annotations

import pytest

from sip_lsp.dialects.kemi import ir, python

HANDLER = """\
def ksr_failure_f{n}():
    if KSR.tm.t_check_status("^(6[0-9][0-9]|401|407)$") > 0:
        return 1
    rc = KSR.pv.get("$T_reply_code")
    if rc == 486 or KSR.tm.t_branch_timeout() > 0:
        KSR.tm.t_reply(486, "Busy Here")
        return 1
    if KSR.dispatcher.ds_next_dst() > 0:
        KSR.tm.t_on_failure("ksr_failure_f{n}")
        KSR.tm.t_relay()


"""
BODY = "".join(HANDLER.format(n=n) for n in range(40))
MIDDLE = BODY.index("def ksr_failure_f20")
# What may stand before a cut: each must give the tree a parse of the whole text gives.
TEXTS = {
    "plain": "import KSR\n\n" + BODY,
    "def in a string": BODY[:MIDDLE] + 'DOC = """\n' + BODY[MIDDLE : MIDDLE + 600] + '"""\n' + BODY[MIDDLE:],
    "decorator": BODY[:MIDDLE] + "@staticmethod\n" + BODY[MIDDLE:],
    "open bracket": BODY[:MIDDLE] + "X = (1,\n" + BODY[MIDDLE:],
    "continuation": BODY[:MIDDLE] + "X = 1 + \\\n" + BODY[MIDDLE:],
    "class": BODY[:MIDDLE]
    + "class kamailio:\n    def ksr_request_route(self, msg):\n        return 1\n"
    + BODY[MIDDLE:],
    "non-ASCII": BODY[:MIDDLE] + 'NAME = "Ünïcödé ✓"\n' + BODY[MIDDLE:].replace("Busy Here", "Besetzt ü"),
    "CRLF": BODY.replace("\n", "\r\n"),
    "CR": BODY.replace("\n", "\r"),
    "future import": "from __future__ import annotations\n" + BODY,
    "suppression": BODY[:MIDDLE] + "# sip-lsp: disable=SC301\n" + BODY[MIDDLE:],
}


def _dump(value: object) -> object:
    """A tree as nested tuples of every node's fields (offsets included)."""
    if isinstance(value, (list, tuple)):
        return tuple(_dump(v) for v in value)
    if isinstance(value, ir.Node):
        fields = [name for cls in type(value).__mro__ for name in getattr(cls, "__slots__", ())]
        return (type(value).__name__, *((name, _dump(getattr(value, name, None))) for name in fields))
    if isinstance(value, ir.Import):
        return ("Import", value.name, value.start, value.end, value.names)
    return value


def _tree(module: ir.Module) -> object:
    return (
        _dump(module.funcs),
        _dump(module.toplevel),
        _dump(module.imports),
        module.comments,
        module.broken,
    )


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_parts_give_the_whole_parse(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEXTS[name]
    monkeypatch.setattr(python, "_PART", len(text))  # one part: the whole text at once
    whole = python.parse_module(text)
    monkeypatch.setattr(python, "_PART", 500)  # many parts
    parted = python.parse_module(text)
    assert _tree(parted) == _tree(whole)
    assert len(whole.funcs) >= 40 or whole.broken
