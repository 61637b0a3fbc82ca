"""A case's life with its owner: accept, assign, start, pause, resolve, close, reopen,
escalate, and (re)classify.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.models import Event
from concord.places.models import LEVEL_ORDER, Level

from ..clocks import clocks_pause, clocks_resume, clocks_stop
from ..models import (
    Case,
    Category,
    Clock,
    ClockState,
    Outcome,
    Sensitivity,
    Status,
    TransferRequest,
    TransferState,
    Urgency,
)
from ..routing import route_case, unit_for
from .common import (
    _check_close_guards,
    _require_state,
    _restart_handle_clock,
    _start_reopened_clock,
    category_root,
    lock_case,
    record_event,
    require_handler,
    require_text,
    within_handling_clock,
)
from .transfers import OPEN_FOR_ROUTING

# --- lifecycle -----------------------------------------------------------------------------

HANDLE_FROM = {Status.SUBMITTED, Status.ESCALATED, Status.TRANSFERRED, Status.REOPENED}


@transaction.atomic
def case_accept(*, actor, case: Case, note: str = "") -> Case:
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(case, HANDLE_FROM, _("accept"))
    case.status = Status.ACCEPTED
    case.accepted_at = case.accepted_at or timezone.now()
    case.responded_at = case.responded_at or case.accepted_at
    case.save(update_fields=["status", "accepted_at", "responded_at", "updated_at"])
    record_event(case, "accepted", actor, public=True, unit=case.owner_unit.code, note=note or None)
    return case


@transaction.atomic
def case_not_accept(
    *, actor, case: Case, reason: str, route: str, route_deadline: str = ""
) -> Case:
    """Decline a case that belongs to another lawful route, telling the resident which one."""
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(case, HANDLE_FROM, _("decline"))
    reason = require_text(reason, "reason", max_chars=2000)
    route = require_text(route, "route", max_chars=2000)
    case.status = Status.NOT_ACCEPTED
    case.closed_at = timezone.now()
    case.responded_at = case.responded_at or case.closed_at
    case.save(update_fields=["status", "closed_at", "responded_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    record_event(
        case,
        "not_accepted",
        actor,
        public=True,
        reason=reason,
        route=route,
        route_deadline=route_deadline or None,
    )
    return case


@transaction.atomic
def case_assign(*, actor, case: Case, assignee) -> Case:
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(
        case, {Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}, _("assign")
    )
    if not perms.can(
        assignee, Cap.CASE_HANDLE, place_path=case.place_path, unit_id=case.owner_unit_id
    ):
        raise InvalidInput(
            _("The assignee must be a member of the owning unit who handles cases here."),
            fields={"assignee": _("Not a handler of the owning unit.")},
        )
    case.assignee = assignee
    case.status = Status.ASSIGNED
    case.save(update_fields=["assignee", "status", "updated_at"])
    record_event(case, "assigned", actor, public=False, assignee=assignee.pk)
    return case


@transaction.atomic
def case_start(*, actor, case: Case) -> Case:
    case = lock_case(case)
    if case.assignee_id != getattr(actor, "pk", None):
        require_handler(actor, case)
    _require_state(case, {Status.ASSIGNED, Status.ACCEPTED, Status.REOPENED}, _("start"))
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["status", "updated_at"])
    record_event(case, "work_started", actor, public=True)
    return case


@transaction.atomic
def case_pause(*, actor, case: Case, reason: str) -> Case:
    """Pause work (waiting for a party); running clocks pause too."""
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(case, {Status.IN_PROGRESS, Status.ASSIGNED, Status.ACCEPTED}, _("pause"))
    reason = require_text(reason, "reason", max_chars=2000)
    case.status = Status.PAUSED
    case.save(update_fields=["status", "updated_at"])
    clocks_pause(case)
    record_event(case, "paused", actor, public=True, reason=reason)
    return case


@transaction.atomic
def case_resume(*, actor, case: Case) -> Case:
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(case, {Status.PAUSED}, _("resume"))
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["status", "updated_at"])
    clocks_resume(case)
    record_event(case, "resumed", actor, public=True)
    return case


@transaction.atomic
def case_resolve(*, actor, case: Case, outcome: str, text: str) -> Case:
    """Record the outcome and the written answer the resident receives."""
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(
        case, {Status.IN_PROGRESS, Status.ASSIGNED, Status.ACCEPTED, Status.REOPENED}, _("resolve")
    )
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), fields={"outcome": _("Unknown outcome.")})
    text = require_text(text, "text", max_chars=10_000)
    case.status = Status.RESOLVED
    case.outcome = outcome
    case.resolution_text = text
    case.resolved_at = timezone.now()
    case.resolved_on_time = within_handling_clock(case)
    case.save(
        update_fields=[
            "status",
            "outcome",
            "resolution_text",
            "resolved_at",
            "resolved_on_time",
            "updated_at",
        ]
    )
    clocks_stop(case, ClockState.MET)
    record_event(case, "resolved", actor, public=True, outcome=outcome, text=text)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, note: str = "") -> Case:
    case = lock_case(case)
    require_handler(actor, case)
    _require_state(case, {Status.RESOLVED}, _("close"))
    _check_close_guards(case)
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(case, "closed", actor, public=True, note=note or None)
    return case


# REVIEW_ROUTES: channel code -> callable(case=, reason=, actor=) -> Case or None. A channel
# with its own review procedure (the petition's 复查 and 复核) takes a resident's review request,
# or their "not solved", through it; None means the procedure does not apply and the case reopens.
REVIEW_ROUTES: dict[str, Any] = {}


def register_review_route(channel: str, route) -> None:
    """Send residents' review requests on cases in ``channel`` through ``route``."""
    REVIEW_ROUTES[channel] = route


