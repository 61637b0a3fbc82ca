"""API of the assessments app, mounted under /api/v1/assessments/: staff work and public input."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from concord.accounts.api_auth import optional_auth
from concord.accounts.models import Unit, User
from concord.core.errors import InvalidInput, NotFound
from concord.places.models import Place

from . import actions, selectors
from .documents import LANGUAGES, report_pdf
from .evidence import evidence_for, platform_evidence
from .models import Assessment, Comment, Consultation, DecisionType, MitigationTask, RiskPoint

router = Router(tags=["assessments"])

ERR = {400: dict, 403: dict, 404: dict, 409: dict}


def _r(code: int = 200) -> dict:
    return {code: dict, **ERR}


# --- rendering -----------------------------------------------------------------------------


def decision_out(d) -> dict:
    return {
        "id": d.pk,
        "title": d.title,
        "description": d.description,
        "type": d.decision_type.code,
        "owner_unit": d.owner_unit.code,
        "places": [p.code for p in d.places.all()],
        "affected_groups": d.affected_groups,
        "documents": d.documents,
        "timeline": d.timeline,
        "is_investment": d.is_investment,
        "screening": d.screening,
        "screening_note": d.screening_note,
        "assessments": [a.pk for a in d.assessments.all().order_by("round")],
    }


def point_out(p: RiskPoint) -> dict:
    return {
        "id": p.pk,
        "dimension": p.dimension,
        "title": p.title,
        "description": p.description,
        "likelihood": p.likelihood,
        "impact": p.impact,
        "score": p.score,
        "affected_groups": p.affected_groups,
        "evidence": p.evidence,
        "mitigation": p.mitigation,
        "owner_unit": p.owner_unit.code if p.owner_unit else None,
    }


def comment_out(c: Comment, *, staff: bool) -> dict:
    hidden = c.visibility == "hidden"
    return {
        "code": c.code,
        "display_name": c.display_name,
        "channel": c.channel,
        "body": c.body if (staff or not hidden) else "",
        "stance": c.stance if (staff or not hidden) else "",
        "answers": c.answers if (staff or not hidden) else {},
        "visibility": c.visibility,
        "moderation_reason": c.moderation_reason if hidden else "",
        "theme": c.theme,
        "created_at": c.created_at.isoformat(),
    }


def consultation_out(c: Consultation | None, *, staff: bool = False) -> dict | None:
    if c is None:
        return None
    today = timezone.localdate()
    return {
        "assessment": c.assessment_id,
        "opens_on": c.opens_on.isoformat(),
        "closes_on": c.closes_on.isoformat(),
        "is_open": c.is_open_on(today) and c.assessment.stage == "consulting",
        "introduction": c.introduction,
        "questions": c.questions,
        "summary": c.summary,
        **(
            {"summarised_at": c.summarised_at.isoformat() if c.summarised_at else None}
            if staff
            else {}
        ),
    }


def assessment_out(a: Assessment, *, reader) -> dict:
    """Return the assessment as `reader` sees it (the evidence's case lines depend on them)."""
    a = selectors.assessment_detail(a)
    return {
        "id": a.pk,
        "decision": decision_out(a.decision),
        "round": a.round,
        "stage": a.stage,
        "method": a.method,
        "leader": a.leader_id,
        "team": [u.pk for u in a.team.all()],
        "starts_on": a.starts_on.isoformat(),
        "ends_on": a.ends_on.isoformat(),
        "reason": a.reason,
        "level": a.level,
        "computed_level": a.computed_level,
        "computed_detail": a.computed_detail,
        "override_level": a.override_level,
        "override_reason": a.override_reason,
        "contingency_plan": a.contingency_plan,
        "evidence": evidence_for(a.evidence_snapshot, reader=reader),
        "reported_at": a.reported_at.isoformat() if a.reported_at else None,
        "outcome": a.outcome,
        "decided_on": a.decided_on.isoformat() if a.decided_on else None,
        "decision_body": a.decision_body,
        "decision_minutes": a.decision_minutes,
        "unanswered_reason": a.unanswered_reason,
        "consultation": consultation_out(getattr(a, "consultation", None), staff=True),
        "risk_points": [point_out(p) for p in a.risk_points.all()],
        "engagements": [
            {
                "kind": e.kind,
                "held_on": e.held_on.isoformat(),
                "participants": e.participants,
                "location": e.location,
                "summary": e.summary,
            }
            for e in a.engagements.all()
        ],
        "tasks": [task_out(t) for t in a.tasks.all()],
        "you_said_we_did": selectors.you_said_we_did(a),
        "monitoring": [
            {"noted_on": m.noted_on.isoformat(), "text": m.text, "facts_changed": m.facts_changed}
            for m in a.monitoring.all()
        ],
    }


def task_out(t: MitigationTask) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "owner_unit": t.owner_unit.code,
        "due_on": t.due_on.isoformat(),
        "state": t.state,
        "risk_point": t.risk_point_id,
        "done_note": t.done_note,
    }


