"""Background jobs of the safety app: each fetches and calls an action."""

from django_tasks import task

from . import actions


@task()
def warning_deliver(warning_id: int) -> int:
    return actions.warning_deliver(warning_id=warning_id)


@task()
def inspections_schedule() -> int:
    return actions.inspections_schedule()
