"""The clock job: warn before deadlines, mark breaches, escalate, and schedule revisits.

Idempotent: each step is guarded by state or a flag, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases import actions as case_actions
from concord.cases.actions import record_event
from concord.cases.clocks import due_soon_q, due_text, late_q
from concord.cases.models import Case, Clock, ClockNature, ClockState, Feedback, Status
from concord.core import conf
from concord.core.bilingual import each, each_rendered, in_language
from concord.core.errors import ConcordError
from concord.core.models import Event
from concord.notifications.actions import notify

from . import rules


@dataclass
class TickReport:
    due_soon: int = 0
    breached: int = 0
    escalated: int = 0
    reminded: int = 0
    revisits: int = 0
    errors: list[str] = field(default_factory=list)


def owners_and_supervisors(case: Case, *, supervisors: bool = True):
    """Return the handlers of the owning unit and the supervisors over the case's place."""

    people = (
        holders(Cap.CASE_HANDLE, unit_id=case.owner_unit_id)
        if case.owner_unit_id
        else get_user_model().objects.none()
    )
    if supervisors:
        people |= holders(Cap.CASE_SUPERVISE, at_places=case.place.ancestors_paths())
    return list(people)


def clock_label(clock: Clock) -> str:
    """Return the clock's name in the active language (never its internal code)."""

    if ":" in clock.kind:
        channel, kind = clock.kind.split(":", 1)
        try:
            rule = rules.get_channel(channel).clock(kind)
        except rules.RulesError:
            return clock.kind
        return rule.label_en if (get_language() or "").startswith("en") else rule.label_zh
    if clock.kind == "handle":
        return str(_("Handling time"))
    if clock.kind == "performance":
        return str(_("Performing the agreement"))
    return clock.kind.replace("_", " ")


def escalates(clock: Clock) -> bool:
    """Return whether the clock's breach escalates (from the clock-kind table on the row)."""
    return clock.escalates


def provisional_note(clock: Clock) -> str:
    """Return "provisional: the holiday schedule for YEAR is not loaded yet", or ""."""
    years = clock.provisional_years
    if not years:
        return ""
    return _("provisional: the holiday schedule for %(years)s is not loaded yet") % {
        "years": ", ".join(str(y) for y in years)
    }


def governing_clock(clock: Clock, today: date) -> Clock | None:
    """Return the statutory clock that still governs the case while a policy clock passes.

    A platform (policy) clock never breaches, escalates or reassigns a case earlier than the
    statutory clock of the channel the case is in: while such a clock runs and is not yet due,
    the policy clock only reminds.
    """
    if clock.is_statutory:
        return None
    case = clock.case
    return (
        Clock.objects.live()
        .filter(
            case_id=clock.case_id,
            channel=case.channel,
            nature=ClockNature.STATUTORY,
            escalates=True,
        )
        .exclude(state=ClockState.RUNNING, due_on__lt=today)
        .order_by("due_on")
        .first()
    )


def _policy_reminds(channel: str) -> bool:
    reminders = conf.concord().policy_clock_reminders
    return bool(reminders.get(channel, reminders.get("*", True)))


def deadlines_tick(*, today: date | None = None) -> TickReport:
    """Run one pass of the clock job.

    At most one escalation per case per pass: once a case moved up, its other clocks that fell
    due the same day are recorded (statutory ones) or closed with the old owner (policy ones).
    """
    today = today or timezone.localdate()
    report = TickReport()
    now = timezone.now()
    soon = Clock.objects.filter(
        due_soon_q(today=today, now=now), state=ClockState.RUNNING, due_soon_notified=False
    ).select_related("case__place", "case__owner_unit")
    for clock in soon:
        with transaction.atomic():
            claimed = Clock.objects.filter(pk=clock.pk, due_soon_notified=False).update(
                due_soon_notified=True
            )
            if not claimed:
                continue  # another worker took it
            case = clock.case
            notify(
                recipients=owners_and_supervisors(case, supervisors=False),
                kind="clock_due_soon",
                subject=each("Deadline soon: %(code)s", code=case.receipt_code),
                body=each_rendered(
                    lambda clock=clock: _notice_body(
                        _("%(kind)s is due on %(due)s (%(basis)s)."), clock
                    )
                ),
                case=case,
                dedupe_key=f"due-soon:{clock.pk}:{clock.due_on}",
                link=reverse("web:case", args=[case.pk]),
            )
            report.due_soon += 1
    # Statutory clocks first, so that when both fall due the law's clock is the one that acts.
    # A day clock is late the day after its due day; an hour clock at its due instant.
    breached = (
        Clock.objects.filter(late_q(today=today, now=now), state=ClockState.RUNNING)
        .exclude(nature=ClockNature.POLICY, overdue_reminded=True)
        .select_related("case__place", "case__owner_unit")
        .order_by("case_id", "-nature", "due_on", "id")
    )
    escalated: set[int] = set()
    for clock in breached:
        try:
            _breach(clock, report, today=today, escalated=escalated)
        except ConcordError as exc:
            report.errors.append(f"{clock.case.receipt_code}: {exc.message}")
    report.revisits = _schedule_revisits(today)
    return report


