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


def duplicates_of(user, case: Case) -> QuerySet[DuplicateCandidate]:
    """Return the likely duplicates of a case that the reader may see.

    Duplicates are looked for among all nearby open cases, sensitive ones included; one that the
    reader may not open must not give its title or receipt code away here either.
    """
    return (
        DuplicateCandidate.objects.filter(case=case, other__in=cases_visible_to(user).values("pk"))
        .select_related("other")
        .order_by("-score")
    )


def incident_of(user, case: Case):
    """Return the incident a case belongs to; its title (its lead case's) only if the reader may
    see that case, else blank."""
    link = IncidentMember.objects.filter(case=case).select_related("incident").first()
    if link is None:
        return None
    incident = link.incident
    if not cases_visible_to(user).filter(pk=incident.lead_case_id).exists():
        incident.title = ""
    return incident
