"""Handling alerts: acknowledge, record the action taken, or dismiss with a reason."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit, User
from concord.accounts.roles import Cap
from concord.cases.models import Category
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event
from concord.notifications.actions import notify
from concord.places.models import Level
from concord.safety.actions import incident_record
from concord.safety.selectors import incidents_for

from .methods import clean_params, method_names
from .models import Alert, AlertRule, AlertRuleVersion, AlertState
from .run import _category_name

NEXT = {
    "acknowledge": ({AlertState.NEW}, AlertState.ACKNOWLEDGED),
    "action": ({AlertState.NEW, AlertState.ACKNOWLEDGED}, AlertState.ACTIONED),
    "dismiss": ({AlertState.NEW, AlertState.ACKNOWLEDGED}, AlertState.DISMISSED),
}


@transaction.atomic
def alert_transition(*, actor, alert: Alert, step: str, reason: str = "") -> Alert:
    """Move an alert on; actions and dismissals need a written reason."""
    alert = Alert.objects.select_for_update().select_related("place").get(pk=alert.pk)
    if not perms.can(actor, Cap.ALERT_MANAGE, place_path=alert.place.path):
        raise PermissionDenied(_("You may not handle alerts for this place."))
    if step not in NEXT:
        raise InvalidInput(_("Unknown step."))
    allowed, target = NEXT[step]
    if alert.state not in allowed:
        raise InvalidTransition(
            _("This alert is already %(state)s.") % {"state": alert.get_state_display()}
        )
    reason = (reason or "").strip()
    if step in ("action", "dismiss") and not reason:
        raise InvalidInput(
            _("Say what was done or why it is dismissed."), fields={"reason": _("Required.")}
        )
    alert.state = target
    alert.state_reason = reason
    alert.save(update_fields=["state", "state_reason"])
    append_event(
        stream=f"alert:{alert.pk}", kind=f"alert_{target}", actor=actor, data={"reason": reason}
    )
    return alert


def _lock(actor, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().select_related("place").get(pk=alert.pk)
    if not perms.can(actor, Cap.ALERT_MANAGE, place_path=alert.place.path):
        raise PermissionDenied(_("You may not handle alerts for this place."))
    return alert


def assignable_units(alert: Alert):
    """Units an alert may be given to: active units at its place, above it or below it."""

    return (
        Unit.objects.filter(is_active=True)
        .filter(
            Q(place__path__in=alert.place.ancestors_paths())
            | Q(place__path__startswith=alert.place.path)
        )
        .select_related("place")
        .order_by("place__path", "code")
    )


@transaction.atomic
def alert_assign(*, actor, alert: Alert, unit, note: str = "") -> Alert:
    """Give an alert to a unit to look into; the unit's members are told and then see it."""

    alert = _lock(actor, alert)
    if alert.state == AlertState.DISMISSED:
        raise InvalidTransition(_("A dismissed alert is not assigned."))
    if unit is None or not assignable_units(alert).filter(pk=unit.pk).exists():
        msg = _("Choose an active unit at this place, above it or below it.")
        raise InvalidInput(msg, fields={"unit": msg})
    alert.assigned_unit = unit
    if alert.state == AlertState.NEW:
        alert.state = AlertState.ACKNOWLEDGED
    note = (note or "").strip()[:2000]
    alert.save(update_fields=["assigned_unit", "state"])
    append_event(
        stream=f"alert:{alert.pk}",
        kind="alert_assigned",
        actor=actor,
        data={"unit": unit.code, "note": note},
    )
    members = User.objects.filter(
        is_active=True, memberships__unit=unit, memberships__is_active=True
    ).distinct()

    notify(
        recipients=list(members),
        kind="alert",
        subject=each(
            "Early warning assigned to %(unit)s: %(place)s, %(category)s",
            unit=unit.localized_name,
            place=alert.place.localized_name,
            category=lambda: _category_name(alert.category_root),
        ),
        body=note,
        link=f"/staff/alerts/{alert.pk}/",
        place=alert.place,
        dedupe_key=f"alert:{alert.pk}:assigned:{unit.pk}",
    )
    return alert


