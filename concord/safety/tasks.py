"""Background jobs of the safety app: each fetches and calls an action.

A job that an action queues is defined beside that action (`actions.warnings`), so that the
actions never import this module; it is named here too for jobs queued under this name.
"""

from django_tasks import task

from . import actions
from .actions.warnings import warning_deliver_task as warning_deliver
from .actions.warnings import warning_lift_deliver_task as warning_lift_deliver

__all__ = ["inspections_schedule", "warning_deliver", "warning_lift_deliver"]


@task()
def inspections_schedule() -> int:
    return actions.inspections_schedule()
