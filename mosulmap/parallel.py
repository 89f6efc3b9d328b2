"""Per-day work (PNG snapshots, dated HTML maps, front lines) spread over worker processes.

Workers are forked, so the prepared map data reaches them without pickling; each builds its
per-day function once (a snapshot renderer draws its static parts once per process) and results
come back in day order. One process (``jobs=1``, or a platform without ``fork``) gives the same
results in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

_DATA: Any = None  # handed to forked workers without pickling
_FACTORY: Callable[[Any], Callable[[date], Any]] | None = None
_WORK: Callable[[date], Any] | None = None


def _start() -> None:
    global _WORK
    _WORK = _FACTORY(_DATA)


def _run(day: date) -> tuple[date, Any]:
    return day, _WORK(day)


@contextmanager
def day_pool(data: Any, days: list[date], factory: Callable[[Any], Callable[[date], Any]],
             jobs: int | None = None) -> Iterator[Iterator[tuple[date, Any]]]:
    """Yield an iterator of (day, ``factory(data)(day)``) in day order, computed by ``jobs`` worker
    processes (default: every core) while the caller does other work. ``days`` may be any picklable
    items (the front lines' keys)."""
    global _DATA, _FACTORY
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(days) or 1))
    if not days:
        yield iter(())
        return
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        work = factory(data)
        try:
            yield ((day, work(day)) for day in days)
        finally:
            getattr(work, "close", lambda: None)()
        return
    _DATA, _FACTORY = data, factory
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start) as pool:
            yield pool.map(_run, days, chunksize=max(1, len(days) // (4 * jobs)))
    finally:
        _DATA = _FACTORY = None
