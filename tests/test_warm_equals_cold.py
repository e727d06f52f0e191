"""No state survives from one document to the next: a warm process lints like a fresh one.

One process lints the upstream corpus, the examples and the test fixtures as open
documents would be: in a random order, each document with its own DocumentCache, a
random edit before most lints, now and then under the other SER flavor, several
rounds. Every text it linted is then linted again in a new interpreter, each with
a fresh cache and in the reverse order, and everything a lint leaves (findings,
notes, suppressions, every fact list) must be equal. Generated dialplans of
the benchmark join them: many blocks alike, as in a large config. The seed is
printed; SIP_LSP_SEED=<n> replays a run.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from enum import Enum
from pathlib import Path

from shared import CORPUS

from sip_lsp import dialects
from sip_lsp.catalog import default_catalog
from sip_lsp.config import Settings
from sip_lsp.lint import DocumentCache, lint
from sip_lsp.model import FACT_LISTS
from sip_lsp.model.value import Value

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from generate import file_name, generate  # noqa: E402

ROUNDS = 3
GENERATED_LINES = 1500
# Lines each dialect's cross-block analysis reacts to (failover, dispatch, suppressions, includes).
SNIPPETS = {
    "ser": [
        '\tt_on_failure("F{k}");\n',
        "\tds_next_dst();\n",
        '\tif (t_check_status("6[0-9][0-9]")) { exit; }\n',
        "failure_route[F{k}] {\n\tt_relay();\n}\n",
        'route[R{k}] {\n\tsl_send_reply("604", "x");\n}\n',
        "# sip-lsp: disable=SC301\n",
        '\troute(R{k});\n\tsl_send_reply("404", "Not Found");\n',
    ],
    "asterisk": [
        "same => n,Dial(PJSIP/gw{k},30)\n",
        "same => n,Goto(ctx{k},s,1)\n",
        '[ctx{k}]\nexten => s,1,GotoIf($["${DIALSTATUS}" = "BUSY"]?busy)\n',
        "exten => _X.,1,Hangup(21)\n",
        "; sip-lsp: disable=SC310\n",
    ],
    "freeswitch": [
        '<action application="respond" data="60{k}"/>\n',
        '<extension name="e{k}" continue="true"><condition field="destination_number" expression="^{k}$">'
        '<action application="bridge" data="sofia/gw/{k}"/></condition></extension>\n',
        '<action application="set" data="continue_on_fail=true"/>\n',
        "<!-- sip-lsp: disable=SC301 -->\n",
    ],
    "kemi": [  # Python, Lua or JavaScript: a line of one is often a syntax error in another
        'KSR.tm.t_on_failure("ksr_failure_f{k}")\n',
        "KSR.dispatcher.ds_next_dst()\n",
        'if KSR.tm.t_check_status("6[0-9][0-9]"):\n',
        "function ksr_failure_f{k}()\n",
        "# sip-lsp: disable=SC315\n",
        "-- sip-lsp: disable=SC301\n",
        "// sip-lsp: disable-file=SC315\n",
        "def ksr_helper_{k}():\n    KSR.tm.t_relay()\n",  # a new piece in Python
        "function ksr_failure_f{k}() KSR.dispatcher.ds_next_dst() end\n",  # and in Lua
        "function ksr_failure_f{k}() { KSR.dispatcher.ds_next_dst(); }\n",  # and in JavaScript
    ],
}
OTHER_FLAVOR = {"kamailio": "opensips", "opensips": "kamailio"}


def plain(value: object) -> object:
    """A fact, finding or list of them as JSON-able data.

    A set of numbers keeps its iteration order (what its repr shows; it depends on
    how the set was built, never on the hash seed); other sets are sorted.
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (set, frozenset)):
        if all(type(v) is int for v in value):
            return list(value)
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, dict):
        return sorted(([plain(k), plain(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
    elif isinstance(value, Value):  # the model's classes: their fields are their slots
        names = list(value.__slots__)
    else:
        names = list(getattr(value, "_fields", ()))
    return [type(value).__name__, {name: plain(getattr(value, name)) for name in names}]


def snapshot(text: str, path: str, dialect: str, cache: DocumentCache | None) -> str:
    """Everything one lint leaves for the CLI and the server, as text."""
    result = lint(text, path, Settings(), default_catalog(), dialect=dialect, cache=cache)
    analysis = result.analysis
    out = {
        "findings": plain(result.findings),
        "notes": plain(result.notes),
        "suppressions": plain(analysis.suppressions),
        "included": plain(analysis.included),
    }
    for name in FACT_LISTS:
        out[name] = plain(getattr(analysis, name))
    return json.dumps(out, sort_keys=True)


def _documents() -> list[tuple[str, str, str]]:
    """(path, dialect, text) of every corpus file, example and fixture a dialect recognises."""
    folders = [ROOT / "examples", ROOT / "tests" / "fixtures"]
    if CORPUS.is_dir():
        folders.append(CORPUS)
    out = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            dialect = dialects.detect(text, str(path))
            if dialect != "unknown":
                out.append((str(path), dialect, text))
    for dialect in ("kamailio", "opensips", "asterisk", "freeswitch"):  # many blocks alike, as in the bench
        out.append(
            (f"/generated/{file_name(dialect)}", dialect, generate(dialect, GENERATED_LINES, salt="wc"))
        )
    for script in ("kemi-python", "kemi-lua", "kemi-javascript"):  # KEMI pieces moved, kept, glued
        out.append(
            (f"/generated/{file_name(script)}", "kemi", generate(script, GENERATED_LINES // 3, salt="wc"))
        )
    return out


def _edited(text: str, dialect: str, rng: random.Random, k: int) -> str:
    """One random edit: a snippet or a character inserted, lines deleted, or lines copied elsewhere."""
    lines = text.splitlines(keepends=True) or [""]
    at = rng.randrange(len(lines) + 1)
    action = rng.random()
    if action < 0.4:
        family = "ser" if dialect in OTHER_FLAVOR else dialect
        lines.insert(at, rng.choice(SNIPPETS[family]).replace("{k}", str(k)))
    elif action < 0.6:
        offset = rng.randrange(len(text) + 1)
        return text[:offset] + rng.choice(" x{}\n;#<>\"'") + text[offset:]
    elif action < 0.8:
        del lines[min(at, len(lines) - 1) : at + rng.randrange(1, 6)]
    else:
        start = rng.randrange(len(lines))
        lines[at:at] = lines[start : start + rng.randrange(1, 30)]
    return "".join(lines)


def _cold(linted: list[tuple[str, str, str]], tmp_path: Path) -> list[str]:
    """Snapshots of the same lints in a new interpreter, each with a fresh cache, in reverse order."""
    job = tmp_path / "job.json"
    job.write_text(json.dumps(linted[::-1]), encoding="utf-8")
    code = (
        f"import json, sys; sys.path[:0] = [{str(ROOT / 'tests')!r}]\n"
        "from test_warm_equals_cold import snapshot\n"
        f"job = json.load(open({str(job)!r}, encoding='utf-8'))\n"
        "json.dump([snapshot(text, path, dialect, None) for path, dialect, text in job], sys.stdout)\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)[::-1]


def test_a_warm_process_lints_every_document_as_a_fresh_one_does(tmp_path):
    seed = int(os.environ.get("SIP_LSP_SEED") or random.SystemRandom().randrange(2**32))
    print(f"SIP_LSP_SEED={seed}")
    rng = random.Random(seed)
    documents = [[path, dialect, text, DocumentCache()] for path, dialect, text in _documents()]
    assert {d[1] for d in documents} >= {"kamailio", "opensips", "asterisk", "freeswitch"}
    linted: list[tuple[str, str, str]] = []
    warm: list[str] = []
    k = 0
    for _ in range(ROUNDS):
        rng.shuffle(documents)
        for doc in documents:
            path, dialect, text, cache = doc
            for _ in range(rng.randrange(3)):
                k += 1
                text = doc[2] = _edited(text, dialect, rng, k)
            if dialect in OTHER_FLAVOR and rng.random() < 0.1:
                dialect = OTHER_FLAVOR[dialect]  # the user switched the language of the document
            if rng.random() < 0.05:
                cache = doc[3] = DocumentCache()  # closed and opened again
            linted.append((path, dialect, text))
            warm.append(snapshot(text, path, dialect, cache))
    cold = _cold(linted, tmp_path)
    differ = [i for i, (w, c) in enumerate(zip(warm, cold)) if w != c]
    detail = ""
    if differ:
        i = differ[0]
        w, c = json.loads(warm[i]), json.loads(cold[i])
        keys = [key for key in w if w[key] != c[key]]
        detail = f"; first: {linted[i][0]} as {linted[i][1]}, differing in {keys}"
    assert not differ, f"SIP_LSP_SEED={seed}: {len(differ)} of {len(warm)} lints differ from cold{detail}"
