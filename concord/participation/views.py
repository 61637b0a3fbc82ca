"""Public pages: the dashboard, suggestions, polls, conventions and volunteer teams (no login
needed to read; signing in is needed to verify, vote or sign up)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from concord.core import conf
from concord.core.errors import ConcordError, NotFound
from concord.notifications import follows
from concord.places.models import Place

from . import actions, opendata, selectors
from .models import VerificationMethod


def dashboard(request: HttpRequest) -> HttpResponse:
    month = request.GET.get("month")
    try:
        chosen = datetime.strptime(month, "%Y-%m").date() if month else None
    except ValueError:
        chosen = None
    data = opendata.publication(chosen)
    return render(
        request,
        "participation/dashboard.html",
        {
            "data": data,
            "tables": opendata.readable_tables(data, get_language()),
            "downloads": list(data["tables"]),
            "series": opendata.series(),
            "dictionary": opendata.dictionary(),
            "chart_labels": {"received": _("Received"), "resolved": _("Resolved")},
        },
    )


def _suggestion_post(request: HttpRequest) -> None:
    """Submit a suggestion or support one; refusals become messages on the page."""
    step = request.POST.get("step", "")
    if step == "submit":
        code = request.POST.get("place", "")
        place = Place.objects.filter(code=code, level__in=["village", "grid"]).first()
        if place is None:
            messages.error(request, _("Choose the village, community or grid it is about."))
            return
        s = actions.suggestion_submit(
            actor=request.user,
            place=place,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
        )
        if s.moderation == "held":
            messages.warning(
                request,
                _("Your suggestion is held for a moderator: %(reason)s")
                % {"reason": s.moderation_reason},
            )
        else:
            messages.success(request, _("Your suggestion is published. Thank you."))
    elif step == "support":
        pk = _as_id(request.POST.get("suggestion", ""))
        suggestion = selectors.suggestions_public().filter(pk=pk).first() if pk else None
        if suggestion is None:
            messages.error(request, _("Choose a suggestion."))
            return
        s = actions.suggestion_support(actor=request.user, suggestion=suggestion)
        messages.success(
            request,
            _("Your support was counted: %(n)d of %(k)d.")
            % {"n": s.support_count, "k": s.threshold},
        )
    else:
        messages.error(request, _("Unknown step."))


def suggestions(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.is_authenticated:
            messages.error(request, _("Sign in to suggest or to support a suggestion."))
        else:
            try:
                _suggestion_post(request)
            except ConcordError as exc:
                text = exc.message
                if exc.fields:
                    text = " ".join([text, *(str(v) for v in exc.fields.values())])
                messages.error(request, text)
        return redirect("participation:suggestions")
    items = list(selectors.suggestions_public()[:100])
    supported: set[int] = set()
    followed: set[int] = set()
    home = None
    if request.user.is_authenticated:
        supported = selectors.supported_by(request.user, [s.pk for s in items])
        followed = follows.followed_ids(request.user, "suggestion", [s.pk for s in items])
        home = selectors.home_of(request.user)
    return render(
        request,
        "participation/suggestions.html",
        {
            "items": items,
            "supported": supported,
            "followed": followed,
            "places": Place.objects.filter(level__in=["village", "grid"]).order_by("path"),
            "home": home,
        },
    )


def polls(request: HttpRequest) -> HttpResponse:
    items = list(selectors.polls_public()[:200])
    return render(request, "participation/polls.html", {"items": items, "now": timezone.now()})


def _as_id(value: str) -> int | None:
    """Return a form value as a row id, or None if it cannot be one."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def _poll_or_404(pk: int):
    try:
        return selectors.poll_get(pk)
    except NotFound as exc:
        raise Http404 from exc


def _poll_post(request: HttpRequest, poll) -> None:
    """Carry out one step of verifying or voting; refusals become messages on the page."""
    step = request.POST.get("step", "")
    user = request.user
    if step == "phone":
        actions.verification_request_code(
            actor=user, place=poll.place, phone=request.POST.get("phone", "")
        )
        messages.success(request, _("A code was sent to your phone."))
    elif step == "code":
        actions.verification_confirm_code(actor=user, code=request.POST.get("code", ""))
        messages.success(request, _("You are verified as a resident."))
    elif step == "census":
        actions.verification_by_census(
            actor=user, place=poll.place, id_number=request.POST.get("id_number", "")
        )
        messages.success(request, _("You are verified as a resident."))
    elif step == "vote":
        choices = [_as_id(c) for c in request.POST.getlist("option")]
        actions.poll_vote(actor=user, poll=poll, option_ids=[c for c in choices if c])
        messages.success(request, _("Your vote was recorded. Thank you."))
    else:
        messages.error(request, _("Unknown step."))


