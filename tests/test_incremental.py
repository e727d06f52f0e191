"""Per-block caches: after a run of edits, a warm lint equals a cold one in a fresh process.

Every dialect caches its blocks' parses, facts and the rules' findings between
lints of one document, in the document's DocumentCache (docs/architecture.md).
This drives edits that move, change, duplicate and delete blocks through
`lint()` with one cache in this process, then lints the final text
in a new interpreter with empty caches, and compares findings, notes and every
fact the features read (hover, inlay hints, navigation).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import DocumentCache, lint

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import file_name, generate  # noqa: E402

FACTS = (
    "blocks",
    "code_sites",
    "status_tests",
    "failover_sites",
    "knobs",
    "cause_sites",
    "dispatch_sites",
    "references",
)
# Lines that matter to each dialect's cross-block analysis (failover, dispatch, 6xx guards).
SNIPPETS = {
    "kamailio": [
        '\tt_on_failure("F{k}");\n',
        "\tds_next_dst();\n",
        '\tif (t_check_status("6[0-9][0-9]")) { exit; }\n',
        "failure_route[F{k}] {\n\tt_relay();\n}\n",
        'route[R{k}] {\n\tsl_send_reply("604", "x");\n}\n',
    ],
    "asterisk": [
        "same => n,Dial(PJSIP/gw{k},30)\n",
        "same => n,Goto(ctx{k},s,1)\n",
        '[ctx{k}]\nexten => s,1,GotoIf($["${DIALSTATUS}" = "BUSY"]?busy)\n',
        "exten => _X.,1,Hangup(21)\n",
    ],
    "freeswitch": [
        '<action application="respond" data="60{k}"/>\n',
        '<extension name="e{k}" continue="true"><condition field="destination_number" expression="^{k}$">'
        '<action application="bridge" data="sofia/gw/{k}"/></condition></extension>\n',
        '<action application="set" data="continue_on_fail=true"/>\n',
    ],
}
SNIPPETS["opensips"] = SNIPPETS["kamailio"]


def snapshot(text: str, path: str, dialect: str, cache: DocumentCache | None = None) -> str:
    """What a lint leaves for the CLI and the server, as comparable text."""
    result = lint(text, path, Settings(), default_catalog(), dialect=dialect, cache=cache)
    analysis = result.analysis
    out = {
        "findings": [repr(f) for f in result.findings],
        "notes": [repr(n) for n in result.notes],
        "suppressions": repr(analysis.suppressions),
    }
    for name in FACTS:
        out[name] = sorted(repr(x) for x in getattr(analysis, name))
    return json.dumps(out, indent=0, sort_keys=True)


def _edited(text: str, rng: random.Random, dialect: str, k: int) -> str:
    """One edit at a line boundary: insert a snippet, delete a line, or copy a run of lines elsewhere."""
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines) + 1)
    action = rng.random()
    if action < 0.5:
        lines.insert(at, rng.choice(SNIPPETS[dialect]).replace("{k}", str(k)))
    elif action < 0.75 and lines:
        del lines[min(at, len(lines) - 1)]
    else:
        start = rng.randrange(len(lines))
        lines[at:at] = lines[start : start + rng.randrange(1, 40)]
    return "".join(lines)


@pytest.mark.parametrize("dialect", ["kamailio", "opensips", "asterisk", "freeswitch"])
def test_a_warm_lint_after_edits_equals_a_cold_one(dialect, tmp_path):
    rng = random.Random(dialect)
    path = str(tmp_path / file_name(dialect))
    text = generate(dialect, 3000, salt="inc")
    cache = DocumentCache()  # the document's, as the server keeps it
    for k in range(40):
        lint(text, path, Settings(), default_catalog(), dialect=dialect, cache=cache)
        text = _edited(text, rng, dialect, k)
    warm = snapshot(text, path, dialect, cache)
    Path(path).write_text(text, encoding="utf-8")
    code = (
        f"import sys; sys.path[:0] = [{str(ROOT / 'tests')!r}]\n"
        "from test_incremental import snapshot\n"
        f"sys.stdout.write(snapshot(open({path!r}, encoding='utf-8').read(), {path!r}, {dialect!r}))\n"
    )
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert json.loads(cold.stdout)["findings"], "the edited text should still have findings to compare"
    assert warm == cold.stdout


_LOST = """\
failure_route[A] {
    t_on_failure("B");
    t_on_failure("C");
    t_relay();
}
failure_route[B] {
    t_relay();
}
failure_route[C] {
    t_on_failure("A");
    route(R);
}
route[R] {
    t_on_failure("B");
    t_relay();
}
"""


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: "# a line above moves every block\n" + t,  # kept walks move with their blocks
        lambda t: t.replace('t_on_failure("C");', ""),  # the lost site goes
        lambda t: t.replace(
            "    t_relay();\n}\nfailure_route[B]", '    t_on_failure("A");\n}\nfailure_route[B]'
        ),
        lambda t: t.replace("route[R] {\n", "route[R] {\n    t_relay();\n"),  # a called route changes
    ],
)
def test_sc312_after_an_edit_equals_a_cold_lint(edit):
    """SC312's walks are kept per block: after an edit a warm lint finds what a cold one finds."""
    catalog, settings = default_catalog(), Settings()
    cache = DocumentCache()
    lint(_LOST, "/x/kamailio.cfg", settings, catalog, cache=cache, dialect="kamailio")
    edited = edit(_LOST)
    warm = lint(edited, "/x/kamailio.cfg", settings, catalog, cache=cache, dialect="kamailio")
    cold = lint(edited, "/x/kamailio.cfg", settings, catalog, dialect="kamailio")

    def lost(result):
        return sorted(
            (f.rule, f.span.start, f.span.end, f.message) for f in result.findings if f.rule == "SC312"
        )

    assert lost(warm) == lost(cold)
    assert lost(cold), "every variant keeps at least one lost handler (C armed over B, or A over B in R)"
