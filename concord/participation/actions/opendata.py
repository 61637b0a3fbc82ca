"""Open-data snapshots: which months are due, and taking one."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from concord.cases.models import Case

from .. import opendata
from ..models import OpenDataSnapshot

# --- open data ---------------------------------------------------------------------------------


def opendata_snapshots_due(*, today: date | None = None) -> list[date]:
    """Store the snapshot of every complete month since the first case that has none yet;
    return the months stored now, the latest first.

    Run every ten minutes by the worker, so a finished month is published from its snapshot
    soon after it ends, and months from before snapshots were taken are filled in once (about
    a second and a half each at a million cases). A run with nothing to store reads the first
    case's date and the list of stored months.
    """
    last = opendata.last_complete_month(today)
    first_case = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first_case is None:
        return []
    start = timezone.localtime(first_case).date().replace(day=1)
    months = []
    month = last
    while month >= start:
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    stored = set(OpenDataSnapshot.objects.filter(month__gte=start).values_list("month", flat=True))
    missing = [m for m in months if m not in stored]
    for m in missing:
        opendata_snapshot(month=m)
    return missing


def opendata_snapshot(*, month: date) -> OpenDataSnapshot:
    """Store a complete month's published tables and data dictionary (idempotent)."""
    return opendata.store_snapshot(month)
