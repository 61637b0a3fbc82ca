"""API of the safety app, mounted under /api/v1/safety/. Thin: parse, call, render."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from concord.accounts.api_auth import account_auth, optional_auth
from concord.accounts.models import Unit
from concord.cases.selectors import get_case_for_user
from concord.core.errors import InvalidInput, NotFound
from concord.notifications.selectors import preference_for
from concord.places.models import Place
from concord.places.selectors import place_get

from . import actions, selectors
from .models import Inspection, ResidentProfile

router = Router(tags=["safety"])


def _places(codes: list[str]) -> list[Place]:
    return [place_get(code=c) for c in codes]


def _unit(code: str) -> Unit:
    unit = Unit.objects.select_related("place").filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput(_msg_unknown_unit(), fields={"unit": _msg_unknown_unit()})
    return unit


def _msg_unknown_unit() -> str:

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
    return Status(
        201, {"case_id": sub.case.pk, "receipt_code": sub.case.receipt_code, "token": sub.token}
    )


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
    return Status(201, actions.rectification_order_issue(actor=request.auth, case=case, **data))


class NoteIn(Schema):
    note: str


@router.post("/orders/{order_id}/done", response=OrderOut)
def order_done(request, order_id: int, payload: NoteIn):
    order = selectors.get_order_for_user(request.auth, order_id)
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
    return Status(
        201, {"id": v.pk, "case_id": case.pk, "passed": v.passed, "case_status": v.case.status}
    )


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
    return Status(201, _warning_out(actions.warning_issue(actor=request.auth, **data)))


@router.get("/warnings", response=list[WarningOut], auth=None)
def warnings_in_force(request):
    return [_warning_out(w) for w in selectors.warnings_in_force()]


class LiftIn(Schema):
    reason: str


@router.post("/warnings/{warning_id}/lift", response=WarningOut)
def warning_lift(request, warning_id: int, payload: LiftIn):
    """Lift a warning in force (a supervisor over all its places); everyone it reached is told."""
    warning = selectors.warning_public(warning_id)
    return _warning_out(
        actions.warning_lift(actor=request.auth, warning=warning, reason=payload.reason)
    )


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
    return Status(201, _policy_out(actions.policy_publish(actor=request.auth, **data)))


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
    return Status(201, {"id": q.pk, "answered": q.is_answered})


class AnswerIn(Schema):
    answer: str


@router.post("/questions/{question_id}/answer", response=AnswerOut)
def policy_answer(request, question_id: int, payload: AnswerIn):
    question = selectors.get_policy_question_for_user(request.auth, question_id)
    q = actions.policy_question_answer(actor=request.auth, question=question, answer=payload.answer)
    return {"id": q.pk, "question": q.text, "answer": q.answer, "answered_at": q.answered_at}


# --- resident profile ----------------------------------------------------------------------


class ProfileIn(Schema):
    place: str
    address: str = Field("", max_length=300)
    language: str | None = None
    email: bool | None = None
    sms: bool | None = None
    phone: str | None = Field(None, max_length=32)
    opted_out: bool | None = None


class ProfileOut(Schema):
    place: str | None
    address: str
    language: str
    email: bool
    sms: bool
    phone: str
    opted_out: bool


def _profile_out(user) -> dict:
    profile = ResidentProfile.objects.select_related("place").filter(user=user).first()
    pref = preference_for(user)
    return {
        "place": profile.place.code if profile else None,
        "address": profile.address if profile else "",
        "language": pref.language,
        "email": pref.email,
        "sms": pref.sms,
        "phone": pref.phone,
        "opted_out": pref.opted_out,
    }


@router.get("/me/profile", response=ProfileOut, auth=account_auth)
def profile_get(request):
    """The signed-in resident's own profile: where they live, language and channels."""
    return _profile_out(request.auth)


@router.post("/me/profile", response=ProfileOut, auth=account_auth)
def profile_put(request, payload: ProfileIn):
    data = payload.dict()
    data["place"] = place_get(code=data["place"])
    actions.resident_profile_update(actor=request.auth, **data)
    return _profile_out(request.auth)


# --- vulnerable households -----------------------------------------------------------------


