"""Never crash: a failing handler is logged and answered with an empty result."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sip_lsp.server.server import SipLanguageServer

Params = TypeVar("Params")
Result = TypeVar("Result")
Empty = TypeVar("Empty")


def nothing() -> None:
    """The empty answer of a handler that may answer null."""
    return None


def guarded(
    empty: Callable[[], Empty],
) -> Callable[
    [Callable[[SipLanguageServer, Params], Result]], Callable[[SipLanguageServer, Params], Result | Empty]
]:
    """Wrap a handler `(ls, params)` so an exception becomes a log line and `empty()`."""

    def decorate(
        handler: Callable[[SipLanguageServer, Params], Result],
    ) -> Callable[[SipLanguageServer, Params], Result | Empty]:
        @functools.wraps(handler)
        def run(ls: SipLanguageServer, params: Params) -> Result | Empty:
            try:
                return handler(ls, params)
            except Exception as exc:
                ls.failed(handler.__name__, exc)
                return empty()

        return run

    return decorate


def guarded_async(
    empty: Callable[[], Empty],
) -> Callable[
    [Callable[[SipLanguageServer, Params], Awaitable[Result]]],
    Callable[[SipLanguageServer, Params], Awaitable[Result | Empty]],
]:
    """`guarded` for a coroutine handler."""

    def decorate(
        handler: Callable[[SipLanguageServer, Params], Awaitable[Result]],
    ) -> Callable[[SipLanguageServer, Params], Awaitable[Result | Empty]]:
        @functools.wraps(handler)
        async def run(ls: SipLanguageServer, params: Params) -> Result | Empty:
            try:
                return await handler(ls, params)
            except Exception as exc:
                ls.failed(handler.__name__, exc)
                return empty()

        return run

    return decorate
