"""Inspection sites, plans, the schedule of due inspections, and recorded results."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event
from concord.places.models import Place

from ..models import (
    HazardSource,
    Inspection,
    InspectionPlan,
    InspectionSite,
    InspectionState,
    SiteKind,
)
from .common import _choice, _may_manage, _required
from .hazards import hazard_report

# --- inspections ---------------------------------------------------------------------------


@transaction.atomic
def site_register(
    *,
    actor,
    name: str,
    kind: str,
    place: Place,
    address: str = "",
    responsible_party: str = "",
    lat: float | None = None,
    lng: float | None = None,
) -> InspectionSite:
    if not _may_manage(actor, place.path):
        raise PermissionDenied()
    _choice(kind, SiteKind, "kind")
    return InspectionSite.objects.create(
        name=_required(name, "name", max_chars=200),
        kind=kind,
        place=place,
        place_path=place.path,
        address=address[:300],
        responsible_party=responsible_party[:200],
        lat=lat,
        lng=lng,
    )


@transaction.atomic
def inspection_plan_create(
    *,
    actor,
    site: InspectionSite,
    supervising_unit: Unit,
    interval_days: int,
    starts_on: date,
    checklist: list[str],
) -> InspectionPlan:
    """Plan inspections of a site every `interval_days` from `starts_on`, with a checklist."""
    if not _may_manage(actor, site.place_path):
        raise PermissionDenied()
    if not isinstance(interval_days, int) or not 1 <= interval_days <= 366:
        msg = _("Give an interval of 1 to 366 days.")
        raise InvalidInput(msg, fields={"interval_days": msg})
    items = [str(i).strip() for i in (checklist or []) if str(i).strip()]
    if not items or len(set(items)) != len(items):
        msg = _("Give a checklist of distinct items.")
        raise InvalidInput(msg, fields={"checklist": msg})
    plan = InspectionPlan.objects.create(
        site=site,
        supervising_unit=supervising_unit,
        interval_days=interval_days,
        starts_on=starts_on,
        checklist=items,
        created_by=actor,
    )
    append_event(
        stream=f"inspection-plan:{plan.pk}",
        kind="plan_created",
        actor=actor,
        data={"site": site.pk, "interval_days": interval_days, "starts_on": starts_on.isoformat()},
    )
    return plan


def due_dates(plan_start: date, interval: int, after: date | None, until: date) -> list[date]:
    """Return the plan's due days after `after` (or from the start) up to `until`."""
    first = plan_start if after is None else after + timedelta(days=interval)
    if after is not None and after < plan_start:
        first = plan_start
    out = []
    d = first
    while d <= until:
        out.append(d)
        d += timedelta(days=interval)
    return out


def inspections_schedule(*, today: date | None = None, horizon_days: int = 0) -> int:
    """Create the inspections falling due up to today (+ horizon). Idempotent. Return count.

    A plan that has missed many rounds gets at most ``SCHEDULE_MAX_PER_PLAN`` of its latest
    due days, so a long-dormant plan shows as overdue without flooding the list.
    """
    today = today or timezone.localdate()
    until = today + timedelta(days=horizon_days)
    cap = conf.safety().schedule_max_per_plan

    plans = (
        InspectionPlan.objects.filter(is_active=True, starts_on__lte=until)
        .select_related("site")
        .annotate(last_due=Max("inspections__due_on"))
    )
    rows = []
    for plan in plans:
        days = due_dates(plan.starts_on, plan.interval_days, plan.last_due, until)[-cap:]
        rows += [
            Inspection(plan=plan, site=plan.site, place_path=plan.site.place_path, due_on=d)
            for d in days
        ]
    Inspection.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


RESULT_VALUES = {"ok", "fail", "n/a"}


@transaction.atomic
def inspection_record(
    *,
    actor,
    inspection: Inspection,
    results: dict[str, str],
    findings: str = "",
    hazard_type: str | None = None,
) -> Inspection:
    """Record an inspection's checklist results; a failed item with a hazard type files a hazard."""
    inspection = (
        Inspection.objects.select_for_update()
        .select_related("plan", "site__place")
        .get(pk=inspection.pk)
    )
    if not _may_manage(actor, inspection.place_path) and not perms.can(
        actor, Cap.CASE_FILE, place_path=inspection.place_path
    ):
        raise PermissionDenied()
    if inspection.state != InspectionState.DUE:
        raise InvalidTransition(_("This inspection has already been recorded."))
    items = inspection.plan.checklist
    missing = [i for i in items if i not in results]
    bad = [k for k, v in results.items() if k not in items or v not in RESULT_VALUES]
    if missing or bad:
        msg = _("Answer every checklist item with ok, fail or n/a.")
        raise InvalidInput(msg, fields={"results": msg})
    failed = [k for k, v in results.items() if v == "fail"]
    if failed and not findings.strip():
        msg = _("Describe the findings for the failed items.")
        raise InvalidInput(msg, fields={"findings": msg})
    inspection.state = InspectionState.DONE
    inspection.inspector = actor
    inspection.done_at = timezone.now()
    inspection.results = {k: results[k] for k in items}
    inspection.findings = findings.strip()
    if failed and hazard_type:
        site = inspection.site
        submission = hazard_report(
            actor=actor,
            hazard_type=hazard_type,
            title=_("Inspection finding at %(site)s") % {"site": site.name},
            description=findings.strip(),
            place=site.place,
            lat=site.lat,
            lng=site.lng,
            address=site.address,
            source=HazardSource.INSPECTION,
            site=site,
        )
        inspection.hazard_case = submission.case
    inspection.save()
    append_event(
        stream=f"inspection:{inspection.pk}",
        kind="inspection_recorded",
        actor=actor,
        data={
            "results": inspection.results,
            "findings": inspection.findings,
            "hazard_case": inspection.hazard_case_id,
        },
    )
    return inspection
