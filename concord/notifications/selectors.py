"""Reads of notifications: a person's own inbox, and failed deliveries for staff."""

from __future__ import annotations

from django.db.models import QuerySet

from concord.core.errors import PermissionDenied

from .actions import may_watch_deliveries
from .models import Delivery, DeliveryStatus, Notification, Preference


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_for(user) -> Preference:
    """Return the saved preference or the defaults (unsaved)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def failed_deliveries_for(user, *, include_acknowledged: bool = False) -> QuerySet[Delivery]:
    """Return deliveries that failed after their retries, for supervisors and administrators."""
    if not may_watch_deliveries(user):
        raise PermissionDenied()
    qs = Delivery.objects.filter(status=DeliveryStatus.FAILED).select_related(
        "notification", "notification__recipient"
    )
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def mask_address(address: str) -> str:
    """Show enough of an address to recognise it, not to harvest it."""
    if "@" in address:
        name, domain = address.split("@", 1)
        return (name[:1] + "***@" + domain) if name else "***@" + domain
    if len(address) <= 4:
        return "*" * len(address)
    return address[:3] + "*" * max(len(address) - 7, 1) + address[-4:]