def _notice_body(template: str, clock: Clock) -> str:
    basis = in_language(clock.basis)  # stored as "中文 / English"; the notice is in one language
    body = template % {"kind": clock_label(clock), "due": due_text(clock), "basis": basis}
    note = provisional_note(clock)
    return f"{body} ({note})" if note else body


def _remind(clock: Clock, governing: Clock, report: TickReport) -> None:
    """Tell the owner a policy clock passed; the statutory clock still governs the case."""
    with transaction.atomic():
        claimed = Clock.objects.filter(
            pk=clock.pk, state=ClockState.RUNNING, overdue_reminded=False
        ).update(overdue_reminded=True)
        if not claimed:
            return
        case = clock.case
        if _policy_reminds(case.channel):
            notify(
                recipients=owners_and_supervisors(case, supervisors=False),
                kind="clock_reminder",
                subject=each("Reminder: %(code)s", code=case.receipt_code),
                body=each_rendered(
                    lambda: (
                        _notice_body(_("%(kind)s passed on %(due)s (%(basis)s)."), clock)
                        + " "
                        + _("The statutory deadline governs: %(kind)s, due on %(due)s.")
                        % {"kind": clock_label(governing), "due": due_text(governing)}
                    )
                ),
                case=case,
                dedupe_key=f"reminder:{clock.pk}",
                link=reverse("web:case", args=[case.pk]),
            )
        report.reminded += 1


def _breach(clock: Clock, report: TickReport, *, today: date, escalated: set[int]) -> None:
    governing = governing_clock(clock, today)
    if governing is not None:
        _remind(clock, governing, report)
        return
    with transaction.atomic():
        claimed = Clock.objects.filter(pk=clock.pk, state=ClockState.RUNNING).update(
            state=ClockState.BREACHED, breached_at=timezone.now()
        )
        if not claimed:
            return
        case = case_actions.lock_case(clock.case_id)
        record_event(
            case,
            "clock_breached",
            None,
            public=clock.resident_visible,
            clock=clock.kind,
            due=clock.due_on.isoformat(),
            basis=clock.basis,
        )
        report.breached += 1
        notify(
            recipients=owners_and_supervisors(case),
            kind="clock_breached",
            subject=each("Deadline passed: %(code)s", code=case.receipt_code),
            body=each_rendered(
                lambda: _notice_body(_("%(kind)s was due on %(due)s (%(basis)s)."), clock)
            ),
            case=case,
            dedupe_key=f"breached:{clock.pk}",
            link=reverse("web:case", args=[case.pk]),
        )
        if (
            conf.concord().auto_escalate_on_breach
            and escalates(clock)
            and case.pk not in escalated
            and case.is_open
            and case.level != "county"
            and case.status != Status.PAUSED
        ):
            case_actions.case_escalate(
                actor=None,
                case=case,
                automatic=True,
                reason_code="clock_breached",
                note=_("%(kind)s passed its deadline of %(due)s.")
                % {"kind": clock_label(clock), "due": due_text(clock)},
            )
            escalated.add(case.pk)
            report.escalated += 1


def _schedule_revisits(today: date) -> int:
    """Create a revisit task for cases resolved a while ago that the resident never rated."""
    cutoff = timezone.now() - conf.revisit_after()
    has_feedback = Feedback.objects.filter(case=OuterRef("pk"))
    has_revisit = Event.objects.filter(case=OuterRef("pk"), kind="revisit_due")
    due = (
        Case.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__lte=cutoff)
        .exclude(Exists(has_feedback))
        .exclude(Exists(has_revisit))
        .select_related("place", "owner_unit")[:5000]
    )
    count = 0
    for case in due:
        with transaction.atomic():
            case = case_actions.lock_case(case)
            if Event.objects.filter(case=case, kind="revisit_due").exists():
                continue
            record_event(case, "revisit_due", None, public=False)
            notify(
                recipients=owners_and_supervisors(case, supervisors=False),
                kind="revisit_due",
                subject=each("Revisit the resident: %(code)s", code=case.receipt_code),
                body=each("The case was resolved without the resident's rating; call them back."),
                case=case,
                dedupe_key=f"revisit:{case.pk}",
                link=reverse("web:case", args=[case.pk]),
            )
            count += 1
    return count
