"""Every write of the crisis protocol, the sealed referral record and the counselling network.

Each action takes a required actor (None only for the intake hook and the clock job), runs in a
transaction, checks permission and state, appends its event to the referral's own hash-chained
stream ("referral:<id>") and sends its alerts on commit. Case streams only ever get the bare fact
"referred to psychological services": no referral contents are copied there.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Cap, Role
from concord.cases.audit import append_event, stream_for_case
from concord.cases.models import Case
from concord.cases.selectors import cases_visible_to
from concord.core.errors import (
    ConcordError,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from concord.notifications.actions import notify
from concord.places.models import Place
from concord.places.selectors import place_ancestors
from concord.triage.algorithms.signals import SUICIDE_SELF_HARM, detect_signals

from . import protocol
from .models import (
    ActivityKind,
    Assessment,
    ClosureOutcome,
    CommunityActivity,
    ContactLog,
    ContactMode,
    DutyShift,
    ExportRequest,
    ExportState,
    FollowUp,
    FollowUpState,
    Handover,
    PartnerKind,
    PartnerService,
    Referral,
    ReferralState,
    Risk,
    SafetyPlan,
    Source,
    TeamProfile,
)
from .policy import policy, rule_for

logger = logging.getLogger(__name__)

CASE_EVENT_KIND = "referred_to_psychological_services"
MAX_TEXT = 10_000


class NoCounsellingTeam(ConcordError):
    code = "no_counselling_team"
    status = 503


def referral_stream(referral_id: int) -> str:
    return f"referral:{referral_id}"


def _record(referral: Referral, kind: str, actor=None, **data: Any) -> None:
    # case=None: referral events must never appear in the triggering case's event list.
    append_event(
        stream=referral_stream(referral.pk),
        kind=kind,
        actor=actor,
        case=None,
        public=False,
        data={k: v for k, v in data.items() if v is not None},
    )


def _lock(referral: Referral | int) -> Referral:
    pk = referral.pk if isinstance(referral, Referral) else referral
    return Referral.objects.select_for_update().select_related("team", "place").get(pk=pk)


def _text(value: str | None, field_name: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field_name: msg})
    if len(value) > MAX_TEXT:
        msg = _("At most %(n)d characters.") % {"n": MAX_TEXT}
        raise InvalidInput(msg, fields={field_name: msg})
    return value


def _choice(value: str, choices, field_name: str) -> str:
    if value not in choices.values:
        msg = _("Unknown value.")
        raise InvalidInput(msg, fields={field_name: msg})
    return value


# --- who is who ----------------------------------------------------------------------------


def is_team_counsellor(user, *, team_id: int, place_path: str | None = None) -> bool:
    """Return whether the user is a counsellor of this team (over this place, if given)."""
    return perms.can(user, Cap.WELLBEING, unit_id=team_id, place_path=place_path)


def require_team_counsellor(user, referral: Referral) -> None:
    if not is_team_counsellor(user, team_id=referral.team_id, place_path=referral.place_path):
        # Not Forbidden: outsiders must not learn that the referral exists.
        raise NotFound()


def team_for_place(place: Place) -> Unit | None:
    """Return the nearest active counselling team at or above the place."""
    chain = place_ancestors(place)
    teams = {
        u.place_id: u
        for u in Unit.objects.filter(
            place__in=chain, kind=UnitKind.COUNSELLING_TEAM, is_active=True
        ).order_by("-code")
    }
    for p in reversed(chain):
        if p.id in teams:
            return teams[p.id]
    return None


def team_counsellors(team_id: int):
    User = get_user_model()
    ids = Membership.objects.filter(unit_id=team_id, role=Role.COUNSELLOR, is_active=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def on_duty(team_id: int, at: datetime | None = None):
    """Return the counsellors of the team on duty at a moment (default: now)."""
    at = at or timezone.now()
    User = get_user_model()
    ids = DutyShift.objects.filter(team_id=team_id, starts_at__lte=at, ends_at__gt=at).values(
        "counsellor_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def team_lead(team_id: int):
    """Return the team lead; without one, every counsellor of the team stands in."""
    profile = TeamProfile.objects.select_related("lead").filter(unit_id=team_id).first()
    if profile and profile.lead and profile.lead.is_active:
        return [profile.lead]
    return list(team_counsellors(team_id))


def _alert(recipients, *, referral: Referral, kind: str, subject: str, key: str) -> None:
    """Notify on commit with the reference and a link only: notices carry no contents.

    The notices are sealed to the referral's team: if one cannot be delivered, only the team
    hears of it with its subject (supervisors must not learn that the referral exists).
    """
    recipients = list(recipients)
    link = f"/wellbeing/referrals/{referral.pk}/"
    team = referral.team

    def send():
        notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            body=_("Open the referral in the counselling queue."),
            link=link,
            sealed_team=team,
            dedupe_key=f"wellbeing:{key}",
        )

    transaction.on_commit(send)


def _alert_first_responders(referral: Referral, *, reason: str) -> None:
    """Alert the on-duty counsellors (or the whole team when nobody is on duty)."""
    recipients = list(on_duty(referral.team_id)) or list(team_counsellors(referral.team_id))
    if referral.risk == Risk.IMMINENT:
        recipients += team_lead(referral.team_id)
        subject = _("IMMINENT crisis: %(ref)s needs contact now") % {"ref": referral.reference}
    else:
        subject = _("New %(risk)s-risk referral %(ref)s") % {
            "risk": Risk(referral.risk).label,
            "ref": referral.reference,
        }
    _alert(
        recipients,
        referral=referral,
        kind=f"wellbeing_{referral.risk}",
        subject=subject,
        key=f"{referral.pk}:{reason}:{referral.risk}",
    )


# --- clocks --------------------------------------------------------------------------------


def _refresh_next_due(referral: Referral) -> None:
    dues = list(
        FollowUp.objects.filter(
            referral=referral, state__in=[FollowUpState.SCHEDULED, FollowUpState.MISSED]
        ).values_list("due_at", flat=True)
    )
    if referral.contacted_at is None and referral.contact_due_at is not None:
        dues.append(referral.contact_due_at)
    referral.next_due_at = min(dues) if dues else None
    if referral.state == ReferralState.CLOSED:
        referral.next_due_at = None
    referral.save(update_fields=["next_due_at"])


def _apply_risk(referral: Referral, risk: str, *, start: datetime) -> None:
    """Set the risk level and the clocks the policy ties to it."""
    previous = referral.risk
    referral.risk = risk
    rule = rule_for(risk)
    if referral.contacted_at is None:
        referral.contact_due_at = protocol.contact_due(
            timezone.localtime(referral.opened_at),
            rule,
            same_day_min_hours=int(policy()["same_day_min_hours"]),
        )
        referral.contact_overdue_alerted = False
    referral.save(update_fields=["risk", "contact_due_at", "contact_overdue_alerted"])
    if previous == risk and FollowUp.objects.filter(referral=referral, mandatory=True).exists():
        return
    # Mandatory follow-ups are re-planned for the new level from now on; done ones stay.
    pending = FollowUp.objects.filter(
        referral=referral, mandatory=True, state=FollowUpState.SCHEDULED
    )
    pending.update(state=FollowUpState.CANCELLED)
    if risk in protocol.FOLLOW_UP_REQUIRED:
        FollowUp.objects.bulk_create(
            FollowUp(referral=referral, due_at=due, mandatory=True)
            for due in protocol.follow_up_times(timezone.localtime(start), rule)
        )


# --- opening a referral --------------------------------------------------------------------


@dataclass
class Opened:
    referral: Referral
    created: bool
    # What the person who sees it must do now (imminent: call 110/120, stay with the person).
    instructions: list[str] = field(default_factory=list)


def instructions_for(risk: str) -> list[str]:
    """Return what the staff member who raised the crisis must do now, by risk level."""
    if risk == Risk.IMMINENT:
        return [
            _("Call 110 (police) or 120 (ambulance) now."),
            _("Stay with the person, or keep them on the line, until help arrives."),
            _("Tell the family (Mental Health Law art. 28)."),
            _("The on-duty counsellor has been alerted."),
        ]
    return [
        _("The counselling team has been alerted and will contact the person."),
        _("If the danger becomes immediate, call 110 or 120 and stay with the person."),
        _("National psychological aid hotline: 12356."),
    ]


def _open(*, case_id: int, source: str, actor, risk: str, trigger_note: str) -> Opened:
    """Open a referral for a case, or raise the risk of the one already open."""
    case = Case.objects.select_for_update().select_related("place").get(pk=case_id)
    existing = Referral.objects.select_for_update().filter(case=case, state="open").first()
    if existing is not None:
        raised = protocol.higher_risk(existing.risk, risk) != existing.risk
        if raised:
            _apply_risk(existing, risk, start=timezone.now())
            _refresh_next_due(existing)
        if trigger_note:
            existing.trigger_note = (existing.trigger_note + "\n" + trigger_note).strip()[:MAX_TEXT]
            existing.save(update_fields=["trigger_note"])
        _record(existing, "crisis_raised_again", actor, source=source, risk=existing.risk)
        _alert_first_responders(existing, reason=f"again-{timezone.now().timestamp():.0f}")
        return Opened(existing, False, instructions_for(existing.risk))
    team = team_for_place(case.place)
    if team is None:
        raise NoCounsellingTeam(_("No counselling team serves this place."))
    referral = Referral.objects.create(
        case=case,
        team=team,
        place=case.place,
        place_path=case.place_path,
        source=source,
        risk=risk,
        trigger_note=trigger_note[:MAX_TEXT],
        opened_by=actor,
        opened_at=timezone.now(),
    )
    _apply_risk(referral, risk, start=referral.opened_at)
    _refresh_next_due(referral)
    _record(referral, "opened", actor, source=source, risk=risk, team=team.code)
    # The case's own record gets the bare fact and nothing else.
    append_event(
        stream=stream_for_case(case.pk),
        kind=CASE_EVENT_KIND,
        actor=actor,
        case=case,
        public=False,
        data={},
    )
    _alert_first_responders(referral, reason="opened")
    return Opened(referral, True, instructions_for(risk))


def _signal_note(text: str) -> str | None:
    """Return the crisis words found in text ("…" joined), or None when there is no signal."""
    for signal in detect_signals(text):
        if signal.kind == SUICIDE_SELF_HARM:
            return " … ".join(m.text for m in signal.matched)
    return None


def on_case_submitted(case: Case) -> None:
    """Intake hook: when a submission carries a crisis signal, open a referral once it commits.

    The text is scanned in memory; only a submission with a signal touches the database.
    """
    try:
        note = _signal_note(f"{case.title}\n{case.description}")
    except Exception:  # a broken scan must be loud but must not refuse the submission
        logger.exception("wellbeing: could not scan case %s for crisis signals", case.pk)
        return
    if note is not None:
        transaction.on_commit(lambda: open_intake_referral(case.pk, note))


def open_intake_referral(case_id: int, note: str) -> Referral | None:
    """Open the referral for a submission whose text carried a crisis signal."""
    try:
        with transaction.atomic():
            opened = _open(
                case_id=case_id,
                source=Source.INTAKE_SIGNAL,
                actor=None,
                risk=policy()["signal_risk"],
                trigger_note=_("Crisis words in the submission: %(words)s") % {"words": note},
            )
        return opened.referral
    except Exception:
        # The hook runs after the case is stored; a failure here must be loud but must not undo
        # the resident's submission.
        logger.exception("wellbeing: could not open a referral for case %s", case_id)
        return None


def check_text_for_crisis(*, case: Case, text: str, actor) -> Referral | None:
    """Open (or re-alert) a referral when a note or message on a case carries a crisis signal.

    Other apps call this with the text they are about to store; it returns the referral, or None
    when the text has no crisis signal.
    """
    note = _signal_note(text or "")
    if note is None:
        return None
    with transaction.atomic():
        opened = _open(
            case_id=case.pk,
            source=Source.TEXT_SIGNAL,
            actor=actor,
            risk=policy()["signal_risk"],
            trigger_note=_("Crisis words in a note or message: %(words)s") % {"words": note},
        )
    return opened.referral


def case_mark_crisis(*, actor, case: Case, risk: str = Risk.HIGH, reason: str = "") -> Opened:
    """Let any staff member who can see a case press "crisis": open a referral at once."""
    _choice(risk, Risk, "risk")
    reason = _text(reason, "reason")
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    with transaction.atomic():
        return _open(
            case_id=case.pk,
            source=Source.STAFF,
            actor=actor,
            risk=risk,
            trigger_note=reason,
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


# --- the clock job -------------------------------------------------------------------------


@dataclass
class TickReport:
    contact_overdue: int = 0
    follow_ups_missed: int = 0


def wellbeing_tick(*, now: datetime | None = None) -> TickReport:
    """Run one pass of the referral clocks: alert the team lead about every missed clock.

    Idempotent: each clock is claimed with a conditional update, so a second run alerts nobody.
    """
    now = now or timezone.now()
    report = TickReport()
    late_contacts = Referral.objects.filter(
        state=ReferralState.OPEN,
        contacted_at__isnull=True,
        contact_due_at__lt=now,
        contact_overdue_alerted=False,
    ).values_list("pk", flat=True)
    for pk in list(late_contacts):
        with transaction.atomic():
            referral = _lock(pk)
            claimed = Referral.objects.filter(pk=pk, contact_overdue_alerted=False).update(
                contact_overdue_alerted=True
            )
            if not claimed:
                continue
            _record(referral, "contact_clock_missed", None, due=referral.contact_due_at.isoformat())
            recipients = team_lead(referral.team_id)
            if referral.counsellor_id:
                recipients.append(referral.counsellor)
            _alert(
                recipients,
                referral=referral,
                kind="wellbeing_contact_overdue",
                subject=_("First contact overdue on referral %(ref)s")
                % {"ref": referral.reference},
                key=f"{pk}:contact-overdue",
            )
            report.contact_overdue += 1
    missed = FollowUp.objects.filter(
        state=FollowUpState.SCHEDULED, due_at__lt=now, referral__state=ReferralState.OPEN
    ).values_list("pk", "referral_id")
    for pk, referral_id in list(missed):
        with transaction.atomic():
            referral = _lock(referral_id)
            claimed = FollowUp.objects.filter(pk=pk, state=FollowUpState.SCHEDULED).update(
                state=FollowUpState.MISSED, missed_at=now
            )
            if not claimed:
                continue
            _record(referral, "follow_up_missed", None, follow_up=pk)
            _refresh_next_due(referral)
            recipients = team_lead(referral.team_id)
            if referral.counsellor_id:
                recipients.append(referral.counsellor)
            _alert(
                recipients,
                referral=referral,
                kind="wellbeing_follow_up_missed",
                subject=_("Follow-up missed on referral %(ref)s") % {"ref": referral.reference},
                key=f"{pk}:follow-up-missed",
            )
            report.follow_ups_missed += 1
    return report


# --- the counselling network ---------------------------------------------------------------


def _require_team_member(actor, team: Unit) -> None:
    if team.kind != UnitKind.COUNSELLING_TEAM:
        raise InvalidInput(_("This unit is not a counselling team."))
    if not is_team_counsellor(actor, team_id=team.pk) and not perms.can(actor, Cap.PLATFORM_ADMIN):
        raise PermissionDenied()


def _team_event(team: Unit, kind: str, actor, **data: Any) -> None:
    Unit.objects.select_for_update().filter(pk=team.pk).first()
    append_event(stream=f"counselling-team:{team.pk}", kind=kind, actor=actor, data=data)


@transaction.atomic
def team_set_lead(*, actor, team: Unit, lead, phone: str = "") -> TeamProfile:
    """Name the team lead who is alerted when a clock is missed."""
    _require_team_member(actor, team)
    if not is_team_counsellor(lead, team_id=team.pk):
        msg = _("The team lead must be a counsellor of the team.")
        raise InvalidInput(msg, fields={"lead": msg})
    profile, _created = TeamProfile.objects.update_or_create(
        unit=team, defaults={"lead": lead, "phone": phone[:40]}
    )
    _team_event(team, "lead_set", actor, lead=lead.pk)
    return profile


@transaction.atomic
def duty_shift_add(*, actor, team: Unit, counsellor, starts_at: datetime, ends_at: datetime):
    """Put a counsellor of the team on duty for a period."""
    _require_team_member(actor, team)
    if not is_team_counsellor(counsellor, team_id=team.pk):
        msg = _("Only counsellors of the team can be on duty.")
        raise InvalidInput(msg, fields={"counsellor": msg})
    if ends_at <= starts_at:
        msg = _("The shift must end after it starts.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    shift = DutyShift.objects.create(
        team=team, counsellor=counsellor, starts_at=starts_at, ends_at=ends_at
    )
    _team_event(team, "duty_shift_added", actor, shift=shift.pk, counsellor=counsellor.pk)
    return shift


@transaction.atomic
def partner_add(
    *,
    actor,
    team: Unit,
    name_zh: str,
    kind: str,
    place: Place,
    name_en: str = "",
    phone: str = "",
    address: str = "",
    hours: str = "",
) -> PartnerService:
    """Add a partner service that referrals can be handed over to."""
    _require_team_member(actor, team)
    _choice(kind, PartnerKind, "kind")
    partner = PartnerService.objects.create(
        name_zh=_text(name_zh, "name_zh", required=True)[:160],
        name_en=name_en[:160],
        kind=kind,
        place=place,
        phone=phone[:40],
        address=address[:300],
        hours=hours[:120],
    )
    _team_event(team, "partner_added", actor, partner=partner.pk)
    return partner


@transaction.atomic
def activity_add(
    *, actor, team: Unit, kind: str, title: str, place: Place, starts_at: datetime
) -> CommunityActivity:
    """Plan a group session or an education event."""
    _require_team_member(actor, team)
    _choice(kind, ActivityKind, "kind")
    activity = CommunityActivity.objects.create(
        team=team,
        kind=kind,
        title=_text(title, "title", required=True)[:200],
        place=place,
        starts_at=starts_at,
        created_by=actor,
    )
    _team_event(team, "activity_added", actor, activity=activity.pk)
    return activity


@transaction.atomic
def activity_record_participation(
    *, actor, activity: CommunityActivity, participants: int
) -> CommunityActivity:
    """Record how many people took part (a count only: no names are kept)."""
    activity = (
        CommunityActivity.objects.select_for_update().select_related("team").get(pk=activity.pk)
    )
    _require_team_member(actor, activity.team)
    if participants < 0:
        raise InvalidInput(fields={"participants": _("Must not be negative.")})
    activity.participants = participants
    activity.save(update_fields=["participants"])
    _team_event(
        activity.team, "participation_recorded", actor, activity=activity.pk, count=participants
    )
    return activity


# --- export with two-person approval -------------------------------------------------------


@transaction.atomic
def export_request(
    *, actor, team: Unit, date_from: date, date_to: date, reason: str
) -> ExportRequest:
    """Ask to export the team's sealed referrals; a second counsellor must approve."""
    if not is_team_counsellor(actor, team_id=team.pk):
        raise PermissionDenied()
    if date_to < date_from:
        msg = _("The end date is before the start date.")
        raise InvalidInput(msg, fields={"date_to": msg})
    export = ExportRequest.objects.create(
        team=team,
        date_from=date_from,
        date_to=date_to,
        reason=_text(reason, "reason", required=True),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    append_event(stream=f"wellbeing-export:{export.pk}", kind="requested", actor=actor)
    others = team_counsellors(team.pk).exclude(pk=actor.pk)
    transaction.on_commit(
        lambda: notify(
            recipients=list(others),
            kind="wellbeing_export_request",
            subject=_("An export of sealed referrals needs a second approval"),
            link="/wellbeing/exports/",
            sealed_team=team,
            dedupe_key=f"wellbeing:export:{export.pk}",
        )
    )
    return export


def _lock_export(export: ExportRequest) -> ExportRequest:
    return ExportRequest.objects.select_for_update().select_related("team").get(pk=export.pk)


@transaction.atomic
def export_decide(*, actor, export: ExportRequest, approve: bool, note: str = "") -> ExportRequest:
    """Approve or refuse an export; the second person must not be the one who asked."""
    export = _lock_export(export)
    if not is_team_counsellor(actor, team_id=export.team_id):
        raise PermissionDenied()
    if actor.pk == export.requested_by_id:
        raise PermissionDenied(_("A second counsellor must approve the export."))
    if export.state != ExportState.PENDING:
        raise InvalidTransition(_("This export has already been decided."))
    export.state = ExportState.APPROVED if approve else ExportState.REFUSED
    export.decided_by = actor
    export.decided_at = timezone.now()
    export.decision_note = _text(note, "note")
    export.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    append_event(
        stream=f"wellbeing-export:{export.pk}",
        kind="approved" if approve else "refused",
        actor=actor,
    )
    return export


EXPORT_COLUMNS = [
    "reference",
    "opened_at",
    "place",
    "source",
    "risk",
    "state",
    "outcome",
    "first_contact",
    "assessments",
    "last_assessment_notes",
    "contacts",
    "follow_ups_done",
    "follow_ups_missed",
    "handovers",
    "closure_note",
]


@transaction.atomic
def export_download(*, actor, export: ExportRequest) -> str:
    """Return the approved export as CSV, once, to the person who asked; log every read."""
    export = _lock_export(export)
    if actor.pk != export.requested_by_id or not is_team_counsellor(actor, team_id=export.team_id):
        raise PermissionDenied()
    if export.state != ExportState.APPROVED:
        raise InvalidTransition(_("The export is not approved or was already downloaded."))
    valid_hours = int(policy()["export_valid_hours"])
    if timezone.now() > export.decided_at + timedelta(hours=valid_hours):
        raise InvalidTransition(_("The approval has expired; ask again."))
    tz = timezone.get_current_timezone()
    start = datetime.combine(export.date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(export.date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    referrals = (
        Referral.objects.filter(team_id=export.team_id, opened_at__gte=start, opened_at__lt=end)
        .select_related("place")
        .prefetch_related("assessments", "contacts", "follow_ups", "handovers")
        .order_by("opened_at", "id")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    why = _("Export %(id)d: %(reason)s") % {"id": export.pk, "reason": export.reason}
    for r in referrals:
        if not is_team_counsellor(actor, team_id=r.team_id, place_path=r.place_path):
            continue
        assessments = list(r.assessments.all())
        follow_ups = list(r.follow_ups.all())
        writer.writerow(
            [
                r.reference,
                timezone.localtime(r.opened_at).isoformat(),
                r.place.code,
                r.source,
                r.risk,
                r.state,
                r.outcome,
                timezone.localtime(r.contacted_at).isoformat() if r.contacted_at else "",
                len(assessments),
                assessments[-1].notes if assessments else "",
                len(r.contacts.all()),
                sum(f.state == FollowUpState.DONE for f in follow_ups),
                sum(f.state == FollowUpState.MISSED for f in follow_ups),
                len(r.handovers.all()),
                r.closure_note,
            ]
        )
        Referral.objects.select_for_update().filter(pk=r.pk).first()
        append_event(
            stream=referral_stream(r.pk), kind="sealed_read", actor=actor, data={"why": why}
        )
    export.state = ExportState.DOWNLOADED
    export.downloaded_at = timezone.now()
    export.save(update_fields=["state", "downloaded_at"])
    append_event(stream=f"wellbeing-export:{export.pk}", kind="downloaded", actor=actor)
    return out.getvalue()


def on_case_text(case_id: int, text: str, actor_id: int | None) -> None:
    """Text hook: check a note or resident message for crisis signals after it is stored."""
    from django.contrib.auth import get_user_model

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    check_text_for_crisis(case=case, text=text, actor=actor)
