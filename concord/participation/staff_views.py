"""The staff side of participation (mounted at /participation/staff/): held suggestions to
moderate, suggestions waiting for the unit's written response, new polls and volunteer teams.
Thin: each form calls the same action as the API."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError
from concord.places.models import Level, Place

from . import actions, selectors
from .models import (
    Convention,
    ConventionKind,
    Poll,
    Suggestion,
    SuggestionStatus,
    TeamKind,
    Volunteer,
    VolunteerAssignment,
    Vote,
    VoteSource,
)


def _handled_units(user) -> list[int]:
    return sorted({g.unit_id for g in perms.grants(user) if Cap.CASE_HANDLE in g.caps})


def _places(user) -> list[Place]:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_HANDLE):
        q |= Q(path__startswith=path)
    return list(
        Place.objects.filter(q)
        .exclude(level=Level.GRID)
        .only("code", "name_zh", "name_en", "path")
        .order_by("path")[:300]
    )


def _when(text: str | None) -> datetime | None:
    try:
        day = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return timezone.make_aware(day) if timezone.is_naive(day) else day


def _post(request, op: str) -> str:
    """Run the form's action; return the message to show (raises ConcordError)."""
    data = request.POST
    user = request.user
    if op in ("publish", "reject", "respond"):
        suggestion = selectors.suggestion_get(user, int(data.get("suggestion") or 0))
        if op == "respond":
            actions.suggestion_respond(actor=user, suggestion=suggestion, text=data.get("text", ""))
            return _("Response published.")
        actions.suggestion_moderate(
            actor=user,
            suggestion=suggestion,
            publish=op == "publish",
            reason=data.get("reason", ""),
        )
        return _("Suggestion published.") if op == "publish" else _("Suggestion rejected.")
    if op in ("paper", "confirm"):
        return _ballot(request, op)
    if op in ("assign", "hours"):
        return _volunteering(request, op)
    if op == "convention":
        return _convention(request)
    place = Place.objects.filter(code=data.get("place", "")).first()
    if place is None:
        from concord.core.errors import InvalidInput

        raise InvalidInput(_("Choose a place."))
    if op == "poll":
        opens, closes = _when(data.get("opens_at")), _when(data.get("closes_at"))
        if opens is None or closes is None:
            from concord.core.errors import InvalidInput

            raise InvalidInput(_("Give the opening and closing times."))
        poll = actions.poll_create(
            actor=user,
            place=place,
            question=data.get("question", ""),
            options=data.get("options", "").splitlines(),
            opens_at=opens,
            closes_at=closes,
        )
        return _("Poll created: %(question)s") % {"question": poll.question}
    if op == "team":
        unit = Unit.objects.filter(pk__in=_handled_units(user), pk=data.get("unit") or 0).first()
        if unit is None:
            from concord.core.errors import InvalidInput

            raise InvalidInput(_("Choose your unit."))
        team = actions.volunteer_team_create(
            actor=user,
            unit=unit,
            place=place,
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            description=data.get("description", "")[:5000],
        )
        return _("Volunteer team created: %(name)s") % {"name": team.name}
    raise DjangoPermissionDenied


def _scope(user, cap: str) -> Q:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, cap):
        q |= Q(place_path__startswith=path)
    return q


def _open_polls(user) -> list[Poll]:
    now = timezone.now()
    return list(
        Poll.objects.filter(_scope(user, Cap.CASE_FILE), opens_at__lte=now, closes_at__gt=now)
        .prefetch_related("options")
        .order_by("closes_at")[:20]
    )


def _unconfirmed(user) -> list[Vote]:
    polls = Poll.objects.filter(_scope(user, Cap.CASE_FILE))
    return list(
        Vote.objects.filter(poll__in=polls, source=VoteSource.PAPER, confirmed_at__isnull=True)
        .exclude(entered_by=user)
        .select_related("poll")
        .prefetch_related("options")
        .order_by("pk")[:50]
    )


def _ballot(request, op: str) -> str:
    user, data = request.user, request.POST
    if op == "paper":
        poll = next((p for p in _open_polls(user) if str(p.pk) == data.get("poll")), None)
        if poll is None:
            raise DjangoPermissionDenied
        options = [int(o) for o in data.getlist("options") if o.isdigit()]
        actions.poll_enter_paper_vote(
            actor=user, poll=poll, phone=data.get("phone", ""), option_ids=options
        )
        return _("Paper ballot entered; a second person confirms it.")
    vote = next((v for v in _unconfirmed(user) if str(v.pk) == data.get("vote")), None)
    if vote is None:
        raise DjangoPermissionDenied
    actions.poll_confirm_paper_vote(actor=user, vote=vote)
    return _("Paper ballot confirmed.")


