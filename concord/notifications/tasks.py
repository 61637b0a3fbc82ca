"""Background sends: each task only fetches and calls an action."""

from django_tasks import task

from . import actions


@task()
def delivery_send(delivery_id: int) -> str:
    return actions.delivery_attempt(delivery_id=delivery_id)


@task()
def deliveries_retry() -> int:
    return actions.deliveries_retry_due()


@task()
def resident_message(event_id: int) -> int:
    from .resident_messages import resident_message_send

    return resident_message_send(event_id=event_id)


@task()
def deliveries_send_batch(delivery_ids: list[int]) -> dict:
    return actions.deliveries_attempt_batch(delivery_ids=delivery_ids)
