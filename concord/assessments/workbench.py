"""Staff workbench pages of the risk-assessment workflow: each form posts to a view that calls
the same action as the API, and the action's own refusal is shown at the top of the page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, User
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError, InvalidInput, NotFound
from concord.places.models import Level, Place

from . import actions, selectors
from .models import (
    Comment,
    DecisionType,
    Dimension,
    EngagementKind,
    Method,
    MitigationTask,
    RiskLevel,
    RiskPoint,
    Screening,
    Stage,
)

# --- form values ---------------------------------------------------------------------------


def _date(request: HttpRequest, name: str, *, required: bool = True) -> date | None:
    raw = request.POST.get(name, "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("Give a valid date.")) from None


def _int(request: HttpRequest, name: str, default: int | None = None) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        if default is not None:
            return default
        raise InvalidInput(_("Give a whole number.")) from None


def _lines(request: HttpRequest, name: str) -> list[str]:
    return [x.strip() for x in request.POST.get(name, "").splitlines() if x.strip()]


def _unit(code: str) -> Unit:
    unit = Unit.objects.select_related("place").filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Choose a unit."))
    return unit


def _step(request: HttpRequest, target, do) -> HttpResponse:
    """Run one step; the action's refusal (permission, stage or input) is shown at the top."""
    try:
        do()
    except ConcordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(target)


def _assessment(request: HttpRequest, assessment_id: int):
    try:
        return selectors.get_assessment_for_user(request.user, assessment_id)
    except NotFound as exc:
        raise Http404 from exc


def _decision(request: HttpRequest, decision_id: int):
    try:
        return selectors.get_decision_for_user(request.user, decision_id)
    except NotFound as exc:
        raise Http404 from exc


def _detail(a) -> str:
    return f"/assessments/staff/{a.pk}"


# --- choices offered on the forms ----------------------------------------------------------


def proposing_units(user) -> list[Unit]:
    """Units the user may propose a decision for: their own, and those under places they
    supervise (the same rule decision_create checks)."""
    q = Q(pk__in=perms.unit_ids_with(user, Cap.CASE_HANDLE))
    for path in perms.place_paths_with(user, Cap.CASE_SUPERVISE):
        q |= Q(place__path__startswith=path)
    return list(Unit.objects.filter(q, is_active=True).select_related("place").order_by("code"))


def task_units() -> list[Unit]:
    return list(Unit.objects.filter(is_active=True).order_by("code"))


def user_places(user) -> list[Place]:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_VIEW):
        q |= Q(path__startswith=path)
    return list(Place.objects.filter(q).exclude(level=Level.GRID).order_by("path"))


