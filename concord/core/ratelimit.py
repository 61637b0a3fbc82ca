"""A small fixed-window rate limit for public endpoints (per client address and scope).

Counts live in Django's cache: per process by default, shared across workers and machines when
REDIS_URL configures the Redis cache.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .errors import ConcordError


class RateLimited(ConcordError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests from this address; please wait a minute and retry.")


def client_address(request) -> str:
    # Behind a trusted proxy, REMOTE_ADDR is the proxy: use the first X-Forwarded-For hop only
    # when the deployment says the proxy is trusted.
    if getattr(settings, "CONCORD_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def check_rate(request, scope: str, *, per_minute: int | None = None) -> None:
    """Raise RateLimited when this address used up its requests for `scope` this minute."""
    limit = per_minute if per_minute is not None else settings.CONCORD["PUBLIC_RATE_PER_MINUTE"]
    if limit <= 0:
        return  # switched off
    window = int(time.time() // 60)
    key = f"rl:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=90)
            count = 1
    if count > limit:
        raise RateLimited()
