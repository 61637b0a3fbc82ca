"""Reads of public participation: what the public, authors and staff may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import Conflict, NotFound
from concord.places.models import Place

from .models import (
    CensusEntry,
    Convention,
    ConventionVersion,
    Moderation,
    Poll,
    ResidentVerification,
    Suggestion,
    SuggestionSupport,
    Volunteer,
    VolunteerAssignment,
    VolunteerTeam,
    Vote,
    VoteSource,
)


def suggestions_public() -> QuerySet[Suggestion]:
    """Return published suggestions with their status and response (no author)."""
    return (
        Suggestion.objects.filter(moderation=Moderation.PUBLISHED)
        .select_related("place", "unit")
        .prefetch_related("similar")
    )


def supported_by(user, pks: list[int]) -> set[int]:
    """Return which of these suggestions the user has supported (one query)."""
    return set(
        SuggestionSupport.objects.filter(user=user, suggestion_id__in=pks).values_list(
            "suggestion_id", flat=True
        )
    )


def home_of(user):
    """Return the place of the user's latest resident verification, or None."""
    v = ResidentVerification.objects.filter(user=user).select_related("place").first()
    return v.place if v else None


def suggestion_get(user, pk: int) -> Suggestion:
    """Return a published suggestion, or the author's own (held or rejected) one."""
    q = Q(moderation=Moderation.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        q |= Q(author=user)
        q |= Q(pk__in=suggestions_to_moderate(user).values("pk"))
    s = Suggestion.objects.filter(q, pk=pk).select_related("place", "unit").first()
    if s is None:
        raise NotFound()
    return s


def suggestions_to_moderate(user) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(moderation=Moderation.HELD).filter(
        perms.place_q(user, Cap.CASE_HANDLE, "place_path")
    )


def polls_public() -> QuerySet[Poll]:
    return Poll.objects.select_related("place").prefetch_related("options")


def poll_get(pk: int) -> Poll:
    poll = polls_public().filter(pk=pk).first()
    if poll is None:
        raise NotFound()
    return poll


def poll_results(poll: Poll) -> dict:
    """Return the tally with turnout; refused while the poll is open, for everyone."""
    if timezone.now() < poll.closes_at:
        raise Conflict(_("Results are published when the poll closes."))
    counted = Q(votes__source=VoteSource.ONLINE) | Q(votes__confirmed_at__isnull=False)
    options = poll.options.annotate(n=Count("votes", filter=counted)).order_by("position")
    ballots = Vote.objects.filter(poll=poll).filter(
        Q(source=VoteSource.ONLINE) | Q(confirmed_at__isnull=False)
    )
    ballots_n = ballots.count()
    electorate = _electorate(poll.place)
    k = conf.concord().public_min_cell
    options = list(options)
    # Counts below k are published as "fewer than k"; when only one option would be hidden,
    # the next smallest is hidden too, or the ballots minus the others would give it away.
    hidden = {o.pk for o in options if o.n < k}
    if len(hidden) == 1 and len(options) > 1:
        shown = sorted((o for o in options if o.pk not in hidden), key=lambda o: o.n)
        hidden.add(shown[0].pk)
    few_ballots = ballots_n < k
    return {
        "poll": poll.pk,
        "question": poll.question,
        "closed_at": poll.closes_at,
        "fewer_than": k,
        "options": [
            {
                "id": o.pk,
                "label": o.label,
                "votes": None if o.pk in hidden else o.n,
                "fewer_than": k if o.pk in hidden else None,
            }
            for o in options
        ],
        "ballots": None if few_ballots else ballots_n,
        "paper_ballots": ballots.filter(source=VoteSource.PAPER).count(),
        "unconfirmed_paper_ballots": Vote.objects.filter(
            poll=poll, source=VoteSource.PAPER, confirmed_at__isnull=True
        ).count(),
        "electorate": electorate,
        "turnout": round(ballots_n / electorate, 4) if electorate and not few_ballots else None,
    }


def _electorate(place: Place) -> int:
    """Return the residents entitled to vote: the census list if uploaded, else the verified."""
    census = (
        CensusEntry.objects.filter(place__path__startswith=place.path)
        .values("identity_key")
        .distinct()
        .count()
    )
    if census:
        return census
    return (
        ResidentVerification.objects.filter(place__path__startswith=place.path)
        .values("identity_key")
        .distinct()
        .count()
    )


def conventions_public(place: Place | None = None) -> QuerySet[ConventionVersion]:
    qs = ConventionVersion.objects.select_related("convention", "convention__place")
    if place is not None:
        qs = qs.filter(convention__place__path__startswith=place.path)
    return qs.order_by("convention__place__path", "convention_id", "-number")


def teams_public() -> QuerySet[VolunteerTeam]:
    """Return the volunteer teams with their place and how many active volunteers they have."""
    return VolunteerTeam.objects.select_related("place", "unit").annotate(
        members=Count("volunteers", filter=Q(volunteers__is_active=True))
    )


def team_for_leader(user, pk: int) -> VolunteerTeam:
    """Return a team whose applications the user decides (its leader, or staff who handle
    cases in its place), or NotFound."""
    from .actions import may_lead_team

    team = VolunteerTeam.objects.select_related("place", "unit").filter(pk=pk).first()
    if team is None or not may_lead_team(user, team):
        raise NotFound()
    return team


def team_volunteers(team: VolunteerTeam) -> QuerySet[Volunteer]:
    """Return the team's applications and members, applications first (one query)."""
    return team.volunteers.select_related("user").order_by("status", "joined_at", "pk")


def my_volunteering(user) -> dict:
    """Return the user's applications and memberships, and the teams they lead."""
    if not getattr(user, "is_authenticated", False):
        return {"mine": [], "led": []}
    mine = list(Volunteer.objects.filter(user=user).select_related("team").order_by("pk"))
    led = list(VolunteerTeam.objects.filter(leader=user).order_by("name"))
    return {"mine": mine, "led": led}


def team_for_staff(user, pk: int, *, for_case: bool = False) -> VolunteerTeam:
    """Return a team the user manages, or NotFound. For a case assignment the case's own
    permissions decide (the action checks them), so any team may be drawn on."""
    team = VolunteerTeam.objects.select_related("place").filter(pk=pk).first()
    if team is None or not (
        for_case or perms.can(user, Cap.CASE_HANDLE, place_path=team.place.path)
    ):
        raise NotFound()
    return team


def assignment_for_staff(user, pk: int) -> VolunteerAssignment:
    a = VolunteerAssignment.objects.select_related("volunteer__team__place").filter(pk=pk).first()
    if a is None or not (
        a.assigned_by_id == getattr(user, "pk", None)
        or perms.can(user, Cap.CASE_HANDLE, place_path=a.volunteer.team.place.path)
    ):
        raise NotFound()
    return a


def conventions_with_versions(place: Place | None = None) -> QuerySet[Convention]:
    qs = Convention.objects.select_related("place").prefetch_related("versions")
    if place is not None:
        qs = qs.filter(place__path__startswith=place.path)
    return qs


def convention_get(pk: int) -> Convention:
    c = (
        Convention.objects.select_related("place")
        .prefetch_related(
            Prefetch("versions", queryset=ConventionVersion.objects.select_related("poll"))
        )
        .filter(pk=pk)
        .first()
    )
    if c is None:
        raise NotFound()
    return c
