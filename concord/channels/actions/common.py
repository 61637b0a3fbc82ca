"""Lawful channels on cases: entering a channel with its statutory clocks, extensions,
mediation (sessions, agreement, refusal, failure, performance) and petitions (W1).

Each action locks the case, checks permission and state, writes, and appends its event.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.actions import lock_case, record_event, require_handler, require_text
from concord.cases.clocks import clock_start, due_date, is_provisional
from concord.cases.models import (
    Case,
    Clock,
    ClockState,
)
from concord.core.calendar import Unit
from concord.core.calendars import platform_calendar
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied

from .. import rules

# The clocks a channel starts when a case enters it; later steps start the others
# (e.g. an arbitration decision clock starts on acceptance, via `channel_clock_start`).
ENTRY_CLOCKS: dict[str, list[str]] = {
    "peoples_mediation": ["mediation_period"],
    "administrative_mediation": ["acceptance", "mediation_period"],
    "judicial_confirmation": ["acceptance"],
    "labour_arbitration": ["filing_limit", "acceptance"],
    "land_arbitration": ["filing_limit", "acceptance"],
    "administrative_reconsideration": ["filing_limit", "acceptance"],
    "litigation_referral": [],
    "litigation": ["filing_limit", "acceptance"],
    "service_dispatch": ["working_day_handling"],
}
LABOUR_CATEGORY_PREFIXES = ("DP.09", "CM15.06")
# The clocks answered when the body accepts the case (a clock that starts on acceptance
# starts): its own acceptance and completion request, and the party's filing limits, since
# an accepted application was filed.
ANSWERED_BY_ACCEPTANCE = (
    rules.ClockKind.ACCEPTANCE,
    rules.ClockKind.COMPLETION_REQUEST,
    rules.ClockKind.FILING_LIMIT,
    rules.ClockKind.FILING_LIMIT_UNINFORMED,
    rules.ClockKind.ABSOLUTE_LIMIT,
)


def entry_clock_kinds(case: Case, channel: str) -> list[str]:
    kinds = list(ENTRY_CLOCKS.get(channel, []))
    category = case.category.code if case.category_id else ""
    if channel == "peoples_mediation" and category.startswith(LABOUR_CATEGORY_PREFIXES):
        # 劳动争议调解仲裁法 art 14: no agreement within 15 days → arbitration may be sought.
        kinds.append("labour_mediation")
    return kinds


# Deadlines that bind the resident (a route's filing limit), not the owning unit.
RESIDENT_DEADLINES = {
    rules.ClockKind.FILING_LIMIT,
    rules.ClockKind.FILING_LIMIT_UNINFORMED,
    rules.ClockKind.ABSOLUTE_LIMIT,
    rules.ClockKind.ADMIN_FILING_LIMIT,
    rules.ClockKind.NEXT_STEP,
    rules.ClockKind.SET_ASIDE,
    rules.ClockKind.REVIEW_REQUEST,
    rules.ClockKind.RECHECK_REQUEST,
}


def _lang(case: Case) -> str:
    return "en" if case.language.startswith("en") else "zh"


def _pick(case: Case, zh: str, en: str) -> str:
    return en if _lang(case) == "en" else zh


def _basis(rule: rules.ClockRule) -> str:
    return f"{rule.citation.text_zh} / {rule.citation.text_en}"


def _channel(code: str) -> rules.Channel:
    try:
        return rules.get_channel(code)
    except rules.RulesError as exc:
        raise InvalidInput(str(exc), fields={"channel": str(exc)}) from exc


def start_rule_clock(
    *,
    case: Case,
    channel: str,
    kind: str,
    start: date,
    mediation_requested_on: date | None = None,
    mediation_ended_on: date | None = None,
) -> Clock:
    """Start one clock of a channel from its rule, with its citation and grade.

    An hour clock starts at this instant: it can only be started today.
    """
    cal = platform_calendar()
    moment: date | datetime = start
    if _channel(channel).clock(kind).unit is Unit.HOURS and not isinstance(start, datetime):
        if start != timezone.localdate():
            raise InvalidInput(
                _("A clock counted in hours starts when it is started; leave the date empty."),
                fields={"start": _("Hour clocks start now.")},
            )
        moment = timezone.now()
    result = rules.compute_clock(
        channel,
        kind,
        moment,
        cal,
        mediation_requested_on=mediation_requested_on,
        mediation_ended_on=mediation_ended_on,
    )
    # Hour clocks and restarted limits are computed by the rules engine; keep its answer.
    return clock_start(
        case=case,
        kind=f"{channel}:{kind}",
        amount=result.amount,
        unit=str(result.unit),
        started_on=cal.local_date(result.counted_from),
        basis=_basis(result.rule),
        grade=str(result.grade),
        channel=channel,
        resident_visible=True,
        nature=str(result.rule.nature),
        holder=str(result.rule.holder),
        escalates=bool(result.rule.escalates),
        due_on=result.due,
        due_at=result.due_at if result.unit is Unit.HOURS else None,
    )


def restart_handling_clocks(*, case: Case) -> list[Clock]:
    """Start the channel's own handling clocks again when a case reopens (its basis kept).

    Only the clocks on the owner's work that the channel starts on entry (a 12345 ticket's
    working days, a mediation period) start again; the case's statutory clocks are left as
    they are.
    """
    if not case.channel:
        return []
    channel = _channel(case.channel)
    started = []
    for kind in entry_clock_kinds(case, case.channel):
        rule = channel.clock(kind)
        if rule.holder is rules.Holder.OWNER and rule.escalates:
            started.append(
                start_rule_clock(
                    case=case, channel=case.channel, kind=kind, start=timezone.localdate()
                )
            )
    return started


@transaction.atomic
def case_enter_channel(
    *,
    actor,
    case: Case,
    channel: str,
    knowledge_date: date | None = None,
    answers: dict[str, bool] | None = None,
    mediation_requested_on: date | None = None,
    note: str = "",
) -> Case:
    """Move a case into a lawful channel, keeping its whole history, and start its clocks.

    Eligibility answers that point elsewhere are refused with the route they point to.
    """
    case = lock_case(case)
    require_handler(actor, case)
    if not case.is_open:
        raise InvalidTransition(_("Only open cases can change channel."))
    target = _channel(channel)
    for q in target.questions:
        if answers and q.code in answers and bool(answers[q.code]) != q.eligible_answer:
            redirect = rules.get_channel(q.redirect_to) if q.redirect_to else None
            message = _pick(case, q.note_zh or q.text_zh, q.note_en or q.text_en)
            if redirect:
                message += " → " + _pick(case, redirect.name_zh, redirect.name_en)
            raise InvalidInput(message, fields={f"answers.{q.code}": message})
    previous = case.channel
    case.channel = channel
    case.save(update_fields=["channel", "updated_at"])
    today = timezone.localdate()
    started = []
    for kind in entry_clock_kinds(case, channel):
        rule = target.clock(kind)
        if rule.starts_from in (rules.StartEvent.KNOWLEDGE, rules.StartEvent.ACT_DATE):
            if knowledge_date is None:
                continue
            start = knowledge_date
        else:
            start = today
        interrupted = bool(mediation_requested_on) and rule.interrupted_by_mediation
        clock = start_rule_clock(
            case=case,
            channel=channel,
            kind=kind,
            start=start,
            mediation_requested_on=mediation_requested_on if interrupted else None,
            mediation_ended_on=today if interrupted else None,
        )
        started.append({"kind": clock.kind, "due": clock.due_on.isoformat(), "basis": clock.basis})
    record_event(
        case,
        "channel_entered",
        actor,
        public=True,
        from_channel=previous,
        to_channel=channel,
        clocks=started,
        note=note or None,
        knowledge_date=knowledge_date.isoformat() if knowledge_date else None,
    )
    if target.is_mediation and knowledge_date:
        _warn_limitation(case, actor, knowledge_date, today)
    return case


def _warn_limitation(case: Case, actor, knowledge_date: date, mediation_start: date) -> None:
    """W2: warn when the reconsideration limit would run out before mediation ends."""
    warning = rules.limitation_warning(
        knowledge_date=knowledge_date,
        mediation_started_on=mediation_start,
        calendar=platform_calendar(),
    )
    if warning:
        record_event(
            case,
            "limitation_warning",
            actor,
            public=True,
            message_zh=warning.message_zh,
            message_en=warning.message_en,
            filing_due=warning.filing.due.isoformat(),
            expired=warning.expired,
        )


@transaction.atomic
def channel_clock_start(*, actor, case: Case, kind: str, start: date | None = None) -> Clock:
    """Start a clock of the case's channel when its trigger happens (acceptance, award …)."""
    case = lock_case(case)
    require_handler(actor, case)
    try:
        rule = rules.get_channel(case.channel).clock(kind)
    except rules.RulesError as exc:
        raise InvalidInput(str(exc), fields={"kind": str(exc)}) from exc
    clock = start_rule_clock(
        case=case, channel=case.channel, kind=str(rule.kind), start=start or timezone.localdate()
    )
    answered = []
    if rule.starts_from is rules.StartEvent.ACCEPTANCE:
        # The body accepted the case: its acceptance clock, any request to complete the
        # materials and the filing limits must not run on and breach an accepted case.
        waiting = Clock.objects.filter(
            case=case,
            kind__in=[f"{case.channel}:{k}" for k in ANSWERED_BY_ACCEPTANCE],
            state__in=[ClockState.RUNNING, ClockState.PAUSED],
        )
        answered = sorted(waiting.values_list("kind", flat=True))
        waiting.update(state=ClockState.MET, met_at=timezone.now())
    record_event(
        case,
        "clock_started",
        actor,
        public=True,
        clock=clock.kind,
        due=clock.due_on.isoformat(),
        basis=clock.basis,
        answered=answered or None,
    )
    return clock


