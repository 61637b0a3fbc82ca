"""The worker's schedule: periodic jobs queued as tasks, each claimed by exactly one worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduleEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: str  # dotted path of a django-tasks Task


def jobs() -> list[Job]:
    return [
        Job(name, timedelta(seconds=seconds), task)
        for name, seconds, task in settings.CONCORD_SCHEDULE
    ]


def enqueue_due(now=None) -> list[str]:
    """Queue every job whose interval has passed; return the names queued.

    The claim is a conditional UPDATE, so two workers never queue the same run twice.
    """

    now = now or timezone.now()
    queued = []
    for job in jobs():
        ScheduleEntry.objects.get_or_create(name=job.name)
        claimed = ScheduleEntry.objects.filter(
            Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.every),
            name=job.name,
        ).update(last_enqueued_at=now)
        if claimed:
            try:
                import_string(job.task).enqueue()
                queued.append(job.name)
            except Exception:  # a broken job must not stop the others
                logger.exception("could not queue %s", job.name)
    return queued
