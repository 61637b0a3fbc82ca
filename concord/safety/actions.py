"""Every write in public safety: hazards, rectification, on-site verification, inspections,
incidents, warnings, vulnerable-household checks and policy notices.

Each action takes the acting user, checks permission and state inside a transaction, appends an
audit event (on the case's chain for cases; on its own stream, e.g. ``warning:<id>``, for the
rest, with the stream's owner row locked) and sends notifications on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases import actions as case_actions
from concord.cases.actions import Submission, _is_handler, _record
from concord.cases.audit import append_event
from concord.cases.clocks import clock_start
from concord.cases.models import Case, Channel, IntakeChannel, Kind, Outcome, Status
from concord.cases.uploads import sniff
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.actions import notify
from concord.places.models import Place

from .geo import distance_outside_m
from .models import (
    CheckStatus,
    Hazard,
    HazardSource,
    HazardType,
    Incident,
    IncidentAction,
    IncidentLevel,
    IncidentState,
    IncidentType,
    Inspection,
    InspectionPlan,
    InspectionSite,
    InspectionState,
    OrderState,
    PolicyNotice,
    PolicyQuestion,
    PublicWarning,
    RectificationOrder,
    ResidentProfile,
    ResponsePlan,
    SiteKind,
    Verification,
    Vulnerability,
    VulnerableHousehold,
    WarningCheck,
    WarningColour,
    WarningState,
)


def safety_settings() -> dict[str, Any]:
    """Return the safety policy settings (``CONCORD_SAFETY`` overrides the defaults)."""
    defaults = {
        # How far outside the place's boundary an on-site verification may be taken: GPS on a
        # phone is often 20–100 m off, and a hazard on a boundary road belongs to both sides.
        "VERIFY_TOLERANCE_M": 200.0,
        "REDISPATCH_DAYS": 7,
        "SCHEDULE_MAX_PER_PLAN": 12,
    }
    return {**defaults, **getattr(settings, "CONCORD_SAFETY", {})}


def _required(value: str, field: str, *, max_chars: int = 10_000) -> str:
    value = (value or "").strip()
    if not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field: msg})
    if len(value) > max_chars:
        msg = _("At most %(n)d characters.") % {"n": max_chars}
        raise InvalidInput(msg, fields={field: msg})
    return value


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        msg = _("Unknown value.")
        raise InvalidInput(msg, fields={field: msg})
    return value


def _may_manage(actor, place_path: str) -> bool:
    """Staff who handle or supervise matters at this place (departments, centres, supervisors)."""
    return perms.can(actor, Cap.CASE_HANDLE, place_path=place_path) or perms.can(
        actor, Cap.CASE_SUPERVISE, place_path=place_path
    )


def _common_path(paths: list[str]) -> str:
    parts = [p.strip("/").split("/") for p in paths]
    shared: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return "/" + "/".join(shared) + "/" if shared else "/"


def _places(places: Iterable[Place] | None, field: str = "places") -> list[Place]:
    places = list({p.pk: p for p in (places or [])}.values())
    if not places:
        msg = _("Choose at least one place.")
        raise InvalidInput(msg, fields={field: msg})
    return places


# --- residents and households --------------------------------------------------------------


@transaction.atomic
def resident_profile_set(*, actor, place: Place, address: str = "") -> ResidentProfile:
    """Record where the acting resident lives, so that warnings for that place reach them."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    profile, _created = ResidentProfile.objects.update_or_create(
        user=actor, defaults={"place": place, "place_path": place.path, "address": address[:300]}
    )
    return profile


@transaction.atomic
def household_record(
    *,
    actor,
    place: Place,
    label: str,
    address: str,
    vulnerabilities: list[str],
    consent_by: str,
    consent_on: date,
    phone: str = "",
    notes: str = "",
) -> VulnerableHousehold:
    """Record a vulnerable household for warning check-ups. Only with recorded consent."""
    if not perms.can(actor, Cap.CASE_FILE, place_path=place.path):
        raise PermissionDenied(_("Only grid staff of this place may record households."))
    consent_by = (consent_by or "").strip()
    if not consent_by or consent_on is None:
        msg = _("Record who gave consent (the person or their guardian) and when.")
        raise InvalidInput(msg, fields={"consent_by": msg})
    if not vulnerabilities or any(v not in Vulnerability.values for v in vulnerabilities):
        msg = _("Choose what the household needs.")
        raise InvalidInput(msg, fields={"vulnerabilities": msg})
    household = VulnerableHousehold.objects.create(
        place=place,
        place_path=place.path,
        label=_required(label, "label", max_chars=120),
        address=_required(address, "address", max_chars=300),
        phone=phone.strip()[:32],
        vulnerabilities=sorted(set(vulnerabilities)),
        notes=notes,
        consent_by=consent_by[:120],
        consent_on=consent_on,
        recorded_by=actor,
    )
    append_event(
        stream=f"household:{household.pk}",
        kind="household_recorded",
        actor=actor,
        data={"place": place.code, "consent_by": consent_by, "consent_on": consent_on.isoformat()},
    )
    return household