@transaction.atomic
def clock_extend(*, actor, clock: Clock, days: int, reason: str) -> Clock:
    """Extend a running clock within its statutory maximum; the resident is told why."""
    case = lock_case(clock.case_id)
    clock = Clock.objects.select_for_update().get(pk=clock.pk)
    if not perms.can(actor, Cap.CASE_SUPERVISE, place_path=case.place_path):
        raise PermissionDenied(_("Extensions are approved by a supervisor (the body's head)."))
    if clock.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise InvalidTransition(_("Only a running clock can be extended."))
    reason = require_text(reason, "reason", max_chars=2000)
    if days <= 0:
        raise InvalidInput(
            _("Extend by at least one day."), fields={"days": _("Must be positive.")}
        )
    if clock.unit == Unit.HOURS:
        raise InvalidInput(
            _("A clock counted in hours runs round the clock; it cannot be extended."),
            fields={"days": _("Not for hour clocks.")},
        )
    if ":" in clock.kind:
        channel, kind = clock.kind.split(":", 1)
        try:
            rules.validate_extension(channel, kind, clock.extension_days + days)
        except rules.ExtensionError as exc:
            raise InvalidInput(
                _pick(case, exc.message_zh, exc.message_en), fields={"days": str(exc)}
            ) from exc
    clock.extension_days += days
    clock.extension_reason = reason
    clock.due_on = due_date(clock)
    clock.provisional = is_provisional(clock)
    clock.due_soon_notified = False
    clock.save(
        update_fields=[
            "extension_days",
            "extension_reason",
            "due_on",
            "provisional",
            "due_soon_notified",
        ]
    )
    record_event(
        case,
        "clock_extended",
        actor,
        public=True,
        clock=clock.kind,
        days=days,
        reason=reason,
        due=clock.due_on.isoformat(),
    )
    return clock
