"""The language server through a real stdio client (bench/lsp.py's), as suite rows.

Initialize from a cold start (floor: a bare pygls server); one-character edit
-> publishDiagnostics on 10k and 100k generated Kamailio lines (floor: the
server's debounce plus a no-op round trip); hover p50/p99 on the 100k-line
document against an empty-result hover on the same connection; the server's
RSS (VmRSS) with only the 100k-line document open (floor: RSS after
initialize); then edits on the largest generated OpenSIPS, Asterisk and
FreeSWITCH documents, each open alone.

    .venv/bin/python bench/editor.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import lsp
from common import pct, print_table, progress, row
from generate import file_name, generate

EDIT_GOALS_MS = {10_000: 30, 100_000: 150}
EDITS = {10_000: 10, 100_000: 5}
# The other dialects at their largest generated size, one at a time (after the RSS row).
OTHERS = (("opensips", 100_000, "opensips"), ("asterisk", 100_000, "asterisk"), ("freeswitch", 20_000, "xml"))


def _debounce_ms() -> float:
    from sip_lsp.server.sync import DEBOUNCE

    return DEBOUNCE * 1e3


def measure(hovers: int = 300) -> list[dict]:
    progress("initialize, cold, 5 runs each of sip-lsp and a bare pygls server")
    init, bare = lsp.bench_initialize(), lsp.bench_initialize(command=lsp.BARE)
    rows = [
        row(
            "LSP initialize answered, cold start (median of 5)",
            init * 1e3,
            "ms",
            "< 600 ms",
            f"bare pygls {bare * 1e3:.0f} ms",
            init < 0.6,
        )
    ]
    client = lsp.Client()
    try:
        client.initialize()
        idle_rss = client.rss_mb()
        empty = _empty_round_trips(client, 50)
        floor = _debounce_ms() + statistics.median(empty) * 1e3
        for size, goal in EDIT_GOALS_MS.items():
            text = generate("kamailio", size)
            uri = f"file:///bench/kamailio-{size}.cfg"
            progress(f"open {size:,} lines, then {EDITS[size]} one-character edits")
            opened = lsp.open_doc(client, uri, text)
            rows.append(row(f"LSP open -> diagnostics, {size // 1000}k lines", opened * 1e3, "ms"))
            rows.append(_edits(client, uri, text, f"{size // 1000}k lines", EDITS[size], goal, floor))
            if size != max(EDIT_GOALS_MS):
                client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
                continue
            progress(f"{hovers} hovers on {size:,} lines, each beside an empty-result request")
            hover, empty = lsp.bench_hovers(client, uri, text, hovers)
            h50, e50 = statistics.median(hover), statistics.median(empty)
            rows.append(
                row(
                    f"LSP hover p50, {size // 1000}k lines",
                    h50 * 1e3,
                    "ms",
                    f"<= {1.5 * e50 * 1e3:.2f} ms",
                    f"no-op {e50 * 1e3:.2f} ms",
                    h50 <= 1.5 * e50,
                    note=f"{h50 / e50:.2f}x no-op",
                )
            )
            rows.append(
                row(
                    f"LSP hover p99, {size // 1000}k lines",
                    pct(hover, 99) * 1e3,
                    "ms",
                    "",
                    f"no-op p99 {pct(empty, 99) * 1e3:.2f} ms",
                )
            )
            rows += _lens_rows(client, uri, text, EDITS[size] + 2, f"{size // 1000}k lines")
            rss = client.rss_mb()
            rows.append(
                row(
                    f"LSP server RSS, {size // 1000}k lines open",
                    rss,
                    "MB",
                    "< 150 MB",
                    f"idle {idle_rss:.0f} MB",
                    rss < 150,
                )
            )
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        for dialect, size, language in OTHERS:
            rows.append(_edit_row(client, dialect, size, language, floor))
    finally:
        client.close()
    return rows


def _edits(client: lsp.Client, uri: str, text: str, what: str, count: int, goal: float, floor: float) -> dict:
    """One-character edits in the middle of an open document: p50 until its diagnostics arrive."""
    cpu = _server_cpu(client)
    edits = lsp.bench_edits(client, uri, text, count)
    cpu = (_server_cpu(client) - cpu) / len(edits) * 1e3
    p50 = statistics.median(edits) * 1e3
    return row(
        f"LSP edit -> diagnostics p50, {what}",
        p50,
        "ms",
        f"< {goal} ms",
        f"debounce + no-op {floor:.1f} ms",
        p50 < goal,
        note=f"max {max(edits) * 1e3:.0f} ms; server CPU {cpu:.0f} ms per edit",
    )


def _lens_rows(
    client: lsp.Client, uri: str, text: str, version: int, size: str, edits: int = 5
) -> list[dict]:
    """Code lenses on an open document: the request once its analysis is current (the lenses
    come from the cached outcome tables), the request right after a one-character edit (the
    answer waits for the re-lint), and resolving lenses (the title made on demand)."""
    progress(f"code lenses: {edits} edits each followed by a lens request, then resolves")
    doc = {"textDocument": {"uri": uri}}
    lines = text.split("\n")
    after_edit: list[float] = []
    cpu = _server_cpu(client)
    for i in range(edits):
        line = len(lines) // 3 + i * 11
        edit = {"start": {"line": line, "character": 1}, "end": {"line": line, "character": 1}}
        start = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version + i},
                "contentChanges": [{"range": edit, "text": " "}],
            },
        )
        lenses = client.request("textDocument/codeLens", doc)["result"]
        after_edit.append(time.perf_counter() - start)
        client.wait_diagnostics(uri, version + i)
    cpu = (_server_cpu(client) - cpu) / edits * 1e3
    settled = []
    settled_cpu = _server_cpu(client)
    for _ in range(10):
        start = time.perf_counter()
        lenses = client.request("textDocument/codeLens", doc)["result"]
        settled.append(time.perf_counter() - start)
    settled_cpu = (_server_cpu(client) - settled_cpu) / len(settled) * 1e3
    assert lenses, "no code lenses on the generated document"
    resolves = []
    for lens in lenses[:: max(1, len(lenses) // 50)]:
        start = time.perf_counter()
        resolved = client.request("codeLens/resolve", lens)["result"]
        resolves.append(time.perf_counter() - start)
        assert resolved.get("command", {}).get("title"), resolved
    p50, r50 = statistics.median(settled) * 1e3, statistics.median(resolves) * 1e3
    edited = statistics.median(after_edit) * 1e3
    return [
        row(
            f"LSP code lenses request -> reply p50, {size}",
            p50,
            "ms",
            "< 150 ms",
            "",
            p50 < 150,
            note=f"{len(lenses)} lenses; server CPU {settled_cpu:.0f} ms; after an edit {edited:.0f} ms "
            f"(re-lint included; server CPU {cpu:.0f} ms)",
        ),
        row(
            f"LSP code lens resolve p50, {size}",
            r50,
            "ms",
            "< 150 ms",
            "",
            r50 < 150,
            note=f"p99 {pct(resolves, 99) * 1e3:.2f} ms over {len(resolves)} lenses",
        ),
    ]


def _edit_row(client: lsp.Client, dialect: str, size: int, language: str, floor: float) -> dict:
    """Open a generated `dialect` document alone, edit it, close it."""
    text = generate(dialect, size)
    uri = f"file:///bench/{file_name(dialect).replace('.', f'-{size}.', 1)}"
    progress(f"{dialect}: open {size:,} lines, then {EDITS[100_000]} one-character edits")
    lsp.open_doc(client, uri, text, language)
    result = _edits(client, uri, text, f"{dialect} {size // 1000}k lines", EDITS[100_000], 150, floor)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return result


def _server_cpu(client: lsp.Client) -> float:
    """Seconds of CPU the server process has used (all threads): steady under machine load."""
    with open(f"/proc/{client.proc.pid}/stat") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _empty_round_trips(client: lsp.Client, count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        client.request(
            "textDocument/hover",
            {"textDocument": {"uri": "file:///not-open.cfg"}, "position": {"line": 0, "character": 0}},
        )
        out.append(time.perf_counter() - start)
    return out


if __name__ == "__main__":
    print_table(measure())
    sys.exit(0)