@transaction.atomic
def alert_link_incident(*, actor, alert: Alert, incident) -> Alert:
    """Link an alert to an emergency incident the actor may see."""

    alert = _lock(actor, alert)
    if incident is None or not incidents_for(actor).filter(pk=incident.pk).exists():
        msg = _("Choose an incident you may see.")
        raise InvalidInput(msg, fields={"incident": msg})
    alert.incident = incident
    if alert.state in (AlertState.NEW, AlertState.ACKNOWLEDGED):
        alert.state = AlertState.ACTIONED
        alert.state_reason = alert.state_reason or _("Linked to an incident.")
    alert.save(update_fields=["incident", "state", "state_reason"])
    append_event(
        stream=f"alert:{alert.pk}",
        kind="alert_linked_incident",
        actor=actor,
        data={"incident": incident.pk},
    )
    return alert


@transaction.atomic
def alert_open_incident(
    *, actor, alert: Alert, title: str, incident_type: str, level: str, description: str = ""
) -> Alert:
    """Open an emergency incident over the alert's places and link the alert to it.

    The incident is recorded by the safety app's own action (supervisors over the places).
    """

    alert = _lock(actor, alert)
    incident = incident_record(
        actor=actor,
        title=title,
        incident_type=incident_type,
        level=level,
        places=list(alert.places.all()) or [alert.place],
        occurred_at=timezone.now(),
        description=description,
    )
    return alert_link_incident(actor=actor, alert=alert, incident=incident)


def _may_set_rules(actor, place) -> bool:
    return perms.can(actor, Cap.ALERT_MANAGE, place_path=place.path)


@transaction.atomic
def alert_rule_save(
    *,
    actor,
    rule=None,
    name: str,
    place,
    method: str,
    params: dict | None = None,
    category_roots: list[str] | None = None,
    place_levels: list[str] | None = None,
    is_active: bool = True,
):
    """Create a rule or save a new version of one; each version is kept and audited.

    ``params`` are raw control values (text is parsed); the detector checks them.
    """

    if place is None or not _may_set_rules(actor, place):
        raise PermissionDenied(_("You may not set alert rules for this place."))
    if rule is not None:
        rule = AlertRule.objects.select_for_update().select_related("place").get(pk=rule.pk)
        if not _may_set_rules(actor, rule.place):
            raise PermissionDenied(_("You may not set alert rules for this place."))
    errors = {}
    name = (name or "").strip()[:120]
    if not name:
        errors["name"] = _("Required.")
    if method not in method_names():
        errors["method"] = _("Choose a method.")
    roots = sorted({(r or "").strip() for r in (category_roots or [])})
    known = set(Category.objects.filter(parent=None).values_list("code", flat=True)) | {""}
    if set(roots) - known:
        errors["category_roots"] = _("Unknown category group.")
    levels = sorted({lv for lv in (place_levels or [])})
    if set(levels) - set(Level.values):
        errors["place_levels"] = _("Unknown place level.")
    cleaned = {}
    if "method" not in errors:
        raw = {
            k: str(v) if not isinstance(v, list | tuple) else ",".join(map(str, v))
            for k, v in (params or {}).items()
        }
        try:
            cleaned = clean_params(method, raw)
        except ValueError as exc:
            errors["params"] = str(exc)
    if errors:
        raise InvalidInput(_("Check the rule."), fields=errors)
    values = dict(
        name=name,
        method=method,
        params=cleaned,
        category_roots=roots,
        place_levels=levels,
        is_active=bool(is_active),
    )
    if rule is None:
        rule = AlertRule.objects.create(place=place, version=1, updated_by=actor, **values)
        new = True
    else:
        for k, v in values.items():
            setattr(rule, k, v)
        rule.version += 1
        rule.updated_by = actor
        rule.save()
        new = False
    AlertRuleVersion.objects.create(rule=rule, version=rule.version, changed_by=actor, **values)
    append_event(
        stream=f"alert_rule:{rule.pk}",
        kind="alert_rule_saved",
        actor=actor,
        data={"version": rule.version, "place": rule.place.code, **values},
        new_stream=new,
    )
    return rule
