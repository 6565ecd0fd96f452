"""A bounded dictionary that fills itself: chat vocabulary repeats, so per-word work is cached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class FillingCache(dict):  # type: ignore[type-arg]
    """key -> compute(key), computed on the first look-up and kept; emptied when `limit` keys are held.

    Being a dict, it is read at C speed with `map(cache.__getitem__, keys)`; only new keys reach
    Python (`__missing__`).
    """

    def __init__(self, compute: Callable[[Any], Any], limit: int) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.compute(key)
        return value
