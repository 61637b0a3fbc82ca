import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests only where DATABASE_URL points at PostgreSQL (CI does both)."""
    if _on_postgres():
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    from concord.testing import build_world

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


@pytest.fixture
def django_db_serialized_rollback() -> bool:
    """Transactional tests (live servers, threads) restore the migrated seed data
    (categories, decision types, Open311 attributes …) that the flush after each one removes."""
    return True
