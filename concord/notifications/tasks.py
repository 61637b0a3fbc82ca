"""Background sends: each task only fetches and calls an action.

The tasks that actions queue sit beside them (`actions.delivery_send`,
`actions.deliveries_send_batch`, `resident_messages.resident_message_task`,
`follows.followers_tell_task`) and are named here too;
this module calls actions, never the other way round.
"""

from django_tasks import task

from . import actions
from .actions import deliveries_send_batch, delivery_send
from .follows import followers_tell_task
from .resident_messages import resident_message_task as resident_message

__all__ = [
    "deliveries_retry",
    "deliveries_send_batch",
    "delivery_send",
    "followers_tell_task",
    "resident_message",
]


@task()
def deliveries_retry() -> int:
    return actions.deliveries_retry_due()
