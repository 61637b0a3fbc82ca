import pytest


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
