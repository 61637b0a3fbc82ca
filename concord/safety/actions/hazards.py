"""Hazard reports and on-site verification; a hazard case closes only after a passed check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.actions import Submission, lock_case, record_event
from concord.cases.models import Case, Channel, IntakeChannel, Kind, Status
from concord.cases.uploads import sniff
from concord.core import conf
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.places.models import Place
from concord.places.selectors import place_ancestors

from ..geo import distance_outside_m
from ..models import (
    Hazard,
    HazardSource,
    HazardType,
    InspectionSite,
    OrderState,
    RectificationOrder,
    Verification,
)
from .common import _choice, _notify_handlers, _required
from .orders import _start_rectification_clock

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


def _verification_boundary(place: Place) -> dict | None:
    """Return the boundary of the place, or of the nearest place above it that has one."""
    if place.boundary:
        return place.boundary

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
    case = lock_case(case)
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
    tolerance = conf.safety().verify_tolerance_m
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
    record_event(
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
        record_event(
            case, "closed", actor, public=True, note=_("Closed after on-site verification.")
        )
        return verification
    days = redispatch_days or conf.safety().redispatch_days
    case.status = Status.REOPENED
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
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
    record_event(
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
        subject=each("On-site verification failed, re-dispatched: %(title)s", title=case.title),
        body=note,
        dedupe_key=f"redispatch:{verification.pk}",
    )
    return verification


def close_guard(case: Case) -> str | None:
    """Refuse closing a case that still needs a passed on-site verification (W5)."""
    if may_close(case):
        return None
    return str(_("This case closes only after a passed on-site verification."))
