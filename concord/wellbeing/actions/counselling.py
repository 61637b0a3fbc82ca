"""The counsellor's work on a referral: take, assess, safety plan, contacts, follow-ups, close."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.core.errors import Conflict, InvalidInput, InvalidTransition

from .. import protocol
from ..models import (
    Assessment,
    ClosureOutcome,
    ContactLog,
    ContactMode,
    FollowUp,
    FollowUpState,
    Handover,
    PartnerService,
    Referral,
    ReferralState,
    Risk,
    SafetyPlan,
)
from .common import (
    _alert_first_responders,
    _apply_risk,
    _choice,
    _lock,
    _record,
    _refresh_next_due,
    _text,
    require_team_counsellor,
)

# --- the counsellor's work -----------------------------------------------------------------


@transaction.atomic
def referral_take(*, actor, referral: Referral) -> Referral:
    """Make the acting counsellor responsible for the referral."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is closed."))
    previous = referral.counsellor_id
    referral.counsellor = actor
    referral.save(update_fields=["counsellor"])
    _record(referral, "taken", actor, previous_counsellor=previous)
    return referral


@transaction.atomic
def referral_assess(
    *,
    actor,
    referral: Referral,
    answers: protocol.AssessmentAnswers,
    protective_factors: str = "",
    notes: str = "",
    risk: str | None = None,
    override_reason: str = "",
) -> Assessment:
    """Record the structured assessment and set the referral's risk level and clocks.

    The counsellor may choose a level lower than the one the answers suggest only with a
    written reason.
    """
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is closed."))
    problems = answers.problems()
    if problems:
        raise InvalidInput(fields=problems)
    suggested = protocol.suggest_risk(answers)
    risk = risk or suggested
    _choice(risk, Risk, "risk")
    override_reason = _text(override_reason, "override_reason")
    if protocol.risk_rank(risk) > protocol.risk_rank(suggested) and not override_reason:
        msg = _("Give a reason for choosing a lower level than the assessment suggests.")
        raise InvalidInput(msg, fields={"override_reason": msg})
    now = timezone.now()
    assessment = Assessment.objects.create(
        referral=referral,
        ideation=answers.ideation,
        hopelessness=answers.hopelessness,
        has_plan=answers.has_plan,
        has_means=answers.has_means,
        act_in_progress=answers.act_in_progress,
        protective_factors=_text(protective_factors, "protective_factors"),
        notes=_text(notes, "notes"),
        suggested_risk=suggested,
        risk=risk,
        override_reason=override_reason,
        assessed_by=actor,
        assessed_at=now,
    )
    changed = risk != referral.risk
    _apply_risk(referral, risk, start=now)
    referral.risk_assessed = True
    if referral.counsellor_id is None:
        referral.counsellor = actor
    referral.save(update_fields=["risk_assessed", "counsellor"])
    _refresh_next_due(referral)
    _record(referral, "assessed", actor, assessment=assessment.pk, risk=risk, suggested=suggested)
    if changed and risk == Risk.IMMINENT:
        _alert_first_responders(referral, reason=f"assessed-{assessment.pk}")
    return assessment


SAFETY_PLAN_FIELDS = (
    "warning_signs",
    "coping_strategies",
    "people_to_contact",
    "professionals",
    "means_safety",
    "reasons_for_living",
)


@transaction.atomic
def referral_set_safety_plan(*, actor, referral: Referral, **fields: str) -> SafetyPlan:
    """Write the safety plan (required by policy for high and imminent risk)."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is closed."))
    unknown = set(fields) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise InvalidInput(fields={name: _("Unknown field.") for name in unknown})
    values = {name: _text(fields.get(name, ""), name) for name in SAFETY_PLAN_FIELDS}
    if not any(values.values()):
        raise InvalidInput(_("The safety plan is empty."))
    plan, created = SafetyPlan.objects.update_or_create(
        referral=referral,
        defaults={**values, "updated_by": actor, "updated_at": timezone.now()},
    )
    _record(referral, "safety_plan_written" if created else "safety_plan_updated", actor)
    return plan


@transaction.atomic
def referral_log_contact(
    *, actor, referral: Referral, mode: str, reached: bool, note: str = ""
) -> ContactLog:
    """Log a contact attempt; the first one that reaches the person stops the contact clock."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    _choice(mode, ContactMode, "mode")
    now = timezone.now()
    entry = ContactLog.objects.create(
        referral=referral, mode=mode, reached=reached, note=_text(note, "note"), by=actor, at=now
    )
    if reached and referral.contacted_at is None:
        referral.contacted_at = now
        referral.save(update_fields=["contacted_at"])
    _refresh_next_due(referral)
    _record(
        referral,
        "contact_logged",
        actor,
        contact=entry.pk,
        reached=reached,
        on_time=(now <= referral.contact_due_at)
        if reached and referral.contact_due_at and referral.contacted_at == now
        else None,
    )
    return entry


