import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests where DATABASE_URL points at PostgreSQL and Redis tests where
    REDIS_URL_FOR_TESTS is set (CI sets both on its PostgreSQL run, so there they must pass)."""
    needs = {"postgres": _on_postgres(), "redis": bool(os.environ.get("REDIS_URL_FOR_TESTS"))}
    kept, dropped = [], []
    for item in items:
        missing = [m for m, ok in needs.items() if not ok and item.get_closest_marker(m)]
        (dropped if missing else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client shares one address; the rate-limit tests switch the limit on.
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_RATE_PER_MINUTE": 0}
    # Staff two-factor sign-in has its own tests; elsewhere tests sign staff in directly.
    settings.CONCORD_REQUIRE_STAFF_2FA = False
    # Staff sessions end after idle minutes and hours in all (tests/security/
    # test_sessions_and_caches.py); elsewhere tests travel in time with one signed-in client.
    settings.CONCORD_STAFF_SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60
    settings.CONCORD_STAFF_SESSION_MAX_HOURS = 10 * 365 * 24
    # The ledger's key and checkpoint log live outside the database: one of each per test, so a
    # rolled-back test database never meets a later test's checkpoints.
    settings.LEDGER = {
        "SIGNING_KEY_FILE": str(tmp_path / "keys" / "ledger-signing.pem"),
        "CHECKPOINT_LOG": str(tmp_path / "ledger" / "checkpoints.jsonl"),
        "MIRRORS": [],
    }
    # Reference rows memoised by an earlier test may have been rolled back with it, and so may
    # the rows behind cached figures: each test starts with an empty cache of its own process
    # (never a shared Redis, whatever REDIS_URL says).
    # (Both aliases share one local memory, so clearing the default cache resets rate limits.)
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {"default": local, "ratelimit": local}
    from django.core.cache import cache

    from concord.core.refcache import forget

    forget()
    cache.clear()


def ensure_seed_data() -> None:
    """Reload the data migrations seed (a transactional test's flush removes it)."""
    from concord.cases.models import Category

    if Category.objects.exists():
        return
    from concord.assessments.models import DecisionType
    from concord.assessments.seed import load_decision_types
    from concord.cases.seed import load_categories
    from concord.open311.models import AttributeValue, ServiceAttribute
    from concord.open311.seed import load_default_attributes

    load_categories(Category)
    load_decision_types(DecisionType)
    load_default_attributes(ServiceAttribute, AttributeValue)


@pytest.fixture
def world(db):
    from concord.testing import build_world

    ensure_seed_data()
    return build_world()


@pytest.fixture
def api(client):
    """A JSON client for /api/v1/ that can act as any persona."""
    from concord.testing_client import ApiClient

    return ApiClient(client)


@pytest.fixture
def at():
    """Travel to a local (Asia/Shanghai) date and time: at("2026-09-01 09:00")."""
    travellers = []

    def travel(when: str):
        if travellers:
            travellers.pop().stop()
        dt = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
        t = time_machine.travel(dt, tick=False)
        t.start()
        travellers.append(t)

    yield travel
    for t in travellers:
        t.stop()
