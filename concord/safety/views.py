"""Pages of the safety app. Public, without signing in (/safety/): warnings and policy notices
with their answers. Staff (/staff/safety/): the dashboard, lifting a warning, a grid worker's
warning checklist, incidents and hazards. Thin: fetch through selectors, call actions, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.cases.actions import is_handler
from concord.cases.models import Status
from concord.core.errors import ConcordError, InvalidInput, NotFound, PermissionDenied
from concord.notifications import follows
from concord.notifications import selectors as notification_selectors

from . import actions, selectors


def _require_staff(user) -> None:
    if not any(Cap.CASE_VIEW in g.caps or Cap.CASE_SUPERVISE in g.caps for g in perms.grants(user)):
        raise DjangoPermissionDenied


def public_index(request):
    """Warnings in force, warnings lifted lately and policy notices: for anyone. A signed-in
    person also sees the places they follow and may follow another."""
    signed_in = request.user.is_authenticated
    return render(
        request,
        "safety/public.html",
        {
            "warnings": list(selectors.warnings_in_force()),
            "lifted": list(selectors.warnings_lifted_recently()),
            "notices": selectors.policies_public(on=timezone.localdate()),
            "follows": list(follows.follows_of(request.user)) if signed_in else [],
            "places": follows.followable_places() if signed_in else [],
        },
    )


@login_required
@require_POST
def follow_place(request):
    """Follow a place (its warnings, policy notices and consultations), or stop following."""
    try:
        if request.POST.get("unfollow"):
            follows.unfollow(actor=request.user, follow_id=int(request.POST["unfollow"]))
            messages.success(request, _("You no longer follow this place."))
        else:
            place = follows.followable_place(request.POST.get("place", ""))
            follows.follow(actor=request.user, target="place", place=place)
            messages.success(
                request,
                _("You will be told of warnings and notices for %(place)s.")
                % {"place": place.localized_name()},
            )
    except ValueError:
        messages.error(request, _("Unknown request."))
    except ConcordError as exc:
        messages.error(request, exc.message)
    return redirect("safety:public")


def warning_detail(request, warning_id: int):
    try:
        warning = selectors.warning_public(warning_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "safety/warning.html", {"warning": warning})


@login_required
@require_POST
def warning_lift(request, warning_id: int):
    _require_staff(request.user)
    try:
        warning = selectors.warning_public(warning_id)
        actions.warning_lift(
            actor=request.user, warning=warning, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The warning was lifted; everyone it reached is told."))
    except NotFound as exc:
        raise Http404 from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied from exc
    except ConcordError as exc:
        messages.error(request, exc.message)
    return redirect("safety:dashboard")


@login_required
def dashboard(request):
    _require_staff(request.user)
    today = timezone.localdate()
    overdue = list(selectors.inspections_overdue_for(request.user, today=today)[:100])
    warnings = [
        (
            w,
            selectors.warning_reach_count(w, user=request.user),
            selectors.may_lift_warning(request.user, w),
        )
        for w in selectors.warnings_in_force()
    ]
    failed = []
    if notification_selectors.may_watch_deliveries(request.user):
        # Sealed (counselling) notices are listed for their team on its queue, not here.
        failed = list(
            notification_selectors.failed_deliveries_for(request.user).filter(
                notification__sealed=False
            )[:50]
        )
    return render(
        request,
        "safety/dashboard.html",
        {
            "overdue": overdue,
            "warnings": warnings,
            "failed": failed,
            "today": today,
            "may_households": bool(perms.place_paths_with(request.user, Cap.CASE_FILE)),
            "may_warn": bool(perms.place_paths_with(request.user, Cap.CASE_SUPERVISE)),
            "may_report": bool(perms.place_paths_with(request.user, Cap.CASE_FILE)),
            "may_publish": any(
                Cap.CASE_HANDLE in g.caps or Cap.CASE_SUPERVISE in g.caps
                for g in perms.grants(request.user)
            ),
        },
    )


@login_required
def warning_checklist(request, warning_id: int):
    try:
        warning = selectors.warning_public(warning_id)
    except NotFound as exc:
        raise Http404 from exc
    checks = list(selectors.warning_checklist_for(request.user, warning))
    count = selectors.warning_reach_count(warning, user=request.user)
    return render(
        request,
        "safety/checklist.html",
        {"warning": warning, "checks": checks, "count": count},
    )


@login_required
def warning_count(request, warning_id: int):
    try:
        warning = selectors.warning_public(warning_id)
    except NotFound as exc:
        raise Http404 from exc
    return JsonResponse(selectors.warning_reach_count(warning, user=request.user).__dict__)


@login_required
@require_POST
def check_mark(request, check_id: int):
    try:
        check = selectors.get_check_for_user(request.user, check_id)
        actions.warning_check_mark(
            actor=request.user,
            check=check,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Saved."))
    except NotFound as exc:
        raise Http404 from exc
    except ConcordError as exc:
        messages.error(request, exc.message)
        return redirect("safety:dashboard")
    return redirect("safety:checklist", warning_id=check.warning_id)


def policy_list(request):
    notices = selectors.policies_public(on=timezone.localdate())
    return render(request, "safety/policies.html", {"notices": notices})


def policy_detail(request, notice_id: int):
    try:
        notice = selectors.policy_public(notice_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST" and request.POST.get("op") == "answer":
        # Staff of the issuing unit answer a question; the answer is published here.
        try:
            question = selectors.get_policy_question_for_user(
                request.user, int(request.POST.get("question") or 0)
            )
            actions.policy_question_answer(
                actor=request.user, question=question, answer=request.POST.get("answer", "")
            )
            messages.success(request, _("Answer published."))
        except (ConcordError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Unknown request.")))
        return redirect("safety:policy", notice_id=notice.pk)
    if request.method == "POST":
        try:
            actions.policy_question_ask(
                notice=notice,
                text=request.POST.get("text", ""),
                actor=request.user,
                language=request.LANGUAGE_CODE,
            )
            messages.success(request, _("Your question was sent. Answers are published here."))
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("safety:policy", notice_id=notice.pk)
    answers = selectors.policy_answers_public(notice)
    unanswered = (
        list(
            selectors.policy_questions_for(request.user).filter(
                notice=notice, answered_at__isnull=True
            )
        )
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "safety/policy.html",
        {
            "notice": notice,
            "answers": answers,
            "unanswered": unanswered,
            "followed": follows.followed_ids(request.user, "notice", [notice.pk]),
        },
    )


# --- incidents and hazards (staff) ---------------------------------------------------------


def _supervised_places(user) -> list:
    from django.db.models import Q

    from concord.places.models import Level, Place

    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_SUPERVISE):
        q |= Q(path__startswith=path)
    return list(Place.objects.filter(q).exclude(level=Level.GRID).order_by("path")[:300])


def _record_incident(request, places) -> None:
    from datetime import datetime as _datetime

    data = request.POST
    place = next((p for p in places if p.code == data.get("place")), None)
    try:
        occurred = timezone.make_aware(_datetime.fromisoformat(data.get("occurred_at", "")))
    except ValueError:
        raise InvalidInput(_("Give when it happened.")) from None
    if place is None:
        raise InvalidInput(_("Choose a place."))
    actions.incident_record(
        actor=request.user,
        title=data.get("title", ""),
        incident_type=data.get("incident_type", ""),
        level=data.get("level", ""),
        places=[place],
        occurred_at=occurred,
        description=data.get("description", "")[:5000],
    )


@login_required
def incident_list(request):
    _require_staff(request.user)
    places = _supervised_places(request.user)
    if request.method == "POST" and places:
        try:
            _record_incident(request, places)
            messages.success(request, _("Incident recorded."))
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("safety:incidents")
    from .models import IncidentLevel, IncidentType

    incidents = list(selectors.incidents_for(request.user)[:200])
    return render(
        request,
        "safety/incidents.html",
        {
            "incidents": incidents,
            "places": places,
            "types": IncidentType.choices,
            "levels": IncidentLevel.choices,
        },
    )


def _incident_post(request, incident) -> None:
    """Apply one of the incident page's forms (a timeline step, ending the response, review)."""
    op = request.POST.get("op", "")
    if op == "action":
        actions.incident_log_action(
            actor=request.user,
            incident=incident,
            text=request.POST.get("text", ""),
            checklist_item=request.POST.get("checklist_item", ""),
        )
    elif op == "close":
        actions.incident_close(
            actor=request.user, incident=incident, note=request.POST.get("note", "")
        )
    elif op == "figures":

        def count(name: str) -> int:
            try:
                return int(request.POST.get(name, ""))
            except ValueError:
                raise InvalidInput(_("Counts must be whole numbers.")) from None

        actions.incident_update_figures(
            actor=request.user,
            incident=incident,
            deaths=count("deaths"),
            injured=count("injured"),
            missing=count("missing"),
            displaced=count("displaced"),
            needs=request.POST.get("needs", "")[:2000],
        )
    elif op == "review":
        actions.incident_review(
            actor=request.user,
            incident=incident,
            review=request.POST.get("review", ""),
            lessons=request.POST.get("lessons", ""),
        )
    else:
        raise InvalidInput(_("Unknown request."))