def _volunteers(user) -> list[Volunteer]:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_HANDLE):
        q |= Q(team__place__path__startswith=path)
    return list(
        Volunteer.objects.filter(q, is_active=True)
        .select_related("team", "user")
        .order_by("team__name", "pk")[:200]
    )


def _assignments(user) -> list[VolunteerAssignment]:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_HANDLE):
        q |= Q(volunteer__team__place__path__startswith=path)
    return list(
        VolunteerAssignment.objects.filter(q, case__isnull=True)
        .select_related("volunteer__user", "volunteer__team")
        .order_by("-assigned_at")[:30]
    )


def _volunteering(request, op: str) -> str:
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from concord.core.errors import InvalidInput

    user, data = request.user, request.POST
    if op == "assign":
        volunteer = next((v for v in _volunteers(user) if str(v.pk) == data.get("volunteer")), None)
        if volunteer is None:
            raise DjangoPermissionDenied
        actions.volunteer_assign(
            actor=user,
            volunteer=volunteer,
            event_name=data.get("event_name", ""),
            role=data.get("role", ""),
        )
        return _("Volunteer assigned.")
    assignment = next((a for a in _assignments(user) if str(a.pk) == data.get("assignment")), None)
    if assignment is None:
        raise DjangoPermissionDenied
    try:
        day = date.fromisoformat(data.get("day", ""))
        hours = Decimal(data.get("hours", ""))
    except (ValueError, InvalidOperation):
        raise InvalidInput(_("Give the day and the hours.")) from None
    actions.volunteer_record_hours(actor=user, assignment=assignment, day=day, hours=hours)
    return _("Hours recorded.")


def _conventions(user) -> list[Convention]:
    q = Q(pk__in=[])
    for path in perms.place_paths_with(user, Cap.CASE_HANDLE):
        q |= Q(place__path__startswith=path)
    return list(Convention.objects.filter(q).select_related("place").order_by("title")[:100])


def _convention(request) -> str:
    """Publish a convention (a new one, or the next version of one) with how it was adopted."""
    from datetime import date

    from concord.core.errors import InvalidInput

    user, data = request.user, request.POST
    convention = None
    if data.get("convention"):
        convention = next((c for c in _conventions(user) if str(c.pk) == data["convention"]), None)
        if convention is None:
            raise DjangoPermissionDenied
        place = convention.place
    else:
        place = Place.objects.filter(code=data.get("place", "")).first()
        if place is None:
            raise InvalidInput(_("Choose a place."))
    try:
        adopted_on = date.fromisoformat(data.get("adopted_on", ""))
        counts = {
            name: int(data.get(name) or 0)
            for name in ("meeting_attendance", "votes_for", "votes_against", "abstentions")
        }
    except ValueError:
        raise InvalidInput(_("Give the adoption date and whole numbers of people.")) from None
    version = actions.convention_publish(
        actor=user,
        place=place,
        kind=data.get("kind", ""),
        title=data.get("title", ""),
        text=data.get("text", ""),
        adopted_on=adopted_on,
        consultation=data.get("consultation", ""),
        convention=convention,
        **counts,
    )
    return _("Convention published: %(title)s, version %(n)s") % {
        "title": version.convention.title,
        "n": version.number,
    }


@login_required
def staff_home(request):
    user = request.user
    units = _handled_units(user)
    if not units:
        raise DjangoPermissionDenied
    error = ""
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            messages.success(request, _post(request, op))
            return redirect("participation:staff")
        except ConcordError as exc:
            fields = getattr(exc, "fields", None) or {}
            error = "; ".join(str(v) for v in fields.values()) or str(exc.message)
    held = list(selectors.suggestions_to_moderate(user).select_related("place")[:50])
    awaiting = list(
        Suggestion.objects.filter(status=SuggestionStatus.AWAITING_RESPONSE, unit_id__in=units)
        .select_related("place")
        .order_by("response_due")[:50]
    )
    return render(
        request,
        "participation/staff.html",
        {
            "held": held,
            "awaiting": awaiting,
            "places": _places(user),
            "units": list(Unit.objects.filter(pk__in=units).order_by("code")),
            "kinds": TeamKind.choices,
            "open_polls": _open_polls(user),
            "unconfirmed": _unconfirmed(user),
            "volunteers": _volunteers(user),
            "assignments": _assignments(user),
            "today": timezone.localdate(),
            "conventions": _conventions(user),
            "convention_kinds": ConventionKind.choices,
            "error": error,
            "data": request.POST if request.method == "POST" else {},
        },
        status=400 if error else 200,
    )