# --- hazards -------------------------------------------------------------------------------


def hazard_report(
    *,
    actor=None,
    hazard_type: str,
    title: str,
    description: str,
    place: Place | None = None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    source: str = HazardSource.RESIDENT,
    site: InspectionSite | None = None,
    on_behalf_consent: str = "",
    language: str = "zh-hans",
    parties: list[dict[str, Any]] | None = None,
    contact_consent: bool = False,
    idempotency_key: str | None = None,
    idempotency_scope: str = "anonymous",
) -> Submission:
    """File a hazard report as a case (kind ``hazard_report``) and record its hazard details."""
    _choice(hazard_type, HazardType, "hazard_type")
    _choice(source, HazardSource, "source")
    if source == HazardSource.GRID_WORKER:
        intake = IntakeChannel.GRID_WORKER
        # A hazard a grid worker finds on patrol involves no resident whose consent is needed.
        on_behalf_consent = on_behalf_consent or _("Found by the grid worker on patrol.")
    elif source == HazardSource.INSPECTION:
        intake = IntakeChannel.API
    else:
        intake = IntakeChannel.WEB
    if source != HazardSource.RESIDENT and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Only staff may file hazards from patrols or inspections."))
    with transaction.atomic():
        submission = case_actions.case_submit(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            kind=Kind.HAZARD_REPORT,
            title=title,
            description=description,
            place=place,
            lat=lat,
            lng=lng,
            address=address,
            language=language,
            intake_channel=intake,
            parties=parties,
            contact_consent=contact_consent,
            on_behalf_consent=on_behalf_consent,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
        )
        if submission.created:
            Hazard.objects.create(
                case=submission.case, hazard_type=hazard_type, source=source, site=site
            )
    return submission


def verification_required(case: Case) -> bool:
    """Return True for cases that close only after a passed on-site verification (W5)."""
    return case.kind == Kind.HAZARD_REPORT or case.channel == Channel.SERVICE_DISPATCH


def may_close(case: Case) -> bool:
    """Return True if the case may be closed: no verification needed, or the last one passed."""
    if not verification_required(case):
        return True
    last = Verification.objects.filter(case=case).order_by("-created_at", "-id").first()
    return bool(last and last.passed)


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("place", "owner_unit").get(pk=case.pk)


def _notify_handlers(case: Case, *, kind: str, subject, body="", dedupe_key: str = "") -> None:
    recipients = (
        list(holders(Cap.CASE_HANDLE, unit_id=case.owner_unit_id)) if case.owner_unit_id else []
    )
    if case.assignee_id:
        recipients.append(case.assignee)
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            body=body,
            case=case,
            link=f"/cases/{case.pk}",
            dedupe_key=dedupe_key,
        )
    )


