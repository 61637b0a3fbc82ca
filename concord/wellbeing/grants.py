"""No one above the seal: the only way to a role that reads sealed referrals.

A counsellor role in a counselling team is granted by two administrators: one asks, a second one
approves; no one grants themselves, and the one who asked cannot approve. Every step is a ledger
event on the team's stream and is listed for the team lead, with the sealed reads the new
counsellor makes in the first days after the grant (`reads_to_review`). The admin's generic
forms cannot give or change these roles (accounts/admin.py shows them read-only).

Bootstrap: on a fresh install (or the demo) with a single administrator, a command run on the
server that holds the ledger's signing key makes the first grant of a team, recorded as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import SEALED_ROLES, Cap, Role
from concord.core import checkpoints
from concord.core.errors import InvalidInput, NotFound, PermissionDenied
from concord.core.ledger import append_event
from concord.core.models import Event
from concord.places.models import Place

from .models import CounsellorGrant, GrantState, Referral, TeamProfile

MAX_REASON = 300
REVIEW_DAYS = 30


def team_stream(team: Unit) -> str:
    return f"counselling-team:{team.pk}"


def _event(team: Unit, kind: str, actor, grant: CounsellorGrant, **data) -> None:
    Unit.objects.select_for_update().filter(pk=team.pk).first()
    append_event(
        stream=team_stream(team),
        kind=kind,
        actor=actor,
        data={"grant": grant.pk, "user": grant.user_id, "place": grant.place.code, **data},
    )


def _reason(value: str | None, field: str = "reason", *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        msg = _("Give a reason.")
        raise InvalidInput(msg, fields={field: msg})
    if len(value) > MAX_REASON:
        msg = _("At most %(n)d characters.") % {"n": MAX_REASON}
        raise InvalidInput(msg, fields={field: msg})
    return value


def _require_admin(actor) -> None:
    if not perms.can(actor, Cap.PLATFORM_ADMIN):
        raise PermissionDenied()


def _check_team(team: Unit, place: Place | None) -> Place:
    if team.kind != UnitKind.COUNSELLING_TEAM or not team.is_active:
        msg = _("This unit is not an active counselling team.")
        raise InvalidInput(msg, fields={"team": msg})
    place = place or team.place
    if not place.path.startswith(team.place.path):
        msg = _("The place must be within the team's area.")
        raise InvalidInput(msg, fields={"place": msg})
    return place


def _activate(grant: CounsellorGrant) -> None:
    membership, _created = Membership.objects.get_or_create(
        user=grant.user, unit=grant.team, role=Role.COUNSELLOR, place=grant.place
    )
    if not membership.is_active:
        Membership.objects.filter(pk=membership.pk).update(is_active=True)
    grant.membership = membership
    perms.forget_grants(grant.user)


def holds_sealed_role(user, team: Unit, place: Place) -> bool:
    return Membership.objects.filter(
        user=user,
        unit=team,
        role__in=SEALED_ROLES,
        is_active=True,
        place__path__in=[place.path[:i] for i in range(1, len(place.path) + 1)],
    ).exists()


@transaction.atomic
def grant_request(
    *, actor, user: User, team: Unit, reason: str, place: Place | None = None
) -> CounsellorGrant:
    """An administrator asks for a counsellor role for someone else; a second one decides."""
    _require_admin(actor)
    place = _check_team(team, place)
    reason = _reason(reason)
    if user.pk == actor.pk:
        msg = _("No one can grant a sealed role to themselves.")
        raise InvalidInput(msg, fields={"user": msg})
    if not user.is_active:
        msg = _("This account is not active.")
        raise InvalidInput(msg, fields={"user": msg})
    if CounsellorGrant.objects.filter(user=user, team=team, state=GrantState.PENDING).exists():
        msg = _("A request for this person and team is already waiting.")
        raise InvalidInput(msg, fields={"user": msg})
    if holds_sealed_role(user, team, place):
        msg = _("This person already counsels in this team.")
        raise InvalidInput(msg, fields={"user": msg})
    grant = CounsellorGrant.objects.create(
        team=team,
        user=user,
        place=place,
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    _event(team, "counsellor_grant_requested", actor, grant, reason=reason)
    return grant


def _lock(grant: CounsellorGrant) -> CounsellorGrant:
    return (
        CounsellorGrant.objects.select_for_update()
        .select_related("team", "place", "user")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_decide(
    *, actor, grant: CounsellorGrant, approve: bool, note: str = ""
) -> CounsellorGrant:
    """A second administrator approves or refuses a waiting request."""
    _require_admin(actor)
    grant = _lock(grant)
    note = _reason(note, "note", required=False)
    if grant.state != GrantState.PENDING:
        raise InvalidInput(_("This request has already been decided."))
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise InvalidInput(
            _("A second administrator must decide: not the one who asked, nor the one granted.")
        )
    grant.state = GrantState.APPROVED if approve else GrantState.REFUSED
    grant.decided_by, grant.decided_at = actor, timezone.now()
    if approve:
        _activate(grant)
    grant.save(update_fields=["state", "decided_by", "decided_at", "membership"])
    kind = "counsellor_grant_approved" if approve else "counsellor_grant_refused"
    _event(grant.team, kind, actor, grant, note=note or None)
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: CounsellorGrant, reason: str) -> CounsellorGrant:
    """An administrator or the team lead ends a grant; the counsellor role stops at once."""
    grant = _lock(grant)
    lead_id = TeamProfile.objects.filter(unit=grant.team).values_list("lead_id", flat=True).first()
    if not perms.can(actor, Cap.PLATFORM_ADMIN) and actor.pk != lead_id:
        raise PermissionDenied()
    reason = _reason(reason)
    if grant.state != GrantState.APPROVED:
        raise InvalidInput(_("Only an approved grant can be revoked."))
    if grant.membership_id:
        Membership.objects.filter(pk=grant.membership_id).update(is_active=False)
    perms.forget_grants(grant.user)
    grant.state = GrantState.REVOKED
    grant.save(update_fields=["state"])
    _event(grant.team, "counsellor_grant_revoked", actor, grant, reason=reason)
    return grant


@transaction.atomic
def grant_bootstrap(*, user: User, team: Unit, note: str, place: Place | None = None):
    """Make a team's first grant from the server itself (no second administrator yet).

    Only where the ledger's signing key is (the machine that writes checkpoints), and only while
    the team has no approved grant: every later grant needs two administrators.
    """
    if not checkpoints.has_signing_key():
        raise PermissionDenied(_("Run this on the server that holds the ledger's signing key."))
    place = _check_team(team, place)
    note = _reason(note, "note")
    Unit.objects.select_for_update().filter(pk=team.pk).first()
    if CounsellorGrant.objects.filter(team=team, state=GrantState.APPROVED).exists():
        raise InvalidInput(
            _("This team already has a granted counsellor: ask two administrators instead.")
        )
    now = timezone.now()
    grant = CounsellorGrant(
        team=team,
        user=user,
        place=place,
        reason=note,
        state=GrantState.APPROVED,
        bootstrap=True,
        requested_at=now,
        decided_at=now,
    )
    _activate(grant)
    grant.save()
    _event(team, "counsellor_grant_bootstrap", None, grant, bootstrap=True, note=note)
    return grant


# Reads -----------------------------------------------------------------------------------------


def grants_for_admin(user) -> QuerySet[CounsellorGrant]:
    _require_admin(user)
    return CounsellorGrant.objects.select_related(
        "team", "user", "place", "requested_by", "decided_by"
    ).order_by("-requested_at")[:200]


def get_grant_for_admin(user, grant_id: int) -> CounsellorGrant:
    _require_admin(user)
    grant = CounsellorGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise NotFound()
    return grant


def get_grant_for_lead(user, grant_id: int) -> CounsellorGrant:
    grant = CounsellorGrant.objects.select_related("team").filter(pk=grant_id).first()
    if grant is None or not may_see_team_grants(user, grant.team):
        raise NotFound()
    return grant


def is_team_lead(user, team: Unit) -> bool:
    return TeamProfile.objects.filter(unit=team, lead_id=user.pk).exists()


def may_see_team_grants(user, team: Unit) -> bool:
    """The team lead sees the team's grants; without a lead, every counsellor of the team."""
    lead_id = TeamProfile.objects.filter(unit=team).values_list("lead_id", flat=True).first()
    if lead_id is not None:
        return user.pk == lead_id
    return perms.can(user, Cap.WELLBEING, unit_id=team.pk)


