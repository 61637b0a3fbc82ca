"""Background work enqueued with the transaction that asked for it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from concord.core.tasks import enqueue_with_transaction
from concord.triage.tasks import triage_case_task

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_task_commits_or_rolls_back_with_the_change(settings):
    settings.TASKS = DB_BACKEND
    with pytest.raises(Boom), transaction.atomic():
        enqueue_with_transaction(triage_case_task, 1)
        assert DBTaskResult.objects.count() == 1  # written inside the transaction
        raise Boom
    assert DBTaskResult.objects.count() == 0
    with transaction.atomic():
        enqueue_with_transaction(triage_case_task, 2)
    assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == [
        {"args": [2], "kwargs": {}}
    ]


@pytest.mark.django_db(transaction=True)
def test_other_backends_are_sent_only_on_commit(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with pytest.raises(Boom), transaction.atomic():
        enqueue_with_transaction(triage_case_task, 1)
        raise Boom
    assert default_task_backend.results == []
    with transaction.atomic():
        enqueue_with_transaction(triage_case_task, 2)
        assert default_task_backend.results == []
    assert [r.args for r in default_task_backend.results] == [[2]]


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_is_down_after_the_commit_does_not_fail_the_committed_change(
    settings, monkeypatch, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks.backends.dummy import DummyBackend

    def down(*args, **kwargs):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(DummyBackend, "enqueue", down)
    with transaction.atomic():
        enqueue_with_transaction(triage_case_task, 3)
    assert "queue unreachable" in caplog.text
