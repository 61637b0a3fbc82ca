"""API of the safety app, mounted under /api/v1/safety/. Thin: parse, call, render."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

from django.utils import timezone
from ninja import Router, Schema

from concord.accounts.api_auth import optional_auth
from concord.accounts.models import Unit
from concord.cases.selectors import get_case_for_user
from concord.core.errors import InvalidInput, NotFound
from concord.places.models import Place
from concord.places.selectors import place_get

from . import actions, selectors
from .models import Inspection, PolicyQuestion, RectificationOrder

router = Router(tags=["safety"])


def _places(codes: list[str]) -> list[Place]:
    return [place_get(code=c) for c in codes]


def _unit(code: str) -> Unit:
    unit = Unit.objects.select_related("place").filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput(_msg_unknown_unit(), fields={"unit": _msg_unknown_unit()})
    return unit


def _msg_unknown_unit() -> str:
    from django.utils.translation import gettext as _

    return _("Unknown unit.")


class HazardIn(Schema):
    hazard_type: str
    title: str
    description: str
    place: str | None = None
    lat: float | None = None
    lng: float | None = None
    address: str = ""
    source: str = "resident"
    language: str = "zh-hans"


class HazardOut(Schema):
    case_id: int
    receipt_code: str
    token: str


@router.post("/hazards", response={201: HazardOut}, auth=optional_auth)
def hazard_create(request, payload: HazardIn):
    data = payload.dict()
    code = data.pop("place")
    place = place_get(code=code) if code else None
    sub = actions.hazard_report(actor=request.auth, place=place, **data)
    return 201, {"case_id": sub.case.pk, "receipt_code": sub.case.receipt_code, "token": sub.token}


class OrderIn(Schema):
    responsible_party: str
    supervising_unit: str
    requirements: str
    due_on: date
    responsible_contact: str = ""


class OrderOut(Schema):
    id: int
    case_id: int
    state: str
    due_on: date
    rounds: int


@router.post("/hazards/{case_id}/orders", response={201: OrderOut})
def order_issue(request, case_id: int, payload: OrderIn):
    data = payload.dict()
    data["supervising_unit"] = _unit(data["supervising_unit"])
    case = get_case_for_user(request.auth, case_id)
    return 201, actions.rectification_order_issue(actor=request.auth, case=case, **data)


class NoteIn(Schema):
    note: str


@router.post("/orders/{order_id}/done", response=OrderOut)
def order_done(request, order_id: int, payload: NoteIn):
    order = RectificationOrder.objects.filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    get_case_for_user(request.auth, order.case_id)
    return actions.rectification_report_done(actor=request.auth, order=order, note=payload.note)


class VerifyIn(Schema):
    passed: bool
    note: str
    photo_base64: str = ""
    photo_name: str = "verification.jpg"
    lat: float | None = None
    lng: float | None = None


class VerificationOut(Schema):
    id: int
    case_id: int
    passed: bool
    case_status: str


@router.post("/cases/{case_id}/verify", response={201: VerificationOut})
def verify(request, case_id: int, payload: VerifyIn):
    """On-site verification of a hazard or service-dispatch case (the only way such cases close)."""
    try:
        photo = (
            base64.b64decode(payload.photo_base64, validate=True) if payload.photo_base64 else None
        )
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(fields={"photo_base64": "not base64"}) from exc
    case = get_case_for_user(request.auth, case_id)
    v = actions.case_verify_on_site(
        actor=request.auth,
        case=case,
        passed=payload.passed,
        note=payload.note,
        photo=photo,
        photo_name=payload.photo_name,
        lat=payload.lat,
        lng=payload.lng,
    )
    return 201, {"id": v.pk, "case_id": case.pk, "passed": v.passed, "case_status": v.case.status}


class InspectionOut(Schema):
    id: int
    site: str
    site_kind: str
    due_on: date
    state: str
    overdue: bool
    checklist: list[str]


def _inspection_out(i: Inspection, today: date) -> dict:
    return {
        "id": i.pk,
        "site": i.site.name,
        "site_kind": i.site.kind,
        "due_on": i.due_on,
        "state": i.state,
        "overdue": i.due_on < today,
        "checklist": i.plan.checklist,
    }


@router.get("/inspections/due", response=list[InspectionOut])
def inspections_due(request):
    today = timezone.localdate()
    return [_inspection_out(i, today) for i in selectors.inspections_due_for(request.auth)[:500]]


class InspectionIn(Schema):
    results: dict[str, str]
    findings: str = ""
    hazard_type: str | None = None


@router.post("/inspections/{inspection_id}/record", response=InspectionOut)
def inspection_record(request, inspection_id: int, payload: InspectionIn):
    inspection = selectors.inspections_due_for(request.auth).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound()
    done = actions.inspection_record(actor=request.auth, inspection=inspection, **payload.dict())
    return _inspection_out(done, timezone.localdate())


class WarningIn(Schema):
    colour: str
    hazard_type: str
    title_zh: str
    title_en: str
    instructions_zh: str = ""
    instructions_en: str = ""
    places: list[str] = []
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class WarningOut(Schema):
    id: int
    colour: str
    hazard_type: str
    title_zh: str
    title_en: str
    instructions_zh: str
    instructions_en: str
    places: list[str]
    starts_at: datetime
    ends_at: datetime
    state: str


def _warning_out(w) -> dict:
    return {
        **{f: getattr(w, f) for f in WarningOut.model_fields if f not in {"id", "places"}},
        "id": w.pk,
        "places": [p.code for p in w.places.all()],
    }


@router.post("/warnings", response={201: WarningOut})
def warning_issue(request, payload: WarningIn):
    data = payload.dict()
    data["places"] = _places(data["places"])
    return 201, _warning_out(actions.warning_issue(actor=request.auth, **data))


@router.get("/warnings", response=list[WarningOut], auth=None)
def warnings_in_force(request):
    return [_warning_out(w) for w in selectors.warnings_in_force()]


class CountOut(Schema):
    total: int
    reached: int
    needs_help: int
    not_reached: int
    pending: int


@router.get("/warnings/{warning_id}/count", response=CountOut)
def warning_count(request, warning_id: int):
    return selectors.warning_reach_count(
        selectors.warning_public(warning_id), user=request.auth
    ).__dict__


class CheckOut(Schema):
    id: int
    household: str
    address: str
    phone: str
    vulnerabilities: list[str]
    status: str
    note: str


def _check_out(c) -> dict:
    h = c.household
    return {
        "id": c.pk,
        "household": h.label,
        "address": h.address,
        "phone": h.phone,
        "vulnerabilities": h.vulnerabilities,
        "status": c.status,
        "note": c.note,
    }


@router.get("/warnings/{warning_id}/checklist", response=list[CheckOut])
def warning_checklist(request, warning_id: int):
    warning = selectors.warning_public(warning_id)
    return [_check_out(c) for c in selectors.warning_checklist_for(request.auth, warning)]


class MarkIn(Schema):
    status: str
    note: str = ""


@router.post("/checks/{check_id}", response=CheckOut)
def check_mark(request, check_id: int, payload: MarkIn):
    check = selectors.get_check_for_user(request.auth, check_id)
    return _check_out(actions.warning_check_mark(actor=request.auth, check=check, **payload.dict()))


class PolicyIn(Schema):
    title_zh: str
    title_en: str = ""
    body: str
    interpretation_zh: str
    interpretation_en: str = ""
    issuing_unit: str
    places: list[str] = []
    effective_from: date
    effective_to: date | None = None


class AnswerOut(Schema):
    id: int
    question: str
    answer: str
    answered_at: datetime


class PolicyOut(Schema):
    id: int
    title_zh: str
    title_en: str
    body: str
    interpretation_zh: str
    interpretation_en: str
    issuing_unit: str
    places: list[str]
    effective_from: date
    effective_to: date | None
    answers: list[AnswerOut]


def _policy_out(n, *, answers: bool = True) -> dict:
    return {
        "id": n.pk,
        "title_zh": n.title_zh,
        "title_en": n.title_en,
        "body": n.body,
        "interpretation_zh": n.interpretation_zh,
        "interpretation_en": n.interpretation_en,
        "issuing_unit": n.issuing_unit.code,
        "places": [p.code for p in n.places.all()],
        "effective_from": n.effective_from,
        "effective_to": n.effective_to,
        "answers": [
            {"id": q.pk, "question": q.text, "answer": q.answer, "answered_at": q.answered_at}
            for q in selectors.policy_answers_public(n)
        ]
        if answers
        else [],
    }


@router.post("/policies", response={201: PolicyOut})
def policy_publish(request, payload: PolicyIn):
    data = payload.dict()
    data["places"] = _places(data["places"])
    data["issuing_unit"] = _unit(data["issuing_unit"])
    return 201, _policy_out(actions.policy_publish(actor=request.auth, **data))


@router.get("/policies", response=list[PolicyOut], auth=None)
def policies(request, place: str | None = None):
    path = place_get(code=place).path if place else None
    on = timezone.localdate()
    return [
        _policy_out(n, answers=False) for n in selectors.policies_public(on=on, place_path=path)
    ]


class ThemeOut(Schema):
    label: str
    count: int
    notice_ids: list[int]
    question_ids: list[int]


@router.get("/policies/themes", response=list[ThemeOut])
def policy_themes(request):
    return [t.__dict__ for t in selectors.policy_question_themes()]


@router.get("/policies/{notice_id}", response=PolicyOut, auth=None)
def policy(request, notice_id: int):
    return _policy_out(selectors.policy_public(notice_id))


class QuestionIn(Schema):
    text: str
    language: str = "zh-hans"


class QuestionOut(Schema):
    id: int
    answered: bool


@router.post("/policies/{notice_id}/questions", response={201: QuestionOut}, auth=optional_auth)
def policy_ask(request, notice_id: int, payload: QuestionIn):
    notice = selectors.policy_public(notice_id)
    q = actions.policy_question_ask(
        notice=notice, text=payload.text, language=payload.language, actor=request.auth
    )
    return 201, {"id": q.pk, "answered": q.is_answered}


class AnswerIn(Schema):
    answer: str


@router.post("/questions/{question_id}/answer", response=AnswerOut)
def policy_answer(request, question_id: int, payload: AnswerIn):
    question = PolicyQuestion.objects.filter(pk=question_id).first()
    if question is None:
        raise NotFound()
    q = actions.policy_question_answer(actor=request.auth, question=question, answer=payload.answer)
    return {"id": q.pk, "question": q.text, "answer": q.answer, "answered_at": q.answered_at}
