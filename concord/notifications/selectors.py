"""Reads of notifications: a person's own inbox, and failed deliveries for those who answer
for them.

Who answers for a failed delivery:
- an ordinary notice belongs to a place: the place it is about (its case's place, or the place
  its sender named) or, without one, the places where its recipient works. Supervisors and
  platform administrators over that place see the failure with the message's subject;
  administrators also see failures of notices to people who work nowhere (residents) that
  name no place, so that no failure is left without someone to see it;
- a sealed notice (counselling) belongs to its counselling team: only the team's counsellors
  see its failure. Platform administrators see only that a sealed notice failed, nothing of
  the notice; supervisors do not see it at all (they must not learn that a referral exists).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from concord.accounts import permissions as perms
from concord.accounts.models import Membership
from concord.accounts.roles import Cap
from concord.core.errors import PermissionDenied

from .links import expand, public_url
from .models import Delivery, DeliveryStatus, Notification, Preference

# Capabilities that make a person answer for ordinary notices' failures in their places.
WATCH_CAPS = (Cap.CASE_SUPERVISE, Cap.PLATFORM_ADMIN)


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def inbox_items(user, *, limit: int) -> list[Notification]:
    """Return the user's latest notices as they read them: the tracking link in a message about
    their own matter carries its token (stored as a mark, never as the token), as sent."""
    return [as_read(row) for row in inbox_for(user).select_related("case")[:limit]]


def as_read(row: Notification) -> Notification:
    """Return the notice with its tracking links filled in (not saved)."""
    row.body = expand(row.body, row.case)
    row.link = expand(row.link, row.case)
    return row


def opened_link(row: Notification) -> str:
    """Return where opening the notice leads: its link with the token filled in, on this site
    (a link to this deployment's public address opens as a path, whatever host serves it)."""
    link = expand(row.link or "", row.case)
    site = public_url()
    if site and link.startswith(site + "/"):
        link = link[len(site) :]
    return link


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_for(user) -> Preference:
    """Return the saved preference or the defaults (unsaved)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def may_watch_deliveries(user) -> bool:
    """Return whether the user answers for some failed deliveries (supervisors, platform
    administrators, and counsellors for their team's sealed notices)."""
    return any(
        Cap.CASE_SUPERVISE in g.caps or Cap.PLATFORM_ADMIN in g.caps or Cap.WELLBEING in g.caps
        for g in perms.grants(user)
    )


def _working_in(path: str) -> QuerySet:
    """Return the ids of people with an active membership at or below the place path."""
    return Membership.objects.filter(
        is_active=True, unit__is_active=True, place__path__startswith=path
    ).values("user_id")


def _watch_q(user) -> Q:
    """Return a filter of the deliveries whose failures the user answers for in full."""
    q = Q(pk__in=[])
    ordinary = Q(notification__sealed=False)
    paths = sorted({p for cap in WATCH_CAPS for p in perms.place_paths_with(user, cap)})
    for path in paths:
        q |= ordinary & (
            Q(notification__place__path__startswith=path)
            | Q(notification__place__isnull=True, notification__recipient_id__in=_working_in(path))
        )
    if perms.place_paths_with(user, Cap.PLATFORM_ADMIN):
        staff = Membership.objects.filter(is_active=True, unit__is_active=True).values("user_id")
        q |= (
            ordinary
            & Q(notification__place__isnull=True)
            & ~Q(notification__recipient_id__in=staff)
        )
    teams = perms.unit_ids_with(user, Cap.WELLBEING)
    if teams:
        q |= Q(notification__sealed=True, notification__team_id__in=sorted(teams))
    return q


def deliveries_watched_by(user) -> QuerySet[Delivery]:
    """Return the deliveries (any state) whose failures the user answers for in full."""
    return Delivery.objects.filter(_watch_q(user))


def failed_deliveries_for(user, *, include_acknowledged: bool = False) -> QuerySet[Delivery]:
    """Return the failed deliveries the user answers for, with their messages.

    Refuse people who answer for no deliveries at all.
    """
    if not may_watch_deliveries(user):
        raise PermissionDenied()
    qs = (
        deliveries_watched_by(user)
        .filter(status=DeliveryStatus.FAILED)
        .select_related("notification", "notification__recipient")
    )
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def sealed_failures_known_to(user) -> QuerySet[Delivery]:
    """Return the failed deliveries of sealed notices that a platform administrator is told of
    (in the places they administer); nobody else is told of any."""
    paths = perms.place_paths_with(user, Cap.PLATFORM_ADMIN)
    if not paths:
        return Delivery.objects.none()
    where = Q(notification__team__isnull=True)
    for path in paths:
        where |= Q(notification__team__place__path__startswith=path)
    return Delivery.objects.filter(where, notification__sealed=True, status=DeliveryStatus.FAILED)


def sealed_failures_for(user, *, include_acknowledged: bool = False) -> list[dict]:
    """Return that each sealed notice known to the user failed, and nothing of the notice.

    Each row has the delivery's id, medium, attempts and time only: not the subject, the body,
    the recipient, the address or the gateway's error (which may quote the address).
    """
    qs = sealed_failures_known_to(user)
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return list(
        qs.order_by("-created_at", "-id").values("id", "medium", "attempts", "created_at")[:500]
    )


def mask_address(address: str) -> str:
    """Show enough of an address to recognise it, not to harvest it."""
    if "@" in address:
        name, domain = address.split("@", 1)
        return (name[:1] + "***@" + domain) if name else "***@" + domain
    if len(address) <= 4:
        return "*" * len(address)
    return address[:3] + "*" * max(len(address) - 7, 1) + address[-4:]
