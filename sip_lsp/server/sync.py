"""Document lifecycle: analyse on open, change and save; drop on close.

Changes are debounced: a burst of keystrokes costs one analysis of the last
version. Documents that include the edited file are analysed again too.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pygls.uris import to_fs_path

from sip_lsp.server import diagnostics
from sip_lsp.server.guard import guarded, nothing
from sip_lsp.server.server import SipLanguageServer

# Seconds to wait for more edits before analysing.
DEBOUNCE = 0.012


def schedule(ls: SipLanguageServer, uri: str, delay: float = DEBOUNCE) -> None:
    pending = ls.pending
    handle = pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    loop = asyncio.get_running_loop()
    pending[uri] = loop.call_later(delay, lambda: ls.tasks.add(asyncio.ensure_future(run(ls, uri))))


async def run(ls: SipLanguageServer, uri: str) -> None:
    """Analyse the latest version (after settings arrive) and push unless the client pulls."""
    ls.pending.pop(uri, None)
    await ls.settled()
    doc = ls.documents.get(uri)
    if doc is None or uri in ls.pending:
        return
    try:
        analysed = await ls.analysed_async(doc)
        if analysed.version != doc.version or uri in ls.pending:
            return  # edited meanwhile: the run scheduled by that edit publishes
        if not ls.pull_diagnostics:
            diagnostics.publish(ls, doc)
    except Exception as exc:
        ls.failed(f"analysis of {uri}", exc)


def changed(ls: SipLanguageServer, uri: str, delay: float = DEBOUNCE) -> None:
    """Analyse this document soon, and the open documents that include it."""
    schedule(ls, uri, delay)
    doc = ls.documents.get(uri)
    ls.text_changed(doc.path if doc else None)
    for other in ls.dependents(doc.path if doc else None):
        ls.forget(other.uri)
        schedule(ls, other.uri, delay)


def register(server: SipLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(nothing)
    def did_open(ls: SipLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        changed(ls, params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(nothing)
    def did_change(ls: SipLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @guarded(nothing)
    def did_save(ls: SipLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        schedule(ls, params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(nothing)
    def did_close(ls: SipLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.text_changed(to_fs_path(uri))
        for other in ls.dependents(to_fs_path(uri)):
            ls.forget(other.uri)
            schedule(ls, other.uri)
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.forget(uri)
        diagnostics.clear(ls, uri)
