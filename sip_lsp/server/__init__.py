"""The language server: pygls wiring only (DESIGN §1).

`serve(args)` builds the server, registers one module per feature and runs it
on stdio or TCP. Everything it says comes from the core (`sip_lsp.features`,
`sip_lsp.lint`, `sip_lsp.render`); these modules only convert to LSP types.
"""

from __future__ import annotations

import argparse
import logging

from sip_lsp.server import (
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    diagnostics,
    hover,
    inlay_hints,
    navigation,
    semantic_tokens,
    symbols,
    sync,
)
from sip_lsp.server.server import SipLanguageServer

FEATURES = (
    configuration,
    sync,
    diagnostics,
    hover,
    completion,
    inlay_hints,
    symbols,
    navigation,
    code_actions,
    semantic_tokens,
    code_lens,
    commands,
)


def build() -> SipLanguageServer:
    """A server with every feature registered (tests and benches use this too)."""
    server = SipLanguageServer()
    for feature in FEATURES:
        feature.register(server)
    return server


def serve(args: argparse.Namespace) -> int:
    """Run until the client says exit; `args.tcp` is "HOST:PORT", `args.log_file` a path."""
    log_file: str | None = args.log_file
    tcp: str | None = args.tcp
    if log_file:
        logging.basicConfig(
            filename=log_file,
            level=logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # pygls logs every message body at INFO: megabytes per edit of a large file.
        logging.getLogger("pygls").setLevel(logging.WARNING)
    server = build()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
