"""Lawful channels on cases: entering a channel with its statutory clocks, extensions,
mediation (sessions, agreement, refusal, failure, performance) and petitions (W1).

Each action locks the case, checks permission and state, writes, and appends its event.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.actions import is_handler, lock_case, record_event, require_handler, require_text
from concord.cases.clocks import clock_start, clocks_stop, due_date, is_provisional
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

from . import rules
from .models import (
    STAFF_SERVICE_METHODS,
    MediationAgreement,
    MediationSession,
    Opinion,
    Performance,
    Petition,
    PetitionStage,
    PetitionType,
    ServiceMethod,
)

# The clocks a channel starts when a case enters it; later steps start the others
# (e.g. an arbitration decision clock starts on acceptance, via `channel_clock_start`).
ENTRY_CLOCKS: dict[str, list[str]] = {
    "peoples_mediation": ["mediation_period"],
    "administrative_mediation": ["acceptance", "mediation_period"],
    "judicial_confirmation": ["acceptance"],
    "labour_arbitration": ["filing_limit", "acceptance"],
    "land_arbitration": ["filing_limit", "acceptance"],
    "administrative_reconsideration": ["filing_limit", "acceptance"],
    "litigation_referral": [],
    "litigation": ["filing_limit", "acceptance"],
    "service_dispatch": ["working_day_handling"],
}
LABOUR_CATEGORY_PREFIXES = ("DP.09", "CM15.06")


def entry_clock_kinds(case: Case, channel: str) -> list[str]:
    kinds = list(ENTRY_CLOCKS.get(channel, []))
    category = case.category.code if case.category_id else ""
    if channel == "peoples_mediation" and category.startswith(LABOUR_CATEGORY_PREFIXES):
        # 劳动争议调解仲裁法 art 14: no agreement within 15 days → arbitration may be sought.
        kinds.append("labour_mediation")
    return kinds


# Deadlines that bind the resident (a route's filing limit), not the owning unit.
RESIDENT_DEADLINES = {
    rules.ClockKind.FILING_LIMIT,
    rules.ClockKind.FILING_LIMIT_UNINFORMED,
    rules.ClockKind.ABSOLUTE_LIMIT,
    rules.ClockKind.ADMIN_FILING_LIMIT,
    rules.ClockKind.NEXT_STEP,
    rules.ClockKind.SET_ASIDE,
    rules.ClockKind.REVIEW_REQUEST,
    rules.ClockKind.RECHECK_REQUEST,
}


def _lang(case: Case) -> str:
    return "en" if case.language.startswith("en") else "zh"


def _pick(case: Case, zh: str, en: str) -> str:
    return en if _lang(case) == "en" else zh


def _basis(rule: rules.ClockRule) -> str:
    return f"{rule.citation.text_zh} / {rule.citation.text_en}"


def _channel(code: str) -> rules.Channel:
    try:
        return rules.get_channel(code)
    except rules.RulesError as exc:
        raise InvalidInput(str(exc), fields={"channel": str(exc)}) from exc


def start_rule_clock(
    *,
    case: Case,
    channel: str,
    kind: str,
    start: date,
    mediation_requested_on: date | None = None,
    mediation_ended_on: date | None = None,
) -> Clock:
    """Start one clock of a channel from its rule, with its citation and grade."""
    cal = platform_calendar()
    result = rules.compute_clock(
        channel,
        kind,
        start,
        cal,
        mediation_requested_on=mediation_requested_on,
        mediation_ended_on=mediation_ended_on,
    )
    # Hour clocks and restarted limits are computed by the rules engine; keep its answer.
    return clock_start(
        case=case,
        kind=f"{channel}:{kind}",
        amount=result.amount,
        unit=str(result.unit),
        started_on=result.counted_from if isinstance(result.counted_from, date) else start,
        basis=_basis(result.rule),
        grade=str(result.grade),
        channel=channel,
        resident_visible=True,
        nature=str(result.rule.nature),
        holder=str(result.rule.holder),
        escalates=bool(result.rule.escalates),
        due_on=result.due,
    )


@transaction.atomic
def case_enter_channel(
    *,
    actor,
    case: Case,
    channel: str,
    knowledge_date: date | None = None,
    answers: dict[str, bool] | None = None,
    mediation_requested_on: date | None = None,
    note: str = "",
) -> Case:
    """Move a case into a lawful channel, keeping its whole history, and start its clocks.

    Eligibility answers that point elsewhere are refused with the route they point to.
    """
    case = lock_case(case)
    require_handler(actor, case)
    if not case.is_open:
        raise InvalidTransition(_("Only open cases can change channel."))
    target = _channel(channel)
    for q in target.questions:
        if answers and q.code in answers and bool(answers[q.code]) != q.eligible_answer:
            redirect = rules.get_channel(q.redirect_to) if q.redirect_to else None
            message = _pick(case, q.note_zh or q.text_zh, q.note_en or q.text_en)
            if redirect:
                message += " → " + _pick(case, redirect.name_zh, redirect.name_en)
            raise InvalidInput(message, fields={f"answers.{q.code}": message})
    previous = case.channel
    case.channel = channel
    case.save(update_fields=["channel", "updated_at"])
    today = timezone.localdate()
    started = []
    for kind in entry_clock_kinds(case, channel):
        rule = target.clock(kind)
        if rule.starts_from in (rules.StartEvent.KNOWLEDGE, rules.StartEvent.ACT_DATE):
            if knowledge_date is None:
                continue
            start = knowledge_date
        else:
            start = today
        interrupted = bool(mediation_requested_on) and rule.interrupted_by_mediation
        clock = start_rule_clock(
            case=case,
            channel=channel,
            kind=kind,
            start=start,
            mediation_requested_on=mediation_requested_on if interrupted else None,
            mediation_ended_on=today if interrupted else None,
        )
        started.append({"kind": clock.kind, "due": clock.due_on.isoformat(), "basis": clock.basis})
    record_event(
        case,
        "channel_entered",
        actor,
        public=True,
        from_channel=previous,
        to_channel=channel,
        clocks=started,
        note=note or None,
        knowledge_date=knowledge_date.isoformat() if knowledge_date else None,
    )
    if target.is_mediation and knowledge_date:
        _warn_limitation(case, actor, knowledge_date, today)
    return case


def _warn_limitation(case: Case, actor, knowledge_date: date, mediation_start: date) -> None:
    """W2: warn when the reconsideration limit would run out before mediation ends."""
    warning = rules.limitation_warning(
        knowledge_date=knowledge_date,
        mediation_started_on=mediation_start,
        calendar=platform_calendar(),
    )
    if warning:
        record_event(
            case,
            "limitation_warning",
            actor,
            public=True,
            message_zh=warning.message_zh,
            message_en=warning.message_en,
            filing_due=warning.filing.due.isoformat(),
            expired=warning.expired,
        )


@transaction.atomic
def channel_clock_start(*, actor, case: Case, kind: str, start: date | None = None) -> Clock:
    """Start a clock of the case's channel when its trigger happens (acceptance, award …)."""
    case = lock_case(case)
    require_handler(actor, case)
    try:
        rule = rules.get_channel(case.channel).clock(kind)
    except rules.RulesError as exc:
        raise InvalidInput(str(exc), fields={"kind": str(exc)}) from exc
    clock = start_rule_clock(
        case=case, channel=case.channel, kind=str(rule.kind), start=start or timezone.localdate()
    )
    record_event(
        case,
        "clock_started",
        actor,
        public=True,
        clock=clock.kind,
        due=clock.due_on.isoformat(),
        basis=clock.basis,
    )
    return clock


