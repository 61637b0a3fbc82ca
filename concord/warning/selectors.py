"""Permission-checked reads of alerts."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import NotFound

from .models import Alert


def alerts_visible_to(user) -> QuerySet[Alert]:
    if not getattr(user, "is_authenticated", False):
        return Alert.objects.none()
    return (
        Alert.objects.filter(perms.place_q(user, Cap.ALERT_MANAGE, "place__path"))
        .select_related("place", "unit")
        .annotate(case_count=Count("cases"))
    )


def get_alert_for_user(user, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert
