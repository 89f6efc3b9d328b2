"""How the benchmarks time a piece of work."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(work: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """(the best time of ``repeat`` runs in seconds, the last run's result): this machine's
    neighbours make single runs vary by 10 % and more."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result
