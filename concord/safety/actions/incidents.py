"""Emergency incidents: response plans, the incident log, figures, linked cases and reviews."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.cases.models import Case
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event
from concord.places.models import Place

from ..models import (
    Incident,
    IncidentAction,
    IncidentLevel,
    IncidentState,
    IncidentType,
    ResponsePlan,
)
from .common import _choice, _common_path, _places, _required

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
