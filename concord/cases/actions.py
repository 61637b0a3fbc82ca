"""Every write to a case: one function per state change.

Each action runs in a transaction, locks the case row, checks permission and state, writes the
change and appends its event to the case's hash chain. Side effects run on commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.core.audit import canonical_json
from concord.core.calendars import platform_calendar
from concord.core.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from concord.places.models import LEVEL_ORDER, Level, Place

from . import tokens
from .audit import append_event, stream_for_case
from .clocks import clock_start, clocks_pause, clocks_resume, clocks_stop
from .models import (
    TERMINAL_STATUSES,
    Case,
    Category,
    ClockState,
    Event,
    Feedback,
    IdempotencyKey,
    IntakeChannel,
    Kind,
    Outcome,
    Party,
    PartyRole,
    ResolvedAnswer,
    Sensitivity,
    Status,
    TransferRequest,
    TransferState,
    Urgency,
)
from .routing import route_case, unit_for


@dataclass
class Submission:
    case: Case
    token: str
    created: bool


# --- helpers -------------------------------------------------------------------------------


def _limits() -> dict[str, int]:
    return settings.CONCORD


def _record(case: Case, kind: str, actor=None, *, public: bool = False, **data: Any):
    return append_event(
        stream=stream_for_case(case.pk), kind=kind, actor=actor, case=case, public=public, data=data
    )


def _lock(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_for_update().select_related("owner_unit", "place").get(pk=pk)


def _require_state(case: Case, allowed: set[str], action: str) -> None:
    if case.status not in allowed:
        raise InvalidTransition(
            _("Cannot %(action)s a case that is %(status)s.")
            % {"action": action, "status": Status(case.status).label}
        )


def _is_handler(user, case: Case) -> bool:
    """Staff of the owning unit within its jurisdiction, or a supervisor over the place."""
    return perms.can(
        user, Cap.CASE_HANDLE, place_path=case.place_path, unit_id=case.owner_unit_id
    ) or perms.can(user, Cap.CASE_SUPERVISE, place_path=case.place_path)


def _require_handler(user, case: Case) -> None:
    if not _is_handler(user, case):
        raise PermissionDenied(_("Only the owning unit or a supervisor may do this."))


def _require_router(user, case: Case) -> None:
    if not (
        perms.can(user, Cap.CASE_ROUTE, place_path=case.place_path, unit_id=case.owner_unit_id)
        or perms.can(user, Cap.CASE_SUPERVISE, place_path=case.place_path)
    ):
        raise PermissionDenied(_("Only the owning unit's caseworkers or a supervisor may do this."))


def _require_text(value: str, field: str, *, max_chars: int, required: bool = True) -> str:
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


def _next_case_id() -> int | None:
    """On PostgreSQL, take the next case id up front so the receipt code is in the INSERT."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cursor.fetchone()[0]


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


# --- intake --------------------------------------------------------------------------------


