"""Background jobs of the safety app: each fetches and calls an action.

A job that an action queues is defined beside that action (`actions.warnings`), so that the
actions never import this module; it is named here too for jobs queued under this name.
"""

from django_tasks import task

from . import actions
from .actions.warnings import warning_deliver_task as warning_deliver

__all__ = ["inspections_schedule", "warning_deliver"]


@task()
def inspections_schedule() -> int:
    return actions.inspections_schedule()


@task()
def warning_lift_deliver(warning_id: int) -> int:
    return actions.warning_lift_deliver(warning_id=warning_id)
