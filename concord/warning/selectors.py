"""Permission-checked reads of alerts and alert rules."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import NotFound

from .models import Alert, AlertRule


def _unit_ids(user) -> list[int]:
    return sorted({g.unit_id for g in perms.grants(user)})


def alerts_visible_to(user) -> QuerySet[Alert]:
    """Alerts at places where the user handles alerts, and those given to the user's units."""
    if not getattr(user, "is_authenticated", False):
        return Alert.objects.none()
    seen = perms.place_q(user, Cap.ALERT_MANAGE, "place__path")
    units = _unit_ids(user)
    if units:
        seen |= Q(assigned_unit_id__in=units)
    return (
        Alert.objects.filter(seen)
        .select_related("place", "unit", "assigned_unit", "incident")
        .annotate(case_count=Count("cases"))
    )


def get_alert_for_user(user, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


def may_handle(user, alert: Alert) -> bool:
    return perms.can(user, Cap.ALERT_MANAGE, place_path=alert.place.path)


def rules_visible_to(user) -> QuerySet[AlertRule]:
    """Rules over places where the user handles alerts (the rules that raise what they see)."""
    if not getattr(user, "is_authenticated", False):
        return AlertRule.objects.none()
    return AlertRule.objects.filter(
        perms.place_q(user, Cap.ALERT_MANAGE, "place__path")
    ).select_related("place", "updated_by")


def get_rule_for_user(user, rule_id: int) -> AlertRule:
    rule = rules_visible_to(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule
