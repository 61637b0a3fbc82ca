"""One settings surface (core/conf.py) and the settings module's own behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from concord import settings as concord_settings
from concord.core import conf, fields
from concord.core.datadir import ensure_secret_key

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("word", ["1", "true", "Yes", " on "])
def test_env_bool_reads_yes(monkeypatch, word):
    monkeypatch.setenv("CONCORD_X", word)
    assert concord_settings.env_bool("CONCORD_X") is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off", ""])
def test_env_bool_reads_no(monkeypatch, word):
    monkeypatch.setenv("CONCORD_X", word)
    assert concord_settings.env_bool("CONCORD_X", True) is False


@pytest.mark.parametrize("word", ["ture", "enabled", "2", "y"])
def test_env_bool_refuses_what_it_does_not_know(monkeypatch, word):
    monkeypatch.setenv("CONCORD_X", word)
    with pytest.raises(ImproperlyConfigured, match="CONCORD_X"):
        concord_settings.env_bool("CONCORD_X")


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("CONCORD_X", raising=False)
    assert concord_settings.env_bool("CONCORD_X", True) is True


def test_importing_the_settings_writes_no_file(tmp_path):
    data = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(CONCORD_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
    code = "import concord.settings as s; print(s.SECRET_KEY_FILE)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(data / "secret_key")
    assert not data.exists()


@pytest.fixture
def key_file(settings, tmp_path):
    original = settings.SECRET_KEY
    settings.SECRET_KEY_FROM_ENV = False
    settings.SECRET_KEY_FILE = tmp_path / "data" / "secret_key"
    yield settings.SECRET_KEY_FILE
    settings.SECRET_KEY = original
    fields.forget_keys()


@pytest.mark.django_db
def test_the_first_migrate_makes_the_secret_key_file_and_uses_it(key_file, settings):
    assert not key_file.exists()
    call_command("migrate", "--check", verbosity=0)
    key = key_file.read_text()
    assert len(key) >= 50 and key_file.stat().st_mode & 0o777 == 0o600
    assert settings.SECRET_KEY == key
    # What is encrypted now is read with the kept key: a later process reads it too.
    assert fields.decrypt(fields.encrypt("13800000000")) == "13800000000"
    ensure_secret_key()
    assert key_file.read_text() == key  # made once, never replaced


def test_serve_makes_the_key_file_before_anything_else(key_file, monkeypatch):
    from concord.core.management.commands import serve

    seen = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: seen.append(key_file.exists()))
    monkeypatch.setattr(serve.Command, "_with_worker", lambda self, options: 0)
    with pytest.raises(SystemExit):
        call_command("serve", "--with-worker")
    assert seen == [True]  # the migrate it runs first finds the key file made


def test_a_key_from_the_environment_writes_no_file(settings, tmp_path):
    settings.SECRET_KEY_FROM_ENV = True
    settings.SECRET_KEY_FILE = tmp_path / "secret_key"
    assert ensure_secret_key() is None
    assert not settings.SECRET_KEY_FILE.exists()


def test_namespaces_read_defaults_and_overrides(settings):
    settings.CONCORD_SAFETY = {"VERIFY_TOLERANCE_M": 50}
    settings.CONCORD_NOTIFICATIONS = {"BACKOFF_SECONDS": [30]}
    settings.WARNING = {"METHODS": ["farrington"]}
    settings.TRIAGE = {}
    settings.WELLBEING_POLICY = {"suppress_below": 10, "risks": {"high": {"safety_plan": False}}}
    assert conf.safety().verify_tolerance_m == 50.0
    assert conf.safety().redispatch_days == 7
    assert conf.notifications().backoff_seconds == (30,)
    assert conf.warning().methods == ("farrington",)
    assert conf.triage().incident_min_reports == 5
    wb = conf.wellbeing()
    assert wb.suppress_below == 10
    assert wb.risks["high"]["safety_plan"] is False
    assert wb.risks["high"]["contact_same_day"] is True  # the level's other rules stay


def test_a_misspelt_policy_is_refused(settings):
    settings.CONCORD_SAFETY = {"VERIFY_TOLERANCE": 50}
    with pytest.raises(ImproperlyConfigured, match="VERIFY_TOLERANCE"):
        conf.safety()
    settings.CONCORD = {**settings.CONCORD, "AUTO_ESCALATE_ON_BREACH": "no"}
    with pytest.raises(ImproperlyConfigured, match="true or false"):
        conf.concord()


def test_the_triage_duplicate_default_is_the_algorithms_own():
    from concord.triage.algorithms.similarity import DEFAULT_THRESHOLD

    assert conf.Triage().duplicate_threshold == DEFAULT_THRESHOLD


def test_one_due_soon_value_of_three_days():
    assert conf.due_soon() == timedelta(days=3)


def _product_sources():
    for path in sorted((ROOT / "concord").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_the_revisit_schedule_and_due_soon_are_written_in_one_place():
    """REVISIT_AFTER / revisit_after() / the deadlines job once each had their own 7 days; the
    three due-soon horizons were 2, 3 and 3 days. Now only core/conf.py says either."""
    found = []
    for rel, text in _product_sources():
        if rel == "concord/core/conf.py":
            continue
        for word in ("REVISIT_AFTER", "DUE_SOON_DAYS", "def revisit_after", "days=7)"):
            if word in text and (word != "days=7)" or "revisit" in text.lower()):
                found.append(f"{rel}: {word}")
    assert found == []


def test_product_code_reads_the_policy_namespaces_only_through_conf():
    names = ("CONCORD_NOTIFICATIONS", "CONCORD_SAFETY", "TRIAGE", "WARNING", "WELLBEING_POLICY")
    found = []
    for rel, text in _product_sources():
        if rel in {"concord/core/conf.py", "concord/settings.py"}:
            continue
        if "settings.CONCORD[" in text or "settings.CONCORD.get" in text:
            found.append(f"{rel}: settings.CONCORD")
        for name in names:
            if f'settings, "{name}"' in text or f"settings.{name}" in text:
                found.append(f"{rel}: {name}")
    assert found == []
