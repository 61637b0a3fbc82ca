"""A small fixed-window rate limit for public endpoints (per client address and scope).

Counts live in the "ratelimit" cache: the database by default, Redis when REDIS_URL is set;
either way shared by every process and machine.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _

from concord.core import conf

from .errors import ConcordError


class RateLimited(ConcordError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests from this address; please wait a minute and retry.")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: list[str]) -> bool:
    return address is not None and any(
        address in ipaddress.ip_network(proxy, strict=False) for proxy in proxies
    )


def client_address(request) -> str:
    """Return the client's address: REMOTE_ADDR, unless that is a configured trusted proxy.

    Behind trusted proxies (CONCORD_TRUSTED_PROXIES: addresses or networks), X-Forwarded-For is
    read from the right, skipping the trusted proxies' own hops: the first other address is the
    client. Hops to its left were written by the client and are never believed, and a request
    that does not come from a trusted proxy has its X-Forwarded-For ignored altogether.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = getattr(settings, "CONCORD_TRUSTED_PROXIES", [])
    if not proxies or not _trusted(_address(remote), proxies):
        return remote
    hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed hop: count the request against the proxy itself
        if not _trusted(address, proxies):
            return str(address)
    return remote


def client_identity(request) -> str:
    """Return what a limit counts by: the signed-in account, else the client's address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return client_address(request)


def count_request(counters, key: str, *, limit: int, timeout: int = 90) -> int:
    """Count one request under `key` and return its number in the window (limit + 1 at most).

    Each request claims the next free slot with `add`, which is atomic on the database cache (the
    key is the table's primary key) and on Redis (SET NX), so concurrent requests from several
    processes or machines never share a number; `incr` is not atomic on the database cache.
    A remembered high-water mark keeps this to about three cache calls per request, and once
    the limit is reached no more slots are made.
    """
    seen = counters.get(f"{key}:n") or 0
    if seen >= limit:
        return limit + 1
    n = seen + 1
    while not counters.add(f"{key}:{n}", 1, timeout=timeout):
        n += 1
        if n > limit:
            break
    counters.set(f"{key}:n", n, timeout=timeout)
    return n


def check_rate(request, scope: str, *, per_minute: int | None = None) -> None:
    """Raise RateLimited when this client used up its requests for `scope` this minute."""
    limit = per_minute if per_minute is not None else conf.concord().public_rate_per_minute
    if limit <= 0:
        return  # switched off
    window = int(time.time() // 60)
    key = f"rl:{scope}:{client_identity(request)}:{window}"
    if count_request(caches["ratelimit"], key, limit=limit) > limit:
        raise RateLimited()