def team_candidates(decision) -> list[User]:
    """Staff of the owner unit and of units over its place, who may lead or join the team."""
    ids = Membership.objects.filter(
        is_active=True, unit__place__path__in=_ancestors(decision.place_path)
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _ancestors(path: str) -> list[str]:
    """Paths of the place and every place above it ("/1/", "/1/4/", ...)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# --- decisions -----------------------------------------------------------------------------


@login_required
@require_POST
def decision_new(request: HttpRequest) -> HttpResponse:
    """Record a proposed major decision (the list page's form)."""
    created = {}

    def do():
        dtype = DecisionType.objects.filter(code=request.POST.get("type", ""), is_active=True)
        if not dtype.exists():
            raise InvalidInput(_("Choose the kind of decision."))
        places = list(Place.objects.filter(code__in=request.POST.getlist("places")))
        created["d"] = actions.decision_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            decision_type=dtype.first(),
            owner_unit=_unit(request.POST.get("owner_unit", "")),
            places=places,
            affected_groups=_lines(request, "affected_groups"),
        )

    response = _step(request, "/assessments/staff/", do)
    if "d" in created:
        return redirect("assessments:decision", decision_id=created["d"].pk)
    return response


@login_required
def decision_page(request: HttpRequest, decision_id: int) -> HttpResponse:
    d = _decision(request, decision_id)
    live = d.assessments.exclude(stage=Stage.SUPERSEDED).first()
    may_manage = actions.may_manage(request.user, d)
    return render(
        request,
        "assessments/staff_decision.html",
        {
            "decision": d,
            "live": live,
            "rounds": list(d.assessments.order_by("round")),
            "may_manage": may_manage,
            "may_screen": may_manage,
            "may_plan": may_manage and d.screening == Screening.REQUIRED and live is None,
            "candidates": team_candidates(d) if may_manage and live is None else [],
            "methods": Method.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def decision_screen(request: HttpRequest, decision_id: int) -> HttpResponse:
    d = _decision(request, decision_id)
    choice = request.POST.get("requires", "")
    requires = {"yes": True, "no": False}.get(choice)
    return _step(
        request,
        f"/assessments/staff/decisions/{d.pk}",
        lambda: actions.decision_screen(
            actor=request.user, decision=d, requires=requires, note=request.POST.get("note", "")
        ),
    )


@login_required
@require_POST
def decision_plan(request: HttpRequest, decision_id: int) -> HttpResponse:
    d = _decision(request, decision_id)
    made = {}

    def do():
        people = {u.pk: u for u in team_candidates(d)}
        leader = people.get(_int(request, "leader", 0))
        if leader is None:
            raise InvalidInput(_("Choose the responsible leader."))
        team = [
            people[int(x)] for x in request.POST.getlist("team") if x.isdigit() and int(x) in people
        ]
        made["a"] = actions.assessment_plan(
            actor=request.user,
            decision=d,
            leader=leader,
            team=team,
            method=request.POST.get("method", Method.FULL),
            starts_on=_date(request, "starts_on"),
            ends_on=_date(request, "ends_on"),
        )

    response = _step(request, f"/assessments/staff/decisions/{d.pk}", do)
    return redirect(_detail(made["a"])) if "a" in made else response


# --- one assessment's steps ----------------------------------------------------------------


def allowed_steps(user, a) -> list[str]:
    """The forms the assessment page offers now, in workflow order (the actions decide)."""
    manage = actions.may_manage(user, a.decision)
    review = actions.may_review(user, a.decision)
    stage = a.stage
    opinions = stage in actions.OPEN_FOR_OPINIONS
    has_consultation = getattr(a, "consultation", None) is not None
    steps = [
        ("consultation_open", manage and stage == Stage.PLANNING),
        ("engagement", manage and opinions),
        ("moderate", manage and has_consultation and stage != Stage.SUPERSEDED),
        ("consultation_close", manage and stage == Stage.CONSULTING),
        ("summarise", manage and has_consultation and stage != Stage.SUPERSEDED),
        ("point_add", manage and opinions),
        ("point_update", manage and opinions),
        ("override", review and opinions),
        ("report", manage and stage == Stage.ANALYSING),
        ("task_add", manage and (opinions or stage in (Stage.REPORTED, Stage.DECIDED))),
        ("monitoring", manage and stage == Stage.DECIDED),
        ("reassess", manage and stage in (Stage.ANALYSING, Stage.REPORTED, Stage.DECIDED)),
    ]
    return [name for name, ok in steps if ok]


def workbench_context(user, a) -> dict:
    steps = allowed_steps(user, a)
    return {
        "steps": steps,
        "dimensions": Dimension.choices,
        "levels": RiskLevel.choices,
        "kinds": EngagementKind.choices,
        "units": task_units() if {"task_add", "point_add"} & set(steps) else [],
        "comments": (
            list(Comment.objects.filter(consultation__assessment=a).order_by("created_at", "id"))
            if "moderate" in steps
            else []
        ),
        "completable": [
            t
            for t in a.tasks.all()
            if t.state != "done"
            and (
                actions.may_manage(user, a.decision)
                or perms.can(user, Cap.CASE_HANDLE, unit_id=t.owner_unit_id)
            )
        ],
    }


def assessment_step(request: HttpRequest, assessment_id: int, do) -> HttpResponse:
    """Run one staff step on an assessment the user may see (404 otherwise) and return to its
    page; the action's refusal is shown at the top."""
    a = _assessment(request, assessment_id)
    return _step(request, _detail(a), lambda: do(a))


@login_required
@require_POST
def consultation_open(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        questions = [{"text_zh": q, "text_en": q} for q in _lines(request, "questions")]
        actions.consultation_open(
            actor=request.user,
            assessment=a,
            opens_on=_date(request, "opens_on"),
            closes_on=_date(request, "closes_on", required=False),
            introduction=request.POST.get("introduction", ""),
            questions=questions,
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def consultation_close(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.consultation_close(actor=request.user, assessment=a),
    )


@login_required
@require_POST
def consultation_summarise(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.consultation_summarise(actor=request.user, assessment=a),
    )


@login_required
@require_POST
def comment_moderate(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        comment = Comment.objects.filter(
            consultation__assessment=a, code=request.POST.get("code", "").strip().upper()
        ).first()
        if comment is None:
            raise InvalidInput(_("Choose a comment."))
        actions.comment_moderate(
            actor=request.user,
            comment=comment,
            hide=request.POST.get("hide") == "1",
            reason=request.POST.get("reason", ""),
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def engagement_record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.engagement_record(
            actor=request.user,
            assessment=a,
            kind=request.POST.get("kind", ""),
            held_on=_date(request, "held_on"),
            summary=request.POST.get("summary", ""),
            location=request.POST.get("location", ""),
            participants=_int(request, "participants", 0),
        ),
    )


@login_required
@require_POST
def risk_point_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        code = request.POST.get("owner_unit", "")
        actions.risk_point_add(
            actor=request.user,
            assessment=a,
            dimension=request.POST.get("dimension", ""),
            title=request.POST.get("title", ""),
            likelihood=_int(request, "likelihood"),
            impact=_int(request, "impact"),
            description=request.POST.get("description", ""),
            mitigation=request.POST.get("mitigation", ""),
            owner_unit=_unit(code) if code else None,
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def risk_point_update(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        point = RiskPoint.objects.filter(assessment=a, pk=_int(request, "point", 0)).first()
        if point is None:
            raise InvalidInput(_("Choose a risk point."))
        actions.risk_point_update(
            actor=request.user,
            point=point,
            likelihood=_int(request, "likelihood"),
            impact=_int(request, "impact"),
            mitigation=request.POST.get("mitigation", ""),
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def override_level(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.assessment_override_level(
            actor=request.user,
            assessment=a,
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
def issue_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return assessment_step(
        request,
        assessment_id,
        lambda a: actions.assessment_issue_report(
            actor=request.user,
            assessment=a,
            contingency_plan=request.POST.get("contingency_plan", ""),
        ),
    )


@login_required
@require_POST
def task_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        point_id = request.POST.get("risk_point", "")
        point = (
            RiskPoint.objects.filter(assessment=a, pk=int(point_id)).first()
            if point_id.isdigit()
            else None
        )
        actions.mitigation_task_add(
            actor=request.user,
            assessment=a,
            title=request.POST.get("title", ""),
            owner_unit=_unit(request.POST.get("owner_unit", "")),
            due_on=_date(request, "due_on"),
            risk_point=point,
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def task_complete(request: HttpRequest, assessment_id: int) -> HttpResponse:
    def do(a):
        task = MitigationTask.objects.filter(assessment=a, pk=_int(request, "task", 0)).first()
        if task is None:
            raise InvalidInput(_("Choose a task."))
        actions.mitigation_task_complete(
            actor=request.user, task=task, note=request.POST.get("note", "")
        )

    return assessment_step(request, assessment_id, do)


@login_required
@require_POST
def monitoring_record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    a = _assessment(request, assessment_id)

    def do():
        actions.monitoring_record(
            actor=request.user,
            assessment=a,
            text=request.POST.get("text", ""),
            facts_changed=request.POST.get("facts_changed") == "1",
        )

    response = _step(request, _detail(a), do)
    latest = a.decision.assessments.order_by("-round").first()
    return redirect(_detail(latest)) if latest.pk != a.pk else response


@login_required
@require_POST
def reassess(request: HttpRequest, assessment_id: int) -> HttpResponse:
    a = _assessment(request, assessment_id)
    made = {}

    def do():
        made["a"] = actions.assessment_reassess(
            actor=request.user, assessment=a, reason=request.POST.get("reason", "")
        )

    response = _step(request, _detail(a), do)
    return redirect(_detail(made["a"])) if "a" in made else response
