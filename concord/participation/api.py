"""API of the participation app, mounted under /api/v1/participation/."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Router, Schema

from concord.accounts.api_auth import account_auth, optional_auth
from concord.accounts.models import Unit, User
from concord.cases.selectors import get_case_for_user
from concord.core import conf
from concord.core.errors import InvalidInput
from concord.places.selectors import place_get

from . import actions, opendata, selectors
from .models import (
    Convention,
    ConventionKind,
    Poll,
    ServiceContract,
    SocialOrganisation,
    Volunteer,
    Vote,
)

router = Router(tags=["participation"])


def _month(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise InvalidInput(fields={"month": "YYYY-MM"}) from None


def _suggestion(s, *, own: bool = False) -> dict:
    out = {
        "id": s.pk,
        "place": s.place.code,
        "title": s.title,
        "body": s.body,
        "unit": s.unit.code,
        "status": s.status,
        "supports": s.support_count,
        "threshold": s.threshold,
        "response_due": s.response_due,
        "response_overdue": s.response_overdue,
        "response": s.response,
        "responded_at": s.responded_at,
        "similar": [o.pk for o in s.similar.all()],
        "created_at": s.created_at,
    }
    if own:
        out["moderation"] = s.moderation
        out["moderation_reason"] = s.moderation_reason
    return out


# --- public statistics and open data ----------------------------------------------------------


@router.get("/dashboard", auth=None)
def dashboard(request, month: str | None = None):
    return opendata.publication(_month(month))


@router.get("/dashboard/series", auth=None)
def dashboard_series(request):
    return {"months": opendata.series()}


@router.get("/open-data/dictionary", auth=None)
def open_data_dictionary(request):
    return {"licence": conf.concord().open_data_licence, **opendata.dictionary()}


@router.get("/open-data/{table}.csv", auth=None)
def open_data_csv(request, table: str, month: str | None = None):
    data = opendata.publication(_month(month))
    response = HttpResponse(opendata.table_csv(data, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{data["month"]}.csv"'
    response["X-Licence"] = data["licence"]
    return response


@router.get("/open-data/{table}.xlsx", auth=None)
def open_data_xlsx(request, table: str, month: str | None = None):
    data = opendata.publication(_month(month))
    response = HttpResponse(
        opendata.table_xlsx(data, table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{table}-{data["month"]}.xlsx"'
    response["X-Licence"] = data["licence"]
    return response


@router.get("/open-data/{table}.json", auth=None)
def open_data_json(request, table: str, month: str | None = None):
    data = opendata.publication(_month(month))
    if table not in data["tables"]:
        from concord.core.errors import NotFound

        raise NotFound()
    return {
        "month": data["month"],
        "licence": data["licence"],
        "suppressed_below": data["suppressed_below"],
        "rows": data["tables"][table],
    }


# --- verification -----------------------------------------------------------------------------


class PhoneIn(Schema):
    place: str
    phone: str


class CodeIn(Schema):
    code: str


class CensusIn(Schema):
    place: str
    id_number: str


@router.post("/verify/phone", auth=optional_auth)
def verify_phone(request, payload: PhoneIn):
    actions.verification_request_code(
        actor=request.auth, place=place_get(code=payload.place), phone=payload.phone
    )
    return {"sent": True}


@router.post("/verify/code", auth=optional_auth)
def verify_code(request, payload: CodeIn):
    v = actions.verification_confirm_code(actor=request.auth, code=payload.code)
    return {"verified": True, "place": v.place.code, "method": v.method}


@router.post("/verify/census", auth=optional_auth)
def verify_census(request, payload: CensusIn):
    v = actions.verification_by_census(
        actor=request.auth, place=place_get(code=payload.place), id_number=payload.id_number
    )
    return {"verified": True, "place": v.place.code, "method": v.method}


class InPersonIn(Schema):
    resident: str
    place: str
    phone: str


@router.post("/verify/in-person")
def verify_in_person(request, payload: InPersonIn):
    """Record a grid worker's face-to-face check of a resident (named by user name)."""

    resident = User.objects.filter(username=payload.resident, is_active=True).first()
    if resident is None:
        raise InvalidInput(fields={"resident": "unknown user"})
    v = actions.verification_in_person(
        actor=request.auth,
        resident=resident,
        place=place_get(code=payload.place),
        phone=payload.phone,
    )
    return {"verified": True, "place": v.place.code, "method": v.method}


# --- suggestions ------------------------------------------------------------------------------


