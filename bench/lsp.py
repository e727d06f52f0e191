"""Language-server benchmark: a real client over stdio, timings as a table.

    python bench/lsp.py [--lines 10000,100000] [--hovers 300]

Measures: `initialize` answered from a cold start; hover p50/p99 on codes of a
100k-line Kamailio script against the round trip of a request with an empty
answer; edit -> publishDiagnostics on 10k and 100k lines, and on 10k-line KEMI scripts
(Python, Lua, JavaScript); the server's RSS
with the largest document open.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from queue import Queue

from generate import generate  # the suite's configs: one generator for every benchmark

SERVER = [sys.executable, "-m", "sip_lsp", "serve"]
# The floor: a pygls server with no features, measured at the same moment (machine load varies).
BARE = [
    sys.executable,
    "-c",
    "from pygls.lsp.server import LanguageServer; LanguageServer('bare', '0').start_io()",
]
CAPS = {
    "textDocument": {
        "hover": {"contentFormat": ["markdown"]},
        "publishDiagnostics": {"versionSupport": True},
    },
    "general": {"positionEncodings": ["utf-16"]},
}


class Client:
    """A minimal JSON-RPC client over the server's stdio."""

    def __init__(self, command: list[str] = SERVER) -> None:
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.next_id = 0
        self.responses: dict[int, Queue] = {}
        self.notifications: Queue = Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(stream.read(length))
            if "id" in msg and "method" in msg:  # a request from the server
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif "id" in msg:
                self.responses.setdefault(msg["id"], Queue()).put(msg)
            else:
                self.notifications.put(msg)

    def _send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self.proc.stdin.flush()

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        ident = self.next_id
        queue = self.responses.setdefault(ident, Queue())
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        msg = queue.get(timeout=600)
        del self.responses[ident]
        return msg

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, version: int) -> dict:
        while True:
            msg = self.notifications.get(timeout=600)
            p = msg.get("params") or {}
            if (
                msg.get("method") == "textDocument/publishDiagnostics"
                and p.get("uri") == uri
                and p.get("version") == version
            ):
                return msg

    def initialize(self) -> None:
        self.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": CAPS})
        self.notify("initialized", {})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except BaseException:
            self.proc.kill()
            self.proc.wait()

    def cpu_s(self) -> float:
        """The server's CPU time so far (user + system): what an edit costs whatever the machine's load."""
        with open(f"/proc/{self.proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def bench_initialize(runs: int = 5, command: list[str] = SERVER) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client = Client(command)
        client.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": CAPS})
        times.append(time.perf_counter() - start)
        client.notify("initialized", {})
        client.close()
    return statistics.median(times)


def open_doc(client: Client, uri: str, text: str, language: str = "kamailio") -> float:
    start = time.perf_counter()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    )
    client.wait_diagnostics(uri, 1)
    return time.perf_counter() - start


def bench_edits(client: Client, uri: str, text: str, edits: int = 10) -> list[float]:
    """Type one character on a line in the middle, wait for that version's diagnostics."""
    lines = text.split("\n")
    times = []
    for i in range(edits):
        line = len(lines) // 2 + i * 7
        col = 1
        start = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": i + 2},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": col},
                            "end": {"line": line, "character": col},
                        },
                        "text": " ",
                    }
                ],
            },
        )
        client.wait_diagnostics(uri, i + 2)
        times.append(time.perf_counter() - start)
    return times


def bench_hovers(client: Client, uri: str, text: str, count: int) -> tuple[list[float], list[float]]:
    lines = text.split("\n")
    targets = [(n, line.index("486") + 1) for n, line in enumerate(lines) if "== 486" in line]
    rng = random.Random(1)
    hover, empty = [], []
    for _ in range(count):
        n, col = rng.choice(targets)
        start = time.perf_counter()
        reply = client.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": n, "character": col}}
        )
        hover.append(time.perf_counter() - start)
        assert reply.get("result"), reply
        start = time.perf_counter()
        client.request(
            "textDocument/hover",
            {"textDocument": {"uri": "file:///not-open.cfg"}, "position": {"line": 0, "character": 0}},
        )
        empty.append(time.perf_counter() - start)
    return hover, empty


class _Progress(list):
    """Rows that also show on stderr as they are measured (a 100k run is slow)."""

    def append(self, row) -> None:
        print("  ".join(row), file=sys.stderr, flush=True)
        super().append(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", default="10000,100000")
    parser.add_argument("--hovers", type=int, default=300)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = _Progress()
    rows.append(("initialize answered (cold start, median of 5)", ms(bench_initialize()), "< 600 ms"))
    rows.append(("  same, a bare pygls server (the floor)", ms(bench_initialize(command=BARE)), ""))
    sizes = [int(s) for s in args.lines.split(",")]
    client = Client()
    try:
        client.initialize()
        measure(client, sizes, args.hovers, rows)
    finally:
        client.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>20}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>20}  {target}")
    return 0


# KEMI scripts at 10k lines (issue 16): a keystroke re-parses and re-analyses the piece it is in.
KEMI = (("kemi-python", "python", "py"), ("kemi-lua", "lua", "lua"), ("kemi-javascript", "javascript", "js"))
KEMI_LINES = 10_000


def measure_kemi(client: Client, rows: list) -> None:
    for script, language, ext in KEMI:
        text = generate(script, KEMI_LINES)
        uri = f"file:///bench/kamailio.{ext}"
        rows.append(
            (
                f"{script} open -> diagnostics, {KEMI_LINES:,} lines",
                ms(open_doc(client, uri, text, language)),
                "",
            )
        )
        cpu = client.cpu_s()
        edits = bench_edits(client, uri, text, 10)
        cpu = (client.cpu_s() - cpu) / len(edits)
        p50 = ms(statistics.median(edits))
        rows.append((f"{script} edit -> diagnostics p50, {KEMI_LINES:,} lines", p50, "< 150 ms"))
        rows.append((f"{script} edit -> diagnostics max, {KEMI_LINES:,} lines", ms(max(edits)), ""))
        rows.append((f"{script} server CPU per edit, {KEMI_LINES:,} lines", ms(cpu), "< 150 ms"))


def measure(client: Client, sizes: list[int], hovers: int, rows: list) -> None:
    for size in sizes:
        text = generate("kamailio", size)
        uri = f"file:///bench/kamailio-{size}.cfg"
        rows.append((f"open -> diagnostics, {size:,} lines", ms(open_doc(client, uri, text)), ""))
        edits = bench_edits(client, uri, text, 10 if size <= 20000 else 3)
        rows.append((f"edit -> diagnostics p50, {size:,} lines", ms(statistics.median(edits)), "< 150 ms"))
        rows.append((f"edit -> diagnostics max, {size:,} lines", ms(max(edits)), ""))
        if size == max(sizes):
            hover, empty = bench_hovers(client, uri, text, hovers)
            h50, e50 = statistics.median(hover), statistics.median(empty)
            rows.append((f"hover p50 / p99, {size:,} lines", f"{ms(h50)} / {ms(pct(hover, 99))}", ""))
            rows.append(("empty-result round trip p50", ms(e50), ""))
            rows.append(("hover p50 / empty p50", f"{h50 / e50:.2f}x", "< 1.5x"))
            rows.append((f"server RSS with {size:,} lines open", f"{client.rss_mb():.0f} MB", "< 150 MB"))
    # Last: the KEMI documents (and tree-sitter) stay open, so the RSS row above is the Kamailio one's.
    measure_kemi(client, rows)


if __name__ == "__main__":
    raise SystemExit(main())