@login_required
def incident_detail(request, incident_id: int):
    _require_staff(request.user)
    try:
        incident = selectors.get_incident_for_user(request.user, incident_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            _incident_post(request, incident)
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("safety:incident", incident_id=incident.pk)
    timeline = sorted(incident.timeline.all(), key=lambda a: (a.at, a.pk))
    checklist = [
        (item, item in incident.checklist_done)
        for item in (incident.plan.checklist if incident.plan else [])
    ]
    cases = list(selectors.incident_cases_for(request.user, incident))
    return render(
        request,
        "safety/incident.html",
        {"incident": incident, "timeline": timeline, "checklist": checklist, "cases": cases},
    )


@login_required
def hazard_list(request):
    _require_staff(request.user)
    hazards = list(selectors.hazards_for(request.user)[:200])
    may_report = bool(perms.place_paths_with(request.user, Cap.CASE_FILE))
    return render(request, "safety/hazards.html", {"hazards": hazards, "may_report": may_report})


@login_required
def hazard_detail(request, case_id: int):
    _require_staff(request.user)
    try:
        hazard = selectors.get_hazard_for_user(request.user, case_id)
    except NotFound as exc:
        raise Http404 from exc
    op = request.POST.get("op", "")
    if request.method == "POST" and op in {"order", "done"}:
        try:
            _hazard_order_post(request, hazard, op)
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            messages.error(request, _field_errors(exc))
        return redirect("safety:hazard", case_id=hazard.case_id)
    if request.method == "POST":
        upload = request.FILES.get("photo")
        try:
            actions.case_verify_on_site(
                actor=request.user,
                case=hazard.case,
                passed=request.POST.get("passed") == "yes",
                note=request.POST.get("note", ""),
                photo=upload.read() if upload else None,
                photo_name=upload.name if upload else "verification.jpg",
                lat=_float(request.POST.get("lat")),
                lng=_float(request.POST.get("lng")),
            )
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("safety:hazard", case_id=hazard.case_id)
    return render(
        request,
        "safety/hazard.html",
        {
            "hazard": hazard,
            "case": hazard.case,
            "orders": list(hazard.case.rectification_orders.all()),
            "verifications": list(selectors.verifications_of(hazard.case_id)),
            "may_verify": hazard.case.status == Status.RESOLVED,
            "may_order": is_handler(request.user, hazard.case),
            "units": list(Unit.objects.filter(is_active=True).order_by("code")[:300]),
            "tomorrow": timezone.localdate() + timedelta(days=1),
        },
    )


def _hazard_order_post(request, hazard, op: str) -> None:
    """Issue a rectification order on the hazard case, or report its order done."""
    from datetime import date

    data = request.POST
    if op == "done":
        order = next(
            (o for o in hazard.case.rectification_orders.all() if str(o.pk) == data.get("order")),
            None,
        )
        if order is None:
            raise InvalidInput(_("Unknown request."))
        actions.rectification_report_done(
            actor=request.user, order=order, note=data.get("note", "")
        )
        return
    unit = Unit.objects.filter(code=data.get("supervising_unit"), is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Unknown unit."))
    try:
        due_on = date.fromisoformat(data.get("due_on", ""))
    except ValueError:
        due_on = None
    actions.rectification_order_issue(
        actor=request.user,
        case=hazard.case,
        responsible_party=data.get("responsible_party", ""),
        responsible_contact=data.get("responsible_contact", ""),
        supervising_unit=unit,
        requirements=data.get("requirements", "")[:5000],
        due_on=due_on,
    )


def _field_errors(exc: ConcordError) -> str:
    fields = getattr(exc, "fields", None) or {}
    details = "; ".join(str(v) for v in fields.values() if str(v) != exc.message)
    return f"{exc.message} {details}".strip()


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    # NaN and infinities are not locations.
    return number if number is not None and abs(number) <= 180 else None


# --- vulnerable households (grid staff) -----------------------------------------------------


def _grid_places(user) -> list:
    from django.db.models import Q

    from concord.places.models import Place

    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_FILE):
        q |= Q(path__startswith=path)
    return list(Place.objects.filter(q).order_by("path")[:300])


@login_required
def households(request):
    """The vulnerable households of the grid staff's places, and a form to record one (only
    with the consent of the person or their guardian)."""
    from datetime import date

    from .models import Vulnerability

    places = _grid_places(request.user)
    if not places:
        raise DjangoPermissionDenied
    if request.method == "POST":
        data = request.POST
        try:
            place = next((p for p in places if p.code == data.get("place")), None)
            if place is None:
                raise InvalidInput(_("Choose a place."))
            try:
                consent_on = date.fromisoformat(data.get("consent_on", ""))
            except ValueError:
                consent_on = None
            actions.household_record(
                actor=request.user,
                place=place,
                label=data.get("label", ""),
                address=data.get("address", ""),
                vulnerabilities=data.getlist("vulnerabilities"),
                consent_by=data.get("consent_by", ""),
                consent_on=consent_on,
                phone=data.get("phone", ""),
                notes=data.get("notes", "")[:2000],
            )
            messages.success(request, _("Household recorded."))
        except ConcordError as exc:
            fields = getattr(exc, "fields", None) or {}
            messages.error(request, "; ".join(str(v) for v in fields.values()) or exc.message)
        return redirect("safety:households")
    labels = dict(Vulnerability.choices)
    rows = list(selectors.households_for(request.user)[:500])
    for h in rows:
        h.need_labels = [str(labels.get(v, v)) for v in h.vulnerabilities]
    return render(
        request,
        "safety/households.html",
        {
            "households": rows,
            "places": places,
            "needs": Vulnerability.choices,
            "today": timezone.localdate(),
        },
    )