@transaction.atomic
def follow_up_schedule(*, actor, referral: Referral, due_at: datetime, note: str = "") -> FollowUp:
    """Add a follow-up with a clock (beyond the mandatory ones the policy schedules)."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is closed."))
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if due_at <= timezone.now():
        msg = _("Choose a time in the future.")
        raise InvalidInput(msg, fields={"due_at": msg})
    follow_up = FollowUp.objects.create(referral=referral, due_at=due_at, note=_text(note, "note"))
    _refresh_next_due(referral)
    _record(referral, "follow_up_scheduled", actor, follow_up=follow_up.pk, due=due_at.isoformat())
    return follow_up


@transaction.atomic
def follow_up_complete(*, actor, follow_up: FollowUp, note: str = "") -> FollowUp:
    """Record a follow-up as done (a missed one can still be done late)."""
    referral = _lock(follow_up.referral_id)
    require_team_counsellor(actor, referral)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, referral=referral)
    if follow_up.state not in (FollowUpState.SCHEDULED, FollowUpState.MISSED):
        raise InvalidTransition(
            _("This follow-up is already %(state)s.")
            % {"state": FollowUpState(follow_up.state).label}
        )
    now = timezone.now()
    late = follow_up.state == FollowUpState.MISSED or now > follow_up.due_at
    follow_up.state = FollowUpState.DONE
    follow_up.done_at = now
    follow_up.done_by = actor
    if note:
        follow_up.note = _text(note, "note")
    follow_up.save(update_fields=["state", "done_at", "done_by", "note"])
    _refresh_next_due(referral)
    _record(referral, "follow_up_done", actor, follow_up=follow_up.pk, late=late)
    return follow_up


@transaction.atomic
def referral_hand_over(
    *,
    actor,
    referral: Referral,
    summary: str,
    partner: PartnerService | None = None,
    to_other: str = "",
) -> Handover:
    """Record a handover to a hospital, the 12356 hotline or another partner service."""
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is closed."))
    to_other = _text(to_other, "to_other")[:200]
    if partner is None and not to_other:
        msg = _("Choose a partner service or name the receiver.")
        raise InvalidInput(msg, fields={"partner": msg})
    handover = Handover.objects.create(
        referral=referral,
        partner=partner,
        to_other=to_other,
        summary=_text(summary, "summary", required=True),
        by=actor,
        at=timezone.now(),
    )
    _record(referral, "handed_over", actor, handover=handover.pk, partner=partner and partner.pk)
    return handover


@transaction.atomic
def referral_close(*, actor, referral: Referral, outcome: str, note: str = "") -> Referral:
    """Close the referral with an outcome.

    High and imminent referrals cannot close while a mandatory follow-up is still pending,
    unless the person was handed over (the receiver then follows up).
    """
    referral = _lock(referral)
    require_team_counsellor(actor, referral)
    if not referral.is_open:
        raise InvalidTransition(_("The referral is already closed."))
    _choice(outcome, ClosureOutcome, "outcome")
    pending = FollowUp.objects.filter(
        referral=referral, state__in=[FollowUpState.SCHEDULED, FollowUpState.MISSED]
    )
    if outcome == ClosureOutcome.HANDED_OVER:
        if not Handover.objects.filter(referral=referral).exists():
            msg = _("Record the handover before closing with this outcome.")
            raise InvalidInput(msg, fields={"outcome": msg})
    elif pending.filter(mandatory=True).exists():
        raise Conflict(_("Mandatory follow-ups are still pending."))
    pending.update(state=FollowUpState.CANCELLED)
    now = timezone.now()
    referral.state = ReferralState.CLOSED
    referral.outcome = outcome
    referral.closure_note = _text(note, "note")
    referral.closed_at = now
    referral.closed_by = actor
    referral.save(update_fields=["state", "outcome", "closure_note", "closed_at", "closed_by"])
    _refresh_next_due(referral)
    _record(referral, "closed", actor, outcome=outcome)
    return referral