def case_submit(
    *,
    actor=None,
    kind: str,
    title: str,
    description: str,
    place: Place | None = None,
    category: Category | None = None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    language: str = "zh-hans",
    intake_channel: str = IntakeChannel.WEB,
    urgency: str = Urgency.NORMAL,
    parties: list[dict[str, Any]] | None = None,
    contact_consent: bool = False,
    is_anonymous: bool = False,
    on_behalf_consent: str = "",
    idempotency_key: str | None = None,
    idempotency_scope: str = "anonymous",
) -> Submission:
    """File a case, route it to its starting level and unit, and return it with its token.

    With an idempotency key, a repeated call returns the case the first call created.
    """
    limits = _limits()
    title = _require_text(title, "title", max_chars=limits["TITLE_MAX_CHARS"])
    description = _require_text(
        description, "description", max_chars=limits["DESCRIPTION_MAX_CHARS"]
    )
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind."), fields={"kind": _("Unknown kind.")})
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), fields={"urgency": _("Unknown urgency.")})
    if intake_channel not in IntakeChannel.values:
        raise InvalidInput(
            _("Unknown intake channel."), fields={"intake_channel": _("Unknown intake channel.")}
        )
    if (lat is None) != (lng is None):
        raise InvalidInput(
            _("Give both latitude and longitude."),
            fields={"lat": _("Give both latitude and longitude.")},
        )
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(
            _("Coordinates are out of range."), fields={"lat": _("Coordinates are out of range.")}
        )
    if place is None and lat is not None:
        from concord.places.selectors import place_locate

        place = place_locate(lng=lng, lat=lat)
    if place is None:
        raise InvalidInput(
            _("Choose a place or give a location inside the service area."),
            fields={"place": _("Choose a place or give a location inside the service area.")},
        )
    filed_by = None
    if actor is not None and intake_channel in {
        IntakeChannel.GRID_WORKER,
        IntakeChannel.WALK_IN,
        IntakeChannel.HOTLINE,
        IntakeChannel.LETTER,
    }:
        if not perms.can(actor, Cap.CASE_FILE, place_path=place.path):
            raise PermissionDenied(_("You may not file cases for residents in this place."))
        if not on_behalf_consent.strip():
            msg = _("Record the resident's consent to file on their behalf.")
            raise InvalidInput(msg, fields={"on_behalf_consent": msg})
        filed_by = actor
    parties = parties or []
    for i, p in enumerate(parties):
        if p.get("role", PartyRole.COMPLAINANT) not in PartyRole.values:
            raise InvalidInput(
                _("Unknown party role."), fields={f"parties[{i}].role": _("Unknown party role.")}
            )

    fingerprint = _fingerprint(
        {
            "kind": kind,
            "title": title,
            "description": description,
            "place": place.code,
            "category": category.code if category else None,
            "lat": lat,
            "lng": lng,
        }
    )
    # No pre-read of the idempotency key: the (scope, key) unique constraint decides, and a
    # repeated key lands in the IntegrityError branch below, which returns the first case.
    try:
        with transaction.atomic():
            route = route_case(place=place, category=category, kind=kind)
            case = Case(
                id=_next_case_id(),
                token_salt=tokens.new_salt(),
                kind=kind,
                title=title,
                description=description,
                language=language,
                category=category,
                category_root=category_root(category),
                place=place,
                place_path=place.path,
                lat=lat,
                lng=lng,
                address=(address or "")[:300],
                intake_channel=intake_channel,
                urgency=urgency,
                sensitivity=category.sensitivity if category else Sensitivity.NORMAL,
                level=route.level,
                channel=route.channel,
                owner_unit=route.unit,
                submitted_by=actor if (actor is not None and filed_by is None) else None,
                filed_by=filed_by,
                consent_note=on_behalf_consent[:300],
                contact_consent=contact_consent,
                is_anonymous=is_anonymous,
            )
            year = timezone.localdate().year
            if case.id is not None:
                case.receipt_code = tokens.receipt_code(year, case.id)
                case.save(force_insert=True)
            else:  # SQLite: the id is known only after the INSERT
                case.save(force_insert=True)
                case.receipt_code = tokens.receipt_code(year, case.pk)
                case.save(update_fields=["receipt_code"])
            Party.objects.bulk_create(
                Party(
                    case=case,
                    role=p.get("role", PartyRole.COMPLAINANT),
                    name=str(p.get("name", ""))[:120],
                    phone=str(p.get("phone", ""))[:40],
                    email=str(p.get("email", ""))[:254],
                    address=str(p.get("address", ""))[:300],
                    is_organisation=bool(p.get("is_organisation", False)),
                )
                for p in parties
            )
            if idempotency_key:
                IdempotencyKey.objects.create(
                    scope=idempotency_scope, key=idempotency_key, fingerprint=fingerprint, case=case
                )
            append_event(
                stream=stream_for_case(case.pk),
                kind="submitted",
                actor=actor,
                case=case,
                new_stream=True,
                public=True,
                data={
                    "receipt": case.receipt_code,
                    "intake_channel": intake_channel,
                    "level": route.level,
                    "channel": route.channel,
                    "unit": route.unit.code,
                    "route_reason": route.reason,
                    "on_behalf_consent": on_behalf_consent or None,
                },
            )
            # A new case has no clock to replace; the response shows this one without a query.
            case.live_clocks = [_start_handling_clock(case, category, replace=False)]
            _after_submit(case)
    except IntegrityError:
        # The key was used before (a retry), or a concurrent request with it won: its case.
        if idempotency_key:
            existing = _replay(idempotency_scope, idempotency_key, fingerprint)
            if existing:
                return existing
        raise
    return Submission(case=case, token=tokens.tracking_token(case.token_salt), created=True)