class SuggestionIn(Schema):
    place: str
    title: str
    body: str


class TextIn(Schema):
    text: str


class ModerateIn(Schema):
    publish: bool
    reason: str


@router.get("/suggestions", auth=optional_auth)
def suggestion_list(request, status: str | None = None):
    qs = selectors.suggestions_public()
    if status:
        qs = qs.filter(status=status)
    return {"items": [_suggestion(s) for s in qs[:200]]}


@router.post("/suggestions", auth=optional_auth)
def suggestion_create(request, payload: SuggestionIn):
    s = actions.suggestion_submit(
        actor=request.auth,
        place=place_get(code=payload.place),
        title=payload.title,
        body=payload.body,
    )
    return _suggestion(s, own=True)


@router.get("/suggestions/{pk}", auth=optional_auth)
def suggestion_detail(request, pk: int):
    s = selectors.suggestion_get(request.auth, pk)
    return _suggestion(s, own=getattr(request.auth, "pk", None) == s.author_id)


@router.post("/suggestions/{pk}/support", auth=optional_auth)
def suggestion_support(request, pk: int):
    s = selectors.suggestion_get(request.auth, pk)
    return _suggestion(actions.suggestion_support(actor=request.auth, suggestion=s))


@router.post("/suggestions/{pk}/respond")
def suggestion_respond(request, pk: int, payload: TextIn):
    s = selectors.suggestion_get(request.auth, pk)
    return _suggestion(
        actions.suggestion_respond(actor=request.auth, suggestion=s, text=payload.text)
    )


@router.post("/suggestions/{pk}/moderate")
def suggestion_moderate(request, pk: int, payload: ModerateIn):
    s = selectors.suggestion_get(request.auth, pk)
    s = actions.suggestion_moderate(
        actor=request.auth, suggestion=s, publish=payload.publish, reason=payload.reason
    )
    return _suggestion(s, own=True)


# --- polls ------------------------------------------------------------------------------------


class PollIn(Schema):
    place: str
    question: str
    options: list[str]
    opens_at: datetime
    closes_at: datetime
    mode: str = "single"
    max_choices: int = 1
    methods: list[str] = []


class VoteIn(Schema):
    options: list[int]


class PaperVoteIn(Schema):
    phone: str
    options: list[int]


def _poll(p) -> dict:
    return {
        "id": p.pk,
        "place": p.place.code,
        "question": p.question,
        "mode": p.mode,
        "max_choices": p.max_choices,
        "opens_at": p.opens_at,
        "closes_at": p.closes_at,
        "options": [{"id": o.pk, "label": o.label} for o in p.options.all()],
    }


@router.get("/polls", auth=None)
def poll_list(request):
    return {"items": [_poll(p) for p in selectors.polls_public()[:200]]}


@router.post("/polls")
def poll_create(request, payload: PollIn):
    p = actions.poll_create(
        actor=request.auth,
        place=place_get(code=payload.place),
        question=payload.question,
        options=payload.options,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        mode=payload.mode,
        max_choices=payload.max_choices,
        methods=payload.methods,
    )
    return _poll(p)


@router.get("/polls/{pk}", auth=None)
def poll_detail(request, pk: int):
    return _poll(selectors.poll_get(pk))


@router.post("/polls/{pk}/vote", auth=optional_auth)
def poll_vote(request, pk: int, payload: VoteIn):
    actions.poll_vote(actor=request.auth, poll=selectors.poll_get(pk), option_ids=payload.options)
    return {"recorded": True}


@router.post("/polls/{pk}/paper-votes")
def poll_paper_vote(request, pk: int, payload: PaperVoteIn):
    v = actions.poll_enter_paper_vote(
        actor=request.auth,
        poll=selectors.poll_get(pk),
        phone=payload.phone,
        option_ids=payload.options,
    )
    return {"id": v.pk, "confirmed": False}


@router.post("/polls/{pk}/paper-votes/{vote_id}/confirm")
def poll_paper_confirm(request, pk: int, vote_id: int):

    vote = Vote.objects.filter(poll_id=pk, pk=vote_id).select_related("poll").first()
    if vote is None:
        from concord.core.errors import NotFound

        raise NotFound()
    actions.poll_confirm_paper_vote(actor=request.auth, vote=vote)
    return {"id": vote.pk, "confirmed": True}


@router.get("/polls/{pk}/results", auth=None)
def poll_results(request, pk: int):
    return selectors.poll_results(selectors.poll_get(pk))


