"""Handling alerts: acknowledge, record the action taken, or dismiss with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.audit import append_event
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied

from .models import Alert, AlertState

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