def _replay(scope: str, key: str, fingerprint: str) -> Submission | None:
    row = IdempotencyKey.objects.select_related("case").filter(scope=scope, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used for a different submission."))
    return Submission(
        case=row.case, token=tokens.tracking_token(row.case.token_salt), created=False
    )


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
        basis=_("Policy: handling time for this category (%(days)d days)") % {"days": days},
        grade="C",
        replace=replace,
    )


def _within_handling_clock(case: Case) -> bool | None:
    """Return whether the case is within its handling clock (None: it has none)."""
    handle = case.clocks.filter(kind="handle")
    if handle.filter(state=ClockState.BREACHED).exists():
        return False
    clock = handle.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).first()
    if clock is None:
        return None
    return timezone.localdate() <= clock.due_on


def _restart_handle_clock(case: Case) -> None:
    """Give the new owner a fresh handling clock of the category's length."""
    previous = case.clocks.filter(kind="handle").order_by("-id").first()
    days = previous.amount if previous else 15
    clock_start(
        case=case,
        kind="handle",
        amount=days,
        unit="calendar_days",
        basis=_("Policy: handling time at the new level (%(days)d days)") % {"days": days},
        grade="C",
    )


# --- lifecycle -----------------------------------------------------------------------------

HANDLE_FROM = {Status.SUBMITTED, Status.ESCALATED, Status.TRANSFERRED, Status.REOPENED}


@transaction.atomic
def case_accept(*, actor, case: Case, note: str = "") -> Case:
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(case, HANDLE_FROM, _("accept"))
    case.status = Status.ACCEPTED
    case.accepted_at = case.accepted_at or timezone.now()
    case.responded_at = case.responded_at or case.accepted_at
    case.save(update_fields=["status", "accepted_at", "responded_at", "updated_at"])
    _record(case, "accepted", actor, public=True, unit=case.owner_unit.code, note=note or None)
    return case


@transaction.atomic
def case_not_accept(
    *, actor, case: Case, reason: str, route: str, route_deadline: str = ""
) -> Case:
    """Decline a case that belongs to another lawful route, telling the resident which one."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(case, HANDLE_FROM, _("decline"))
    reason = _require_text(reason, "reason", max_chars=2000)
    route = _require_text(route, "route", max_chars=2000)
    case.status = Status.NOT_ACCEPTED
    case.closed_at = timezone.now()
    case.responded_at = case.responded_at or case.closed_at
    case.save(update_fields=["status", "closed_at", "responded_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    _record(
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
    case = _lock(case)
    _require_handler(actor, case)
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
    _record(case, "assigned", actor, public=False, assignee=assignee.pk)
    return case


@transaction.atomic
def case_start(*, actor, case: Case) -> Case:
    case = _lock(case)
    if case.assignee_id != getattr(actor, "pk", None):
        _require_handler(actor, case)
    _require_state(case, {Status.ASSIGNED, Status.ACCEPTED, Status.REOPENED}, _("start"))
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["status", "updated_at"])
    _record(case, "work_started", actor, public=True)
    return case


@transaction.atomic
def case_pause(*, actor, case: Case, reason: str) -> Case:
    """Pause work (waiting for a party); running clocks pause too."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(case, {Status.IN_PROGRESS, Status.ASSIGNED, Status.ACCEPTED}, _("pause"))
    reason = _require_text(reason, "reason", max_chars=2000)
    case.status = Status.PAUSED
    case.save(update_fields=["status", "updated_at"])
    clocks_pause(case)
    _record(case, "paused", actor, public=True, reason=reason)
    return case