# --- lookups -------------------------------------------------------------------------------


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.select_related("place").filter(code=code).first()
    if unit is None:
        raise InvalidInput(fields={"owner_unit": f"Unknown unit {code!r}."})
    return unit


def _users(ids: list[int]) -> list[User]:
    users = list(User.objects.filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise InvalidInput(fields={"team": "Unknown user."})
    return users


def _assessment(request, assessment_id: int) -> Assessment:
    return selectors.get_assessment_for_user(request.auth, assessment_id)


# --- decisions -----------------------------------------------------------------------------


@router.get("/decision-types", response=list[dict])
def list_decision_types(request):
    """The screening list: which kinds of decision must be assessed."""
    return [
        {
            "code": t.code,
            "name_zh": t.name_zh,
            "name_en": t.name_en,
            "requires_assessment": t.requires_assessment,
            "is_investment": t.is_investment,
            "category_codes": t.category_codes,
            "basis": t.basis,
        }
        for t in DecisionType.objects.filter(is_active=True)
    ]


class DecisionIn(Schema):
    title: str
    description: str
    type: str
    owner_unit: str
    places: list[str]
    affected_groups: list[str] = []
    documents: list[dict] = []
    timeline: list[dict] = []
    is_investment: bool | None = None
    category_codes: list[str] = []


@router.get("/decisions", response=list[dict])
def list_decisions(request):
    out = []
    for d in selectors.decision_list(request.auth):
        live = d.live[0] if d.live else None
        out.append(
            {
                "id": d.pk,
                "title": d.title,
                "type": d.decision_type.code,
                "owner_unit": d.owner_unit.code,
                "places": [p.code for p in d.places.all()],
                "screening": d.screening,
                "assessment": live.pk if live else None,
                "stage": live.stage if live else None,
                "level": live.level if live else None,
            }
        )
    return out


@router.post("/decisions", response=_r(201))
def create_decision(request, payload: DecisionIn):
    dtype = DecisionType.objects.filter(code=payload.type, is_active=True).first()
    if dtype is None:
        raise InvalidInput(fields={"type": "Unknown decision type."})
    places = list(Place.objects.filter(code__in=payload.places))
    if len(places) != len(set(payload.places)):
        raise InvalidInput(fields={"places": "Unknown place."})
    d = actions.decision_create(
        actor=request.auth,
        title=payload.title,
        description=payload.description,
        decision_type=dtype,
        owner_unit=_unit(payload.owner_unit),
        places=places,
        affected_groups=payload.affected_groups,
        documents=payload.documents,
        timeline=payload.timeline,
        is_investment=payload.is_investment,
        category_codes=payload.category_codes,
    )
    return Status(201, decision_out(d))


@router.get("/decisions/{int:decision_id}", response=_r())
def get_decision(request, decision_id: int):
    return decision_out(selectors.get_decision_for_user(request.auth, decision_id))


class ScreenIn(Schema):
    requires: bool | None = None
    note: str = ""


@router.post("/decisions/{int:decision_id}/screen", response=_r())
def screen_decision(request, decision_id: int, payload: ScreenIn):
    d = selectors.get_decision_for_user(request.auth, decision_id)
    return decision_out(
        actions.decision_screen(
            actor=request.auth, decision=d, requires=payload.requires, note=payload.note
        )
    )


class PlanIn(Schema):
    leader: int
    team: list[int] = []
    method: str = "full"
    starts_on: date
    ends_on: date


@router.post("/decisions/{int:decision_id}/assessments", response=_r(201))
def plan_assessment(request, decision_id: int, payload: PlanIn):
    d = selectors.get_decision_for_user(request.auth, decision_id)
    leader = User.objects.filter(pk=payload.leader).first()
    if leader is None:
        raise InvalidInput(fields={"leader": "Unknown user."})
    a = actions.assessment_plan(
        actor=request.auth,
        decision=d,
        leader=leader,
        team=_users(payload.team),
        method=payload.method,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, assessment_out(a, reader=request.auth))


# --- assessment ----------------------------------------------------------------------------


@router.get("/{int:assessment_id}", response=_r())
def get_assessment(request, assessment_id: int):
    return assessment_out(_assessment(request, assessment_id), reader=request.auth)


@router.get("/{int:assessment_id}/evidence", response=_r())
def live_evidence(request, assessment_id: int):
    """Evidence as of now, as the caller may see it: suppressed counts for everyone, lines of
    the cases the caller may see (the report keeps the snapshot taken when it was issued)."""
    a = _assessment(request, assessment_id)
    return platform_evidence(a.decision, today=timezone.localdate(), reader=request.auth)


class ConsultationIn(Schema):
    opens_on: date
    closes_on: date | None = None
    introduction: str = ""
    questions: list[dict] = []


@router.post("/{int:assessment_id}/consultation", response=_r(201))
def open_consultation(request, assessment_id: int, payload: ConsultationIn):
    c = actions.consultation_open(
        actor=request.auth,
        assessment=_assessment(request, assessment_id),
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        introduction=payload.introduction,
        questions=payload.questions,
    )
    return Status(201, consultation_out(c, staff=True))


@router.post("/{int:assessment_id}/consultation/close", response=_r())
def close_consultation(request, assessment_id: int):
    return assessment_out(
        actions.consultation_close(
            actor=request.auth, assessment=_assessment(request, assessment_id)
        ),
        reader=request.auth,
    )


@router.post("/{int:assessment_id}/consultation/summarise", response=_r())
def summarise_consultation(request, assessment_id: int):
    c = actions.consultation_summarise(
        actor=request.auth, assessment=_assessment(request, assessment_id)
    )
    return consultation_out(c, staff=True)


@router.get("/{int:assessment_id}/comments", response=_r())
def staff_comments(request, assessment_id: int):
    a = _assessment(request, assessment_id)
    rows = Comment.objects.filter(consultation__assessment=a).order_by("created_at", "id")
    return {"items": [comment_out(c, staff=True) for c in rows]}


class StaffCommentIn(Schema):
    body: str
    channel: str
    stance: str = ""
    display_name: str = ""
    place: str | None = None


@router.post("/{int:assessment_id}/comments", response=_r(201))
def record_comment(request, assessment_id: int, payload: StaffCommentIn):
    """Record an opinion heard at a visit or hearing or given on a paper questionnaire."""
    a = _assessment(request, assessment_id)
    consultation = Consultation.objects.filter(assessment=a).first()
    if consultation is None:
        raise NotFound()
    place = Place.objects.filter(code=payload.place).first() if payload.place else None
    comment, _token = actions.comment_submit(
        consultation=consultation,
        body=payload.body,
        stance=payload.stance,
        channel=payload.channel,
        recorded_by=request.auth,
        display_name=payload.display_name,
        place=place,
    )
    return Status(201, comment_out(comment, staff=True))


class ModerateIn(Schema):
    hide: bool
    reason: str


@router.post("/comments/{code}/moderate", response=_r())
def moderate_comment(request, code: str, payload: ModerateIn):
    comment = Comment.objects.select_related("consultation").filter(code=code.upper()).first()
    if comment is None:
        raise NotFound()
    _assessment(request, comment.consultation.assessment_id)
    c = actions.comment_moderate(
        actor=request.auth, comment=comment, hide=payload.hide, reason=payload.reason
    )
    return comment_out(c, staff=True)


class EngagementIn(Schema):
    kind: str
    held_on: date
    summary: str
    location: str = ""
    participants: int = 0


@router.post("/{int:assessment_id}/engagements", response=_r(201))
def record_engagement(request, assessment_id: int, payload: EngagementIn):
    e = actions.engagement_record(
        actor=request.auth, assessment=_assessment(request, assessment_id), **payload.dict()
    )
    return Status(201, {"id": e.pk, "kind": e.kind})


class PointIn(Schema):
    dimension: str
    title: str
    likelihood: int
    impact: int
    description: str = ""
    affected_groups: list[str] = []
    evidence: list[dict] = []
    mitigation: str = ""
    owner_unit: str | None = None


@router.post("/{int:assessment_id}/risk-points", response=_r(201))
def add_point(request, assessment_id: int, payload: PointIn):
    data = payload.dict()
    data["owner_unit"] = _unit(data["owner_unit"])
    p = actions.risk_point_add(
        actor=request.auth, assessment=_assessment(request, assessment_id), **data
    )
    return Status(201, point_out(p))


class PointChangeIn(Schema):
    dimension: str | None = None
    title: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    description: str | None = None
    affected_groups: list[str] | None = None
    evidence: list[dict] | None = None
    mitigation: str | None = None
    owner_unit: str | None = None


@router.post("/risk-points/{int:point_id}", response=_r())
def change_point(request, point_id: int, payload: PointChangeIn):
    point = RiskPoint.objects.filter(pk=point_id).first()
    if point is None:
        raise NotFound()
    _assessment(request, point.assessment_id)
    changes = payload.dict(exclude_none=True)
    if "owner_unit" in changes:
        changes["owner_unit"] = _unit(changes["owner_unit"])
    return point_out(actions.risk_point_update(actor=request.auth, point=point, **changes))


class OverrideIn(Schema):
    level: str
    reason: str


@router.post("/{int:assessment_id}/override", response=_r())
def override_level(request, assessment_id: int, payload: OverrideIn):
    return assessment_out(
        actions.assessment_override_level(
            actor=request.auth,
            assessment=_assessment(request, assessment_id),
            level=payload.level,
            reason=payload.reason,
        ),
        reader=request.auth,
    )


class ReportIn(Schema):
    contingency_plan: str


@router.post("/{int:assessment_id}/report", response=_r())
def issue_report(request, assessment_id: int, payload: ReportIn):
    return assessment_out(
        actions.assessment_issue_report(
            actor=request.auth,
            assessment=_assessment(request, assessment_id),
            contingency_plan=payload.contingency_plan,
        ),
        reader=request.auth,
    )


@router.get("/{int:assessment_id}/report.pdf", response=_r())
def download_report(request, assessment_id: int, lang: str = "zh-hans"):
    """The report as PDF in Chinese (lang=zh-hans) or English (lang=en)."""
    if lang not in LANGUAGES:
        raise InvalidInput(fields={"lang": "Use zh-hans or en."})
    a = _assessment(request, assessment_id)
    response = HttpResponse(
        report_pdf(a, language=lang, reader=request.auth), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="assessment-{a.pk}-{lang}.pdf"'
    return response


class DecideIn(Schema):
    outcome: str
    decided_on: date
    body: str
    minutes: str
    unanswered_reason: str = ""


@router.post("/{int:assessment_id}/decide", response=_r())
def decide(request, assessment_id: int, payload: DecideIn):
    return assessment_out(
        actions.assessment_decide(
            actor=request.auth, assessment=_assessment(request, assessment_id), **payload.dict()
        ),
        reader=request.auth,
    )


class TaskIn(Schema):
    title: str
    owner_unit: str
    due_on: date
    risk_point: int | None = None


@router.post("/{int:assessment_id}/tasks", response=_r(201))
def add_task(request, assessment_id: int, payload: TaskIn):
    a = _assessment(request, assessment_id)
    point = None
    if payload.risk_point is not None:
        point = RiskPoint.objects.filter(pk=payload.risk_point, assessment=a).first()
        if point is None:
            raise InvalidInput(fields={"risk_point": "Unknown risk point."})
    t = actions.mitigation_task_add(
        actor=request.auth,
        assessment=a,
        title=payload.title,
        owner_unit=_unit(payload.owner_unit),
        due_on=payload.due_on,
        risk_point=point,
    )
    return Status(201, task_out(t))


class DoneIn(Schema):
    note: str


@router.post("/tasks/{int:task_id}/complete", response=_r())
def complete_task(request, task_id: int, payload: DoneIn):
    task = MitigationTask.objects.select_related("owner_unit").filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    _assessment(request, task.assessment_id)
    return task_out(
        actions.mitigation_task_complete(actor=request.auth, task=task, note=payload.note)
    )


class ResponseIn(Schema):
    theme: str
    response: str
    changed_decision: bool = False


@router.post("/{int:assessment_id}/responses", response=_r())
def answer_theme(request, assessment_id: int, payload: ResponseIn):
    a = _assessment(request, assessment_id)
    actions.theme_response_set(actor=request.auth, assessment=a, **payload.dict())
    return {"you_said_we_did": selectors.you_said_we_did(a)}


class MonitoringIn(Schema):
    text: str
    facts_changed: bool = False


@router.post("/{int:assessment_id}/monitoring", response=_r(201))
def monitor(request, assessment_id: int, payload: MonitoringIn):
    a = _assessment(request, assessment_id)
    actions.monitoring_record(actor=request.auth, assessment=a, **payload.dict())
    latest = a.decision.assessments.order_by("-round").first()
    return Status(201, {"assessment": latest.pk, "round": latest.round, "stage": latest.stage})


class ReassessIn(Schema):
    reason: str


@router.post("/{int:assessment_id}/reassess", response=_r(201))
def reassess(request, assessment_id: int, payload: ReassessIn):
    new = actions.assessment_reassess(
        actor=request.auth, assessment=_assessment(request, assessment_id), reason=payload.reason
    )
    return Status(201, assessment_out(new, reader=request.auth))


# --- public consultation -------------------------------------------------------------------


@router.get("/consultations", auth=optional_auth, response=list[dict])
def list_consultations(request):
    return [
        {
            "assessment": c.assessment_id,
            "title": c.assessment.decision.title,
            "owner_unit": c.assessment.decision.owner_unit.code,
            "opens_on": c.opens_on.isoformat(),
            "closes_on": c.closes_on.isoformat(),
            "stage": c.assessment.stage,
        }
        for c in selectors.public_consultations()
    ]


@router.get("/consultations/{int:assessment_id}", auth=optional_auth, response=_r())
def public_consultation(request, assessment_id: int):
    c = selectors.get_public_consultation(assessment_id)
    decision = c.assessment.decision
    return {
        "title": decision.title,
        "description": decision.description,
        "documents": decision.documents,
        "timeline": decision.timeline,
        "places": [p.code for p in decision.places.all()],
        "affected_groups": decision.affected_groups,
        "consultation": consultation_out(c),
        "comments": [comment_out(x, staff=False) for x in selectors.public_comments(c)],
        "outcome": c.assessment.outcome,
        "you_said_we_did": selectors.you_said_we_did(c.assessment),
    }


class CommentIn(Schema):
    body: str = Field(..., max_length=5000)
    stance: str = ""
    answers: dict[str, str] = {}
    display_name: str = Field("", max_length=80)


@router.post("/consultations/{int:assessment_id}/comments", auth=optional_auth, response=_r(201))
def submit_comment(request, assessment_id: int, payload: CommentIn):
    """Comment on a consultation; keep the receipt code and token to follow it up."""
    c = selectors.get_public_consultation(assessment_id)
    comment, token = actions.comment_submit(
        consultation=c,
        body=payload.body,
        stance=payload.stance,
        answers=payload.answers,
        display_name=payload.display_name,
        author=request.auth,
    )
    return Status(
        201,
        {
            "code": comment.code,
            "token": token,
            "follow_up_url": f"/assessments/comments/{comment.code}?token={token}",
        },
    )


@router.get("/comments/{code}", auth=optional_auth, response=_r())
def follow_comment(request, code: str, token: str = ""):
    """What became of a comment: its moderation and what the decision did with its theme."""
    return selectors.comment_follow_up(selectors.get_comment_by_token(code, token))
