"""What `sip-lsp check` finds on the upstream samples and the shipped examples, pinned.

A change to the core (layout, caches, model) must not move a finding. A change that is
meant to (a bug fix, a new rule) updates the snapshot with

    SIP_LSP_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshot_findings.py

and its commit says which findings moved and why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from shared import CORPUS

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "findings.json"
FIELDS = ("line", "column", "end_line", "end_column", "rule", "severity", "message")


def _findings(target: Path, label: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", "check", "--format", "json", "--exit-zero", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    rows = []
    for finding in json.loads(proc.stdout):
        rel = os.path.relpath(finding["path"], target)
        rows.append({"file": f"{label}/{rel}", **{k: finding[k] for k in FIELDS}})
    return sorted(rows, key=lambda r: (r["file"], r["line"], r["column"], r["rule"], r["message"]))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_findings_on_the_samples_and_examples_match_the_snapshot():
    found = _findings(CORPUS, "corpus") + _findings(ROOT / "examples", "examples")
    if os.environ.get("SIP_LSP_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert found == expected
