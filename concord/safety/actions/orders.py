"""Rectification orders: issuing one with its clock, and the report that the work is done."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases import actions as case_actions
from concord.cases.actions import is_handler, lock_case, record_event
from concord.cases.clocks import clock_start
from concord.cases.models import Case, Clock, ClockState, Kind, Outcome, Status
from concord.core.bilingual import each
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.actions import notify

from ..models import Hazard, OrderState, RectificationOrder
from .common import _required


@transaction.atomic
def rectification_order_issue(
    *,
    actor,
    case: Case,
    responsible_party: str,
    supervising_unit: Unit,
    requirements: str,
    due_on: date,
    responsible_contact: str = "",
) -> RectificationOrder:
    """Order the responsible party to remove the hazard by `due_on`; the case moves to work."""
    case = lock_case(case)
    if case.kind != Kind.HAZARD_REPORT:
        raise InvalidTransition(_("Rectification orders are for hazard reports."))
    if not is_handler(actor, case):
        raise PermissionDenied(_("Only the owning unit or a supervisor may do this."))
    if case.status not in {Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}:
        raise InvalidTransition(_("Accept the hazard report before ordering its rectification."))
    if RectificationOrder.objects.filter(case=case).exclude(state=OrderState.VERIFIED).exists():
        raise InvalidTransition(_("This hazard already has a rectification order in force."))
    today = timezone.localdate()
    if due_on is None or due_on <= today:
        msg = _("Give a deadline after today.")
        raise InvalidInput(msg, fields={"due_on": msg})
    order = RectificationOrder.objects.create(
        case=case,
        responsible_party=_required(responsible_party, "responsible_party", max_chars=200),
        responsible_contact=responsible_contact.strip()[:120],
        supervising_unit=supervising_unit,
        requirements=_required(requirements, "requirements"),
        due_on=due_on,
        issued_by=actor,
    )
    Hazard.objects.filter(case=case).update(supervising_unit=supervising_unit)
    if case.status != Status.IN_PROGRESS:
        case_actions.case_start(actor=actor, case=case)
    _start_rectification_clock(case, today, due_on)
    record_event(
        case,
        "rectification_ordered",
        actor,
        public=True,
        order=order.pk,
        responsible_party=order.responsible_party,
        supervising_unit=supervising_unit.code,
        due_on=due_on.isoformat(),
        requirements=order.requirements,
    )
    sup = list(holders(Cap.CASE_HANDLE, unit_id=supervising_unit.pk))
    transaction.on_commit(
        lambda: notify(
            recipients=sup,
            kind="rectification_ordered",
            subject=each(
                "Rectification order: %(title)s (due %(due)s)",
                title=case.title,
                due=f"{due_on:%Y-%m-%d}",
            ),
            body=order.requirements,
            case=case,
            dedupe_key=f"rectification:{order.pk}:1",
        )
    )
    return order


def _start_rectification_clock(case: Case, today: date, due_on: date) -> None:
    clock_start(
        case=case,
        kind="rectification",
        amount=(due_on - today).days,
        unit="calendar_days",
        started_on=today,
        basis=_("Rectification order deadline"),
        grade="C",
    )


@transaction.atomic
def rectification_report_done(*, actor, order: RectificationOrder, note: str) -> RectificationOrder:
    """Record that the party says the hazard is removed; the case then awaits verification."""
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.ISSUED:
        raise InvalidTransition(_("This order is not waiting for rectification."))
    note = _required(note, "note")
    case_actions.case_resolve(actor=actor, case=order.case, outcome=Outcome.FIXED, text=note)
    order.state = OrderState.REPORTED_DONE
    order.reported_at = timezone.now()
    order.save(update_fields=["state", "reported_at"])

    Clock.objects.filter(
        case_id=order.case_id, kind="rectification", state=ClockState.RUNNING
    ).update(state=ClockState.MET, met_at=timezone.now())
    return order