def poll_detail(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_or_404(pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            messages.error(request, _("Sign in to verify and vote."))
        else:
            try:
                _poll_post(request, poll)
            except ConcordError as exc:
                text = exc.message
                if exc.fields:
                    text = " ".join([text, *(str(v) for v in exc.fields.values())])
                messages.error(request, text)
        return redirect("participation:poll", pk=poll.pk)
    now = timezone.now()
    verification = actions.verification_for(request.user, poll.place, poll.methods or None)
    methods = poll.methods or VerificationMethod.values
    return render(
        request,
        "participation/poll.html",
        {
            "poll": poll,
            "is_open": poll.opens_at <= now < poll.closes_at,
            "is_closed": now >= poll.closes_at,
            "verification": verification,
            "offers_phone": VerificationMethod.PHONE_CODE in methods,
            "offers_census": VerificationMethod.CENSUS in methods,
            "offers_in_person": VerificationMethod.IN_PERSON in methods,
            "multiple": poll.max_choices > 1,
        },
    )


def poll_results(request: HttpRequest, pk: int) -> HttpResponse:
    poll = _poll_or_404(pk)
    try:
        results = selectors.poll_results(poll)
    except ConcordError as exc:
        return render(
            request, "participation/poll_results.html", {"poll": poll, "hidden": exc.message}
        )
    return render(request, "participation/poll_results.html", {"poll": poll, "results": results})


def conventions(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("place", "")
    place = Place.objects.filter(code=code).first() if code else None
    items = list(selectors.conventions_with_versions(place))
    return render(request, "participation/conventions.html", {"items": items, "place": place})


def convention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        convention = selectors.convention_get(pk)
    except NotFound as exc:
        raise Http404 from exc
    versions = list(convention.versions.all())
    return render(
        request,
        "participation/convention.html",
        {
            "convention": convention,
            "versions": versions,
            "current": versions[0] if versions else None,
        },
    )


def volunteers(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.is_authenticated:
            messages.error(request, _("Sign in to join a volunteer team."))
            return redirect("participation:volunteers")
        chosen = request.POST.get("team", "")
        team = (
            selectors.teams_public().filter(pk=_as_id(chosen)).first() if _as_id(chosen) else None
        )
        if team is None:
            messages.error(request, _("Choose a team."))
            return redirect("participation:volunteers")
        try:
            actions.volunteer_sign_up(
                actor=request.user,
                team=team,
                skills=request.POST.get("skills", "").replace("，", ",").split(","),
                availability=request.POST.get("availability", ""),
            )
            if team.leader_id:
                messages.success(
                    request,
                    _("Your application to %(team)s was sent; its leader will decide.")
                    % {"team": team.name},
                )
            else:
                messages.success(
                    request, _("Thank you for joining %(team)s.") % {"team": team.name}
                )
        except ConcordError as exc:
            messages.error(request, exc.message)
        return redirect("participation:volunteers")
    teams = list(selectors.teams_public())
    # Team sizes below k are shown as "fewer than k" (a team of one names its volunteer).
    min_cell = conf.concord().public_min_cell
    return render(
        request,
        "participation/volunteers.html",
        {"teams": teams, "min_cell": min_cell, **selectors.my_volunteering(request.user)},
    )


def team_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """The team leader's page: accept or decline applications to the team."""
    try:
        team = selectors.team_for_leader(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        chosen = _as_id(request.POST.get("volunteer", ""))
        volunteer = selectors.team_volunteers(team).filter(pk=chosen).first() if chosen else None
        if volunteer is None:
            messages.error(request, _("Choose an application."))
        else:
            try:
                accept = request.POST.get("decision") == "accept"
                actions.volunteer_decide(actor=request.user, volunteer=volunteer, accept=accept)
                text = _("%(name)s was accepted.") if accept else _("%(name)s was not accepted.")
                messages.success(request, text % {"name": volunteer.user})
            except ConcordError as exc:
                messages.error(request, exc.message)
        return redirect("participation:team", pk=team.pk)
    return render(
        request,
        "participation/team.html",
        {"team": team, "volunteers": list(selectors.team_volunteers(team))},
    )
