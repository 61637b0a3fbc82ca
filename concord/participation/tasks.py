"""Background jobs of the participation app (fetch and call an action)."""

from __future__ import annotations

from django_tasks import task

from . import actions


@task()
def monthly_snapshot() -> list[str]:
    """Store the open-data snapshots that are due: the last complete month and any gaps."""
    return [m.isoformat() for m in actions.opendata_snapshots_due()]


@task()
def suggestion_clocks() -> int:
    return actions.suggestion_clock_tick()
