"""Permission-checked reads of triage results."""

from __future__ import annotations

from django.db.models import QuerySet

from concord.cases.models import Case, Status
from concord.cases.selectors import cases_visible_to

from .models import DuplicateCandidate, IncidentMember


def triage_queue(user) -> QuerySet[Case]:
    """Return cases waiting for a person to categorise them (low-confidence suggestions)."""
    return (
        cases_visible_to(user)
        .filter(status=Status.SUBMITTED, triage__needs_human=True, category__isnull=True)
        .select_related("triage", "place", "owner_unit")
        .order_by("created_at")
    )


def duplicates_of(case: Case) -> QuerySet[DuplicateCandidate]:
    return DuplicateCandidate.objects.filter(case=case).select_related("other").order_by("-score")


def incident_of(case: Case):
    link = IncidentMember.objects.filter(case=case).select_related("incident").first()
    return link.incident if link else None