@transaction.atomic
def clock_extend(*, actor, clock: Clock, days: int, reason: str) -> Clock:
    """Extend a running clock within its statutory maximum; the resident is told why."""
    case = lock_case(clock.case_id)
    clock = Clock.objects.select_for_update().get(pk=clock.pk)
    if not perms.can(actor, Cap.CASE_SUPERVISE, place_path=case.place_path):
        raise PermissionDenied(_("Extensions are approved by a supervisor (the body's head)."))
    if clock.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise InvalidTransition(_("Only a running clock can be extended."))
    reason = require_text(reason, "reason", max_chars=2000)
    if days <= 0:
        raise InvalidInput(
            _("Extend by at least one day."), fields={"days": _("Must be positive.")}
        )
    if ":" in clock.kind:
        channel, kind = clock.kind.split(":", 1)
        try:
            rules.validate_extension(channel, kind, clock.extension_days + days)
        except rules.ExtensionError as exc:
            raise InvalidInput(
                _pick(case, exc.message_zh, exc.message_en), fields={"days": str(exc)}
            ) from exc
    clock.extension_days += days
    clock.extension_reason = reason
    clock.due_on = due_date(clock)
    clock.provisional = is_provisional(clock)
    clock.due_soon_notified = False
    clock.save(
        update_fields=[
            "extension_days",
            "extension_reason",
            "due_on",
            "provisional",
            "due_soon_notified",
        ]
    )
    record_event(
        case,
        "clock_extended",
        actor,
        public=True,
        clock=clock.kind,
        days=days,
        reason=reason,
        due=clock.due_on.isoformat(),
    )
    return clock


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
    Clock.objects.filter(
        case=case,
        kind__startswith=case.channel + ":",
        state__in=[ClockState.RUNNING, ClockState.PAUSED],
    ).update(state=ClockState.CANCELLED)
    routes = [
        {
            "channel": o.channel_code,
            "name_zh": o.name_zh,
            "name_en": o.name_en,
            "due": o.deadline.due.isoformat() if o.deadline else None,
            "basis": _basis(o.deadline.rule) if o.deadline else None,
        }
        for o in notice.options
    ]
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


