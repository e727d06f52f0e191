"""Settings from the editor: initializationOptions, workspace/configuration and
didChangeConfiguration, merged over `sip-lsp.toml`; locale from initialize."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from lsprotocol import types

from sip_lsp.config import CONFIG_NAME
from sip_lsp.server import diagnostics
from sip_lsp.server.guard import guarded, nothing
from sip_lsp.server.server import SECTION, SipLanguageServer

LANGS = ("en", "ru")


def _lang(locale: str | None) -> str:
    lang = (locale or "en").replace("_", "-").split("-")[0].lower()
    return lang if lang in LANGS else "en"


def _pulls_configuration(ls: SipLanguageServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.configuration)


async def pull_settings(ls: SipLanguageServer, refresh_views: bool = True) -> None:
    """Ask the client for the `sipLsp` section, then re-analyse and re-publish."""
    result = await ls.workspace_configuration_async(
        types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
    )
    apply(ls, result[0] if result else None, refresh_views)


def apply(ls: SipLanguageServer, settings: object, refresh_views: bool = True) -> None:
    """New editor settings as the client sent them (a dict, or anything: then none)."""
    ls.set_editor_settings(settings)
    ls.report_editor_problems()
    reanalyse(ls, refresh_views)


def reanalyse(ls: SipLanguageServer, refresh_views: bool = True) -> None:
    """Settings changed: every answer may differ (diagnostics, inlay hints, semantic tokens).

    `refresh_views` False: the first settings of the session. Inlay hints and semantic
    tokens wait for them (`ls.settled`), so nothing the client shows needs refreshing.
    """
    for doc in ls.documents:
        ls.forget(doc.uri)
    diagnostics.refresh(ls)
    if not refresh_views:
        return
    ws = ls.client_capabilities.workspace
    if ws and ws.inlay_hint and ws.inlay_hint.refresh_support:
        _ask(ls, ls.workspace_inlay_hint_refresh_async(None), "inlay hint refresh")
    if ws and ws.semantic_tokens and ws.semantic_tokens.refresh_support:
        _ask(ls, ls.workspace_semantic_tokens_refresh_async(None), "semantic tokens refresh")


def _ask(ls: SipLanguageServer, request: Awaitable[None], what: str) -> None:
    """Send an optional request in the background; a client that refuses it is no error."""
    ls.tasks.add(asyncio.ensure_future(_quietly(ls, request, what)))


async def watch_config_files(ls: SipLanguageServer) -> None:
    """Ask the client to report changes to sip-lsp.toml (when it can register watchers)."""
    ws = ls.client_capabilities.workspace
    if not (ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration):
        return
    await ls.client_register_capability_async(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="sip-lsp-config",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=f"**/{CONFIG_NAME}")]
                    ),
                )
            ]
        )
    )


def register(server: SipLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    @guarded(nothing)
    def initialize(ls: SipLanguageServer, params: types.InitializeParams) -> None:
        ls.lang = _lang(params.locale)
        options = params.initialization_options
        if isinstance(options, dict):
            ls.set_editor_settings(options)

    @server.feature(types.INITIALIZED)
    @guarded(nothing)
    def initialized(ls: SipLanguageServer, params: types.InitializedParams) -> None:
        if _pulls_configuration(ls):
            _fetch(ls, refresh_views=False)
        else:
            ls.report_editor_problems()  # initializationOptions
        _ask(ls, watch_config_files(ls), "watching sip-lsp.toml")

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(nothing)
    def did_change_watched_files(ls: SipLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith(CONFIG_NAME) for change in params.changes):
            ls.set_editor_settings(ls.editor_settings)  # drops cached sip-lsp.toml and catalogues
            reanalyse(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded(nothing)
    def did_change_configuration(ls: SipLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        if _pulls_configuration(ls):
            _fetch(ls)
        elif isinstance(params.settings, dict):
            apply(ls, params.settings)


async def _quietly(ls: SipLanguageServer, job: Awaitable[None], what: str) -> None:
    """An optional round trip: if the client refuses, say so in the log and carry on."""
    try:
        await job
    except Exception as exc:
        ls.log(f"sip-lsp: {what}: {exc}", types.MessageType.Info)


def _fetch(ls: SipLanguageServer, refresh_views: bool = True) -> None:
    """Fetch settings in the background; answers that depend on them wait (`ls.settled`)."""

    async def fetch() -> None:
        try:
            await pull_settings(ls, refresh_views)
        except Exception as exc:
            ls.failed("workspace/configuration", exc)

    ls.config_task = asyncio.ensure_future(fetch())
    ls.tasks.add(ls.config_task)