@transaction.atomic
def rectification_order_issue(
    *,
    actor,
    case: Case,
    responsible_party: str,
    supervising_unit: Unit,
    requirements: str,
    due_on: date,
    responsible_contact: str = "",
) -> RectificationOrder:
    """Order the responsible party to remove the hazard by `due_on`; the case moves to work."""
    case = _lock_case(case)
    if case.kind != Kind.HAZARD_REPORT:
        raise InvalidTransition(_("Rectification orders are for hazard reports."))
    if not _is_handler(actor, case):
        raise PermissionDenied(_("Only the owning unit or a supervisor may do this."))
    if case.status not in {Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}:
        raise InvalidTransition(_("Accept the hazard report before ordering its rectification."))
    if RectificationOrder.objects.filter(case=case).exclude(state=OrderState.VERIFIED).exists():
        raise InvalidTransition(_("This hazard already has a rectification order in force."))
    today = timezone.localdate()
    if due_on is None or due_on <= today:
        msg = _("Give a deadline after today.")
        raise InvalidInput(msg, fields={"due_on": msg})
    order = RectificationOrder.objects.create(
        case=case,
        responsible_party=_required(responsible_party, "responsible_party", max_chars=200),
        responsible_contact=responsible_contact.strip()[:120],
        supervising_unit=supervising_unit,
        requirements=_required(requirements, "requirements"),
        due_on=due_on,
        issued_by=actor,
    )
    Hazard.objects.filter(case=case).update(supervising_unit=supervising_unit)
    if case.status != Status.IN_PROGRESS:
        case_actions.case_start(actor=actor, case=case)
    _start_rectification_clock(case, today, due_on)
    _record(
        case,
        "rectification_ordered",
        actor,
        public=True,
        order=order.pk,
        responsible_party=order.responsible_party,
        supervising_unit=supervising_unit.code,
        due_on=due_on.isoformat(),
        requirements=order.requirements,
    )
    sup = list(holders(Cap.CASE_HANDLE, unit_id=supervising_unit.pk))
    transaction.on_commit(
        lambda: notify(
            recipients=sup,
            kind="rectification_ordered",
            subject={
                "zh-hans": f"整改通知：{case.title}（期限 {due_on:%Y-%m-%d}）",
                "en": f"Rectification order: {case.title} (due {due_on:%Y-%m-%d})",
            },
            body=order.requirements,
            case=case,
            dedupe_key=f"rectification:{order.pk}:1",
        )
    )
    return order


def _start_rectification_clock(case: Case, today: date, due_on: date) -> None:
    clock_start(
        case=case,
        kind="rectification",
        amount=(due_on - today).days,
        unit="calendar_days",
        started_on=today,
        basis=_("Rectification order deadline"),
        grade="C",
    )


@transaction.atomic
def rectification_report_done(*, actor, order: RectificationOrder, note: str) -> RectificationOrder:
    """Record that the party says the hazard is removed; the case then awaits verification."""
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.ISSUED:
        raise InvalidTransition(_("This order is not waiting for rectification."))
    note = _required(note, "note")
    case_actions.case_resolve(actor=actor, case=order.case, outcome=Outcome.FIXED, text=note)
    order.state = OrderState.REPORTED_DONE
    order.reported_at = timezone.now()
    order.save(update_fields=["state", "reported_at"])
    from concord.cases.models import Clock, ClockState

    Clock.objects.filter(
        case_id=order.case_id, kind="rectification", state=ClockState.RUNNING
    ).update(state=ClockState.MET, met_at=timezone.now())
    return order


def _verification_boundary(place: Place) -> dict | None:
    """Return the boundary of the place, or of the nearest place above it that has one."""
    if place.boundary:
        return place.boundary
    from concord.places.selectors import place_ancestors

    for p in reversed(place_ancestors(place)):
        if p.boundary:
            return p.boundary
    return None


