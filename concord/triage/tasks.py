"""Background triage work, queued on commit after intake and on the worker's schedule."""

from django_tasks import task

from concord.core.tasks import enqueue_with_transaction

from .actions import triage_case, triage_missed, triage_retrain


@task()
def triage_case_task(case_id: int) -> None:

    triage_case(case_id)


@task()
def triage_sweep_task() -> int:
    """Triage recent cases that have no triage yet (a queue that was down when they came in)."""

    return triage_missed()


@task()
def retrain_task() -> dict:

    return triage_retrain()


def enqueue_triage(case) -> None:
    """Intake hook: triage the new case in the background, once its submission commits."""

    enqueue_with_transaction(triage_case_task, case.pk)