class HouseholdIn(Schema):
    place: str
    label: str = Field(max_length=120)
    address: str = Field(max_length=300)
    vulnerabilities: list[str]
    consent_by: str = Field(max_length=120)
    consent_on: date
    phone: str = Field("", max_length=32)
    notes: str = Field("", max_length=5000)


class HouseholdOut(Schema):
    id: int
    place: str
    label: str
    address: str
    phone: str
    vulnerabilities: list[str]
    consent_by: str
    consent_on: date


def _household_out(h) -> dict:
    return {
        "id": h.pk,
        "place": h.place.code,
        "label": h.label,
        "address": h.address,
        "phone": h.phone,
        "vulnerabilities": h.vulnerabilities,
        "consent_by": h.consent_by,
        "consent_on": h.consent_on,
    }


@router.post("/households", response={201: HouseholdOut})
def household_create(request, payload: HouseholdIn):
    data = payload.dict()
    data["place"] = place_get(code=data["place"])
    return Status(201, _household_out(actions.household_record(actor=request.auth, **data)))


@router.get("/households", response=list[HouseholdOut])
def households(request):
    """The vulnerable households in the grid worker's own grid."""
    return [_household_out(h) for h in selectors.households_for(request.auth)[:1000]]


# --- inspection sites and plans ------------------------------------------------------------


