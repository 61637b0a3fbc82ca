"""API of the wellbeing app, mounted under /api/v1/wellbeing/.

`POST /check` is open to anyone (the front door calls it as the resident types); everything else
needs a staff login. Sealed contents come only from `GET /referrals/{id}?why=…`, for counsellors
of the responsible team, and each call is logged.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone, translation
from ninja import Query, Router, Schema

from concord.accounts import permissions as perms
from concord.accounts.api_auth import optional_auth
from concord.accounts.models import User
from concord.accounts.roles import Cap
from concord.cases.selectors import get_case_for_user
from concord.core.errors import InvalidInput, NotFound, PermissionDenied
from concord.places.models import Place
from concord.places.selectors import place_get
from concord.triage.algorithms import crisis as crisis_detector

from . import actions, selectors
from .models import Referral
from .protocol import AssessmentAnswers

router = Router(tags=["wellbeing"])


# --- residents -----------------------------------------------------------------------------


class CheckIn(Schema):
    text: str
    place: str | None = None
    language: str | None = None


@router.post("/check", auth=optional_auth)
def check(request, payload: CheckIn):
    """Return whether the text signals a crisis and, if so, the hotline panel to show at once.

    `level` is imminent (show 110/120 at once), plan or ideation; `words` are the rule layer's
    hits and `probability` the model's. Nothing is stored: this is the front door's
    as-you-type check.
    """
    found = crisis_detector.assess(payload.text[:20000])
    crisis = found.is_crisis
    place = Place.objects.filter(code=payload.place).first() if payload.place else None
    language = payload.language or translation.get_language() or "zh-hans"
    with translation.override("en" if language.lower().startswith("en") else "zh-hans"):
        panel = selectors.hotline_context(place, level=found.level) if crisis else None
    return {
        "crisis": crisis,
        "level": found.level,
        "words": found.words,
        "probability": None if found.probability is None else round(found.probability, 3),
        "panel": panel,
    }


# --- staff: the crisis button --------------------------------------------------------------


class CrisisIn(Schema):
    risk: str = "high"
    reason: str = ""


@router.post("/cases/{case_id}/crisis")
def mark_crisis(request, case_id: int, payload: CrisisIn):
    """Press "crisis" on a case: open a referral and return what to do now."""
    case = get_case_for_user(request.auth, case_id)
    opened = actions.case_mark_crisis(
        actor=request.auth, case=case, risk=payload.risk, reason=payload.reason
    )
    return {
        "referral": opened.referral.reference,
        "created": opened.created,
        "imminent": opened.referral.risk == "imminent",
        "instructions": opened.instructions,
    }


# --- counsellors ---------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _queue_row(r: Referral) -> dict:
    return {
        "id": r.pk,
        "reference": r.reference,
        "risk": r.risk,
        "risk_assessed": r.risk_assessed,
        "state": r.state,
        "source": r.source,
        "place": r.place.code,
        "team": r.team.code,
        "counsellor": r.counsellor.username if r.counsellor else None,
        "opened_at": _iso(r.opened_at),
        "contact_due_at": _iso(r.contact_due_at),
        "contacted_at": _iso(r.contacted_at),
        "next_due_at": _iso(r.next_due_at),
    }


def _require_counsellor(user) -> None:
    if not selectors.may_counsel(user):
        raise PermissionDenied()


@router.get("/queue")
def queue(request):
    """Return the counsellor's queue, imminent first, then by the nearest clock."""
    _require_counsellor(request.auth)
    return [_queue_row(r) for r in selectors.referral_queue(request.auth)]


def referral_out(r: Referral) -> dict:
    """Return a referral's full contents (only ever called after a logged sealed read)."""
    plan = getattr(r, "safety_plan", None)
    return {
        **_queue_row(r),
        "case": r.case.receipt_code,
        "trigger_note": r.trigger_note,
        "outcome": r.outcome,
        "closure_note": r.closure_note,
        "closed_at": _iso(r.closed_at),
        "assessments": [
            {
                "id": a.pk,
                "ideation": a.ideation,
                "hopelessness": a.hopelessness,
                "has_plan": a.has_plan,
                "has_means": a.has_means,
                "act_in_progress": a.act_in_progress,
                "protective_factors": a.protective_factors,
                "notes": a.notes,
                "suggested_risk": a.suggested_risk,
                "risk": a.risk,
                "override_reason": a.override_reason,
                "by": a.assessed_by.username,
                "at": _iso(a.assessed_at),
            }
            for a in r.assessments.all()
        ],
        "safety_plan": (
            {name: getattr(plan, name) for name in actions.SAFETY_PLAN_FIELDS}
            | {"updated_at": _iso(plan.updated_at)}
            if plan
            else None
        ),
        "contacts": [
            {
                "id": c.pk,
                "mode": c.mode,
                "reached": c.reached,
                "note": c.note,
                "by": c.by.username,
                "at": _iso(c.at),
            }
            for c in r.contacts.all()
        ],
        "follow_ups": [
            {
                "id": f.pk,
                "due_at": _iso(f.due_at),
                "mandatory": f.mandatory,
                "state": f.state,
                "note": f.note,
                "done_at": _iso(f.done_at),
            }
            for f in r.follow_ups.all()
        ],
        "handovers": [
            {
                "id": h.pk,
                "partner": h.partner.localized_name() if h.partner else None,
                "to_other": h.to_other,
                "summary": h.summary,
                "at": _iso(h.at),
            }
            for h in r.handovers.all()
        ],
    }