@transaction.atomic
def case_verify_on_site(
    *,
    actor,
    case: Case,
    passed: bool,
    note: str,
    photo: bytes | None,
    photo_name: str = "verification.jpg",
    lat: float | None,
    lng: float | None,
    redispatch_days: int | None = None,
) -> Verification:
    """Record an on-site check of a resolved hazard or service-dispatch case (W5 核查).

    Refused without a photo, a note and a location inside the case's place (within the
    tolerance setting). A pass closes the case; a fail re-opens it for the owning unit
    (re-dispatch) and, for a hazard, gives its rectification order a new deadline.
    """
    case = _lock_case(case)
    if not verification_required(case):
        raise InvalidTransition(_("Only hazard and service-dispatch cases are verified on site."))
    if not (
        perms.can(actor, Cap.CASE_FILE, place_path=case.place_path)
        or perms.can(actor, Cap.CASE_HANDLE, place_path=case.place_path)
    ):
        raise PermissionDenied(_("Only a grid worker or inspector for this place may verify."))
    if case.status != Status.RESOLVED:
        raise InvalidTransition(_("Only a case reported as handled can be verified on site."))
    if not photo:
        msg = _("Take a photo on site: a verification without a photo is refused.")
        raise InvalidInput(msg, fields={"photo": msg})
    if sniff(photo[:4096]) not in {"image/jpeg", "image/png", "image/webp", "image/gif"}:
        msg = _("The photo must be a JPEG, PNG, WebP or GIF image.")
        raise InvalidInput(msg, fields={"photo": msg})
    note = _required(note, "note")
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        msg = _("Give the location where the photo was taken.")
        raise InvalidInput(msg, fields={"lat": msg})
    boundary = _verification_boundary(case.place)
    outside = distance_outside_m(boundary, lng=lng, lat=lat) if boundary else 0.0
    tolerance = float(safety_settings()["VERIFY_TOLERANCE_M"])
    if outside > tolerance:
        msg = _(
            "The location is %(d).0f m outside %(place)s (allowed: %(t).0f m); verify on site."
        ) % {"d": outside, "place": case.place.localized_name(), "t": tolerance}
        raise InvalidInput(msg, fields={"lat": msg})
    # The permission check above is this step's; the attachment is stored without its own.
    attachment = case_actions.case_attach(case=case, data=photo, name=photo_name, public=False)
    order = (
        RectificationOrder.objects.select_for_update()
        .filter(case=case, state=OrderState.REPORTED_DONE)
        .first()
    )
    verification = Verification.objects.create(
        case=case,
        order=order,
        verifier=actor,
        passed=bool(passed),
        note=note,
        photo=attachment,
        lat=lat,
        lng=lng,
        distance_outside_m=round(outside, 1),
    )
    _record(
        case,
        "verified_on_site",
        actor,
        public=True,
        verification=verification.pk,
        passed=bool(passed),
        note=note,
        lat=lat,
        lng=lng,
        attachment=attachment.pk,
    )
    now = timezone.now()
    if passed:
        if order is not None:
            order.state = OrderState.VERIFIED
            order.save(update_fields=["state"])
        case.status = Status.CLOSED
        case.closed_at = now
        case.save(update_fields=["status", "closed_at", "updated_at"])
        _record(case, "closed", actor, public=True, note=_("Closed after on-site verification."))
        return verification
    days = redispatch_days or int(safety_settings()["REDISPATCH_DAYS"])
    case.status = Status.REOPENED
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    _record(
        case,
        "reopened",
        actor,
        public=True,
        reason=_("On-site verification failed: %(note)s") % {"note": note},
    )
    new_due = timezone.localdate() + timedelta(days=days)
    if order is not None:
        order.state = OrderState.ISSUED
        order.rounds += 1
        order.due_on = new_due
        order.reported_at = None
        order.save(update_fields=["state", "rounds", "due_on", "reported_at"])
        _start_rectification_clock(case, timezone.localdate(), new_due)
    _record(
        case,
        "redispatched",
        actor,
        public=True,
        unit=case.owner_unit.code,
        due_on=new_due.isoformat(),
        round=order.rounds if order else None,
    )
    _notify_handlers(
        case,
        kind="redispatched",
        subject={
            "zh-hans": f"现场核查未通过，重新派遣：{case.title}",
            "en": f"On-site verification failed, re-dispatched: {case.title}",
        },
        body=note,
        dedupe_key=f"redispatch:{verification.pk}",
    )
    return verification


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
    cap = int(safety_settings()["SCHEDULE_MAX_PER_PLAN"])
    from django.db.models import Max

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


# --- emergency incidents -------------------------------------------------------------------


def _require_supervisor_over(actor, places: list[Place]) -> None:
    if not all(perms.can(actor, Cap.CASE_SUPERVISE, place_path=p.path) for p in places):
        raise PermissionDenied(_("Only a supervisor over every affected place may do this."))


@transaction.atomic
def response_plan_create(
    *, actor, incident_type: str, title: str, checklist: list[str]
) -> ResponsePlan:
    if not any(
        Cap.CASE_SUPERVISE in g.caps or Cap.PLATFORM_ADMIN in g.caps for g in perms.grants(actor)
    ):
        raise PermissionDenied()
    _choice(incident_type, IncidentType, "incident_type")
    items = [str(i).strip() for i in checklist or [] if str(i).strip()]
    if not items:
        msg = _("Give the plan's checklist.")
        raise InvalidInput(msg, fields={"checklist": msg})
    ResponsePlan.objects.filter(incident_type=incident_type, is_active=True).update(is_active=False)
    return ResponsePlan.objects.create(
        incident_type=incident_type, title=_required(title, "title", max_chars=200), checklist=items
    )