# REOPEN_HOOKS: callables(case=) -> list of clocks, run when a case reopens: the channel's own
# handling clocks start again with their basis.
REOPEN_HOOKS: list[Any] = []


def register_reopen_hook(hook) -> None:
    """Run ``hook`` whenever a case reopens."""
    if hook not in REOPEN_HOOKS:
        REOPEN_HOOKS.append(hook)


# READ_HOOKS: channel code -> callable(case=) -> bool. What the channel does when the resident
# reads the case (a petition's written opinion is served by being read, 信访工作条例 arts 35-36).
READ_HOOKS: dict[str, Any] = {}


def register_read_hook(channel: str, hook) -> None:
    """Run ``hook`` when a resident reads a case in ``channel`` (tracking page or API)."""
    READ_HOOKS[channel] = hook


def case_read_by_resident(*, case: Case) -> bool:
    """The resident read their case (tracking page or tracking API); return whether it changed.

    The page and the API both call this, so reading has the same effect on either.
    """
    hook = READ_HOOKS.get(case.channel)
    return bool(hook(case=case)) if hook is not None else False


def is_final(case: Case) -> bool:
    """Return whether the matter was finally decided on re-review (信访工作条例 art 36)."""
    return Event.objects.filter(case=case, kind="petition_final").exists()


@transaction.atomic
def case_request_review(*, case: Case, reason: str, actor=None) -> Case:
    """The resident asks for the answer to be reviewed.

    The case's channel decides how: a petition goes to review (复查) or re-review (复核) by the
    body above; any other case reopens with a new handling clock. The tracking page and the
    API both call this.
    """
    route = REVIEW_ROUTES.get(case.channel)
    if route is not None:
        routed = route(case=case, reason=reason, actor=actor)
        if routed is not None:
            return routed
    return case_reopen(actor=actor, case=case, reason=reason, by_resident=True)


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, by_resident: bool = False) -> Case:
    """Reopen a resolved or closed case (the resident's review request, or a supervisor).

    Every reopening gives the handling unit a new deadline, with its basis, that staff and the
    resident see.
    """
    case = lock_case(case)
    if not by_resident:
        require_handler(actor, case)
    _require_state(case, {Status.RESOLVED, Status.CLOSED}, _("reopen"))
    if is_final(case):
        # 信访工作条例 art 36: after re-review the same matter is no longer accepted.
        raise InvalidTransition(
            _("This matter was finally decided on re-review; it cannot be reopened.")
        )
    reason = require_text(reason, "reason", max_chars=2000)
    reopen_with_clock(case, actor, reason=reason, by_resident=by_resident)
    return case


def reopen_with_clock(case: Case, actor, *, reason: str, by_resident: bool) -> Clock:
    """Set a locked case to reopened and start its new handling clock; record both."""
    case.status = Status.REOPENED
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    clock = _start_reopened_clock(case)
    # The channel's own handling clocks start again too (a 12345 ticket's working days).
    channel_clocks = [c for hook in REOPEN_HOOKS for c in hook(case=case)]
    record_event(
        case,
        "reopened",
        actor,
        public=True,
        reason=reason,
        by_resident=by_resident,
        handling_due=clock.due_on.isoformat(),
        basis=clock.basis,
        clocks=[
            {"kind": c.kind, "due": c.due_on.isoformat(), "basis": c.basis} for c in channel_clocks
        ]
        or None,
    )
    return clock


