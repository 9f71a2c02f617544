"""Pausing Python's cyclic garbage collector around bulk work.

A 10,000-row import builds a few hundred thousand small objects (cells, tokens, rows) that all
stay alive until it ends. Each time enough of them pile up, the collector walks the whole young
heap, later the whole process, and finds nothing to free: measured, that doubled the import's
time. Reference counting still frees everything as usual while the collector rests.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block without cyclic collection; the collector is back on after it (if it was on).

    Threads share the switch: a thread that finds it off leaves it alone, so it is never left
    off for good.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_collector(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return wrapper