@transaction.atomic
def case_resume(*, actor, case: Case) -> Case:
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(case, {Status.PAUSED}, _("resume"))
    case.status = Status.IN_PROGRESS
    case.save(update_fields=["status", "updated_at"])
    clocks_resume(case)
    _record(case, "resumed", actor, public=True)
    return case


@transaction.atomic
def case_resolve(*, actor, case: Case, outcome: str, text: str) -> Case:
    """Record the outcome and the written answer the resident receives."""
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(
        case, {Status.IN_PROGRESS, Status.ASSIGNED, Status.ACCEPTED, Status.REOPENED}, _("resolve")
    )
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), fields={"outcome": _("Unknown outcome.")})
    text = _require_text(text, "text", max_chars=10_000)
    case.status = Status.RESOLVED
    case.outcome = outcome
    case.resolution_text = text
    case.resolved_at = timezone.now()
    case.resolved_on_time = _within_handling_clock(case)
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
    _record(case, "resolved", actor, public=True, outcome=outcome, text=text)
    return case


@transaction.atomic
def case_close(*, actor, case: Case, note: str = "") -> Case:
    case = _lock(case)
    _require_handler(actor, case)
    _require_state(case, {Status.RESOLVED}, _("close"))
    _check_close_guards(case)
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    _record(case, "closed", actor, public=True, note=note or None)
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, by_resident: bool = False) -> Case:
    """Reopen a resolved or closed case (the resident's review request, or a supervisor)."""
    case = _lock(case)
    if not by_resident:
        _require_handler(actor, case)
    _require_state(case, {Status.RESOLVED, Status.CLOSED}, _("reopen"))
    if Event.objects.filter(case=case, kind="petition_final").exists():
        # 信访工作条例 art 36: after re-review the same matter is no longer accepted.
        raise InvalidTransition(
            _("This matter was finally decided on re-review; it cannot be reopened.")
        )
    reason = _require_text(reason, "reason", max_chars=2000)
    case.status = Status.REOPENED
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    _record(case, "reopened", actor, public=True, reason=reason, by_resident=by_resident)
    return case


@transaction.atomic
def case_withdraw(*, actor=None, case: Case, reason: str = "", by_resident: bool = False) -> Case:
    case = _lock(case)
    if not by_resident:
        _require_handler(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("withdraw"))
    case.status = Status.WITHDRAWN
    case.outcome = Outcome.WITHDRAWN
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    _record(case, "withdrawn", actor, public=True, reason=reason or None, by_resident=by_resident)
    return case


