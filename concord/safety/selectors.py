"""Permission-checked reads of public safety records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.selectors import cases_visible_to
from concord.core.errors import NotFound
from concord.triage.algorithms.similarity import similarity

from .models import (
    CheckStatus,
    Hazard,
    Incident,
    Inspection,
    InspectionSite,
    InspectionState,
    PolicyNotice,
    PolicyQuestion,
    PublicWarning,
    RectificationOrder,
    ResidentProfile,
    Verification,
    VulnerableHousehold,
    WarningCheck,
    WarningState,
)


def _staff_q(user, field: str = "place_path") -> Q:
    """Places where the user works on safety: viewing cases or supervising."""
    return perms.place_q(user, Cap.CASE_VIEW, field) | perms.place_q(
        user, Cap.CASE_SUPERVISE, field
    )


def inspections_due_for(user, *, today: date | None = None) -> QuerySet[Inspection]:
    """Return the due (not yet done) inspections in the user's places, oldest first."""
    return (
        Inspection.objects.filter(_staff_q(user), state=InspectionState.DUE)
        .select_related("site", "plan__supervising_unit")
        .order_by("due_on", "id")
    )


def inspections_overdue_for(user, *, today: date | None = None) -> QuerySet[Inspection]:
    today = today or timezone.localdate()
    return inspections_due_for(user).filter(due_on__lt=today)


def warnings_in_force(*, now=None) -> QuerySet[PublicWarning]:
    now = now or timezone.now()
    return PublicWarning.objects.filter(
        state=WarningState.ISSUED, starts_at__lte=now, ends_at__gt=now
    ).prefetch_related("places")


def warnings_lifted_recently(*, days: int = 7, now=None) -> QuerySet[PublicWarning]:
    """Return the warnings lifted in the last `days` days, latest first (public)."""
    now = now or timezone.now()
    return (
        PublicWarning.objects.filter(
            state=WarningState.LIFTED, lifted_at__gte=now - timedelta(days=days)
        )
        .order_by("-lifted_at")
        .prefetch_related("places")
    )


def may_lift_warning(user, warning: PublicWarning) -> bool:
    """Return whether the user supervises every place of the warning (who may lift it)."""
    return all(perms.can(user, Cap.CASE_SUPERVISE, place_path=p.path) for p in warning.places.all())


def warning_public(warning_id: int) -> PublicWarning:
    """Return a warning (warnings are public)."""
    warning = PublicWarning.objects.prefetch_related("places").filter(pk=warning_id).first()
    if warning is None:
        raise NotFound()
    return warning


def warning_checklist_for(user, warning: PublicWarning) -> QuerySet[WarningCheck]:
    """Return the households on this warning that the user may check on (their grid)."""
    return (
        WarningCheck.objects.filter(warning=warning)
        .filter(perms.place_q(user, Cap.CASE_FILE, "household__place_path"))
        .select_related("household", "checked_by")
    )


def get_check_for_user(user, check_id: int) -> WarningCheck:
    check = (
        WarningCheck.objects.filter(pk=check_id)
        .filter(perms.place_q(user, Cap.CASE_FILE, "household__place_path"))
        .select_related("household")
        .first()
    )
    if check is None:
        raise NotFound()
    return check


@dataclass
class ReachCount:
    total: int
    reached: int
    needs_help: int
    not_reached: int
    pending: int


def warning_reach_count(warning: PublicWarning, *, user=None) -> ReachCount:
    """Return the live count of checked households (within the user's places, if given)."""
    qs = WarningCheck.objects.filter(warning=warning)
    if user is not None:
        qs = qs.filter(
            perms.place_q(user, Cap.CASE_FILE, "household__place_path")
            | perms.place_q(user, Cap.CASE_SUPERVISE, "household__place_path")
        )
    counts = dict(qs.values_list("status").annotate(n=Count("id")))
    return ReachCount(
        total=sum(counts.values()),
        reached=counts.get(CheckStatus.REACHED, 0),
        needs_help=counts.get(CheckStatus.NEEDS_HELP, 0),
        not_reached=counts.get(CheckStatus.NOT_REACHED, 0),
        pending=counts.get(CheckStatus.PENDING, 0),
    )


def incidents_for(user) -> QuerySet[Incident]:
    return Incident.objects.filter(perms.place_q(user, Cap.CASE_SUPERVISE, "scope_path")).order_by(
        "-occurred_at"
    )


def get_incident_for_user(user, incident_id: int) -> Incident:
    incident = (
        incidents_for(user)
        .select_related("plan", "response_team")
        .prefetch_related("places", "timeline")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise NotFound()
    return incident


def policies_public(*, on: date | None = None, place_path: str | None = None):
    """Return published policy notices in force on `on` (all when not given)."""
    qs = PolicyNotice.objects.select_related("issuing_unit").prefetch_related("places")
    if on is not None:
        qs = qs.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )
    if place_path:
        # A notice for a town concerns every village under it.
        ancestors = [place_path[: i + 1] for i, c in enumerate(place_path) if c == "/"][1:]
        qs = qs.filter(places__path__in=ancestors).distinct()
    return qs.order_by("-effective_from", "-id")