def team_grants(team: Unit) -> QuerySet[CounsellorGrant]:
    return CounsellorGrant.objects.filter(team=team).select_related(
        "user", "place", "requested_by", "decided_by"
    )


def ungranted_counsellors(team: Unit) -> QuerySet[Membership]:
    """Active counsellor roles of the team that no recorded grant gave (seeded or older)."""
    granted = CounsellorGrant.objects.filter(
        team=team, state=GrantState.APPROVED, membership__isnull=False
    ).values("membership_id")
    return (
        Membership.objects.filter(unit=team, role__in=SEALED_ROLES, is_active=True)
        .exclude(pk__in=granted)
        .select_related("user", "place")
    )


@dataclass
class ReviewRead:
    grant: CounsellorGrant
    referral_id: int
    at: datetime
    why: str


def reads_to_review(team: Unit) -> list[ReviewRead]:
    """Sealed reads of this team's referrals made within 30 days after a counsellor's grant."""
    grants = list(
        team_grants(team).filter(
            state__in=[GrantState.APPROVED, GrantState.REVOKED], decided_at__isnull=False
        )
    )
    if not grants:
        return []
    window = Q(pk__in=[])
    for g in grants:
        window |= Q(
            actor_id=g.user_id,
            created_at__gte=g.decided_at,
            created_at__lt=g.decided_at + timedelta(days=REVIEW_DAYS),
        )
    reads = list(
        Event.objects.filter(window, kind="sealed_read", stream__startswith="referral:")
        .order_by("-created_at")
        .values_list("actor_id", "stream", "created_at", "data")[:500]
    )
    ids = {int(stream.split(":", 1)[1]) for _a, stream, _t, _d in reads}
    of_team = set(Referral.objects.filter(pk__in=ids, team=team).values_list("pk", flat=True))
    out = []
    for actor_id, stream, at, data in reads:
        rid = int(stream.split(":", 1)[1])
        if rid not in of_team:
            continue
        grant = next(
            g
            for g in grants
            if g.user_id == actor_id
            and g.decided_at <= at < g.decided_at + timedelta(days=REVIEW_DAYS)
        )
        out.append(ReviewRead(grant, rid, at, (data or {}).get("why", "")))
    return out


def bootstrap_teams(*, note: str) -> list[CounsellorGrant]:
    """Record, for every team with no grant yet, its first counsellor as a bootstrap grant.

    For a freshly loaded install such as the demo (whose loader wrote the roles): later
    counsellors of those teams are listed to the lead as "without a recorded grant".
    """
    made = []
    for team in Unit.objects.filter(kind=UnitKind.COUNSELLING_TEAM, is_active=True).order_by("pk"):
        if CounsellorGrant.objects.filter(team=team, state=GrantState.APPROVED).exists():
            continue
        first = (
            Membership.objects.filter(unit=team, role__in=SEALED_ROLES, is_active=True)
            .select_related("user", "place")
            .order_by("pk")
            .first()
        )
        if first is not None:
            made.append(grant_bootstrap(user=first.user, team=team, place=first.place, note=note))
    return made