@transaction.atomic
def case_withdraw(*, actor=None, case: Case, reason: str = "", by_resident: bool = False) -> Case:
    case = lock_case(case)
    if not by_resident:
        require_handler(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("withdraw"))
    case.status = Status.WITHDRAWN
    case.outcome = Outcome.WITHDRAWN
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    record_event(
        case, "withdrawn", actor, public=True, reason=reason or None, by_resident=by_resident
    )
    return case


@transaction.atomic
def case_escalate(
    *, actor, case: Case, reason_code: str, note: str, automatic: bool = False
) -> Case:
    """Move the case one level up (village → town → county); a reason is required."""
    case = lock_case(case)
    if not automatic and not (
        perms.can(actor, Cap.CASE_ESCALATE, place_path=case.place_path, unit_id=case.owner_unit_id)
        or perms.can(actor, Cap.CASE_SUPERVISE, place_path=case.place_path)
    ):
        raise PermissionDenied(_("Only the owning unit or a supervisor may escalate this case."))
    _require_state(case, OPEN_FOR_ROUTING, _("escalate"))
    reason_code = require_text(reason_code, "reason_code", max_chars=40)
    note = require_text(note, "note", max_chars=2000)
    rank = LEVEL_ORDER.index(Level(case.level))
    if rank == 0:
        raise InvalidTransition(_("The case is already at county level."))
    new_level = LEVEL_ORDER[rank - 1]
    unit = unit_for(place=case.place, level=new_level, channel=case.channel)
    new_level = unit.place.level
    old_unit, old_level = case.owner_unit, case.level
    case.level = new_level
    case.owner_unit = unit
    case.assignee = None
    case.status = Status.ESCALATED
    case.escalation_count += 1
    case.save(
        update_fields=[
            "level",
            "owner_unit",
            "assignee",
            "status",
            "escalation_count",
            "updated_at",
        ]
    )
    TransferRequest.objects.filter(case=case, state=TransferState.PENDING).update(
        state=TransferState.CANCELLED
    )
    _restart_handle_clock(case)
    record_event(
        case,
        "escalated",
        actor,
        public=True,
        reason_code=reason_code,
        note=note,
        from_level=old_level,
        to_level=new_level,
        from_unit=old_unit.code,
        to_unit=unit.code,
        automatic=automatic,
    )
    return case


@transaction.atomic
def case_categorize(
    *,
    actor,
    case: Case,
    category: Category,
    reroute: bool = False,
    system: bool = False,
    source: str = "staff",
) -> Case:
    """Set or correct a case's category (a staff correction feeds triage's next training run).

    With `reroute`, a case nobody has accepted yet moves to the level and unit the category
    calls for.
    """
    case = lock_case(case)
    if not system:
        require_handler(actor, case)
    if not case.is_open:
        raise InvalidTransition(_("Only open cases can be recategorised."))
    previous = case.category.code if case.category_id else None
    case.category = category
    case.category_root = category_root(category)
    fields = ["category", "category_root", "updated_at"]
    if category.sensitivity == Sensitivity.SENSITIVE and case.sensitivity == Sensitivity.NORMAL:
        case.sensitivity = Sensitivity.SENSITIVE
        fields.append("sensitivity")
    moved = None
    if reroute and case.status == Status.SUBMITTED:
        route = route_case(place=case.place, category=category, kind=case.kind)
        if route.unit.pk != case.owner_unit_id:
            moved = {
                "from_unit": case.owner_unit.code,
                "to_unit": route.unit.code,
                "reason": route.reason,
            }
            case.owner_unit, case.level, case.channel = route.unit, route.level, route.channel
            fields += ["owner_unit", "level", "channel"]
    case.save(update_fields=fields)
    record_event(
        case,
        "categorized",
        actor,
        public=False,
        previous=previous,
        category=category.code,
        source=source,
        rerouted=moved,
    )
    if moved:
        _restart_handle_clock(case)
    return case


@transaction.atomic
def case_set_urgency(*, actor, case: Case, urgency: str, reason: str, system: bool = False) -> Case:
    """Raise or lower urgency, with the reason (triage signals or a staff judgement)."""
    case = lock_case(case)
    if not system:
        require_handler(actor, case)
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), fields={"urgency": _("Unknown urgency.")})
    if urgency == case.urgency:
        return case
    previous = case.urgency
    case.urgency = urgency
    case.save(update_fields=["urgency", "updated_at"])
    record_event(
        case,
        "urgency_changed",
        actor,
        public=False,
        previous=previous,
        urgency=urgency,
        reason=reason,
    )
    return case
