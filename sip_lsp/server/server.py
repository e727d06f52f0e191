"""The server object: open documents, settings, catalogues and cached analyses.

Everything a feature module needs goes through `SipLanguageServer`: `analysed(doc)`
returns the lint result for the document's current version (cached), and
`positions_for(path)` converts offsets of any file the analysis mentions.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import MsgId
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from sip_lsp import __version__, site
from sip_lsp.catalog import Catalog, CatalogError, default_catalog, load_catalog
from sip_lsp.config import ConfigError, Settings, find_config, load_config
from sip_lsp.features import SiteIndex
from sip_lsp.features.outcomes import FailoverPoints
from sip_lsp.features.problems import Problem
from sip_lsp.lint import LintResult, lint
from sip_lsp.model import Analysis
from sip_lsp.server.converter import lens_converter
from sip_lsp.server.documents import Document, Documents, Positions
from sip_lsp.server.options import ServerOptions
from sip_lsp.text import LineIndex, decode, read_bytes

if TYPE_CHECKING:  # pygls defines it for type checkers only
    from pygls.server import ServerErrors

log = logging.getLogger("sip_lsp.server")

SECTION = "sipLsp"
# Documents above this many characters freeze the heap after analysis (see _freeze_heap).
_BIG = 500_000
_COLLECT_EVERY = 32
# Included files larger than this are not read (a misdirected include of a dump).
_MAX_INCLUDE = 32 * 1024 * 1024

# What pygls runs after its own step for a notification: (handler, its arguments, a callback).
_Step = Iterator[tuple[Callable[..., object], tuple[object, ...], None]]


class SipProtocol(LanguageServerProtocol):
    """Keeps documents in `Documents` instead of pygls' workspace (see documents.py)."""

    _server: SipLanguageServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> _Step:
        self._server.documents.open(params.text_document, self.workspace.position_codec)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> _Step:
        doc = self._server.documents.get(params.text_document.uri)
        if doc is not None:
            for change in params.content_changes:
                doc.apply(change)
            doc.version = params.text_document.version
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    def _handle_cancel_notification(self, msg_id: MsgId) -> None:
        """Editors cancel requests already answered (routine while typing): not worth a warning.

        pygls warns, and without a log file Python prints the warning to stderr, which
        editors show as an error.
        """
        if msg_id in self._request_futures:
            super()._handle_cancel_notification(msg_id)
        else:
            log.debug("cancel of finished request %s", msg_id)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> _Step:
        self._server.documents.close(params.text_document.uri)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


@dataclass(slots=True)
class Analysed:
    """One lint result for one version of a document under one settings generation."""

    version: int | None
    generation: int
    result: LintResult
    positions: Positions
    catalog: Catalog
    settings: Settings
    seconds: float = 0.0
    # Built on first use: the offset index (hover, definition), the problems (one per
    # site) and their diagnostics, the encoded semantic tokens.
    site_index: SiteIndex | None = field(default=None, repr=False)
    problems: list[Problem] | None = field(default=None, repr=False)
    diagnostics: list[types.Diagnostic] | None = field(default=None, repr=False)
    semantic_tokens: list[int] | None = field(default=None, repr=False)
    failover_points: FailoverPoints | None = field(default=None, repr=False)

    @property
    def analysis(self) -> Analysis:
        return self.result.analysis

    @property
    def index(self) -> SiteIndex:
        """The offset index, built on first use (hover, definition)."""
        if self.site_index is None:
            self.site_index = SiteIndex(self.result.analysis)
        return self.site_index

    @property
    def points(self) -> FailoverPoints:
        """The failover points by line, built on first use (code lens, hover, simulate)."""
        if self.failover_points is None:
            self.failover_points = FailoverPoints(self.result.analysis, self.positions.lines)
        return self.failover_points

    @property
    def result_id(self) -> str:
        return f"{self.version}.{self.generation}"


class SipLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "sip-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=SipProtocol,
            converter_factory=lens_converter,
        )
        self.documents = Documents()
        self.analyses: dict[str, Analysed] = {}
        self.lang = "en"
        self.editor_settings: dict[str, object] = {}
        self.options = ServerOptions()
        self._hrefs: dict[tuple[str, str], str | None] = {}  # (page kind, key) -> its URI
        self.generation = 0
        self._configs: dict[str, Settings] = {}  # directory -> its settings
        self._catalogs: dict[tuple[str, ...], Catalog] = {}  # user catalogue files -> catalogue
        self._shown: set[str] = set()
        self._frozen = 0
        self.pending: dict[str, asyncio.TimerHandle] = {}  # uri -> a scheduled analysis
        # Text changes (open, edit, close) counted, and the count at each path's last one.
        self.text_changes = 0
        self.changed_at: dict[str, int] = {}
        self.published: dict[str, str] = {}  # uri -> result id last pushed
        # One worker: analyses run one at a time, off the event loop.
        self.lint_lock = threading.Lock()
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sip-lsp-lint")
        self.tasks: _Tasks = _Tasks()
        self.config_task: asyncio.Task[None] | None = None  # a workspace/configuration round trip

    async def settled(self) -> None:
        """Wait (briefly) for settings being fetched, so no answer uses stale ones."""
        task = self.config_task
        if task is not None and not task.done():
            # A client that never answers keeps the old settings.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(task), 5)

    # ------------------------------------------------------------ client facts

    @property
    def pull_diagnostics(self) -> bool:
        caps = self.client_capabilities.text_document
        return caps is not None and caps.diagnostic is not None

    @property
    def refresh_support(self) -> bool:
        ws = self.client_capabilities.workspace
        return bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)

    @property
    def root(self) -> str | None:
        try:
            root: str | None = self.workspace.root_path
        except RuntimeError:
            return None
        return root

    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    # ------------------------------------------------------------ messages

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        log.info(message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # the writer may be gone during exit
            log.exception("cannot log to client")

    def failed(self, what: str, exc: BaseException) -> None:
        """A handler failed: log it to the client; the server keeps serving."""
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.log(f"sip-lsp: {what} failed: {exc!r}\n{detail}", types.MessageType.Error)

    def problem(self, error: ConfigError | CatalogError) -> None:
        """Tell the user once about a bad setting or catalogue: the one way they hear of it."""
        message = _message(error)
        if message in self._shown:
            return
        self._shown.add(message)
        self.log(message, types.MessageType.Warning)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        # Log instead of a popup: a user cannot act on a stack trace.
        self.failed("request", error)

    # ------------------------------------------------------------ settings

    def set_editor_settings(self, received: object) -> None:
        """Editor settings as sent: the `sipLsp` section or its contents; anything else is none."""
        if isinstance(received, dict) and isinstance(received.get(SECTION), dict):
            received = received[SECTION]
        settings: dict[str, object] = (
            {str(k): v for k, v in received.items()} if isinstance(received, dict) else {}
        )
        catalogs, root = settings.get("catalogs"), self.root
        if isinstance(catalogs, list) and root:
            # Editor settings name user catalogues relative to the workspace.
            settings["catalogs"] = [
                os.path.join(root, c) if isinstance(c, str) and not os.path.isabs(c) else c for c in catalogs
            ]
        self.editor_settings = settings
        self.options = ServerOptions.read(settings, default_catalog(), self.lang)
        self.generation += 1
        self._configs.clear()
        self._catalogs.clear()
        self._shown.clear()
        self._hrefs.clear()

    def settings_for(self, path: str | None) -> Settings:
        """Settings for a document: sip-lsp.toml (found upwards) under editor settings.

        A broken sip-lsp.toml is left out whole (as `check` refuses it); a bad editor
        setting is left out alone. Either is reported once through `problem`.
        """
        directory = os.path.dirname(path) if path else (self.root or "")
        if directory in self._configs:
            return self._configs[directory]
        settings = Settings()
        found = find_config(path) if path else None
        if found:
            try:
                settings = load_config(found)
            except ConfigError as error:
                self.problem(error)
            for problem in settings.problems:  # a bad [policy] key: left out, the rest applies
                self.problem(problem)
        if self.editor_settings:
            merged = settings.merged_each(self.editor_settings)
            settings = merged.settings
            for problem in (*merged.problems, *self.options.problems):
                self.problem(problem)
        self._configs[directory] = settings
        return settings

    def report_editor_problems(self) -> None:
        """Report bad editor settings now: a client that pulls diagnostics may not ask for a while."""
        for problem in (*Settings().merged_each(self.editor_settings).problems, *self.options.problems):
            self.problem(problem)

    def catalog_for(self, settings: Settings) -> Catalog:
        """The built-in catalogue with the user's files (the built-in one alone if they are broken).

        In the client's language: diagnostics and fix titles read in it (`initialize`'s locale).
        """
        files: tuple[str, ...] = tuple(settings.catalogs)
        if not files:
            return default_catalog().for_lang(self.lang)
        if files not in self._catalogs:
            try:
                self._catalogs[files] = load_catalog(files)
            except CatalogError as error:
                self.problem(error)
                self._catalogs[files] = default_catalog()
        return self._catalogs[files].for_lang(self.lang)

    def page_href(self, kind: str, key: object) -> str | None:
        """A page of the reference site in the client's language: under `docsUrl` when set, else
        the site shipped in the package (None when the package has no such page: a code or
        rule of a user catalogue)."""
        cache_key = (kind, str(key))
        if cache_key not in self._hrefs:
            base = self.options.docs_url
            href: str | None = site.page_uri(kind, key, self.lang, base=base)
            local = os.path.join(site.SITE_DIR, site.page_path(kind, key, self.lang))
            if not base and not os.path.isfile(local):
                href = None
            self._hrefs[cache_key] = href
        return self._hrefs[cache_key]

    def rule_href(self, rule_id: str) -> str:
        """A rule's page on the reference site (the site's index for a rule it lacks)."""
        return self.page_href("rule", rule_id) or site.page_uri("index", None, self.lang)

    # ------------------------------------------------------------ analysis

    def read(self, path: str) -> str | None:
        """An included file: the open document first, else the disk."""
        doc = self.documents.by_path.get(path)
        if doc is not None:
            return doc.text
        try:
            data = read_bytes(path, _MAX_INCLUDE + 1)  # a FIFO or device reads as None, never blocks
        except (OSError, ValueError):
            return None
        return None if data is None or len(data) > _MAX_INCLUDE else decode(data)[0]

    def _fresh(self, doc: Document) -> Analysed | None:
        cached = self.analyses.get(doc.uri)
        if (
            cached is not None
            and cached.version == doc.version
            and cached.generation == self.generation
            and cached.positions.lines is doc.lines
        ):
            return cached
        return None

    def _lint(
        self,
        doc: Document,
        lines: LineIndex,
        version: int | None,
        generation: int,
        settings: Settings,
        catalog: Catalog,
    ) -> Analysed:
        started = time.perf_counter()
        # One lint at a time: a document's BlockCache serves one analysis at a time.
        with self.lint_lock:
            big = len(lines.text) > _BIG
            if big:  # freeze what the lint made before collecting again: no pass over it at all
                gc.disable()
            try:
                result = lint(
                    lines.text,
                    doc.path,
                    settings,
                    catalog,
                    read=self.read,
                    root=self.root,
                    cache=doc.cache,
                    lines=lines,
                )
            finally:
                if big:
                    gc.freeze()
                    gc.enable()
        return Analysed(
            version,
            generation,
            result,
            Positions(lines, doc.codec),
            catalog,
            settings,
            time.perf_counter() - started,
        )

    def _store(self, doc: Document, analysed: Analysed) -> Analysed:
        if self.documents.get(doc.uri) is doc:
            self.analyses[doc.uri] = analysed
            if len(doc.text) > _BIG:
                self._freeze_heap()
        return analysed

    def _freeze_heap(self) -> None:
        """Take the analyses out of the cyclic GC's sight.

        The analysis of a 100k-line file is millions of objects; every full
        collection during the next lint walks them all (measured: lint 40% slower,
        plus 0.5 s pauses). Analyses are acyclic, so reference counting still frees
        them; a periodic full collection catches any cycle that slipped in.
        """
        self._frozen += 1
        if self._frozen % _COLLECT_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def analysed(self, doc: Document) -> Analysed:
        """The lint result for the document's current version (cached by version)."""
        cached = self._fresh(doc)
        if cached is not None:
            return cached
        settings = self.settings_for(doc.path)
        return self._store(
            doc,
            self._lint(doc, doc.lines, doc.version, self.generation, settings, self.catalog_for(settings)),
        )

    async def analysed_async(self, doc: Document) -> Analysed:
        """Like `analysed`, but lints in a worker thread so requests keep being answered.

        The result is for the version current when linting started; callers
        compare `result.version` with `doc.version` to see whether it is stale.
        """
        cached = self._fresh(doc)
        if cached is not None:
            return cached
        # Settings and catalogue are resolved here: only this thread may message the client.
        settings = self.settings_for(doc.path)
        catalog = self.catalog_for(settings)
        lines, version, generation, stamp = doc.lines, doc.version, self.generation, doc.stamp
        since = self.text_changes
        analysed = await asyncio.get_running_loop().run_in_executor(
            self.linter, self._lint, doc, lines, version, generation, settings, catalog
        )
        if (
            doc.lines is lines
            and self.generation == generation
            and doc.stamp == stamp
            and not self._read_changed(analysed, since)
        ):
            self._store(doc, analysed)
        return analysed

    def text_changed(self, path: str | None) -> None:
        """A document's text changed (opened, edited, closed): lints that read it are stale."""
        self.text_changes += 1
        if path:
            self.changed_at[path] = self.text_changes

    def _read_changed(self, analysed: Analysed, since: int) -> bool:
        """Whether a file this lint included changed while it ran.

        `dependents` finds only stored analyses: a lint still running when an
        included file was opened or edited would otherwise be stored with the old text.
        """
        changed_at = self.changed_at
        return any(changed_at.get(path, 0) > since for path in analysed.analysis.included)

    def dependents(self, path: str | None) -> list[Document]:
        """Open documents whose last analysis included `path`."""
        if not path:
            return []
        out: list[Document] = []
        for uri, analysed in list(self.analyses.items()):
            doc = self.documents.get(uri)
            if doc is not None and doc.path != path and path in (analysed.analysis.included or ()):
                out.append(doc)
        return out

    def forget(self, uri: str) -> None:
        """Drop a document's analysis, and any still being made (its includes changed)."""
        self.analyses.pop(uri, None)
        doc = self.documents.get(uri)
        if doc is not None:
            doc.stamp += 1

    # ------------------------------------------------------------ positions

    def uri_for(self, path: str | None, doc: Document) -> str:
        return doc.uri if path is None or path == doc.path else (from_fs_path(path) or path)

    def positions_for(self, path: str | None, analysed: Analysed, doc: Document) -> Positions | None:
        """Positions for a span's file: the analysed text, an open document, or the disk."""
        if path is None or path == doc.path:
            return analysed.positions
        other = self.documents.by_path.get(path)
        if other is not None:
            return other.positions
        text = self.read(path)
        return Positions(LineIndex(text), self.codec) if text is not None else None


class _Tasks(set["asyncio.Task[None]"]):
    """Running background tasks (kept referenced until done)."""

    def add(self, task: asyncio.Task[None]) -> None:
        super().add(task)
        task.add_done_callback(self.discard)


def _message(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if text.startswith("sip-lsp") else f"sip-lsp: {text}"