# --- volunteers and conventions ---------------------------------------------------------------


@router.get("/conventions", auth=None)
def convention_list(request, place: str | None = None):
    root = place_get(code=place) if place else None
    return {
        "items": [
            {
                "convention": v.convention_id,
                "place": v.convention.place.code,
                "kind": v.convention.kind,
                "title": v.convention.title,
                "version": v.number,
                "adopted_on": v.adopted_on,
                "consultation": v.consultation,
                "meeting_attendance": v.meeting_attendance,
                "votes_for": v.votes_for,
                "votes_against": v.votes_against,
                "abstentions": v.abstentions,
                "text": v.text,
            }
            for v in selectors.conventions_public(root)[:200]
        ]
    }


class ApplyIn(Schema):
    skills: list[str] = []
    availability: str = ""


class DecisionIn(Schema):
    accept: bool


@router.post("/teams/{pk}/apply", auth=account_auth, response={201: dict})
def team_apply(request, pk: int, payload: ApplyIn):
    """Join a team, or apply to it when it has a leader (the volunteers page's action)."""
    team = selectors.teams_public().filter(pk=pk).first()
    if team is None:
        from concord.core.errors import NotFound

        raise NotFound()
    v = actions.volunteer_sign_up(
        actor=request.auth, team=team, skills=payload.skills, availability=payload.availability
    )
    return 201, {"id": v.pk, "status": v.status}


@router.post("/volunteers/{application}/decision", auth=account_auth)
def volunteer_decision(request, application: int, payload: DecisionIn):
    """The team leader's (or the place's staff's) decision on an application."""
    from concord.core.errors import NotFound

    v = Volunteer.objects.select_related("team").filter(pk=application).first()
    if v is None:
        raise NotFound()
    selectors.team_for_leader(request.auth, v.team_id)
    v = actions.volunteer_decide(actor=request.auth, volunteer=v, accept=payload.accept)
    return {"id": v.pk, "status": v.status}


@router.get("/volunteers/{pk}/hours", auth=account_auth)
def volunteer_hours(request, pk: int):
    v = Volunteer.objects.filter(pk=pk, user=request.auth).first()
    if v is None:
        from concord.core.errors import NotFound

        raise NotFound()
    return {
        "assignments": [
            {"id": a.pk, "case": a.case_id, "event": a.event_name, "hours": str(a.hours)}
            for a in v.assignments.all()
        ]
    }


# --- staff: volunteer teams, social organisations, conventions ----------------------------------


def _unit(code: str):

    unit = Unit.objects.filter(code=code).select_related("place").first()
    if unit is None:
        raise InvalidInput(fields={"unit": "unknown unit"})
    return unit


def _staff_case(user, case_id: int):

    return get_case_for_user(user, case_id)


class TeamIn(Schema):
    unit: str
    place: str
    name: str
    kind: str
    description: str = ""


class AssignIn(Schema):
    volunteer: int
    case: int | None = None
    event_name: str = ""
    role: str = ""


class HoursIn(Schema):
    day: date
    hours: float


class OrganisationIn(Schema):
    unit: str
    registration_number: str
    services: list[str]
    registered_on: date


class OrganisationCaseIn(Schema):
    case: int
    service: str
    contract: int | None = None


class ConventionIn(Schema):
    place: str
    kind: str
    title: str
    text: str
    adopted_on: date
    consultation: str
    meeting_attendance: int = 0
    votes_for: int = 0
    votes_against: int = 0
    abstentions: int = 0
    poll: int | None = None


class VersionIn(Schema):
    text: str
    adopted_on: date
    consultation: str
    meeting_attendance: int = 0
    votes_for: int = 0
    votes_against: int = 0
    abstentions: int = 0
    poll: int | None = None


def _version(v) -> dict:
    return {
        "convention": v.convention_id,
        "version": v.number,
        "title": v.convention.title,
        "adopted_on": v.adopted_on,
    }


@router.post("/teams")
def team_create(request, payload: TeamIn):
    team = actions.volunteer_team_create(
        actor=request.auth,
        unit=_unit(payload.unit),
        place=place_get(code=payload.place),
        name=payload.name,
        kind=payload.kind,
        description=payload.description[:5000],
    )
    return {"id": team.pk, "name": team.name, "kind": team.kind, "place": team.place.code}


