"""Analysis runs without the cyclic garbage collector.

An analysis allocates many small acyclic objects (tokens, nodes, facts, findings)
that reference counting frees. With the cyclic collector on, every pass walks the
whole growing heap, including the per-block caches: 100k-line documents became
1.5-2.5x slower per line than 10k ones, and a full pass inside the rules cost
40-70 ms of a 100k-line Asterisk edit.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_gc(call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """call(*args, **kwargs) with the cyclic collector paused (left off if it already was)."""
    if not gc.isenabled():
        return call(*args, **kwargs)
    gc.disable()
    try:
        return call(*args, **kwargs)
    finally:
        gc.enable()
