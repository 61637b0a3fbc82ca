"""What assessment actions share: stage rules, permission checks, locking and the audit record."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event

from ..models import Assessment, Decision, Stage

DEFAULT_CONSULTATION_DAYS = 10
OPEN_FOR_OPINIONS = {Stage.PLANNING, Stage.CONSULTING, Stage.ANALYSING}


def consultation_min_days() -> int:
    """Return the shortest comment period allowed (PROCESS_RULES 1d: at least 10 days)."""
    return int(conf.concord().consultation_min_days)


# --- helpers -------------------------------------------------------------------------------


def _text(value: str, field: str, *, max_chars: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field: msg})
    if len(value) > max_chars:
        msg = _("At most %(n)d characters.") % {"n": max_chars}
        raise InvalidInput(msg, fields={field: msg})
    return value


def _record(stream: str, event: str, actor, /, *, public: bool = False, **data: Any) -> None:
    append_event(stream=stream, kind=event, actor=actor, public=public, data=data)


def _stream(assessment: Assessment) -> str:
    return f"assessment:{assessment.pk}"


def may_manage(user, decision: Decision) -> bool:
    """Return True for the owner unit's staff, supervisors over it, and the assessment team."""
    if perms.can(user, Cap.CASE_HANDLE, unit_id=decision.owner_unit_id):
        return True
    if perms.can(user, Cap.CASE_SUPERVISE, place_path=decision.place_path):
        return True
    live = decision.assessments.exclude(stage=Stage.SUPERSEDED).first()
    return bool(
        live
        and getattr(user, "pk", None)
        and (live.leader_id == user.pk or live.team.filter(pk=user.pk).exists())
    )


def may_review(user, decision: Decision) -> bool:
    """Return True for supervisors over the owner unit's place (risk-assessment sign-off)."""
    return perms.can(user, Cap.CASE_SUPERVISE, place_path=decision.place_path)


def _require_manager(user, decision: Decision) -> None:
    if not may_manage(user, decision):
        raise PermissionDenied(_("Only the owner unit, its supervisors or the team may do this."))


def _require_reviewer(user, decision: Decision) -> None:
    if not may_review(user, decision):
        raise PermissionDenied(_("Only a supervisor over the owner unit may do this."))


def _lock_decision(decision: Decision | int) -> Decision:
    pk = decision.pk if isinstance(decision, Decision) else decision
    return (
        Decision.objects.select_for_update()
        .select_related("decision_type", "owner_unit__place")
        .get(pk=pk)
    )


def lock_assessment(assessment: Assessment | int) -> Assessment:
    pk = assessment.pk if isinstance(assessment, Assessment) else assessment
    return (
        Assessment.objects.select_for_update()
        .select_related("decision__decision_type", "decision__owner_unit__place")
        .get(pk=pk)
    )


def _require_stage(assessment: Assessment, allowed: set[str], what: str) -> None:
    if assessment.stage not in allowed:
        raise InvalidTransition(
            _("Cannot %(what)s while the assessment is at the stage “%(stage)s”.")
            % {"what": what, "stage": Stage(assessment.stage).label}
        )