@router.get("/referrals/{referral_id}")
def referral_detail(request, referral_id: int, why: str = ""):
    """Return a sealed referral to a counsellor of its team; `why` is required and logged."""
    return referral_out(selectors.referral_for_counsellor(request.auth, referral_id, why=why))


@router.post("/referrals/{referral_id}/take")
def take(request, referral_id: int):
    actions.referral_take(
        actor=request.auth, referral=selectors.get_referral_for_user(request.auth, referral_id)
    )
    return {"ok": True}


class AssessmentIn(Schema):
    ideation: int
    hopelessness: int
    has_plan: bool
    has_means: bool
    act_in_progress: bool
    protective_factors: str = ""
    notes: str = ""
    risk: str | None = None
    override_reason: str = ""


@router.post("/referrals/{referral_id}/assessment")
def assess(request, referral_id: int, payload: AssessmentIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    a = actions.referral_assess(
        actor=request.auth,
        referral=referral,
        answers=AssessmentAnswers(
            ideation=payload.ideation,
            hopelessness=payload.hopelessness,
            has_plan=payload.has_plan,
            has_means=payload.has_means,
            act_in_progress=payload.act_in_progress,
            protective_factors=1 if payload.protective_factors.strip() else 0,
        ),
        protective_factors=payload.protective_factors,
        notes=payload.notes,
        risk=payload.risk,
        override_reason=payload.override_reason,
    )
    return {"id": a.pk, "risk": a.risk, "suggested_risk": a.suggested_risk}


class SafetyPlanIn(Schema):
    warning_signs: str = ""
    coping_strategies: str = ""
    people_to_contact: str = ""
    professionals: str = ""
    means_safety: str = ""
    reasons_for_living: str = ""


@router.post("/referrals/{referral_id}/safety-plan")
def safety_plan(request, referral_id: int, payload: SafetyPlanIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    actions.referral_set_safety_plan(actor=request.auth, referral=referral, **payload.dict())
    return {"ok": True}


class ContactIn(Schema):
    mode: str
    reached: bool
    note: str = ""


@router.post("/referrals/{referral_id}/contacts")
def contact(request, referral_id: int, payload: ContactIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    entry = actions.referral_log_contact(
        actor=request.auth,
        referral=referral,
        mode=payload.mode,
        reached=payload.reached,
        note=payload.note,
    )
    return {"id": entry.pk}


class FollowUpIn(Schema):
    due_at: datetime
    note: str = ""


@router.post("/referrals/{referral_id}/follow-ups")
def follow_up_add(request, referral_id: int, payload: FollowUpIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    f = actions.follow_up_schedule(
        actor=request.auth, referral=referral, due_at=payload.due_at, note=payload.note
    )
    return {"id": f.pk, "due_at": _iso(f.due_at)}


class NoteIn(Schema):
    note: str = ""


@router.post("/referrals/{referral_id}/follow-ups/{follow_up_id}/done")
def follow_up_done(request, referral_id: int, follow_up_id: int, payload: NoteIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    f = selectors.get_follow_up_for_user(request.auth, referral, follow_up_id)
    actions.follow_up_complete(actor=request.auth, follow_up=f, note=payload.note)
    return {"ok": True}


class HandoverIn(Schema):
    summary: str
    partner: int | None = None
    to_other: str = ""


@router.post("/referrals/{referral_id}/handover")
def handover(request, referral_id: int, payload: HandoverIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    partner = None
    if payload.partner is not None:
        partner = selectors.partner_active(payload.partner)
        if partner is None:
            raise InvalidInput(fields={"partner": "unknown"})
    h = actions.referral_hand_over(
        actor=request.auth,
        referral=referral,
        summary=payload.summary,
        partner=partner,
        to_other=payload.to_other,
    )
    return {"id": h.pk}


class CloseIn(Schema):
    outcome: str
    note: str = ""


@router.post("/referrals/{referral_id}/close")
def close(request, referral_id: int, payload: CloseIn):
    referral = selectors.get_referral_for_user(request.auth, referral_id)
    actions.referral_close(
        actor=request.auth, referral=referral, outcome=payload.outcome, note=payload.note
    )
    return {"ok": True}


# --- exports -------------------------------------------------------------------------------


class ExportIn(Schema):
    team: str
    date_from: date
    date_to: date
    reason: str


def _export_row(e) -> dict:
    return {
        "id": e.pk,
        "team": e.team.code,
        "from": e.date_from.isoformat(),
        "to": e.date_to.isoformat(),
        "reason": e.reason,
        "state": e.state,
        "requested_by": e.requested_by.username,
        "decided_by": e.decided_by.username if e.decided_by else None,
    }


@router.get("/exports")
def exports(request):
    _require_counsellor(request.auth)
    return [_export_row(e) for e in selectors.exports_for(request.auth)]


@router.post("/exports")
def export_create(request, payload: ExportIn):
    _require_counsellor(request.auth)
    team = selectors.teams_of(request.auth).filter(code=payload.team).first()
    if team is None:
        raise NotFound()
    e = actions.export_request(
        actor=request.auth,
        team=team,
        date_from=payload.date_from,
        date_to=payload.date_to,
        reason=payload.reason,
    )
    return _export_row(e)


class DecideIn(Schema):
    approve: bool
    note: str = ""


@router.post("/exports/{export_id}/decide")
def export_decide(request, export_id: int, payload: DecideIn):
    e = actions.export_decide(
        actor=request.auth,
        export=selectors.get_export(request.auth, export_id),
        approve=payload.approve,
        note=payload.note,
    )
    return _export_row(e)


@router.get("/exports/{export_id}/download")
def export_download(request, export_id: int):
    text = actions.export_download(
        actor=request.auth, export=selectors.get_export(request.auth, export_id)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="referrals-{export_id}.csv"'
    return response


# --- counts and the network ----------------------------------------------------------------


class CountsQuery(Schema):
    place: str
    date_from: date
    date_to: date


@router.get("/counts")
def counts(request, q: Query[CountsQuery]):
    """Return suppressed referral counts and activity participation for a place and period."""
    place = place_get(code=q.place)
    if not (
        perms.can(request.auth, Cap.STATS_VIEW, place_path=place.path)
        or perms.can(request.auth, Cap.CASE_SUPERVISE, place_path=place.path)
        or selectors.may_counsel(request.auth)
    ):
        raise PermissionDenied()
    period = (q.date_from, q.date_to)
    return {
        "referrals": selectors.referral_counts(place, period),
        "activities": selectors.activity_counts(place, period),
    }


@router.get("/teams/{code}")
def team(request, code: str):
    """Return a team's on-duty roster, partner services and activities (no sealed contents)."""
    t = selectors.get_team(request.auth, code)
    return {
        "code": t.code,
        "name": t.localized_name(),
        "on_duty_now": [u.username for u in actions.on_duty(t.pk)],
        "roster": [
            {
                "counsellor": s.counsellor.username,
                "starts_at": _iso(s.starts_at),
                "ends_at": _iso(s.ends_at),
            }
            for s in selectors.duty_roster(t)
        ],
        "partners": [
            {"id": p.pk, "name": p.localized_name(), "kind": p.kind, "phone": p.phone}
            for p in selectors.partners_for(t)
        ],
        "activities": [
            {
                "id": a.pk,
                "kind": a.kind,
                "title": a.title,
                "place": a.place.code,
                "starts_at": _iso(a.starts_at),
                "participants": a.participants,
            }
            for a in selectors.activities_for(t)
        ],
    }


class ShiftIn(Schema):
    counsellor: str
    starts_at: datetime
    ends_at: datetime


@router.post("/teams/{code}/duty")
def duty_add(request, code: str, payload: ShiftIn):
    t = selectors.get_team(request.auth, code)
    counsellor = User.objects.filter(username=payload.counsellor).first()
    if counsellor is None:
        raise InvalidInput(fields={"counsellor": "unknown"})
    s = actions.duty_shift_add(
        actor=request.auth,
        team=t,
        counsellor=counsellor,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return {"id": s.pk}


class ActivityIn(Schema):
    kind: str
    title: str
    place: str
    starts_at: datetime


@router.post("/teams/{code}/activities")
def activity_add(request, code: str, payload: ActivityIn):
    t = selectors.get_team(request.auth, code)
    a = actions.activity_add(
        actor=request.auth,
        team=t,
        kind=payload.kind,
        title=payload.title,
        place=place_get(code=payload.place),
        starts_at=payload.starts_at,
    )
    return {"id": a.pk}


class ParticipationIn(Schema):
    participants: int


@router.post("/teams/{code}/activities/{activity_id}/participation")
def participation(request, code: str, activity_id: int, payload: ParticipationIn):
    t = selectors.get_team(request.auth, code)
    activity = selectors.activities_for(t).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    actions.activity_record_participation(
        actor=request.auth, activity=activity, participants=payload.participants
    )
    return {"ok": True}
