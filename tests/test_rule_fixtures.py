"""Every rule on its fixture files: the lines marked `expect: SCnnn` are reported, no other is.

tests/fixtures/rules/ holds one file per rule id and dialect: SC301.cfg (Kamailio),
SC301.opensips.cfg (OpenSIPS), SC301.conf (Asterisk), SC301.xml (FreeSWITCH), SC301.py,
SC301.lua and SC301.js (KEMI scripts in Python, Lua and JavaScript). A line
that must be reported carries a comment `expect: SC301` (the finding starts on that
line); every other line must stay clean of that rule. Other rules may fire anywhere:
each file is judged for its own rule only. A rule that needs settings (SC401: a policy)
has them in `SCnnn.toml` beside its fixtures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings, load_config
from sip_lsp.lint import lint
from sip_lsp.text import LineIndex

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
BY_SUFFIX = {
    ".cfg": "kamailio",
    ".conf": "asterisk",
    ".ael": "asterisk",
    ".xml": "freeswitch",
    ".py": "kemi",
    ".lua": "kemi",
    ".js": "kemi",
}
NAMED = ("kamailio", "opensips", "asterisk", "freeswitch")  # SC301.opensips.cfg
FILES = sorted(
    p for p in FIXTURES.iterdir() if re.fullmatch(r"SC\d{3}(\.\w+)?\.(cfg|conf|ael|xml|py|lua|js)", p.name)
)
EXPECT = re.compile(r"expect:\s*(SC\d{3}(?:[\s,]+SC\d{3})*)")


def _dialect(path: Path) -> str:
    inner = Path(path.stem).suffix.lstrip(".")
    return inner if inner in NAMED else BY_SUFFIX[path.suffix]


def _expected(text: str) -> dict[str, set[int]]:
    """Rule id -> the 1-based lines marked for it."""
    marked: dict[str, set[int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = EXPECT.search(line)
        for rule in re.findall(r"SC\d{3}", m.group(1)) if m else ():
            marked.setdefault(rule, set()).add(number)
    return marked


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_rule_reports_exactly_the_marked_lines(path: Path) -> None:
    rule = path.name[:5]
    text = path.read_text(encoding="utf-8")
    config = FIXTURES / f"{rule}.toml"
    settings = load_config(str(config)) if config.exists() else Settings()
    result = lint(text, str(path), settings, default_catalog(), root=str(FIXTURES), dialect=_dialect(path))
    assert result.analysis.dialect == _dialect(path)
    lines = LineIndex(text)
    found = {lines.position(f.span.start)[0] + 1 for f in result.findings if f.rule == rule}
    assert sorted(found) == sorted(_expected(text).get(rule, set()))


def test_every_rule_has_a_fixture_with_a_line_it_must_report() -> None:
    reported = {rule for path in FILES for rule in _expected(path.read_text(encoding="utf-8"))}
    assert set(default_catalog().rules) <= reported


def test_a_mark_names_the_rule_of_its_file() -> None:
    """A mark for another rule would be checked by no test."""
    strays = [
        (path.name, rule) for path in FILES for rule in _expected(path.read_text()) if rule != path.name[:5]
    ]
    assert strays == []