@transaction.atomic
def case_escalate(
    *, actor, case: Case, reason_code: str, note: str, automatic: bool = False
) -> Case:
    """Move the case one level up (village → town → county); a reason is required."""
    case = _lock(case)
    if not automatic and not (
        perms.can(actor, Cap.CASE_ESCALATE, place_path=case.place_path, unit_id=case.owner_unit_id)
        or perms.can(actor, Cap.CASE_SUPERVISE, place_path=case.place_path)
    ):
        raise PermissionDenied(_("Only the owning unit or a supervisor may escalate this case."))
    _require_state(case, OPEN_FOR_ROUTING, _("escalate"))
    reason_code = _require_text(reason_code, "reason_code", max_chars=40)
    note = _require_text(note, "note", max_chars=2000)
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
    _record(
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
    case = _lock(case)
    _require_router(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("transfer"))
    reason = _require_text(reason, "reason", max_chars=2000)
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
    _record(
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
    case = _lock(transfer.case_id)
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
    _record(
        case,
        "transfer_accepted",
        actor,
        public=True,
        transfer=transfer.pk,
        to_unit=transfer.to_unit.code,
    )
    return case


@transaction.atomic
def case_transfer_refuse(*, actor, transfer: TransferRequest, reason: str) -> Case:
    """Refuse a transfer with a reason; the case stays with its owner and the bounce counts."""
    transfer, case = _lock_transfer(transfer)
    if not perms.can(actor, Cap.CASE_HANDLE, unit_id=transfer.to_unit_id):
        raise PermissionDenied(_("Only the receiving unit may refuse this transfer."))
    reason = _require_text(reason, "reason", max_chars=2000)
    transfer.state = TransferState.REFUSED
    transfer.responded_by = actor
    transfer.response_reason = reason
    transfer.responded_at = timezone.now()
    transfer.save(update_fields=["state", "responded_by", "response_reason", "responded_at"])
    case.bounce_count += 1
    case.needs_ruling = case.bounce_count >= settings.CONCORD["TRANSFER_BOUNCE_LIMIT"]
    case.save(update_fields=["bounce_count", "needs_ruling", "updated_at"])
    _record(
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
    case = _lock(case)
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
    reason = _require_text(reason, "reason", max_chars=2000)
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
    _record(
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
    case = _lock(case)
    _require_router(actor, case)
    _require_state(case, OPEN_FOR_ROUTING, _("refer upward"))
    if case.level != Level.COUNTY:
        raise InvalidTransition(_("Only county-level cases can be referred above the county."))
    body = _require_text(body, "body", max_chars=200)
    reason = _require_text(reason, "reason", max_chars=2000)
    case.status = Status.RESOLVED
    case.outcome = Outcome.REFERRED
    case.resolution_text = reason
    case.resolved_at = timezone.now()
    case.save(update_fields=["status", "outcome", "resolution_text", "resolved_at", "updated_at"])
    clocks_stop(case, ClockState.CANCELLED)
    _record(case, "referred_upward", actor, public=True, body=body, reason=reason)
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
    _record(case, "merged", actor, public=True, into=into.receipt_code, note=note or None)
    _record(into, "merged_in", actor, public=False, merged_case=case.receipt_code)
    return case


# --- notes, information, feedback ----------------------------------------------------------


@transaction.atomic
def case_add_note(*, actor, case: Case, text: str, public: bool = False) -> Case:
    case = _lock(case)
    if not (
        perms.can(actor, Cap.CASE_VIEW, place_path=case.place_path)
        and (_is_handler(actor, case) or case.sensitivity == Sensitivity.NORMAL)
    ):
        raise PermissionDenied()
    text = _require_text(text, "text", max_chars=10_000)
    _record(case, "note", actor, public=public, text=text)
    _after_text(case, text, actor)
    return case


@transaction.atomic
def case_add_information(*, case: Case, text: str, actor=None) -> Case:
    """Let the resident add information to an open case (authorised by token by the caller)."""
    case = _lock(case)
    if not case.is_open and case.status != Status.RESOLVED:
        raise InvalidTransition(_("This case is finished; ask for a review instead."))
    text = _require_text(text, "text", max_chars=10_000)
    _record(case, "resident_information", actor, public=True, text=text)
    _after_text(case, text, actor)
    return case


@transaction.atomic
def case_feedback(
    *, case: Case, resolved: str, satisfaction: int, comment: str = "", actor=None
) -> Feedback:
    """Record the resident's rating; "no" reopens the case (or escalates, by setting)."""
    case = _lock(case)
    _require_state(case, {Status.RESOLVED, Status.CLOSED}, _("rate"))
    if resolved not in ResolvedAnswer.values:
        raise InvalidInput(
            _("Answer yes, partly or no."), fields={"resolved": _("Answer yes, partly or no.")}
        )
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), fields={"satisfaction": _("Rate from 1 to 5.")})
    if Feedback.objects.filter(
        case=case, created_at__gte=case.resolved_at or case.created_at
    ).exists():
        raise Conflict(_("This outcome has already been rated."))
    comment = _require_text(comment, "comment", max_chars=2000, required=False)
    feedback = Feedback.objects.create(
        case=case, resolved=resolved, satisfaction=satisfaction, comment=comment
    )
    # A rating changes the case's figures even when its status stays (caches key on this).
    case.save(update_fields=["updated_at"])
    _record(
        case,
        "feedback",
        actor,
        public=True,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=comment or None,
    )
    if resolved == ResolvedAnswer.NO:
        action = settings.CONCORD.get("FEEDBACK_NO_ACTION", "reopen")
        case.status = Status.REOPENED
        case.closed_at = None
        case.save(update_fields=["status", "closed_at", "updated_at"])
        _record(
            case,
            "reopened",
            actor,
            public=True,
            reason=_("The resident said it was not resolved."),
            by_resident=True,
        )
        if action == "escalate" and case.level != Level.COUNTY:
            case_escalate(
                actor=None,
                case=case,
                reason_code="resident_not_resolved",
                automatic=True,
                note=_("The resident said the matter was not resolved."),
            )
    elif case.status == Status.RESOLVED and not any(guard(case) for guard in CLOSE_GUARDS):
        # A case that still needs, e.g., its on-site verification stays resolved until then.
        case.status = Status.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "updated_at"])
        _record(case, "closed", actor, public=True, note=_("Closed after the resident's rating."))
    return feedback