def _incident_event(incident: Incident, kind: str, actor, **data: Any) -> None:
    append_event(stream=f"incident:{incident.pk}", kind=kind, actor=actor, data=data)


@transaction.atomic
def incident_record(
    *,
    actor,
    title: str,
    incident_type: str,
    level: str,
    places: Iterable[Place],
    occurred_at: datetime,
    description: str = "",
    response_team: Unit | None = None,
    deaths: int = 0,
    injured: int = 0,
    missing: int = 0,
    displaced: int = 0,
    needs: str = "",
) -> Incident:
    """Record an emergency incident with its level, places and first casualty figures."""
    places = _places(places)
    _require_supervisor_over(actor, places)
    _choice(incident_type, IncidentType, "incident_type")
    _choice(level, IncidentLevel, "level")
    if min(deaths, injured, missing, displaced) < 0:
        raise InvalidInput(_("Counts cannot be negative."))
    incident = Incident.objects.create(
        title=_required(title, "title", max_chars=200),
        incident_type=incident_type,
        level=level,
        scope_path=_common_path([p.path for p in places]),
        occurred_at=occurred_at,
        description=description,
        response_team=response_team,
        plan=ResponsePlan.objects.filter(incident_type=incident_type, is_active=True).first(),
        deaths=deaths,
        injured=injured,
        missing=missing,
        displaced=displaced,
        needs=needs,
        created_by=actor,
    )
    incident.places.set(places)
    IncidentAction.objects.create(
        incident=incident, at=timezone.now(), text=_("Incident recorded."), actor=actor
    )
    _incident_event(
        incident,
        "incident_recorded",
        actor,
        level=level,
        places=[p.code for p in places],
        casualties=[deaths, injured, missing, displaced],
    )
    return incident


def _lock_incident(actor, incident: Incident) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_supervisor_over(actor, list(incident.places.all()))
    return incident


@transaction.atomic
def incident_log_action(
    *, actor, incident: Incident, text: str, checklist_item: str = "", at: datetime | None = None
) -> IncidentAction:
    """Add a step to the incident's timeline, ticking a plan checklist item if it names one."""
    incident = _lock_incident(actor, incident)
    if incident.state != IncidentState.RESPONDING:
        raise InvalidTransition(_("The response has ended."))
    text = _required(text, "text")
    if checklist_item:
        items = incident.plan.checklist if incident.plan else []
        if checklist_item not in items:
            msg = _("Not an item of the response plan's checklist.")
            raise InvalidInput(msg, fields={"checklist_item": msg})
        if checklist_item not in incident.checklist_done:
            incident.checklist_done = [*incident.checklist_done, checklist_item]
            incident.save(update_fields=["checklist_done"])
    entry = IncidentAction.objects.create(
        incident=incident,
        at=at or timezone.now(),
        text=text,
        checklist_item=checklist_item,
        actor=actor,
    )
    _incident_event(incident, "action", actor, text=text, checklist_item=checklist_item or None)
    return entry


@transaction.atomic
def incident_update_figures(
    *,
    actor,
    incident: Incident,
    deaths: int,
    injured: int,
    missing: int,
    displaced: int,
    needs: str,
) -> Incident:
    incident = _lock_incident(actor, incident)
    if min(deaths, injured, missing, displaced) < 0:
        raise InvalidInput(_("Counts cannot be negative."))
    incident.deaths, incident.injured = deaths, injured
    incident.missing, incident.displaced, incident.needs = missing, displaced, needs
    incident.save(update_fields=["deaths", "injured", "missing", "displaced", "needs"])
    _incident_event(
        incident, "figures", actor, casualties=[deaths, injured, missing, displaced], needs=needs
    )
    return incident


@transaction.atomic
def incident_link_case(*, actor, incident: Incident, case: Case) -> Incident:
    incident = _lock_incident(actor, incident)
    if not case.place_path.startswith(incident.scope_path):
        raise InvalidInput(_("The case is outside the incident's places."))
    incident.cases.add(case)
    _incident_event(incident, "case_linked", actor, case=case.receipt_code)
    return incident


@transaction.atomic
def incident_close(*, actor, incident: Incident, note: str = "") -> Incident:
    incident = _lock_incident(actor, incident)
    if incident.state != IncidentState.RESPONDING:
        raise InvalidTransition(_("The response has already ended."))
    incident.state = IncidentState.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["state", "closed_at"])
    _incident_event(incident, "response_ended", actor, note=note or None)
    return incident


