"""Decisions and their screening, and the assessment plan."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.places.models import Place

from ..models import Assessment, Decision, DecisionType, Method, Screening, Stage
from .common import _lock_decision, _record, _require_manager, _stream, _text

# --- decisions and screening ---------------------------------------------------------------


def decision_create(
    *,
    actor,
    title: str,
    description: str,
    decision_type: DecisionType,
    owner_unit: Unit,
    places: list[Place],
    affected_groups: list[str] | None = None,
    documents: list[dict] | None = None,
    timeline: list[dict] | None = None,
    is_investment: bool | None = None,
    category_codes: list[str] | None = None,
) -> Decision:
    """Record a proposed major decision of the actor's unit."""
    title = _text(title, "title", max_chars=200)
    description = _text(description, "description", max_chars=20_000)
    if not (
        perms.can(actor, Cap.CASE_HANDLE, unit_id=owner_unit.pk)
        or perms.can(actor, Cap.CASE_SUPERVISE, place_path=owner_unit.place.path)
    ):
        raise PermissionDenied(_("You may only propose decisions for your own unit."))
    if not places:
        msg = _("Name at least one affected place.")
        raise InvalidInput(msg, fields={"places": msg})
    for item in documents or []:
        if not str(item.get("title", "")).strip():
            msg = _("Every document needs a title.")
            raise InvalidInput(msg, fields={"documents": msg})
    with transaction.atomic():
        decision = Decision.objects.create(
            title=title,
            description=description,
            decision_type=decision_type,
            owner_unit=owner_unit,
            place_path=owner_unit.place.path,
            affected_groups=[g.strip() for g in (affected_groups or []) if g.strip()],
            documents=list(documents or []),
            timeline=list(timeline or []),
            is_investment=(
                decision_type.is_investment if is_investment is None else bool(is_investment)
            ),
            category_codes=list(category_codes or []),
            created_by=actor,
        )
        decision.places.set(places)
        _record(
            f"decision:{decision.pk}",
            "decision_created",
            actor,
            public=True,
            title=title,
            type=decision_type.code,
            places=[p.code for p in places],
        )
    return decision


def decision_screen(
    *, actor, decision: Decision, requires: bool | None = None, note: str = ""
) -> Decision:
    """Screen the decision against the list; a deviation from the list needs a written note."""
    with transaction.atomic():
        decision = _lock_decision(decision)
        _require_manager(actor, decision)
        listed = decision.decision_type.requires_assessment
        required = listed if requires is None else bool(requires)
        note = _text(note, "note", max_chars=2000, required=required != listed)
        decision.screening = Screening.REQUIRED if required else Screening.EXEMPT
        decision.screening_note = note
        decision.save(update_fields=["screening", "screening_note", "updated_at"])
        _record(
            f"decision:{decision.pk}",
            "decision_screened",
            actor,
            public=True,
            result=decision.screening,
            listed=listed,
            note=note,
        )
    return decision


# --- plan ----------------------------------------------------------------------------------


def assessment_plan(
    *,
    actor,
    decision: Decision,
    leader,
    team: list | None = None,
    method: str = Method.FULL,
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Assessment:
    """Make the assessment plan: responsible leader, team, method and schedule."""
    if method not in Method.values:
        raise InvalidInput(_("Unknown method."), fields={"method": _("Unknown method.")})
    if ends_on < starts_on:
        msg = _("The schedule ends before it starts.")
        raise InvalidInput(msg, fields={"ends_on": msg})
    with transaction.atomic():
        decision = _lock_decision(decision)
        _require_manager(actor, decision)
        if decision.screening != Screening.REQUIRED:
            raise InvalidTransition(_("Screen the decision as requiring assessment first."))
        if decision.assessments.exclude(stage=Stage.SUPERSEDED).exists():
            raise InvalidTransition(_("This decision already has an assessment in progress."))
        last = decision.assessments.order_by("-round").first()
        assessment = Assessment.objects.create(
            decision=decision,
            round=(last.round + 1) if last else 1,
            method=method,
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
        )
        assessment.team.set(team or [])
        _record(
            _stream(assessment),
            "assessment_planned",
            actor,
            public=True,
            round=assessment.round,
            method=method,
            leader=leader.pk,
            team=sorted(u.pk for u in team or []),
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
    return assessment
