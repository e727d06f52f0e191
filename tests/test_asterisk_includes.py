"""One Asterisk dialplan across `#include`d files (issue 13, Build 5).

Asterisk reads `#include` in place: the included lines continue the context left
open and the contexts of every file form one dialplan. The including file's
analysis reads its includes inline (asterisk/parse.py); an included file analysed
alone is read inside its includer's model (asterisk/includer.py). Fixture:
tests/fixtures/server/asterisk-split (inside the server tests' workspace root).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fixtures.server.client import diagnostics, open_document

from sip_lsp.dialects import DialectContext, analyze
from sip_lsp.model import Outcome

SPLIT = Path(__file__).parent / "fixtures" / "server" / "asterisk-split"
ROOT = Path(__file__).resolve().parents[1]


def _analyze(name: str, root: Path = SPLIT, read=None):
    path = SPLIT / name
    ctx = DialectContext(path=str(path), root=str(root), read=read)
    return analyze(path.read_text(), "asterisk", ctx)


def _line(span, path: Path) -> int:
    return path.read_text().count("\n", 0, span.start) + 1


def _cli(*args: str):
    proc = subprocess.run(
        [sys.executable, "-m", "sip_lsp", *args, "--format", "json", str(SPLIT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return json.loads(proc.stdout)


def test_check_dir_judges_the_files_as_one_dialplan_each_finding_once() -> None:
    found = [(os.path.basename(f["path"]), f["line"], f["rule"]) for f in _cli("check", "--exit-zero")]
    assert sorted(found) == [
        ("failover.conf", 5, "SC301"),  # CHANUNAVAIL (6xx) of extensions.conf's Dial() reaches it
        ("split-tail.conf", 2, "SC301"),  # the second Dial() of [split], in another file
        ("split-tail.conf", 2, "SC303"),
    ]  # and no SC310: trunks.conf's dispatch has its handlers in extensions.conf


def test_table_dir_follows_the_includes_once_per_dial() -> None:
    tables = _cli("table")["tables"]
    where = [(os.path.basename(t["path"]), t["line"]) for t in tables]
    assert len(where) == len(set(where)) == 5
    (trunk,) = [t for t in tables if t["path"].endswith("trunks.conf")]
    rows = {code: (r["outcome"], r["reply"], r["line"]) for r in trunk["rows"] for code in r["codes"]}
    assert rows[486] == ("end", 486, 19)  # dial-BUSY in extensions.conf: Busy()
    assert rows[503] == ("end", 503, 20)  # dial-CONGESTION: Congestion()
    assert rows[604] == ("end", 503, 21)  # the catch-all: Hangup(34)


def test_an_included_file_alone_is_read_inside_its_includer() -> None:
    main = os.path.realpath(SPLIT / "extensions.conf")
    trunks = _analyze("dialplan/trunks.conf")
    assert main in trunks.included
    assert [d.missing for d in trunks.dispatch_sites] == [()]  # the handlers are in extensions.conf
    (table,) = trunks.outcome_tables  # its own Dial()s only, not the includer's
    row = table.row_for(486)
    assert row.outcome is Outcome.END and row.reply == 486
    assert row.span is not None and row.span.path == main and _line(row.span, Path(main)) == 19
    failover = _analyze("dialplan/failover.conf")
    (site,) = [s for s in failover.failover_sites if s.span.path is None]
    assert _line(site.span, SPLIT / "dialplan" / "failover.conf") == 5
    assert 604 in site.codes and 486 not in site.codes and site.destination is Outcome.RETRY_SAME
    tail = _analyze("dialplan/split-tail.conf")
    (site,) = tail.failover_sites
    assert site.span.path is None and site.destination is Outcome.RETRY_SAME


def test_without_the_workspace_root_it_stays_alone() -> None:
    trunks = _analyze("dialplan/trunks.conf", root=SPLIT / "dialplan")
    assert [len(d.missing) for d in trunks.dispatch_sites] == [4]
    assert not trunks.included


def test_the_includer_is_read_through_the_servers_reader() -> None:
    main = os.path.realpath(SPLIT / "extensions.conf")

    def read(path: str) -> str | None:  # the editor's unsaved includer has no catch-all handler
        text = Path(path).read_text()
        return text.replace("exten => _dial-.,1,Hangup(34)\n", "") if path == main else text

    trunks = _analyze("dialplan/trunks.conf", read=read)
    assert [d.missing for d in trunks.dispatch_sites] == [("NOANSWER", "CHANUNAVAIL")]


def test_the_includers_own_lines_keep_their_path_and_their_findings() -> None:
    failover = _analyze("dialplan/failover.conf")
    assert all(b.span.path is None for b in failover.blocks)
    assert [b.name for b in failover.blocks] == ["failover"]
    assert not [s for s in failover.failover_sites if s.span.path is not None]


async def test_the_server_judges_an_included_file_in_its_workspace(client) -> None:
    doc_uri, _ = open_document(client, "asterisk-split/dialplan/trunks.conf", language_id="asterisk")
    assert [d.code for d in await diagnostics(client, doc_uri, 1)] == []  # no SC310
    doc_uri, _ = open_document(client, "asterisk-split/dialplan/failover.conf", language_id="asterisk")
    found = await diagnostics(client, doc_uri, 1)
    assert [(d.code, d.range.start.line) for d in found] == [("SC301", 4)]