REVISIT_AFTER = timedelta(days=7)


@transaction.atomic
def case_attach(*, case: Case, data: bytes, name: str, actor=None, public: bool = True):
    """Store an attachment checked by content and size, and record it."""
    from django.core.files.base import ContentFile

    from .models import Attachment
    from .uploads import ALLOWED, check_upload

    content_type, digest = check_upload(data, name)
    case = _lock(case)
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and not (
            _is_handler(actor, case) or perms.can(actor, Cap.CASE_FILE, place_path=case.place_path)
        )
    ):
        raise PermissionDenied()
    safe_name = (name or "attachment").replace("/", "_").replace("\\", "_")[:200]
    attachment = Attachment(
        case=case,
        original_name=safe_name,
        content_type=content_type,
        size=len(data),
        sha256=digest,
        public=public,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(f"{digest[:16]}{ALLOWED[content_type]}", ContentFile(data), save=False)
    attachment.save()
    _record(
        case,
        "attachment_added",
        actor if getattr(actor, "is_authenticated", False) else None,
        public=public,
        attachment=attachment.pk,
        name=safe_name,
        sha256=digest,
        content_type=content_type,
        size=len(data),
    )
    return attachment


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
    case = _lock(case)
    if not system:
        _require_handler(actor, case)
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
    _record(
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
    case = _lock(case)
    if not system:
        _require_handler(actor, case)
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), fields={"urgency": _("Unknown urgency.")})
    if urgency == case.urgency:
        return case
    previous = case.urgency
    case.urgency = urgency
    case.save(update_fields=["urgency", "updated_at"])
    _record(
        case,
        "urgency_changed",
        actor,
        public=False,
        previous=previous,
        urgency=urgency,
        reason=reason,
    )
    return case


ERASED = "[erased]"


@transaction.atomic
def case_erase_personal_data(*, case: Case, actor=None, reason: str = "retention") -> Case:
    """Erase a finished case's personal data; statistics and the event chain stay intact.

    Parties' names and contacts, the free text, the address and attachments go; the point is
    coarsened to its place's centroid. The erasure itself is recorded as an event.
    """
    case = _lock(case)
    if case.is_open:
        raise InvalidTransition(_("Open cases are not erased."))
    if case.personal_data_erased_at:
        return case
    now = timezone.now()
    case.parties.update(name="", phone="", email="", address="", erased_at=now)
    for attachment in case.attachments.all():
        attachment.file.delete(save=False)
    case.title = ERASED
    case.description = ERASED
    case.resolution_text = ERASED if case.resolution_text else ""
    case.address = ""
    case.lat, case.lng = case.place.centroid_lat, case.place.centroid_lng
    case.personal_data_erased_at = now
    case.save(
        update_fields=[
            "title",
            "description",
            "resolution_text",
            "address",
            "lat",
            "lng",
            "personal_data_erased_at",
            "updated_at",
        ]
    )
    _record(case, "personal_data_erased", actor, public=False, reason=reason)
    return case


def cases_due_for_erasure(*, days: int):
    """Return finished cases closed more than `days` ago whose personal data is still kept."""
    cutoff = timezone.now() - timedelta(days=days)
    return Case.objects.filter(
        status__in=list(TERMINAL_STATUSES),
        closed_at__lte=cutoff,
        personal_data_erased_at__isnull=True,
    )