# --- petitions (W1) ------------------------------------------------------------------------

PENDING_STAGES = {
    PetitionStage.RECEIVED,
    PetitionStage.ACCEPTED,
    PetitionStage.HANDLING,
    PetitionStage.REVIEW_REQUESTED,
    PetitionStage.RECHECK_REQUESTED,
}


def _lock_petition(case: Case) -> tuple[Case, Petition]:
    case = lock_case(case)
    petition = Petition.objects.select_for_update().filter(case=case).first()
    if petition is None:
        raise InvalidTransition(_("This case is not registered as a petition."))
    return case, petition


def _set_stage(petition: Petition, stage: str, **fields) -> None:
    petition.stage = stage
    for k, v in fields.items():
        setattr(petition, k, v)
    petition.save()


@transaction.atomic
def petition_register(
    *, actor, case: Case, matter_key: str, received_on: date | None = None
) -> Case:
    """Register a case as a petition; a repeat on a pending matter is linked to it instead.

    Returns the case that carries the matter (the pending one for a repeat).
    """
    case = lock_case(case)
    require_handler(actor, case)
    matter_key = require_text(matter_key, "matter_key", max_chars=200)
    if Petition.objects.filter(case=case).exists():
        raise InvalidTransition(_("This case is already registered as a petition."))
    pending = (
        Petition.objects.select_related("case")
        .filter(matter_key=matter_key, stage__in=PENDING_STAGES)
        .exclude(case=case)
        .first()
    )
    if pending is not None:
        # 信访工作条例 art 19: a matter already being handled is not accepted again.
        record_event(case, "repeat_petition", actor, public=True, pending=pending.case.receipt_code)
        case_actions.case_merge(
            actor=None,
            case=case,
            into=pending.case,
            system=True,
            note=_("Same matter as a pending petition."),
        )
        return pending.case
    case.channel = "petition"
    case.save(update_fields=["channel", "updated_at"])
    received_on = received_on or timezone.localdate()
    Petition.objects.create(case=case, matter_key=matter_key, received_on=received_on)
    clock = start_rule_clock(case=case, channel="petition", kind="acceptance", start=received_on)
    record_event(
        case,
        "petition_registered",
        actor,
        public=True,
        matter_key=matter_key,
        acceptance_due=clock.due_on.isoformat(),
    )
    return case