@transaction.atomic
def incident_review(*, actor, incident: Incident, review: str, lessons: str) -> Incident:
    """Record the after-action review once the response has ended."""
    incident = _lock_incident(actor, incident)
    if incident.state != IncidentState.CLOSED:
        raise InvalidTransition(_("Review an incident after its response has ended."))
    incident.review = _required(review, "review")
    incident.lessons = _required(lessons, "lessons")
    incident.state = IncidentState.REVIEWED
    incident.reviewed_at = timezone.now()
    incident.save(update_fields=["review", "lessons", "state", "reviewed_at"])
    _incident_event(incident, "reviewed", actor, review=incident.review, lessons=incident.lessons)
    return incident


# --- warnings ------------------------------------------------------------------------------

COLOUR_ZH = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
COLOUR_EN = {"blue": "Blue", "yellow": "Yellow", "orange": "Orange", "red": "Red"}
# Orange and red warnings reach everyone (opt-outs ignored) and go by text message as well.
URGENT_COLOURS = {WarningColour.ORANGE, WarningColour.RED}


@transaction.atomic
def warning_issue(
    *,
    actor,
    colour: str,
    hazard_type: str,
    title_zh: str,
    title_en: str,
    instructions_zh: str,
    instructions_en: str,
    places: Iterable[Place] | None,
    ends_at: datetime | None,
    starts_at: datetime | None = None,
    incident: Incident | None = None,
) -> PublicWarning:
    """Issue a warning for places and a period; residents are told and checklists created."""
    places = _places(places)
    _choice(colour, WarningColour, "colour")
    _choice(hazard_type, HazardType, "hazard_type")
    instructions_zh = _required(instructions_zh, "instructions_zh")
    instructions_en = _required(instructions_en, "instructions_en")
    now = timezone.now()
    starts_at = starts_at or now
    if ends_at is None:
        msg = _("Give the time the warning ends.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    if ends_at <= starts_at or ends_at <= now:
        msg = _("The warning must end after it starts and in the future.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    _require_supervisor_over(actor, places)
    warning = PublicWarning.objects.create(
        colour=colour,
        hazard_type=hazard_type,
        title_zh=_required(title_zh, "title_zh", max_chars=200),
        title_en=_required(title_en, "title_en", max_chars=200),
        instructions_zh=instructions_zh,
        instructions_en=instructions_en,
        starts_at=starts_at,
        ends_at=ends_at,
        incident=incident,
        issued_by=actor,
    )
    warning.places.set(places)
    households = VulnerableHousehold.objects.filter(is_active=True).filter(
        _path_q([p.path for p in places])
    )
    WarningCheck.objects.bulk_create(
        [WarningCheck(warning=warning, household=h) for h in households]
    )
    append_event(
        stream=f"warning:{warning.pk}",
        kind="warning_issued",
        actor=actor,
        public=True,
        data={
            "colour": colour,
            "places": [p.code for p in places],
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
        },
    )
    transaction.on_commit(lambda: _enqueue_delivery(warning.pk))
    return warning


def _enqueue_delivery(warning_id: int) -> None:
    from .tasks import warning_deliver

    warning_deliver.enqueue(warning_id)


def _path_q(paths: list[str], field: str = "place_path"):
    from django.db.models import Q

    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def warning_deliver(*, warning_id: int) -> int:
    """Tell the residents of the warning's places and their grid staff. Idempotent.

    Return the number of residents newly notified.
    """
    warning = PublicWarning.objects.get(pk=warning_id)
    if warning.state != WarningState.ISSUED:
        return 0
    paths = list(warning.places.values_list("path", flat=True))
    residents = list(
        get_user_model().objects.filter(
            is_active=True,
            pk__in=ResidentProfile.objects.filter(_path_q(paths)).values("user_id"),
        )
    )
    start, end = timezone.localtime(warning.starts_at), timezone.localtime(warning.ends_at)
    period = f"{start:%m-%d %H:%M} – {end:%m-%d %H:%M}"
    subject = {
        "zh-hans": f"【{COLOUR_ZH[warning.colour]}预警】{warning.title_zh}",
        "en": f"[{COLOUR_EN[warning.colour]} warning] {warning.title_en}",
    }
    body = {
        "zh-hans": f"{warning.instructions_zh}\n（{period}）",
        "en": f"{warning.instructions_en}\n({period})",
    }
    urgent = warning.colour in URGENT_COLOURS
    # The notices are about the warned area: supervisors over it see any that fail to arrive.
    area = Place.objects.filter(path=_common_path(paths)).first()
    sent = notify(
        recipients=residents,
        kind="warning",
        subject=subject,
        body=body,
        place=area,
        link=f"/safety/warnings/{warning.pk}/",
        dedupe_key=f"warning:{warning.pk}",
        statutory=urgent,
        urgent=urgent,
    )
    staff = list(holders(Cap.CASE_FILE, under_places=paths))
    notify(
        recipients=staff,
        kind="warning_checklist",
        subject=subject,
        body={
            "zh-hans": "请逐户联系清单上的重点关爱家庭，并标记“已联系 / 需要帮助 / 未联系上”。",
            "en": "Check on each household on your list and mark it reached, needs help or "
            "not reached.",
        },
        place=area,
        link=f"/safety/warnings/{warning.pk}/checklist/",
        dedupe_key=f"warning-staff:{warning.pk}",
        statutory=True,
    )
    with transaction.atomic():
        locked = PublicWarning.objects.select_for_update().get(pk=warning.pk)
        locked.residents_notified += sent
        locked.save(update_fields=["residents_notified"])
        append_event(
            stream=f"warning:{warning.pk}",
            kind="warning_delivered",
            data={"residents": sent, "staff": len(staff)},
        )
    return sent


@transaction.atomic
def warning_lift(*, actor, warning: PublicWarning, reason: str) -> PublicWarning:
    warning = PublicWarning.objects.select_for_update().get(pk=warning.pk)
    _require_supervisor_over(actor, list(warning.places.all()))
    if warning.state != WarningState.ISSUED:
        raise InvalidTransition(_("This warning is no longer in force."))
    warning.state = WarningState.LIFTED
    warning.lifted_at = timezone.now()
    warning.save(update_fields=["state", "lifted_at"])
    append_event(
        stream=f"warning:{warning.pk}",
        kind="warning_lifted",
        actor=actor,
        public=True,
        data={"reason": _required(reason, "reason")},
    )
    return warning


@transaction.atomic
def warning_check_mark(*, actor, check: WarningCheck, status: str, note: str = "") -> WarningCheck:
    """Mark one household on a warning's checklist reached, needing help or not reached."""
    check = WarningCheck.objects.select_for_update().select_related("household").get(pk=check.pk)
    if not perms.can(actor, Cap.CASE_FILE, place_path=check.household.place_path):
        raise PermissionDenied(_("Only grid staff of this household's place may mark it."))
    if status not in {CheckStatus.REACHED, CheckStatus.NEEDS_HELP, CheckStatus.NOT_REACHED}:
        msg = _("Mark reached, needs help or not reached.")
        raise InvalidInput(msg, fields={"status": msg})
    if status == CheckStatus.NEEDS_HELP and not note.strip():
        msg = _("Say what help is needed.")
        raise InvalidInput(msg, fields={"note": msg})
    # The warning row owns the stream; lock it so concurrent marks chain in order.
    PublicWarning.objects.select_for_update().filter(pk=check.warning_id).first()
    check.status = status
    check.note = note.strip()[:500]
    check.checked_by = actor
    check.checked_at = timezone.now()
    check.save(update_fields=["status", "note", "checked_by", "checked_at"])
    append_event(
        stream=f"warning:{check.warning_id}",
        kind="household_checked",
        actor=actor,
        data={"check": check.pk, "status": status, "note": check.note or None},
    )
    return check


# --- policy notices ------------------------------------------------------------------------


def _may_speak_for(actor, unit: Unit) -> bool:
    return perms.can(actor, Cap.CASE_HANDLE, unit_id=unit.pk) or perms.can(
        actor, Cap.CASE_SUPERVISE, place_path=unit.place.path
    )


@transaction.atomic
def policy_publish(
    *,
    actor,
    title_zh: str,
    title_en: str,
    body: str,
    interpretation_zh: str,
    interpretation_en: str = "",
    issuing_unit: Unit,
    places: Iterable[Place] | None,
    effective_from: date,
    effective_to: date | None = None,
) -> PolicyNotice:
    """Publish a policy with its plain-language interpretation, dates and places."""
    if not _may_speak_for(actor, issuing_unit):
        raise PermissionDenied(_("Only the issuing unit may publish its policies."))
    places = _places(places)
    if effective_from is None:
        msg = _("Give the date the policy takes effect.")
        raise InvalidInput(msg, fields={"effective_from": msg})
    if effective_to is not None and effective_to < effective_from:
        msg = _("The policy cannot end before it takes effect.")
        raise InvalidInput(msg, fields={"effective_to": msg})
    notice = PolicyNotice.objects.create(
        title_zh=_required(title_zh, "title_zh", max_chars=200),
        title_en=(title_en or "").strip()[:200],
        body=_required(body, "body", max_chars=100_000),
        interpretation_zh=_required(interpretation_zh, "interpretation_zh"),
        interpretation_en=interpretation_en.strip(),
        issuing_unit=issuing_unit,
        effective_from=effective_from,
        effective_to=effective_to,
        published_by=actor,
    )
    notice.places.set(places)
    append_event(
        stream=f"policy:{notice.pk}",
        kind="policy_published",
        actor=actor,
        public=True,
        data={"places": [p.code for p in places], "effective_from": effective_from.isoformat()},
    )
    return notice


@transaction.atomic
def policy_question_ask(
    *, notice: PolicyNotice, text: str, actor=None, language: str = "zh-hans"
) -> PolicyQuestion:
    """Ask a question about a policy (anyone; an account lets the answer reach the inbox)."""
    text = _required(text, "text", max_chars=2000)
    question = PolicyQuestion.objects.create(
        notice=notice,
        text=text,
        language=language if language in {"zh-hans", "en"} else "zh-hans",
        asked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PolicyNotice.objects.select_for_update().filter(pk=notice.pk).first()
    append_event(
        stream=f"policy:{notice.pk}",
        kind="question_asked",
        public=True,
        data={"question": question.pk},
    )
    return question


@transaction.atomic
def policy_question_answer(*, actor, question: PolicyQuestion, answer: str) -> PolicyQuestion:
    """Answer a question publicly; the asker is told (a written answer is a statutory notice)."""
    question = (
        # Lock only the question's own row: PostgreSQL refuses FOR UPDATE across the nullable
        # side of the outer join that select_related makes for `asked_by`.
        PolicyQuestion.objects.select_for_update(of=("self",))
        .select_related("notice__issuing_unit__place", "asked_by")
        .get(pk=question.pk)
    )
    if not _may_speak_for(actor, question.notice.issuing_unit):
        raise PermissionDenied(_("Only the issuing unit may answer questions on its policies."))
    question.answer = _required(answer, "answer")
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    PolicyNotice.objects.select_for_update().filter(pk=question.notice_id).first()
    append_event(
        stream=f"policy:{question.notice_id}",
        kind="question_answered",
        actor=actor,
        public=True,
        data={"question": question.pk, "answer": question.answer},
    )
    if question.asked_by_id:
        asker, notice = question.asked_by, question.notice
        transaction.on_commit(
            lambda: notify(
                recipients=[asker],
                kind="policy_answer",
                subject={
                    "zh-hans": f"您关于“{notice.title_zh}”的提问已答复",
                    "en": f"Your question on “{notice.title_en or notice.title_zh}” was answered",
                },
                body=question.answer,
                link=f"/safety/policies/{notice.pk}/",
                dedupe_key=f"policy-answer:{question.pk}",
                statutory=True,
            )
        )
    return question


def close_guard(case: Case) -> str | None:
    """Refuse closing a case that still needs a passed on-site verification (W5)."""
    if may_close(case):
        return None
    return str(_("This case closes only after a passed on-site verification."))


@transaction.atomic
def resident_profile_update(
    *,
    actor,
    place: Place,
    address: str = "",
    language: str | None = None,
    email: bool | None = None,
    sms: bool | None = None,
    phone: str | None = None,
    opted_out: bool | None = None,
) -> ResidentProfile:
    """Set the acting resident's place with their language and channels, all or nothing."""
    from concord.notifications.actions import preference_set

    profile = resident_profile_set(actor=actor, place=place, address=address)
    preference_set(
        actor=actor, email=email, sms=sms, opted_out=opted_out, language=language, phone=phone
    )
    return profile
