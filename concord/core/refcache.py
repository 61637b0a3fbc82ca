"""A per-process memo of reference data (places, units, categories) for hot paths like intake.

Reference rows change rarely (an administrator edits the tree or the units), while every
submission reads them. An entry lives for `CONCORD_REFERENCE_CACHE_SECONDS`; saving or deleting
a place, unit or category clears this process's memo at once (see `forget`, connected in the
cases app), and other processes see the change within the TTL. Writes that bypass model signals
(bulk loads) call `forget()` themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from concord.core import conf

T = TypeVar("T")

_memo: dict[Hashable, tuple[float, Any]] = {}
_lock = threading.Lock()


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """Return the memoised value for `key`, computing (and storing) it when absent or stale.

    None is never stored, so unknown keys (a mistyped code) cannot fill the memo.
    """
    ttl = conf.concord().reference_cache_seconds
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = compute()
    if ttl > 0 and value is not None:
        with _lock:
            _memo[key] = (now + ttl, value)
    return value


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop every memoised entry (usable directly as a signal receiver)."""
    with _lock:
        _memo.clear()
