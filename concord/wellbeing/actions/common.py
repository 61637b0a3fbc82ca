"""What wellbeing actions share: the referral record and lock, who counsels whom, alerts, clocks."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Cap, Role
from concord.core import conf
from concord.core.bilingual import each
from concord.core.errors import ConcordError, InvalidInput, NotFound
from concord.core.ledger import append_event
from concord.notifications.actions import notify
from concord.places.models import Place
from concord.places.selectors import place_ancestors

from .. import protocol
from ..models import DutyShift, FollowUp, FollowUpState, Referral, ReferralState, Risk, TeamProfile
from ..policy import rule_for

logger = logging.getLogger(__name__)

CASE_EVENT_KIND = "referred_to_psychological_services"
MAX_TEXT = 10_000


class NoCounsellingTeam(ConcordError):
    code = "no_counselling_team"
    status = 503


def referral_stream(referral_id: int) -> str:
    return f"referral:{referral_id}"


def _record(referral: Referral, kind: str, actor=None, **data: Any) -> None:
    # case=None: referral events must never appear in the triggering case's event list.
    append_event(
        stream=referral_stream(referral.pk),
        kind=kind,
        actor=actor,
        case=None,
        public=False,
        data={k: v for k, v in data.items() if v is not None},
    )


def _lock(referral: Referral | int) -> Referral:
    pk = referral.pk if isinstance(referral, Referral) else referral
    return Referral.objects.select_for_update().select_related("team", "place").get(pk=pk)


def _text(value: str | None, field_name: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        msg = _("This field is required.")
        raise InvalidInput(msg, fields={field_name: msg})
    if len(value) > MAX_TEXT:
        msg = _("At most %(n)d characters.") % {"n": MAX_TEXT}
        raise InvalidInput(msg, fields={field_name: msg})
    return value


def _choice(value: str, choices, field_name: str) -> str:
    if value not in choices.values:
        msg = _("Unknown value.")
        raise InvalidInput(msg, fields={field_name: msg})
    return value


# --- who is who ----------------------------------------------------------------------------


def is_team_counsellor(user, *, team_id: int, place_path: str | None = None) -> bool:
    """Return whether the user is a counsellor of this team (over this place, if given)."""
    return perms.can(user, Cap.WELLBEING, unit_id=team_id, place_path=place_path)


def require_team_counsellor(user, referral: Referral) -> None:
    if not is_team_counsellor(user, team_id=referral.team_id, place_path=referral.place_path):
        # Not Forbidden: outsiders must not learn that the referral exists.
        raise NotFound()


def team_for_place(place: Place) -> Unit | None:
    """Return the nearest active counselling team at or above the place."""
    chain = place_ancestors(place)
    teams = {
        u.place_id: u
        for u in Unit.objects.filter(
            place__in=chain, kind=UnitKind.COUNSELLING_TEAM, is_active=True
        ).order_by("-code")
    }
    for p in reversed(chain):
        if p.id in teams:
            return teams[p.id]
    return None


def team_counsellors(team_id: int):
    User = get_user_model()
    ids = Membership.objects.filter(unit_id=team_id, role=Role.COUNSELLOR, is_active=True).values(
        "user_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def on_duty(team_id: int, at: datetime | None = None):
    """Return the counsellors of the team on duty at a moment (default: now)."""
    at = at or timezone.now()
    User = get_user_model()
    ids = DutyShift.objects.filter(team_id=team_id, starts_at__lte=at, ends_at__gt=at).values(
        "counsellor_id"
    )
    return User.objects.filter(pk__in=ids, is_active=True)


def team_lead(team_id: int):
    """Return the team lead; without one, every counsellor of the team stands in."""
    profile = TeamProfile.objects.select_related("lead").filter(unit_id=team_id).first()
    if profile and profile.lead and profile.lead.is_active:
        return [profile.lead]
    return list(team_counsellors(team_id))


def _alert(recipients, *, referral: Referral, kind: str, subject: dict[str, str], key: str) -> None:
    """Notify on commit with the reference and a link only: notices carry no contents.

    The notices are sealed to the referral's team: if one cannot be delivered, only the team
    hears of it with its subject (supervisors must not learn that the referral exists).
    """
    recipients = list(recipients)
    link = f"/wellbeing/referrals/{referral.pk}/"
    team = referral.team

    def send():
        notify(
            recipients=recipients,
            kind=kind,
            subject=subject,
            body=gettext_lazy("Open the referral in the counselling queue."),
            link=link,
            sealed_team=team,
            dedupe_key=f"wellbeing:{key}",
        )

    transaction.on_commit(send)


def _alert_first_responders(referral: Referral, *, reason: str) -> None:
    """Alert the on-duty counsellors (or the whole team when nobody is on duty)."""
    recipients = list(on_duty(referral.team_id)) or list(team_counsellors(referral.team_id))
    if referral.risk == Risk.IMMINENT:
        recipients += team_lead(referral.team_id)
        subject = each("IMMINENT crisis: %(ref)s needs contact now", ref=referral.reference)
    else:
        subject = each(
            "New %(risk)s-risk referral %(ref)s",
            risk=Risk(referral.risk).label,
            ref=referral.reference,
        )
    _alert(
        recipients,
        referral=referral,
        kind=f"wellbeing_{referral.risk}",
        subject=subject,
        key=f"{referral.pk}:{reason}:{referral.risk}",
    )


# --- clocks --------------------------------------------------------------------------------


def _refresh_next_due(referral: Referral) -> None:
    dues = list(
        FollowUp.objects.filter(
            referral=referral, state__in=[FollowUpState.SCHEDULED, FollowUpState.MISSED]
        ).values_list("due_at", flat=True)
    )
    if referral.contacted_at is None and referral.contact_due_at is not None:
        dues.append(referral.contact_due_at)
    referral.next_due_at = min(dues) if dues else None
    if referral.state == ReferralState.CLOSED:
        referral.next_due_at = None
    referral.save(update_fields=["next_due_at"])


def _apply_risk(referral: Referral, risk: str, *, start: datetime) -> None:
    """Set the risk level and the clocks the policy ties to it."""
    previous = referral.risk
    referral.risk = risk
    rule = rule_for(risk)
    if referral.contacted_at is None:
        referral.contact_due_at = protocol.contact_due(
            timezone.localtime(referral.opened_at),
            rule,
            same_day_min_hours=conf.wellbeing().same_day_min_hours,
        )
        referral.contact_overdue_alerted = False
    referral.save(update_fields=["risk", "contact_due_at", "contact_overdue_alerted"])
    if previous == risk and FollowUp.objects.filter(referral=referral, mandatory=True).exists():
        return
    # Mandatory follow-ups are re-planned for the new level from now on; done ones stay.
    pending = FollowUp.objects.filter(
        referral=referral, mandatory=True, state=FollowUpState.SCHEDULED
    )
    pending.update(state=FollowUpState.CANCELLED)
    if risk in protocol.FOLLOW_UP_REQUIRED:
        FollowUp.objects.bulk_create(
            FollowUp(referral=referral, due_at=due, mandatory=True)
            for due in protocol.follow_up_times(timezone.localtime(start), rule)
        )
