"""textDocument/codeLens and codeLens/resolve: the one-line outcome table above each failover point.

The lens request answers ranges and data only (cheap on a 100k-line file); the title
is made when the editor resolves a lens it shows, from the cached analysis. Clicking a
lens runs the client command `sipLsp.simulateResponse` (uri, line), which asks for a
status and calls the server command `sipLsp.simulate` (server/commands.py).
"""

from __future__ import annotations

from lsprotocol import types

from sip_lsp.features.outcomes import lens_title
from sip_lsp.server.converter import Converted
from sip_lsp.server.guard import guarded
from sip_lsp.server.server import SipLanguageServer

# The client command a lens carries: VS Code and Neovim (editors/) define it.
CLIENT_COMMAND = "sipLsp.simulateResponse"


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=True))
    @guarded(list)
    def code_lens(ls: SipLanguageServer, params: types.CodeLensParams) -> list[dict[str, object]]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        analysed = ls.analysed(doc)
        positions, points = analysed.positions, analysed.points
        lenses = Converted()
        for start in points.starts:
            at = positions.position(start)
            where = {"line": at.line, "character": at.character}
            lenses.append(
                {
                    "range": {"start": where, "end": where},
                    "data": {"uri": doc.uri, "at": start, "version": analysed.version},
                }
            )
        return lenses

    @server.feature(types.CODE_LENS_RESOLVE)
    def resolve(ls: SipLanguageServer, lens: types.CodeLens) -> types.CodeLens:
        try:
            return _resolve(ls, lens)
        except Exception as exc:  # a lens keeps its place; the editor asks again after the next edit
            ls.failed("codeLens/resolve", exc)
            return lens


def _resolve(ls: SipLanguageServer, lens: types.CodeLens) -> types.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    uri, start = data.get("uri"), data.get("at")
    doc = ls.documents.get(uri) if isinstance(uri, str) else None
    if doc is None:
        return lens
    analysed = ls.analysed(doc)
    points = analysed.points
    found = None
    if isinstance(start, int) and data.get("version") == analysed.version:
        found = points.by_start(start)
    if found is None:  # the text moved since the lens was made: the point on its line
        found = points.on_line(lens.range.start.line)
    if found is None:
        return lens
    table = points.table(found)
    title = lens_title(table, analysed.catalog, ls.lang)
    line = points.line_of(found)
    lens.command = types.Command(title=title, command=CLIENT_COMMAND, arguments=[doc.uri, line])
    return lens