@transaction.atomic
def petition_accept(*, actor, case: Case, petition_type: str) -> Case:
    """Accept in writing (art 23) and start the 60-day handling clock (art 34)."""
    case, petition = _lock_petition(case)
    require_handler(actor, case)
    if petition.stage != PetitionStage.RECEIVED:
        raise InvalidTransition(_("Only a received petition can be accepted."))
    if petition_type not in PetitionType.values:
        raise InvalidInput(_("Unknown petition type."), fields={"petition_type": _("Unknown.")})
    today = timezone.localdate()
    _set_stage(petition, PetitionStage.HANDLING, petition_type=petition_type, accepted_on=today)
    Clock.objects.filter(case=case, kind="petition:acceptance", state=ClockState.RUNNING).update(
        state=ClockState.MET, met_at=timezone.now()
    )
    clock = start_rule_clock(case=case, channel="petition", kind="decision", start=today)
    if case.status in case_actions.HANDLE_FROM:
        case.status = Status.ACCEPTED
        case.accepted_at = timezone.now()
        case.save(update_fields=["status", "accepted_at", "updated_at"])
    record_event(
        case,
        "petition_accepted",
        actor,
        public=True,
        petition_type=petition_type,
        notice=_("Your petition has been accepted and will be answered in writing."),
        reply_due=clock.due_on.isoformat(),
        basis=clock.basis,
    )
    return case


@transaction.atomic
def petition_redirect(
    *, actor, case: Case, route_channel: str, knowledge_date: date, note: str = ""
) -> Case:
    """Redirect a matter that belongs to a statutory route (art 31), with its deadline."""
    case, petition = _lock_petition(case)
    require_handler(actor, case)
    if petition.stage not in (PetitionStage.RECEIVED, PetitionStage.HANDLING):
        raise InvalidTransition(_("This petition can no longer be redirected."))
    target = _channel(route_channel)
    deadline = None
    try:
        deadline = rules.compute_clock(
            route_channel, rules.ClockKind.FILING_LIMIT, knowledge_date, platform_calendar()
        )
    except rules.RulesError:
        deadline = None
    route = _pick(case, target.name_zh, target.name_en)
    due = deadline.due.isoformat() if deadline else ""
    _set_stage(petition, PetitionStage.REDIRECTED)
    case_actions.case_not_accept(
        actor=actor,
        case=case,
        reason=note or _("This matter belongs to a statutory procedure."),
        route=route,
        route_deadline=due,
    )
    return case


# Which written opinion waits to be served at a stage, and the window its service opens.
SERVICE_STAGES = {
    PetitionStage.REPLIED: ("reply", "review_request"),
    PetitionStage.REVIEWED: ("review", "recheck_request"),
}


def served_on(petition: Petition) -> date | None:
    """Return the day the opinion of the petition's current stage was served (None: not yet)."""
    if petition.stage not in SERVICE_STAGES:
        return None
    prefix, _window = SERVICE_STAGES[petition.stage]
    return getattr(petition, f"{prefix}_served_on")


def _serve(case: Case, petition: Petition, *, how: str, on: date, actor) -> Clock:
    """Record the service and start the window that runs from it (arts 35-36)."""
    prefix, window = SERVICE_STAGES[petition.stage]
    setattr(petition, f"{prefix}_served_on", on)
    setattr(petition, f"{prefix}_served_how", how)
    petition.save(update_fields=[f"{prefix}_served_on", f"{prefix}_served_how"])
    clock = start_rule_clock(case=case, channel="petition", kind=window, start=on)
    record_event(
        case,
        "petition_served",
        actor,
        public=True,
        document=prefix,
        how=how,
        served_on=on.isoformat(),
        window_due=clock.due_on.isoformat(),
    )
    return clock


