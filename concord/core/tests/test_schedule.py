"""The worker's schedule queues each periodic job once per interval, across workers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concord.core.schedule import enqueue_due

pytestmark = pytest.mark.django_db


def test_due_jobs_are_queued_once_per_interval(world, settings):
    settings.CONCORD_SCHEDULE = [
        ("deadlines_tick", 300, "concord.channels.tasks.deadlines_tick_task")
    ]
    now = timezone.now()
    assert enqueue_due(now) == ["deadlines_tick"]
    assert enqueue_due(now + timedelta(seconds=10)) == []
    assert enqueue_due(now + timedelta(seconds=301)) == ["deadlines_tick"]


def test_every_configured_job_names_a_real_task(settings):
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for _name, seconds, path in settings.CONCORD_SCHEDULE:
        assert seconds > 0
        assert isinstance(import_string(path), Task)
