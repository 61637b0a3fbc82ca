"""Pages of the counsellor grants: administrators ask and decide; the team lead reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit, UnitKind, User
from concord.accounts.roles import Cap
from concord.core.errors import ConcordError, InvalidInput, NotFound
from concord.places.models import Place

from . import grants


def _error(request: HttpRequest, exc: ConcordError) -> None:
    details = "; ".join(f"{v}" for v in exc.fields.values() if v != exc.message)
    messages.error(request, f"{exc.message} {details}".strip())


def _field_error(field: str) -> InvalidInput:
    msg = _("Not found.")
    return InvalidInput(msg, fields={field: msg})


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    """Administrators: ask for a counsellor role for someone, decide others' requests, revoke."""
    if not perms.can(request.user, Cap.PLATFORM_ADMIN):
        raise DjangoPermissionDenied
    if request.method == "POST":
        try:
            _post(request)
            messages.success(request, _("Saved."))
        except ConcordError as exc:
            _error(request, exc)
        except ValueError:
            messages.error(request, _("Some of the input is not valid."))
        return redirect("wellbeing:grants")
    return render(
        request,
        "wellbeing/grants.html",
        {
            "grants": grants.grants_for_admin(request.user),
            "teams": Unit.objects.filter(kind=UnitKind.COUNSELLING_TEAM, is_active=True).order_by(
                "code"
            ),
        },
    )


def _post(request: HttpRequest) -> None:
    actor, post = request.user, request.POST
    if post.get("decide"):
        grants.grant_decide(
            actor=actor,
            grant=grants.get_grant_for_admin(actor, int(post["decide"])),
            approve=post.get("approve") == "1",
            note=post.get("note", ""),
        )
    elif post.get("revoke"):
        grants.grant_revoke(
            actor=actor,
            grant=grants.get_grant_for_admin(actor, int(post["revoke"])),
            reason=post.get("reason", ""),
        )
    else:
        user = User.objects.filter(username=post.get("username", "").strip()).first()
        if user is None:
            raise _field_error("username")
        team = Unit.objects.filter(code=post.get("team", "")).first()
        if team is None:
            raise _field_error("team")
        place = None
        if post.get("place", "").strip():
            place = Place.objects.filter(code=post["place"].strip()).first()
            if place is None:
                raise _field_error("place")
        grants.grant_request(
            actor=actor, user=user, team=team, place=place, reason=post.get("reason", "")
        )


@login_required
def team_grants(request: HttpRequest, code: str) -> HttpResponse:
    """The team lead: who was granted a counsellor role, by whom, and the reads to review."""
    team = Unit.objects.filter(code=code, kind=UnitKind.COUNSELLING_TEAM).first()
    if team is None or not grants.may_see_team_grants(request.user, team):
        raise Http404
    if request.method == "POST":
        try:
            grants.grant_revoke(
                actor=request.user,
                grant=grants.get_grant_for_lead(request.user, int(request.POST.get("revoke", 0))),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Saved."))
        except NotFound as exc:
            raise Http404 from exc
        except ConcordError as exc:
            _error(request, exc)
        except ValueError:
            messages.error(request, _("Some of the input is not valid."))
        return redirect("wellbeing:team_grants", code=team.code)
    return render(
        request,
        "wellbeing/team_grants.html",
        {
            "team": team,
            "grants": grants.team_grants(team),
            "ungranted": grants.ungranted_counsellors(team),
            "reads": grants.reads_to_review(team),
            "review_days": grants.REVIEW_DAYS,
            "team_lead": grants.is_team_lead(request.user, team),
        },
    )
