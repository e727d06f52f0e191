"""workspace/executeCommand `sipLsp.simulate`: one status walked through a failover point.

Arguments: the document's URI, a 0-based line (a failover point's header, step or arming
site; else the nearest point above it) and the status: a final code or "timeout" /
"cancelled". Returns the steps (line, kind, text, source), the outcome and a summary
(features/outcomes.py); a request that cannot run is answered with an error saying why.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from sip_lsp import dialects
from sip_lsp.features.outcomes import SimulateError, file_line_link, simulate_point, simulation_result
from sip_lsp.server.documents import Document
from sip_lsp.server.server import Analysed, SipLanguageServer

SIMULATE = "sipLsp.simulate"


def register(server: SipLanguageServer) -> None:
    @server.command(SIMULATE)
    async def simulate(ls: SipLanguageServer, *args: Any) -> dict[str, object]:
        uri, line, status = (list(args) + [None, None, None])[:3]
        doc = ls.documents.get(uri) if isinstance(uri, str) else None
        catalog = ls.catalog_for(ls.settings_for(doc.path if doc else None))
        if doc is None or not isinstance(line, int):
            raise JsonRpcInvalidParams(SimulateError("simulate_error_document").message(catalog, ls.lang))
        analysed = ls.analysed(doc)
        try:
            return await asyncio.get_running_loop().run_in_executor(
                ls.linter, _simulate, ls, analysed, doc, line, status
            )
        except SimulateError as error:
            raise JsonRpcInvalidParams(error.message(analysed.catalog, ls.lang)) from None


def _simulate(
    ls: SipLanguageServer, analysed: Analysed, doc: Document, line: int, status: object
) -> dict[str, object]:
    """In the lint worker, off the event loop. The walk takes the parsed blocks from the
    document's cache while that holds this text (a 100k-line script: ~30 ms, not ~1 s cold)."""
    with ls.lint_lock:  # one user of a document's BlockCache at a time, as for a lint
        current = doc.lines is analysed.positions.lines
        ctx = dialects.DialectContext(
            path=doc.path,
            root=ls.root,
            catalog=analysed.catalog,
            read=ls.read,
            cache=doc.cache.blocks if current else None,
            lines=analysed.positions.lines,
        )
        sim = simulate_point(analysed.analysis, analysed.points, line, status, ctx)
    lines = analysed.positions.lines
    return simulation_result(sim, analysed.catalog, ls.lang, lines, file_line_link(doc.uri))
