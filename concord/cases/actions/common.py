"""What every case action shares: locking, the audit record, permission checks, hooks, clocks.

Other apps building on cases (channels, safety) use the public names here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.bilingual import both
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.core.ledger import append_event, stream_for_case

from ..clocks import clock_start, clocks_hand_over
from ..models import Case, Category, Clock, ClockState, Status

# --- helpers -------------------------------------------------------------------------------


def record_event(case: Case, kind: str, actor=None, *, public: bool = False, **data: Any):
    """Append an event to the case's hash-chained stream."""
    return append_event(
        stream=stream_for_case(case.pk), kind=kind, actor=actor, case=case, public=public, data=data
    )


def lock_case(case: Case | int) -> Case:
    """Return the case row locked for update (call inside transaction.atomic)."""
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_for_update().select_related("owner_unit", "place").get(pk=pk)


def _require_state(case: Case, allowed: set[str], action: str) -> None:
    if case.status not in allowed:
        raise InvalidTransition(
            _("Cannot %(action)s a case that is %(status)s.")
            % {"action": action, "status": Status(case.status).label}
        )


def is_handler(user, case: Case) -> bool:
    """Staff of the owning unit within its jurisdiction, or a supervisor over the place."""
    return perms.can(
        user, Cap.CASE_HANDLE, place_path=case.place_path, unit_id=case.owner_unit_id
    ) or perms.can(user, Cap.CASE_SUPERVISE, place_path=case.place_path)


def require_handler(user, case: Case) -> None:
    """Raise PermissionDenied unless the user handles or supervises the case."""
    if not is_handler(user, case):
        raise PermissionDenied(_("Only the owning unit or a supervisor may do this."))


def _require_router(user, case: Case) -> None:
    if not (
        perms.can(user, Cap.CASE_ROUTE, place_path=case.place_path, unit_id=case.owner_unit_id)
        or perms.can(user, Cap.CASE_SUPERVISE, place_path=case.place_path)
    ):
        raise PermissionDenied(_("Only the owning unit's caseworkers or a supervisor may do this."))


def require_text(value: str, field: str, *, max_chars: int, required: bool = True) -> str:
    """Return the stripped text, or raise InvalidInput naming the field."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(
            _("This field is required."), fields={field: _("This field is required.")}
        )
    if len(value) > max_chars:
        msg = _("At most %(n)d characters.") % {"n": max_chars}
        raise InvalidInput(msg, fields={field: msg})
    return value


def category_root(category: Category | None) -> str:
    """Return the code of the top of the category's tree ("CM04.02" → "CM04", "DP.02" → "DP")."""
    return category.code.split(".")[0] if category else ""


# Narrow interfaces for apps built on cases (the arrow stays one-way: cases never imports them).
# SUBMIT_HOOKS: callables(case) called inside the intake transaction (triage, crisis protocol);
# the case is in memory, so a hook that needs only its text costs no query. A hook defers its
# work to the commit (transaction.on_commit, core.tasks.enqueue_with_transaction) and must not
# raise: nothing may undo the resident's submission.
# TEXT_HOOKS: callables(case_id, text, actor_id) run on commit after a note or resident message.
# CLOSE_GUARDS: callables(case) -> refusal message or None, checked before a case closes.
SUBMIT_HOOKS: list = []
TEXT_HOOKS: list = []
CLOSE_GUARDS: list = []


def _register(hooks: list, hook) -> None:
    if hook not in hooks:
        hooks.append(hook)


def register_submit_hook(hook) -> None:
    """Call ``hook(case)`` inside every intake transaction (see SUBMIT_HOOKS above)."""
    _register(SUBMIT_HOOKS, hook)


def register_text_hook(hook) -> None:
    """Call ``hook(case_id, text, actor_id)`` on commit after a note or resident message."""
    _register(TEXT_HOOKS, hook)


def register_close_guard(guard) -> None:
    """Ask ``guard(case)`` before a case closes; a message it returns refuses the closing."""
    _register(CLOSE_GUARDS, guard)


def _after_text(case: Case, text: str, actor) -> None:
    actor_id = getattr(actor, "pk", None)
    for hook in TEXT_HOOKS:
        transaction.on_commit(lambda hook=hook: hook(case.pk, text, actor_id))


def _check_close_guards(case: Case) -> None:
    for guard in CLOSE_GUARDS:
        refusal = guard(case)
        if refusal:
            raise InvalidTransition(refusal)


def _after_submit(case: Case) -> None:
    """Call the registered intake hooks (triage, crisis protocol); they act on commit."""
    for hook in SUBMIT_HOOKS:
        hook(case)


def _start_handling_clock(case: Case, category: Category | None, *, replace: bool = True):
    days = category.handling_days if category else 15
    return clock_start(
        case=case,
        kind="handle",
        amount=days,
        unit="calendar_days",
        basis=both(
            gettext_noop("Policy: handling time for this category (%(days)d days)"), days=days
        ),
        grade="C",
        replace=replace,
        escalates=True,
    )


def within_handling_clock(case: Case) -> bool | None:
    """Return whether the case is within its handling clock (None: it has none)."""
    handle = case.clocks.filter(kind="handle")
    if handle.filter(state=ClockState.BREACHED).exists():
        return False
    clock = handle.live().first()
    if clock is None:
        return None
    return timezone.localdate() <= clock.due_on


def _restart_handle_clock(case: Case) -> None:
    """Hand the case's policy clocks to the new owner: the old ones close, fresh ones start.

    Statutory clocks belong to the case and keep running. The new owner always gets a handling
    clock of the category's length.
    """
    previous = case.clocks.filter(kind="handle").order_by("-id").first()
    days = previous.amount if previous else 15
    fresh = clocks_hand_over(case)
    if not any(clock.kind == "handle" for clock in fresh):
        clock_start(
            case=case,
            kind="handle",
            amount=days,
            unit="calendar_days",
            basis=both(
                gettext_noop("Policy: handling time at the new level (%(days)d days)"), days=days
            ),
            grade="C",
            escalates=True,
        )


def _start_reopened_clock(case: Case) -> Clock:
    """Give the handling unit a new deadline after a reopening, with its basis."""
    previous = case.clocks.filter(kind="handle").order_by("-id").first()
    days = previous.amount if previous else (case.category.handling_days if case.category else 15)
    return clock_start(
        case=case,
        kind="handle",
        amount=days,
        unit="calendar_days",
        basis=both(
            gettext_noop("Policy: handling time after the case was reopened (%(days)d days)"),
            days=days,
        ),
        grade="C",
        escalates=True,
    )
