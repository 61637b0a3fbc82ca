"""People's mediation: sessions, the end without agreement, the agreement and its performance."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.actions import is_handler, lock_case, record_event, require_text
from concord.cases.clocks import clock_start, clocks_stop
from concord.cases.models import (
    Case,
    Clock,
    ClockHolder,
    ClockState,
    Outcome,
    Status,
)
from concord.core.bilingual import both
from concord.core.calendars import platform_calendar
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied

from .. import rules
from ..models import (
    MediationAgreement,
    MediationSession,
    Performance,
)
from .common import _basis, start_rule_clock

# --- mediation -----------------------------------------------------------------------------


def _require_mediator(actor, case: Case) -> None:
    if not (
        perms.can(actor, Cap.MEDIATE, place_path=case.place_path, unit_id=case.owner_unit_id)
        or is_handler(actor, case)
    ):
        raise PermissionDenied(_("Only the mediators of the owning unit may do this."))


def _require_mediation(case: Case) -> None:
    if not rules.get_channel(case.channel).is_mediation:
        raise InvalidTransition(_("The case is not in a mediation channel."))
    if not case.is_open:
        raise InvalidTransition(_("The case is not open."))


@transaction.atomic
def mediation_record_session(
    *,
    actor,
    case: Case,
    held_at,
    location: str,
    participants: str,
    notes: str = "",
    invited: str = "",
    mediators=(),
) -> MediationSession:
    case = lock_case(case)
    _require_mediator(actor, case)
    _require_mediation(case)
    location = require_text(location, "location", max_chars=200)
    participants = require_text(participants, "participants", max_chars=2000)
    session = MediationSession.objects.create(
        case=case,
        held_at=held_at,
        location=location,
        participants=participants,
        notes=notes,
        invited=invited,
        recorded_by=actor,
    )
    session.mediators.set(list(mediators) or [actor])
    if case.status in (Status.ACCEPTED, Status.ASSIGNED, Status.TRANSFERRED, Status.ESCALATED):
        case.status = Status.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
    record_event(
        case,
        "mediation_session",
        actor,
        public=True,
        session=session.pk,
        held_at=held_at.isoformat(),
        location=location,
    )
    return session


def _routes(notice) -> list[dict]:
    """The routes of a route notice as stored on its event (channel, names, due day, basis)."""
    return [
        {
            "channel": o.channel_code,
            "name_zh": o.name_zh,
            "name_en": o.name_en,
            "due": o.deadline.due.isoformat() if o.deadline else None,
            "basis": _basis(o.deadline.rule) if o.deadline else None,
        }
        for o in notice.options
    ]


def _route_notice_text(case: Case, knowledge_date: date, mediation_requested_on: date | None):
    notice = rules.route_notice(
        case.channel,
        knowledge_date,
        platform_calendar(),
        mediation_requested_on=mediation_requested_on,
        ended_on=timezone.localdate(),
    )
    return notice


@transaction.atomic
def mediation_end_unresolved(
    *,
    actor,
    case: Case,
    reason: str,
    knowledge_date: date,
    refused_by: str = "",
    mediation_requested_on: date | None = None,
) -> Case:
    """End mediation without agreement (failure, or a party's refusal, art 17/26).

    The parties get the route notice with the deadlines that apply; the case stays open so
    that it can enter the next channel with its history.
    """
    case = lock_case(case)
    _require_mediator(actor, case)
    _require_mediation(case)
    reason = require_text(reason, "reason", max_chars=2000)
    notice = _route_notice_text(
        case, knowledge_date, mediation_requested_on or case.created_at.date()
    )
    Clock.objects.live().filter(case=case, kind__startswith=case.channel + ":").update(
        state=ClockState.CANCELLED
    )
    routes = _routes(notice)
    record_event(
        case,
        "mediation_refused" if refused_by else "mediation_failed",
        actor,
        public=True,
        reason=reason,
        refused_by=refused_by or None,
        routes=routes,
        notice_zh=notice.text_zh,
        notice_en=notice.text_en,
    )
    return case


@transaction.atomic
def mediation_record_agreement(
    *,
    actor,
    case: Case,
    parties: str,
    facts: str,
    issues: str,
    responsibilities: str,
    terms: str,
    performance_manner: str,
    performance_due: date,
    signed_by: list[str],
    mediator_signed: bool,
    committee_sealed: bool,
    effective_on: date | None = None,
) -> MediationAgreement:
    """Record the written agreement (人民调解法 art 29) and resolve the case with it."""
    case = lock_case(case)
    _require_mediator(actor, case)
    _require_mediation(case)
    fields = {}
    values = {}
    for name, value in [
        ("parties", parties),
        ("facts", facts),
        ("issues", issues),
        ("responsibilities", responsibilities),
        ("terms", terms),
        ("performance_manner", performance_manner),
    ]:
        if not (value or "").strip():
            fields[name] = _("The law requires this part of the agreement.")
        values[name] = (value or "").strip()
    if len([s for s in signed_by if s.strip()]) < 2:
        fields["signed_by"] = _("Every party must sign or seal the agreement.")
    if not mediator_signed:
        fields["mediator_signed"] = _("The mediator must sign.")
    if not committee_sealed:
        fields["committee_sealed"] = _("The committee's seal is required.")
    if fields:
        raise InvalidInput(
            _("The agreement is not complete (People's Mediation Law art 29)."), fields=fields
        )
    effective_on = effective_on or timezone.localdate()
    agreement = MediationAgreement.objects.create(
        case=case,
        performance_due=performance_due,
        signed_by=signed_by,
        mediator_signed=True,
        committee_sealed=True,
        effective_on=effective_on,
        **values,
    )
    case.status = Status.RESOLVED
    case.outcome = Outcome.AGREEMENT
    case.resolution_text = values["terms"]
    case.resolved_at = timezone.now()
    case.resolved_on_time = case_actions.within_handling_clock(case)
    case.save(
        update_fields=[
            "status",
            "outcome",
            "resolution_text",
            "resolved_at",
            "resolved_on_time",
            "updated_at",
        ]
    )
    clocks_stop(case, ClockState.MET)
    confirmation = start_rule_clock(
        case=case,
        channel="judicial_confirmation",
        kind=str(rules.ClockKind.FILING_LIMIT),
        start=effective_on,
    )
    clock_start(
        case=case,
        kind="performance",
        amount=max((performance_due - effective_on).days, 0),
        unit="calendar_days",
        started_on=effective_on,
        basis=both(gettext_noop("Agreed time of performance")),
        grade="",
        resident_visible=True,
        holder=ClockHolder.CASE,
    )
    record_event(
        case,
        "mediation_agreement",
        actor,
        public=True,
        agreement=agreement.pk,
        effective_on=effective_on.isoformat(),
        confirmation_due=confirmation.due_on.isoformat(),
        terms=values["terms"],
    )
    return agreement


@transaction.atomic
def mediation_record_performance(
    *, actor, case: Case, performance: str, note: str = ""
) -> MediationAgreement:
    case = lock_case(case)
    _require_mediator(actor, case)
    agreement = MediationAgreement.objects.select_for_update().filter(case=case).first()
    if agreement is None:
        raise InvalidTransition(_("There is no mediation agreement to follow up."))
    if performance not in Performance.values or performance == Performance.PENDING:
        raise InvalidInput(_("Unknown performance state."), fields={"performance": _("Unknown.")})
    agreement.performance = performance
    agreement.save(update_fields=["performance"])
    Clock.objects.filter(case=case, kind="performance", state=ClockState.RUNNING).update(
        state=ClockState.MET if performance == Performance.PERFORMED else ClockState.BREACHED,
        met_at=timezone.now(),
    )
    record_event(
        case,
        "performance_followed_up",
        actor,
        public=True,
        performance=performance,
        note=note or None,
    )
    return agreement


# Judicial confirmation of the agreement (人民调解法 art 33; 民事诉讼法 arts 205-206; 最高人民法院
# 关于人民调解协议司法确认程序的若干规定 arts 4-5): the joint application, then the court's steps.
CONFIRMATION_STEPS = {
    # step: (clock it meets, clock it starts, event)
    "applied": ("judicial_confirmation:filing_limit", "acceptance", "confirmation_applied"),
    "accepted": ("judicial_confirmation:acceptance", "decision", "confirmation_accepted"),
    "confirmed": ("judicial_confirmation:decision", None, "confirmation_confirmed"),
    "refused": ("judicial_confirmation:decision", None, "confirmation_refused"),
}


@transaction.atomic
def mediation_record_confirmation(
    *, actor, case: Case, step: str, on: date | None = None, note: str = ""
) -> MediationAgreement:
    """Record the joint application for judicial confirmation and the court's steps on it.

    Each step meets the clock it answers and starts the next one from the day it happened:
    the joint application within 30 days of the agreement taking effect; the court decides
    within 3 days whether to accept and within 15 days whether to confirm.
    """
    case = lock_case(case)
    _require_mediator(actor, case)
    agreement = MediationAgreement.objects.select_for_update().filter(case=case).first()
    if agreement is None:
        raise InvalidTransition(_("There is no mediation agreement to confirm."))
    if step not in CONFIRMATION_STEPS:
        raise InvalidInput(_("Unknown step."), fields={"step": _("Unknown.")})
    meets, starts, event = CONFIRMATION_STEPS[step]
    today = timezone.localdate()
    on = on or today
    if on > today or on < agreement.effective_on:
        raise InvalidInput(
            _("The day must lie between the agreement taking effect and today."),
            fields={"on": _("Out of range.")},
        )
    clock = Clock.objects.select_for_update().filter(case=case, kind=meets).order_by("-id").first()
    if clock is None or clock.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise InvalidTransition(_("This step does not follow from where the confirmation is."))
    if step == "applied" and on > clock.due_on:
        raise InvalidTransition(
            _("The 30 days for a joint application ended on %(due)s.") % {"due": clock.due_on}
        )
    clock.state = ClockState.MET
    clock.met_at = timezone.now()
    clock.save(update_fields=["state", "met_at"])
    if step == "applied":
        agreement.confirmation_requested_on = on
        agreement.save(update_fields=["confirmation_requested_on"])
    data = {"on": on.isoformat(), "note": note or None}
    if starts:
        following = start_rule_clock(
            case=case, channel="judicial_confirmation", kind=starts, start=on
        )
        data.update(due=following.due_on.isoformat(), basis=following.basis)
    if step == "refused":
        # The parties are told their routes: change the agreement or reach a new one through
        # mediation, or sue. Mediation and the confirmation procedure interrupted the limitation
        # period, which counts again in full from the refusal (民法典 art 195).
        notice = rules.route_notice("judicial_confirmation", on, platform_calendar())
        data.update(routes=_routes(notice), notice_zh=notice.text_zh, notice_en=notice.text_en)
    record_event(case, event, actor, public=True, **data)
    return agreement