class SiteIn(Schema):
    name: str = Field(max_length=200)
    kind: str
    place: str
    address: str = Field("", max_length=300)
    responsible_party: str = Field("", max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    place: str
    address: str
    responsible_party: str


def _site_out(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "kind": s.kind,
        "place": s.place.code,
        "address": s.address,
        "responsible_party": s.responsible_party,
    }


@router.post("/sites", response={201: SiteOut})
def site_create(request, payload: SiteIn):
    data = payload.dict()
    data["place"] = place_get(code=data["place"])
    return Status(201, _site_out(actions.site_register(actor=request.auth, **data)))


@router.get("/sites", response=list[SiteOut])
def sites(request):
    return [_site_out(s) for s in selectors.sites_for(request.auth)[:1000]]


class PlanIn(Schema):
    supervising_unit: str
    interval_days: int = Field(ge=1, le=366)
    starts_on: date
    checklist: list[str] = Field(max_length=100)


class PlanOut(Schema):
    id: int
    site_id: int
    supervising_unit: str
    interval_days: int
    starts_on: date
    checklist: list[str]


@router.post("/sites/{site_id}/plans", response={201: PlanOut})
def plan_create(request, site_id: int, payload: PlanIn):
    data = payload.dict()
    data["supervising_unit"] = _unit(data["supervising_unit"])
    site = selectors.get_site_for_user(request.auth, site_id)
    plan = actions.inspection_plan_create(actor=request.auth, site=site, **data)
    return Status(
        201,
        {
            "id": plan.pk,
            "site_id": site.pk,
            "supervising_unit": plan.supervising_unit.code,
            "interval_days": plan.interval_days,
            "starts_on": plan.starts_on,
            "checklist": plan.checklist,
        },
    )


# --- emergency incidents -------------------------------------------------------------------

_COUNT = Field(0, ge=0, le=10_000_000)


class IncidentIn(Schema):
    title: str = Field(max_length=200)
    incident_type: str
    level: str
    places: list[str] = Field(max_length=200)
    occurred_at: datetime
    description: str = Field("", max_length=20_000)
    response_team: str | None = None
    deaths: int = _COUNT
    injured: int = _COUNT
    missing: int = _COUNT
    displaced: int = _COUNT
    needs: str = Field("", max_length=10_000)


class TimelineOut(Schema):
    at: datetime
    text: str
    checklist_item: str


class IncidentSummaryOut(Schema):
    id: int
    title: str
    incident_type: str
    level: str
    state: str
    occurred_at: datetime


class IncidentOut(IncidentSummaryOut):
    places: list[str]
    description: str
    response_team: str | None
    plan: str | None
    checklist: list[str]
    checklist_done: list[str]
    deaths: int
    injured: int
    missing: int
    displaced: int
    needs: str
    cases: list[str]
    timeline: list[TimelineOut]
    review: str
    lessons: str


def _incident_summary(i) -> dict:
    return {f: getattr(i, f) for f in IncidentSummaryOut.model_fields if f != "id"} | {"id": i.pk}


def _incident_out(user, incident_id: int) -> dict:
    i = selectors.get_incident_for_user(user, incident_id)
    return _incident_summary(i) | {
        "places": [p.code for p in i.places.all()],
        "description": i.description,
        "response_team": i.response_team.code if i.response_team else None,
        "plan": i.plan.title if i.plan else None,
        "checklist": i.plan.checklist if i.plan else [],
        "checklist_done": i.checklist_done,
        "deaths": i.deaths,
        "injured": i.injured,
        "missing": i.missing,
        "displaced": i.displaced,
        "needs": i.needs,
        "cases": [c.receipt_code for c in selectors.incident_cases_for(user, i)],
        "timeline": [
            {"at": a.at, "text": a.text, "checklist_item": a.checklist_item}
            for a in sorted(i.timeline.all(), key=lambda a: (a.at, a.pk))
        ],
        "review": i.review,
        "lessons": i.lessons,
    }


@router.post("/incidents", response={201: IncidentOut})
def incident_create(request, payload: IncidentIn):
    data = payload.dict()
    data["places"] = _places(data["places"])
    team = data.pop("response_team")
    incident = actions.incident_record(
        actor=request.auth, response_team=_unit(team) if team else None, **data
    )
    return Status(201, _incident_out(request.auth, incident.pk))


@router.get("/incidents", response=list[IncidentSummaryOut])
def incidents(request):
    return [_incident_summary(i) for i in selectors.incidents_for(request.auth)[:500]]


@router.get("/incidents/{incident_id}", response=IncidentOut)
def incident(request, incident_id: int):
    return _incident_out(request.auth, incident_id)


class IncidentActionIn(Schema):
    text: str = Field(max_length=10_000)
    checklist_item: str = Field("", max_length=200)
    at: datetime | None = None


@router.post("/incidents/{incident_id}/actions", response={201: IncidentOut})
def incident_action(request, incident_id: int, payload: IncidentActionIn):
    incident = selectors.get_incident_for_user(request.auth, incident_id)
    actions.incident_log_action(actor=request.auth, incident=incident, **payload.dict())
    return Status(201, _incident_out(request.auth, incident_id))


class FiguresIn(Schema):
    deaths: int = _COUNT
    injured: int = _COUNT
    missing: int = _COUNT
    displaced: int = _COUNT
    needs: str = Field("", max_length=10_000)


@router.post("/incidents/{incident_id}/figures", response=IncidentOut)
def incident_figures(request, incident_id: int, payload: FiguresIn):
    incident = selectors.get_incident_for_user(request.auth, incident_id)
    actions.incident_update_figures(actor=request.auth, incident=incident, **payload.dict())
    return _incident_out(request.auth, incident_id)


class LinkIn(Schema):
    case_id: int


@router.post("/incidents/{incident_id}/cases", response=IncidentOut)
def incident_link(request, incident_id: int, payload: LinkIn):
    incident = selectors.get_incident_for_user(request.auth, incident_id)
    case = get_case_for_user(request.auth, payload.case_id)
    actions.incident_link_case(actor=request.auth, incident=incident, case=case)
    return _incident_out(request.auth, incident_id)


class CloseIn(Schema):
    note: str = Field("", max_length=10_000)


@router.post("/incidents/{incident_id}/close", response=IncidentOut)
def incident_close(request, incident_id: int, payload: CloseIn):
    incident = selectors.get_incident_for_user(request.auth, incident_id)
    actions.incident_close(actor=request.auth, incident=incident, note=payload.note)
    return _incident_out(request.auth, incident_id)


class ReviewIn(Schema):
    review: str = Field(max_length=20_000)
    lessons: str = Field(max_length=20_000)


@router.post("/incidents/{incident_id}/review", response=IncidentOut)
def incident_review(request, incident_id: int, payload: ReviewIn):
    incident = selectors.get_incident_for_user(request.auth, incident_id)
    actions.incident_review(actor=request.auth, incident=incident, **payload.dict())
    return _incident_out(request.auth, incident_id)
