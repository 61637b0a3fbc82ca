"""Permission-checked reads of triage results."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from concord.cases.models import OPEN_STATUSES, Case, Category, Sensitivity, Status
from concord.cases.selectors import cases_visible_to

from .models import DuplicateCandidate, IncidentMember, Suggestion


def open_reports_near(*, place_path: str, category: Category) -> int:
    """Return how many open, non-sensitive reports of this category (or its subcategories)
    lie at or under the place. A number only: nothing of any resident's report is told."""
    return (
        Case.objects.filter(
            place_path__startswith=place_path,
            status__in=OPEN_STATUSES,
            sensitivity=Sensitivity.NORMAL,
        )
        .filter(Q(category=category) | Q(category__code__startswith=f"{category.code}."))
        .count()
    )


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


def awaits_review(case: Case) -> bool:
    """Whether triage left the case's suggested category for a person to check."""
    return Suggestion.objects.filter(case=case, needs_human=True).exists()
