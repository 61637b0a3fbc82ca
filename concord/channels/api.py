"""API for channels, clocks, mediation, petitions, bounce rulings and tier metrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from concord.accounts import permissions as perms
from concord.accounts.api_auth import optional_auth
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.schemas import (
    CASE_RESPONSES,
    CaseOut,
    ErrorOut,
    TrackOut,
    case_out,
    reloaded_case_out,
    track_out,
)
from concord.cases.selectors import get_case_by_receipt, get_case_for_user
from concord.core.errors import InvalidInput, NotFound, PermissionDenied
from concord.places.selectors import place_get

from . import actions, rules, selectors
from .documents import agreement_pdf as render
from .models import MediationAgreement

router = Router(tags=["channels"])


class ChannelOut(Schema):
    code: str
    name_zh: str
    name_en: str
    applies_zh: str
    applies_en: str
    is_mediation: bool
    questions: list[dict]
    documents: list[dict]
    clocks: list[dict]


def _channel_out(c: rules.Channel) -> dict:
    return {
        "code": c.code,
        "name_zh": c.name_zh,
        "name_en": c.name_en,
        "applies_zh": c.applies_zh,
        "applies_en": c.applies_en,
        "is_mediation": c.is_mediation,
        "questions": [
            {
                "code": q.code,
                "text_zh": q.text_zh,
                "text_en": q.text_en,
                "eligible_answer": q.eligible_answer,
                "redirect_to": q.redirect_to,
            }
            for q in c.questions
        ],
        "documents": [
            {"code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "required": d.required}
            for d in c.documents
        ],
        "clocks": [
            {
                "kind": str(k.kind),
                "amount": k.amount,
                "unit": str(k.unit),
                "starts_from": str(k.starts_from),
                "label_zh": k.label_zh,
                "label_en": k.label_en,
                "basis_zh": k.citation.text_zh,
                "basis_en": k.citation.text_en,
                "grade": str(k.grade),
                "configurable": k.configurable,
                "extension_max": k.extension_max,
            }
            for k in c.clocks
        ],
    }


@router.get("/channels", auth=optional_auth, response=list[ChannelOut])
def list_channels(request):
    """The lawful channels with eligibility questions, documents and clocks (legal basis)."""
    return [_channel_out(c) for c in rules.CHANNELS]


class EnterChannelIn(Schema):
    channel: str
    knowledge_date: date | None = None
    mediation_requested_on: date | None = None
    answers: dict[str, bool] = {}
    note: str = ""


@router.post("/cases/{int:case_id}/channel", response=CASE_RESPONSES)
def enter_channel(request, case_id: int, payload: EnterChannelIn):
    return reloaded_case_out(
        actions.case_enter_channel(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            channel=payload.channel,
            knowledge_date=payload.knowledge_date,
            answers=payload.answers,
            mediation_requested_on=payload.mediation_requested_on,
            note=payload.note,
        )
    )


class ExtendIn(Schema):
    days: int
    reason: str


class ClockOut(Schema):
    id: int
    kind: str
    due_on: date
    extension_days: int
    state: str
    basis: str


@router.post(
    "/clocks/{int:clock_id}/extend",
    response={200: ClockOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def extend_clock(request, clock_id: int, payload: ExtendIn):
    return actions.clock_extend(
        actor=request.auth,
        clock=selectors.get_clock_for_user(request.auth, clock_id),
        days=payload.days,
        reason=payload.reason,
    )


class SessionIn(Schema):
    held_at: datetime
    location: str
    participants: str
    invited: str = ""
    notes: str = ""


@router.post(
    "/cases/{int:case_id}/mediation/sessions",
    response={201: dict, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def record_session(request, case_id: int, payload: SessionIn):
    session = actions.mediation_record_session(
        actor=request.auth,
        case=get_case_for_user(request.auth, case_id),
        held_at=payload.held_at,
        location=payload.location,
        participants=payload.participants,
        invited=payload.invited,
        notes=payload.notes,
    )
    return Status(201, {"id": session.pk, "held_at": session.held_at.isoformat()})


class EndMediationIn(Schema):
    reason: str
    knowledge_date: date
    refused_by: str = ""
    mediation_requested_on: date | None = None


@router.post(
    "/cases/{int:case_id}/mediation/end",
    response=CASE_RESPONSES,
    summary="End mediation without agreement",
)
def end_mediation(request, case_id: int, payload: EndMediationIn):
    return reloaded_case_out(
        actions.mediation_end_unresolved(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            reason=payload.reason,
            knowledge_date=payload.knowledge_date,
            refused_by=payload.refused_by,
            mediation_requested_on=payload.mediation_requested_on,
        )
    )


class AgreementIn(Schema):
    parties: str
    facts: str
    issues: str
    responsibilities: str
    terms: str
    performance_manner: str
    performance_due: date
    signed_by: list[str]
    mediator_signed: bool
    committee_sealed: bool
    effective_on: date | None = None


class AgreementOut(Schema):
    id: int
    parties: str
    facts: str
    issues: str
    responsibilities: str
    terms: str
    performance_manner: str
    performance_due: date
    signed_by: list[str]
    effective_on: date
    performance: str


@router.post(
    "/cases/{int:case_id}/mediation/agreement",
    response={201: AgreementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def record_agreement(request, case_id: int, payload: AgreementIn):
    agreement = actions.mediation_record_agreement(
        actor=request.auth, case=get_case_for_user(request.auth, case_id), **payload.dict()
    )
    return Status(201, agreement)


@router.get(
    "/cases/{int:case_id}/mediation/agreement.pdf",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
)
def agreement_pdf(request, case_id: int, lang: Literal["zh-hans", "en"] = "zh-hans"):
    """The signed agreement as PDF, in Chinese (the default) or English (`lang=en`)."""

    case = get_case_for_user(request.auth, case_id)
    agreement = MediationAgreement.objects.filter(case=case).first()
    if agreement is None:
        raise NotFound(_("There is no agreement for this case."))
    response = HttpResponse(render(agreement, language=lang), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{case.receipt_code}.pdf"'
    return response


class PerformanceIn(Schema):
    performance: str
    note: str = ""


@router.post(
    "/cases/{int:case_id}/mediation/performance",
    response={200: AgreementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def record_performance(request, case_id: int, payload: PerformanceIn):
    return actions.mediation_record_performance(
        actor=request.auth,
        case=get_case_for_user(request.auth, case_id),
        performance=payload.performance,
        note=payload.note,
    )


class ConfirmationIn(Schema):
    step: str
    on: date | None = None
    note: str = ""


@router.post(
    "/cases/{int:case_id}/mediation/confirmation",
    response={200: AgreementOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Judicial confirmation: the joint application and the court's steps",
)
def record_confirmation(request, case_id: int, payload: ConfirmationIn):
    return actions.mediation_record_confirmation(
        actor=request.auth,
        case=get_case_for_user(request.auth, case_id),
        step=payload.step,
        on=payload.on,
        note=payload.note,
    )


class RegisterIn(Schema):
    matter_key: str
    received_on: date | None = None


@router.post(
    "/cases/{int:case_id}/petition", response=CASE_RESPONSES, summary="Register as a petition"
)
def register_petition(request, case_id: int, payload: RegisterIn):
    return reloaded_case_out(
        actions.petition_register(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            matter_key=payload.matter_key,
            received_on=payload.received_on,
        )
    )


class PetitionAcceptIn(Schema):
    petition_type: str


@router.post("/cases/{int:case_id}/petition/accept", response=CASE_RESPONSES)
def accept_petition(request, case_id: int, payload: PetitionAcceptIn):
    return reloaded_case_out(
        actions.petition_accept(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            petition_type=payload.petition_type,
        )
    )


class RedirectIn(Schema):
    route_channel: str
    knowledge_date: date
    note: str = ""


@router.post("/cases/{int:case_id}/petition/redirect", response=CASE_RESPONSES)
def redirect_petition(request, case_id: int, payload: RedirectIn):
    return reloaded_case_out(
        actions.petition_redirect(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            route_channel=payload.route_channel,
            knowledge_date=payload.knowledge_date,
            note=payload.note,
        )
    )


class ReplyIn(Schema):
    opinion: str
    text: str
    legal_basis: str
    # "on_the_spot" when the opinion is handed over as it is issued; otherwise record service
    # later (/petition/service) or let the petitioner's reading serve it.
    served_how: str = ""


@router.post("/cases/{int:case_id}/petition/reply", response=CASE_RESPONSES)
def reply_petition(request, case_id: int, payload: ReplyIn):
    return reloaded_case_out(
        actions.petition_reply(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            opinion=payload.opinion,
            text=payload.text,
            legal_basis=payload.legal_basis,
            served_how=payload.served_how,
        )
    )


class ReviewDecisionIn(Schema):
    text: str
    recheck: bool = False
    served_how: str = ""


@router.post("/cases/{int:case_id}/petition/review-decision", response=CASE_RESPONSES)
def decide_review(request, case_id: int, payload: ReviewDecisionIn):
    return reloaded_case_out(
        actions.petition_review_decide(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            text=payload.text,
            recheck=payload.recheck,
            served_how=payload.served_how,
        )
    )


class ServiceIn(Schema):
    how: str
    on: date | None = None


@router.post(
    "/cases/{int:case_id}/petition/service",
    response=CASE_RESPONSES,
    summary="Record that the written opinion was served (the review window starts that day)",
)
def record_petition_service(request, case_id: int, payload: ServiceIn):
    return reloaded_case_out(
        actions.petition_record_service(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            how=payload.how,
            on=payload.on,
        )
    )


class TrackReviewIn(Schema):
    token: str
    reason: str
    recheck: bool = False


@router.post(
    "/cases/track/{code}/petition-review",
    auth=optional_auth,
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Petitioner asks for review or re-review",
)
def track_petition_review(request, code: str, payload: TrackReviewIn):
    case = actions.petition_request_review(
        case=get_case_by_receipt(code, payload.token),
        reason=payload.reason,
        recheck=payload.recheck,
    )
    return track_out(case)


class DecideIn(Schema):
    to_unit: str
    reason: str


@router.post(
    "/cases/{int:case_id}/transfer-decision",
    response=CASE_RESPONSES,
    summary="Supervisor settles bounced transfers",
)
def decide_transfer(request, case_id: int, payload: DecideIn):
    unit = Unit.objects.filter(code=payload.to_unit, is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Unknown unit."), fields={"to_unit": _("Unknown unit.")})
    return reloaded_case_out(
        case_actions.case_transfer_decide(
            actor=request.auth,
            case=get_case_for_user(request.auth, case_id),
            to_unit=unit,
            reason=payload.reason,
        )
    )


@router.get(
    "/supervision/bounces", response=list[CaseOut], summary="Cases waiting for a bounce ruling"
)
def bounces(request):

    return [case_out(c) for c in selectors.bounce_queue(request.auth)[:200]]


class TierOut(Schema):
    place: str
    start: date
    end: date
    finished: int
    village: int
    town: int
    county: int
    pushed_upward: int
    village_share: float | None
    town_share: float | None
    county_share: float | None
    pushed_upward_share: float | None


@router.get(
    "/metrics/tiers",
    response={200: TierOut, 403: ErrorOut, 404: ErrorOut},
    summary="Fengqiao tier shares",
)
def tiers(request, place: str, start: date = Query(...), end: date | None = None):
    where = place_get(code=place)
    if not perms.can(request.auth, Cap.STATS_VIEW, place_path=where.path):
        raise PermissionDenied(_("You may not see statistics for this place."))
    return selectors.tier_metrics(
        place=where, start=start, end=end or timezone.localdate()
    ).as_dict()


class ClockStartIn(Schema):
    kind: str
    start: date | None = None


@router.post(
    "/cases/{int:case_id}/clocks",
    response={201: ClockOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Start a channel clock when its trigger happens",
)
def start_clock(request, case_id: int, payload: ClockStartIn):
    clock = actions.channel_clock_start(
        actor=request.auth,
        case=get_case_for_user(request.auth, case_id),
        kind=payload.kind,
        start=payload.start,
    )
    return Status(201, clock)
