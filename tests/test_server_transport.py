"""`sip-lsp serve --tcp HOST:PORT` and `--log-file` serve the same protocol over a socket."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _request(reader, writer, ident: int, method: str, params) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}).encode()
    writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()
    while True:
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message = json.loads(await reader.readexactly(length))
        if message.get("id") == ident and "method" not in message:
            return message


async def test_tcp_serves_initialize_and_shutdown(tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sip_lsp", "serve", "--tcp", f"127.0.0.1:{port}", "--log-file", str(log)]
    )
    try:
        for _ in range(200):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("the server never listened")
        reply = await _request(
            reader, writer, 1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}}
        )
        caps = reply["result"]["capabilities"]
        assert caps["hoverProvider"] and caps["textDocumentSync"]["change"] == 2
        assert reply["result"]["serverInfo"]["name"] == "sip-lsp"
        assert (await _request(reader, writer, 2, "shutdown", None))["result"] is None
        writer.close()
        assert log.exists()
    finally:
        proc.kill()
        proc.wait()