def policy_public(notice_id: int) -> PolicyNotice:
    notice = policies_public().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def policy_answers_public(notice: PolicyNotice) -> QuerySet[PolicyQuestion]:
    """Return the answered questions on a notice: answers are public, askers are not shown."""
    return PolicyQuestion.objects.filter(notice=notice, answered_at__isnull=False).order_by(
        "asked_at", "id"
    )


def policy_questions_for(user) -> QuerySet[PolicyQuestion]:
    """Return questions on notices of the units the user speaks for (handles or supervises)."""
    units = perms.unit_ids_with(user, Cap.CASE_HANDLE)
    return PolicyQuestion.objects.filter(
        Q(notice__issuing_unit_id__in=units)
        | perms.place_q(user, Cap.CASE_SUPERVISE, "notice__issuing_unit__place__path")
    )


def get_policy_question_for_user(user, question_id: int) -> PolicyQuestion:
    """Return a question the user may answer for its issuing unit, or raise NotFound."""
    question = policy_questions_for(user).filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    return question


def get_order_for_user(user, order_id: int) -> RectificationOrder:
    """Return a rectification order on a case the user may see, or raise NotFound."""
    order = RectificationOrder.objects.filter(pk=order_id, case__in=cases_visible_to(user)).first()
    if order is None:
        raise NotFound()
    return order


@dataclass
class Theme:
    label: str
    count: int
    notice_ids: list[int]
    question_ids: list[int]


def policy_question_themes(
    *, notice: PolicyNotice | None = None, threshold: float = 0.3, min_size: int = 2
) -> list[Theme]:
    """Group similar questions so that recurring confusion shows up (largest group first).

    Questions are linked when their character n-gram similarity (the triage measure) reaches
    `threshold`; each connected group is a theme labelled by its most central question.
    """

    rows = list(
        PolicyQuestion.objects.filter(**({"notice": notice} if notice else {}))
        .order_by("id")
        .values_list("id", "notice_id", "text")
    )
    n = len(rows)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            s = similarity(rows[i][2], rows[j][2])
            sims[i][j] = sims[j][i] = s
            if s >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    themes = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        centre = max(members, key=lambda i: sum(sims[i][j] for j in members))
        themes.append(
            Theme(
                label=rows[centre][2][:120],
                count=len(members),
                notice_ids=sorted({rows[i][1] for i in members}),
                question_ids=[rows[i][0] for i in members],
            )
        )
    return sorted(themes, key=lambda t: (-t.count, t.question_ids[0]))


def households_for(user) -> QuerySet[VulnerableHousehold]:
    """Return the active vulnerable households in the user's grid (where they may file cases)."""
    return (
        VulnerableHousehold.objects.filter(perms.place_q(user, Cap.CASE_FILE, "place_path"))
        .filter(is_active=True)
        .select_related("place")
        .order_by("place_path", "label", "id")
    )


def sites_for(user) -> QuerySet[InspectionSite]:
    return (
        InspectionSite.objects.filter(_staff_q(user)).select_related("place").order_by("name", "id")
    )


def get_site_for_user(user, site_id: int) -> InspectionSite:
    site = sites_for(user).filter(pk=site_id).first()
    if site is None:
        raise NotFound()
    return site


def hazards_for(user) -> QuerySet[Hazard]:
    """Return the hazards whose cases the user may see, newest first."""

    return (
        Hazard.objects.filter(case__in=cases_visible_to(user))
        .select_related("case", "supervising_unit", "site")
        .order_by("-created_at", "-id")
    )


def get_hazard_for_user(user, case_id: int) -> Hazard:
    hazard = (
        hazards_for(user)
        .prefetch_related("case__rectification_orders__supervising_unit")
        .filter(case_id=case_id)
        .first()
    )
    if hazard is None:
        raise NotFound()
    return hazard


def verifications_of(case_id: int) -> QuerySet[Verification]:
    return (
        Verification.objects.filter(case_id=case_id)
        .select_related("verifier")
        .order_by("-created_at", "-id")
    )


def incident_cases_for(user, incident):
    """The cases linked to an incident that this reader may see (the rest are not named)."""

    return incident.cases.filter(pk__in=cases_visible_to(user).values("pk")).order_by("id")


def resident_profile_of(user) -> ResidentProfile | None:
    """The signed-in person's own safety profile (where warnings reach them), if any."""
    return ResidentProfile.objects.select_related("place").filter(user=user).first()