@transaction.atomic
def petition_record_service(*, actor, case: Case, how: str, on: date | None = None) -> Case:
    """Record that the written opinion reached the petitioner; the window starts that day.

    Staff record a hand-over on the spot, a gateway's delivery receipt, or post with the day it
    was served. A message merely sent is not served.
    """
    case, petition = _lock_petition(case)
    require_handler(actor, case)
    if petition.stage not in SERVICE_STAGES:
        raise InvalidTransition(_("No written opinion is waiting to be served."))
    if served_on(petition) is not None:
        raise InvalidTransition(
            _("The written opinion was already served on %(day)s.") % {"day": served_on(petition)}
        )
    if how not in STAFF_SERVICE_METHODS:
        raise InvalidInput(_("Choose how it was served."), fields={"how": _("Unknown.")})
    today = timezone.localdate()
    if how == ServiceMethod.POST and on is None:
        raise InvalidInput(
            _("Enter the day the post was served."), fields={"on": _("Required for post.")}
        )
    on = on or today
    replied = petition.stage == PetitionStage.REPLIED
    issued = petition.replied_on if replied else petition.reviewed_on
    if on > today or (issued and on < issued):
        raise InvalidInput(
            _("The served day must lie between the day it was issued and today."),
            fields={"on": _("Out of range.")},
        )
    _serve(case, petition, how=how, on=on, actor=actor)
    return case


@transaction.atomic
def petition_mark_read(*, case: Case, how: str = ServiceMethod.TRACKING_PAGE) -> bool:
    """The petitioner read the written opinion on the tracking page or in their account.

    Return whether this served it (today); an opinion already served is left as it is.
    """
    if how not in (ServiceMethod.TRACKING_PAGE, ServiceMethod.ACCOUNT):
        raise InvalidInput(_("Choose how it was served."), fields={"how": _("Unknown.")})
    case, petition = _lock_petition(case)
    if petition.stage not in SERVICE_STAGES or served_on(petition) is not None:
        return False
    _serve(case, petition, how=how, on=timezone.localdate(), actor=None)
    return True


@transaction.atomic
def petition_reply(
    *, actor, case: Case, opinion: str, text: str, legal_basis: str, served_how: str = ""
) -> Case:
    """Issue the written handling opinion (处理意见书, art 32).

    The review window opens on the day it is served: at once when it is handed over on the
    spot (``served_how``), otherwise when service is recorded or the petitioner reads it.
    """
    case, petition = _lock_petition(case)
    require_handler(actor, case)
    if petition.stage not in (PetitionStage.HANDLING, PetitionStage.ACCEPTED):
        raise InvalidTransition(_("The petition is not being handled."))
    if opinion not in Opinion.values:
        raise InvalidInput(_("Unknown opinion."), fields={"opinion": _("Unknown.")})
    legal_basis = require_text(legal_basis, "legal_basis", max_chars=2000)
    text = require_text(text, "text", max_chars=10_000)
    today = timezone.localdate()
    _set_stage(
        petition,
        PetitionStage.REPLIED,
        opinion=opinion,
        opinion_text=text,
        legal_basis=legal_basis,
        replied_on=today,
    )
    case_actions.case_resolve(actor=actor, case=case, outcome=Outcome.DECISION, text=text)
    record_event(
        case, "petition_replied", actor, public=True, opinion=opinion, legal_basis=legal_basis
    )
    if served_how:
        if served_how != ServiceMethod.ON_THE_SPOT:
            raise InvalidInput(
                _("Only a hand-over on the spot is served with the reply."),
                fields={"served_how": _("Unknown.")},
            )
        _serve(case, petition, how=served_how, on=today, actor=actor)
    return case


def _request_within(case: Case, kind: str) -> None:
    clock = Clock.objects.filter(case=case, kind=kind).order_by("-id").first()
    if clock is None or clock.state != ClockState.RUNNING:
        raise InvalidTransition(_("There is no open window for this request."))
    if timezone.localdate() > clock.due_on:
        raise InvalidTransition(
            _("The 30-day window for this request ended on %(due)s.") % {"due": clock.due_on}
        )
    clock.state = ClockState.MET
    clock.met_at = timezone.now()
    clock.save(update_fields=["state", "met_at"])


