"""Petitions (信访工作条例): registration, acceptance, service of the opinion, reply, review."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.cases import actions as case_actions
from concord.cases.actions import lock_case, record_event, require_handler, require_text
from concord.cases.models import (
    Case,
    Clock,
    ClockState,
    Outcome,
    Status,
)
from concord.core.calendars import platform_calendar
from concord.core.errors import InvalidInput, InvalidTransition

from .. import rules
from ..models import (
    STAFF_SERVICE_METHODS,
    Opinion,
    Petition,
    PetitionStage,
    PetitionType,
    ServiceMethod,
)
from .common import _channel, _pick, start_rule_clock

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
