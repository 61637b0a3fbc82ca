"""Moving a case between units and levels: transfer requests, decisions, referrals and merges."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.calendars import platform_calendar
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.places.models import LEVEL_ORDER, Level, Place

from ..clocks import clocks_stop
from ..models import Case, ClockState, Outcome, Status, TransferRequest, TransferState
from .common import (
    _require_router,
    _require_state,
    _restart_handle_clock,
    lock_case,
    record_event,
    require_text,
)

OPEN_FOR_ROUTING = {
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.PAUSED,
    Status.ESCALATED,
    Status.TRANSFERRED,
    Status.REOPENED,
}


@transaction.atomic
def case_transfer_request(*, actor, case: Case, to_unit: Unit, reason: str) -> TransferRequest:
    """Ask another unit to take the case; the current owner stays responsible until it accepts."""
    case = lock_case(case)
    _require_router(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("transfer"))
    reason = require_text(reason, "reason", max_chars=2000)
    if to_unit.pk == case.owner_unit_id:
        raise InvalidInput(
            _("The case already belongs to that unit."), fields={"to_unit": _("Same unit.")}
        )
    if not to_unit.is_active:
        raise InvalidInput(_("That unit is not active."), fields={"to_unit": _("Inactive unit.")})
    if TransferRequest.objects.filter(case=case, state=TransferState.PENDING).exists():
        raise InvalidTransition(_("A transfer of this case is already waiting for an answer."))
    due = platform_calendar().add_working_days(timezone.localdate(), 5)
    transfer = TransferRequest.objects.create(
        case=case,
        from_unit=case.owner_unit,
        to_unit=to_unit,
        reason=reason,
        requested_by=actor,
        objection_due=due,
    )
    record_event(
        case,
        "transfer_requested",
        actor,
        public=False,
        transfer=transfer.pk,
        from_unit=case.owner_unit.code,
        to_unit=to_unit.code,
        reason=reason,
        objection_due=due.isoformat(),
    )
    return transfer


def _lock_transfer(transfer: TransferRequest) -> tuple[TransferRequest, Case]:
    case = lock_case(transfer.case_id)
    transfer = (
        TransferRequest.objects.select_for_update()
        .select_related("to_unit", "from_unit")
        .get(pk=transfer.pk)
    )
    if transfer.state != TransferState.PENDING:
        raise InvalidTransition(_("This transfer has already been answered."))
    return transfer, case


@transaction.atomic
def case_transfer_accept(*, actor, transfer: TransferRequest) -> Case:
    transfer, case = _lock_transfer(transfer)
    if not perms.can(actor, Cap.CASE_HANDLE, unit_id=transfer.to_unit_id):
        raise PermissionDenied(_("Only the receiving unit may accept this transfer."))
    transfer.state = TransferState.ACCEPTED
    transfer.responded_by = actor
    transfer.responded_at = timezone.now()
    transfer.save(update_fields=["state", "responded_by", "responded_at"])
    case.owner_unit = transfer.to_unit
    case.level = (
        transfer.to_unit.place.level
        if transfer.to_unit.place.rank <= LEVEL_ORDER.index(Level(case.level))
        else case.level
    )
    case.assignee = None
    case.status = Status.TRANSFERRED
    case.save(update_fields=["owner_unit", "level", "assignee", "status", "updated_at"])
    _restart_handle_clock(case)
    record_event(
        case,
        "transfer_accepted",
        actor,
        public=True,
        transfer=transfer.pk,
        to_unit=transfer.to_unit.code,
    )
    return case


def objection_closed_message(transfer: TransferRequest) -> str:
    """Say why a transfer can no longer be refused."""
    return _(
        "The 5 working days to object to this transfer ended on %(due)s (Letters and Visits "
        "Regulations art 23); it can no longer be refused."
    ) % {"due": transfer.objection_due.isoformat()}


@transaction.atomic
def case_transfer_refuse(*, actor, transfer: TransferRequest, reason: str) -> Case:
    """Refuse a transfer with a reason; the case stays with its owner and the bounce counts."""
    transfer, case = _lock_transfer(transfer)
    if not perms.can(actor, Cap.CASE_HANDLE, unit_id=transfer.to_unit_id):
        raise PermissionDenied(_("Only the receiving unit may refuse this transfer."))
    if transfer.objection_due and timezone.localdate() > transfer.objection_due:
        # 信访工作条例 art 23: an objection is raised within 5 working days, or not at all.
        raise InvalidTransition(objection_closed_message(transfer))
    reason = require_text(reason, "reason", max_chars=2000)
    transfer.state = TransferState.REFUSED
    transfer.responded_by = actor
    transfer.response_reason = reason
    transfer.responded_at = timezone.now()
    transfer.save(update_fields=["state", "responded_by", "response_reason", "responded_at"])
    case.bounce_count += 1
    case.needs_ruling = case.bounce_count >= conf.concord().transfer_bounce_limit
    case.save(update_fields=["bounce_count", "needs_ruling", "updated_at"])
    record_event(
        case,
        "transfer_refused",
        actor,
        public=False,
        transfer=transfer.pk,
        to_unit=transfer.to_unit.code,
        reason=reason,
        bounces=case.bounce_count,
    )
    return case


def common_parent(a: Place, b: Place) -> Place:
    """Return the lowest place that contains both."""
    pa, pb = a.ancestors_paths(), b.ancestors_paths()
    shared = [p for p in pa if p in pb]
    return Place.objects.get(path=shared[-1])


@transaction.atomic
def case_transfer_decide(*, actor, case: Case, to_unit: Unit, reason: str) -> Case:
    """Settle a case whose transfers bounced: a supervisor of the common parent names the owner.

    The decision binds: the named unit owns the case at once, without an acceptance step.
    """
    case = lock_case(case)
    if not case.needs_ruling:
        raise InvalidTransition(_("This case has no bounced transfers waiting for a decision."))
    last = (
        TransferRequest.objects.filter(case=case, state=TransferState.REFUSED)
        .select_related("to_unit__place", "from_unit__place")
        .order_by("-responded_at")
        .first()
    )
    parent = common_parent(last.from_unit.place, last.to_unit.place) if last else case.place
    if not perms.can(actor, Cap.CASE_SUPERVISE, place_path=parent.path):
        raise PermissionDenied(
            _("Only a supervisor at %(place)s or above may decide this case.")
            % {"place": parent.localized_name()}
        )
    reason = require_text(reason, "reason", max_chars=2000)
    old = case.owner_unit
    case.owner_unit = to_unit
    case.assignee = None
    case.needs_ruling = False
    case.status = Status.TRANSFERRED
    case.save(update_fields=["owner_unit", "assignee", "needs_ruling", "status", "updated_at"])
    TransferRequest.objects.create(
        case=case,
        from_unit=old,
        to_unit=to_unit,
        reason=reason,
        state=TransferState.DECIDED,
        requested_by=actor,
        responded_by=actor,
        response_reason=reason,
        responded_at=timezone.now(),
    )
    _restart_handle_clock(case)
    record_event(
        case,
        "transfer_decided",
        actor,
        public=True,
        from_unit=old.code,
        to_unit=to_unit.code,
        reason=reason,
        decided_at_place=parent.code,
    )
    return case


@transaction.atomic
def case_refer_upward(*, actor, case: Case, body: str, reason: str) -> Case:
    """Refer a county-level case to a body above the county ("conflict pushed upward")."""
    case = lock_case(case)
    _require_router(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("refer upward"))
    if case.level != Level.COUNTY:
        raise InvalidTransition(_("Only county-level cases can be referred above the county."))
    body = require_text(body, "body", max_chars=200)
    reason = require_text(reason, "reason", max_chars=2000)
    case.status = Status.RESOLVED
    case.outcome = Outcome.REFERRED
    case.resolution_text = reason
    case.resolved_at = timezone.now()
    case.save(update_fields=["status", "outcome", "resolution_text", "resolved_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    record_event(case, "referred_upward", actor, public=True, body=body, reason=reason)
    return case


@transaction.atomic
def case_merge(*, actor, case: Case, into: Case, note: str = "", system: bool = False) -> Case:
    """Merge a duplicate into another case; updates then follow the surviving case."""
    if case.pk == into.pk:
        raise InvalidInput(_("A case cannot be merged into itself."))
    first, second = sorted([case.pk, into.pk])  # lock in id order to avoid deadlocks
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[first, second])}
    case, into = locked[case.pk], locked[into.pk]
    if not system:
        _require_router(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("merge"))
    if not into.is_open:
        raise InvalidTransition(_("Cases can only be merged into an open case."))
    case.status = Status.MERGED
    case.merged_into = into
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "merged_into", "closed_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    record_event(case, "merged", actor, public=True, into=into.receipt_code, note=note or None)
    record_event(into, "merged_in", actor, public=False, merged_case=case.receipt_code)
    return case