@router.get("/teams/{pk}/volunteers")
def team_volunteers(request, pk: int):
    team = selectors.team_for_staff(request.auth, pk)
    return {
        "items": [
            {
                "id": v.pk,
                "name": v.user.get_full_name() or v.user.username,
                "skills": v.skills,
                "availability": v.availability,
                "active": v.is_active,
            }
            for v in team.volunteers.select_related("user")
        ]
    }


@router.post("/teams/{pk}/assignments")
def team_assign(request, pk: int, payload: AssignIn):
    team = selectors.team_for_staff(request.auth, pk, for_case=payload.case is not None)
    volunteer = team.volunteers.filter(pk=payload.volunteer).select_related("team__place").first()
    if volunteer is None:
        raise InvalidInput(fields={"volunteer": "not in this team"})
    case = _staff_case(request.auth, payload.case) if payload.case is not None else None
    a = actions.volunteer_assign(
        actor=request.auth,
        volunteer=volunteer,
        case=case,
        event_name=payload.event_name,
        role=payload.role,
    )
    return {"id": a.pk, "volunteer": volunteer.pk, "case": a.case_id, "event": a.event_name}


@router.post("/assignments/{pk}/hours")
def assignment_hours(request, pk: int, payload: HoursIn):
    a = selectors.assignment_for_staff(request.auth, pk)
    if not -1e6 < payload.hours < 1e6:
        raise InvalidInput(fields={"hours": "out of range"})
    entry = actions.volunteer_record_hours(
        actor=request.auth, assignment=a, day=payload.day, hours=payload.hours
    )
    a.refresh_from_db(fields=["hours"])
    return {"id": entry.pk, "day": entry.day, "hours": str(entry.hours), "total": str(a.hours)}


@router.post("/organisations")
def organisation_register(request, payload: OrganisationIn):
    org = actions.organisation_register(
        actor=request.auth,
        unit=_unit(payload.unit),
        registration_number=payload.registration_number,
        services=[s[:200] for s in payload.services[:50]],
        registered_on=payload.registered_on,
    )
    return {"id": org.pk, "unit": org.unit.code, "services": org.services}


@router.post("/organisations/{pk}/cases")
def organisation_link_case(request, pk: int, payload: OrganisationCaseIn):

    org = SocialOrganisation.objects.filter(pk=pk).select_related("unit").first()
    if org is None:
        from concord.core.errors import NotFound

        raise NotFound()
    contract = None
    if payload.contract is not None:
        contract = ServiceContract.objects.filter(pk=payload.contract).first()
        if contract is None:
            raise InvalidInput(fields={"contract": "unknown contract"})
    link = actions.organisation_link_case(
        actor=request.auth,
        organisation=org,
        case=_staff_case(request.auth, payload.case),
        service=payload.service,
        contract=contract,
    )
    return {"id": link.pk, "organisation": org.pk, "case": link.case_id, "service": link.service}


def _counts(payload) -> dict:
    counts = {
        "meeting_attendance": payload.meeting_attendance,
        "votes_for": payload.votes_for,
        "votes_against": payload.votes_against,
        "abstentions": payload.abstentions,
    }
    bad = {k: "0 to 1000000" for k, n in counts.items() if not 0 <= n <= 1_000_000}
    if bad:
        raise InvalidInput(fields=bad)
    return counts


def _adopting_poll(pk: int | None):
    if pk is None:
        return None

    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        raise InvalidInput(fields={"poll": "unknown poll"})
    return poll


@router.post("/conventions")
def convention_create(request, payload: ConventionIn):

    if payload.kind not in ConventionKind.values:
        raise InvalidInput(fields={"kind": "unknown kind"})
    v = actions.convention_publish(
        actor=request.auth,
        place=place_get(code=payload.place),
        kind=payload.kind,
        title=payload.title,
        text=payload.text,
        adopted_on=payload.adopted_on,
        consultation=payload.consultation,
        poll=_adopting_poll(payload.poll),
        **_counts(payload),
    )
    return _version(v)


@router.post("/conventions/{pk}/versions")
def convention_version(request, pk: int, payload: VersionIn):

    convention = Convention.objects.filter(pk=pk).select_related("place").first()
    if convention is None:
        from concord.core.errors import NotFound

        raise NotFound()
    v = actions.convention_publish(
        actor=request.auth,
        place=convention.place,
        kind=convention.kind,
        title=convention.title,
        text=payload.text,
        adopted_on=payload.adopted_on,
        consultation=payload.consultation,
        poll=_adopting_poll(payload.poll),
        convention=convention,
        **_counts(payload),
    )
    return _version(v)
