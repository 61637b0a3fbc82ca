"""The counselling network: team leads, duty shifts, partners and activities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit, UnitKind
from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.places.models import Place

from ..models import (
    ActivityKind,
    CommunityActivity,
    DutyShift,
    PartnerKind,
    PartnerService,
    TeamProfile,
)
from .common import _choice, _text, is_team_counsellor

# --- the counselling network ---------------------------------------------------------------


def _require_team_member(actor, team: Unit) -> None:
    if team.kind != UnitKind.COUNSELLING_TEAM:
        raise InvalidInput(_("This unit is not a counselling team."))
    if not is_team_counsellor(actor, team_id=team.pk) and not perms.can(actor, Cap.PLATFORM_ADMIN):
        raise PermissionDenied()


def _team_event(team: Unit, kind: str, actor, **data: Any) -> None:
    Unit.objects.select_for_update().filter(pk=team.pk).first()
    append_event(stream=f"counselling-team:{team.pk}", kind=kind, actor=actor, data=data)


@transaction.atomic
def team_set_lead(*, actor, team: Unit, lead, phone: str = "") -> TeamProfile:
    """Name the team lead who is alerted when a clock is missed."""
    _require_team_member(actor, team)
    if not is_team_counsellor(lead, team_id=team.pk):
        msg = _("The team lead must be a counsellor of the team.")
        raise InvalidInput(msg, fields={"lead": msg})
    profile, _created = TeamProfile.objects.update_or_create(
        unit=team, defaults={"lead": lead, "phone": phone[:40]}
    )
    _team_event(team, "lead_set", actor, lead=lead.pk)
    return profile


@transaction.atomic
def duty_shift_add(*, actor, team: Unit, counsellor, starts_at: datetime, ends_at: datetime):
    """Put a counsellor of the team on duty for a period."""
    _require_team_member(actor, team)
    if not is_team_counsellor(counsellor, team_id=team.pk):
        msg = _("Only counsellors of the team can be on duty.")
        raise InvalidInput(msg, fields={"counsellor": msg})
    if ends_at <= starts_at:
        msg = _("The shift must end after it starts.")
        raise InvalidInput(msg, fields={"ends_at": msg})
    shift = DutyShift.objects.create(
        team=team, counsellor=counsellor, starts_at=starts_at, ends_at=ends_at
    )
    _team_event(team, "duty_shift_added", actor, shift=shift.pk, counsellor=counsellor.pk)
    return shift


@transaction.atomic
def partner_add(
    *,
    actor,
    team: Unit,
    name_zh: str,
    kind: str,
    place: Place,
    name_en: str = "",
    phone: str = "",
    address: str = "",
    hours: str = "",
) -> PartnerService:
    """Add a partner service that referrals can be handed over to."""
    _require_team_member(actor, team)
    _choice(kind, PartnerKind, "kind")
    partner = PartnerService.objects.create(
        name_zh=_text(name_zh, "name_zh", required=True)[:160],
        name_en=name_en[:160],
        kind=kind,
        place=place,
        phone=phone[:40],
        address=address[:300],
        hours=hours[:120],
    )
    _team_event(team, "partner_added", actor, partner=partner.pk)
    return partner


@transaction.atomic
def activity_add(
    *, actor, team: Unit, kind: str, title: str, place: Place, starts_at: datetime
) -> CommunityActivity:
    """Plan a group session or an education event."""
    _require_team_member(actor, team)
    _choice(kind, ActivityKind, "kind")
    activity = CommunityActivity.objects.create(
        team=team,
        kind=kind,
        title=_text(title, "title", required=True)[:200],
        place=place,
        starts_at=starts_at,
        created_by=actor,
    )
    _team_event(team, "activity_added", actor, activity=activity.pk)
    return activity


@transaction.atomic
def activity_record_participation(
    *, actor, activity: CommunityActivity, participants: int
) -> CommunityActivity:
    """Record how many people took part (a count only: no names are kept)."""
    activity = (
        CommunityActivity.objects.select_for_update().select_related("team").get(pk=activity.pk)
    )
    _require_team_member(actor, activity.team)
    if participants < 0:
        raise InvalidInput(fields={"participants": _("Must not be negative.")})
    activity.participants = participants
    activity.save(update_fields=["participants"])
    _team_event(
        activity.team, "participation_recorded", actor, activity=activity.pk, count=participants
    )
    return activity
