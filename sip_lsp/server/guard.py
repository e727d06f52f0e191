"""Never crash: a failing handler is logged and answered with an empty result."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def guarded(empty: Callable[[], Any] = lambda: None):
    """Wrap a handler `(ls, params)` so an exception becomes a log line and `empty()`."""

    def decorate(handler):
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(ls, params):
                try:
                    return await handler(ls, params)
                except Exception as exc:
                    ls.failed(handler.__name__, exc)
                    return empty()

            return run_async

        @functools.wraps(handler)
        def run(ls, params):
            try:
                return handler(ls, params)
            except Exception as exc:
                ls.failed(handler.__name__, exc)
                return empty()

        return run

    return decorate
