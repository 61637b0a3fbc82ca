"""Background jobs of the participation app (fetch and call an action)."""

from __future__ import annotations

from django_tasks import task

from . import actions, opendata


@task()
def monthly_snapshot() -> str:
    """Store the open-data snapshot of the last complete month (idempotent)."""
    return str(actions.opendata_snapshot(month=opendata.last_complete_month()))


@task()
def suggestion_clocks() -> int:
    return actions.suggestion_clock_tick()