@transaction.atomic
def petition_request_review(*, case: Case, reason: str, recheck: bool = False, actor=None) -> Case:
    """The petitioner asks the next-higher body for review (复查) or re-review (复核)."""
    case, petition = _lock_petition(case)
    expected = PetitionStage.REVIEWED if recheck else PetitionStage.REPLIED
    if petition.stage != expected:
        if petition.stage == PetitionStage.FINAL:
            raise InvalidTransition(
                _("After re-review the same matter is no longer accepted (art 36).")
            )
        raise InvalidTransition(_("This request is not possible at this stage."))
    if served_on(petition) is None:
        # Asking for review shows the petitioner has the opinion: it is served today.
        _serve(case, petition, how=ServiceMethod.TRACKING_PAGE, on=timezone.localdate(), actor=None)
    _request_within(case, "petition:recheck_request" if recheck else "petition:review_request")
    reason = require_text(reason, "reason", max_chars=2000)
    case_actions.case_reopen(actor=actor, case=case, reason=reason, by_resident=True)
    if case.level != "county":
        # The next-higher body reviews; above the county it is outside this platform.
        case_actions.case_escalate(
            actor=None,
            case=case,
            automatic=True,
            reason_code="recheck" if recheck else "review",
            note=reason,
        )
    kind = "recheck_decision" if recheck else "review_decision"
    _set_stage(
        petition, PetitionStage.RECHECK_REQUESTED if recheck else PetitionStage.REVIEW_REQUESTED
    )
    clock = start_rule_clock(case=case, channel="petition", kind=kind, start=timezone.localdate())
    record_event(
        case,
        "petition_recheck_requested" if recheck else "petition_review_requested",
        actor,
        public=True,
        reason=reason,
        decision_due=clock.due_on.isoformat(),
    )
    return case


def petition_review_route(*, case: Case, reason: str, actor=None) -> Case | None:
    """Take a petitioner's review request or "not solved" to the body above (arts 35-36).

    After the written reply it is a request for review (复查); after the review opinion, for
    re-review (复核). Return None when the petition is not at such a stage (the case reopens).
    """
    stage = Petition.objects.filter(case=case).values_list("stage", flat=True).first()
    if stage == PetitionStage.REPLIED:
        return petition_request_review(case=case, reason=reason, actor=actor)
    if stage == PetitionStage.REVIEWED:
        return petition_request_review(case=case, reason=reason, recheck=True, actor=actor)
    if stage == PetitionStage.FINAL:
        raise InvalidTransition(
            _("After re-review the same matter is no longer accepted (art 36).")
        )
    return None


@transaction.atomic
def petition_review_decide(
    *, actor, case: Case, text: str, recheck: bool = False, served_how: str = ""
) -> Case:
    """The higher body's written review (复查) or re-review (复核) opinion.

    The re-review window opens on the day the review opinion is served (art 36).
    """
    case, petition = _lock_petition(case)
    require_handler(actor, case)
    expected = PetitionStage.RECHECK_REQUESTED if recheck else PetitionStage.REVIEW_REQUESTED
    if petition.stage != expected:
        raise InvalidTransition(_("No request is waiting for this decision."))
    text = require_text(text, "text", max_chars=10_000)
    if case.status in case_actions.HANDLE_FROM:
        case_actions.case_accept(actor=actor, case=case)
    case_actions.case_resolve(actor=actor, case=case, outcome=Outcome.DECISION, text=text)
    today = timezone.localdate()
    if recheck:
        _set_stage(petition, PetitionStage.FINAL, recheck_opinion=text)
        record_event(case, "petition_final", actor, public=True, text=text)
        case_actions.case_close(actor=actor, case=case, note=_("Re-review concluded: final."))
    else:
        _set_stage(petition, PetitionStage.REVIEWED, review_opinion=text, reviewed_on=today)
        record_event(case, "petition_reviewed", actor, public=True, text=text)
        if served_how:
            if served_how != ServiceMethod.ON_THE_SPOT:
                raise InvalidInput(
                    _("Only a hand-over on the spot is served with the opinion."),
                    fields={"served_how": _("Unknown.")},
                )
            _serve(case, petition, how=served_how, on=today, actor=actor)
    return case


def revisit_after() -> timedelta:
    return timedelta(days=settings.CONCORD.get("REVISIT_AFTER_DAYS", 7))
