"""The clock job: due-soon warnings, breaches, auto-escalation, revisits; idempotent."""

from datetime import date

import pytest
from django.core.management import call_command

from concord.cases import actions as ca
from concord.cases.models import Clock
from concord.channels.deadlines import deadlines_tick
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def test_due_soon_then_breach_escalates_once_and_a_second_run_changes_nothing(world, at):
    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    handle = Clock.objects.get(case=case, kind="handle")
    assert handle.due_on == date(2026, 4, 1)

    at("2026-03-31 08:00")
    report = deadlines_tick()
    assert report.due_soon == 1 and report.breached == 0
    notice = Notification.objects.get(recipient=world.bob, kind="clock_due_soon")
    # The clock is named in words (办理期限 / Handling time), never by its internal code.
    assert "办理期限" in notice.body and "handle" not in notice.body
    assert deadlines_tick().due_soon == 0

    at("2026-04-02 08:00")
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (1, 1)
    case.refresh_from_db()
    assert case.level == "town" and case.status == "escalated"
    escalated = Event.objects.get(case=case, kind="escalated")
    assert escalated.data["automatic"] and escalated.data["reason_code"] == "clock_breached"
    assert Notification.objects.filter(recipient=world.sam, kind="clock_breached").exists()
    # The new level gets a fresh handling clock.
    assert Clock.objects.get(case=case, kind="handle", state="running").due_on == date(2026, 5, 6)

    events_before = Event.objects.count()
    notices_before = Notification.objects.count()
    second = deadlines_tick()
    assert (second.due_soon, second.breached, second.escalated, second.revisits) == (0, 0, 0, 0)
    assert Event.objects.count() == events_before and Notification.objects.count() == notices_before


def test_due_soon_is_three_days_as_on_the_staff_queue(world, at):
    """The deadline notice and the queue's "due soon" use one horizon (core.conf, 3 days)."""
    at("2026-03-02 09:00")
    ca.case_accept(actor=world.bob, case=submit_dispute(world))  # handling clock due 1 April
    at("2026-03-28 08:00")
    assert deadlines_tick().due_soon == 0
    at("2026-03-29 08:00")
    assert deadlines_tick().due_soon == 1


def test_auto_escalation_can_be_switched_off(world, at, settings):
    settings.CONCORD = {**settings.CONCORD, "AUTO_ESCALATE_ON_BREACH": False}
    at("2026-03-02 09:00")
    case = submit_dispute(world)
    at("2026-05-01 09:00")
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (1, 0)
    case.refresh_from_db()
    assert case.level == "village"


def test_a_paused_clock_does_not_breach_and_resumes_later(world, at):
    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=case)
    at("2026-03-10 09:00")
    ca.case_pause(actor=world.bob, case=case, reason="当事人外出务工")
    at("2026-04-20 09:00")
    assert deadlines_tick().breached == 0
    ca.case_resume(actor=world.bob, case=case)
    # Paused 03-11..04-20 (41 days): 04-01 + 41 → 05-12 (Tuesday).
    assert Clock.objects.get(case=case, kind="handle").due_on == date(2026, 5, 12)


def test_a_revisit_is_scheduled_for_cases_resolved_without_feedback(world, at):
    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=case)
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解")
    rated = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=rated)
    ca.case_resolve(actor=world.bob, case=rated, outcome="agreement", text="已调解")
    ca.case_feedback(case=rated, resolved="yes", satisfaction=4)
    at("2026-03-12 09:00")
    assert deadlines_tick().revisits == 1
    assert Event.objects.filter(kind="revisit_due").get().case_id == case.pk
    assert deadlines_tick().revisits == 0


def test_the_revisit_schedule_is_one_setting(world, at, settings):
    settings.CONCORD = {**settings.CONCORD, "REVISIT_AFTER_DAYS": 3}
    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=case)
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解")
    at("2026-03-04 09:00")
    assert deadlines_tick().revisits == 0
    at("2026-03-05 10:00")
    assert deadlines_tick().revisits == 1


def test_the_command_runs_a_tick(world, capsys):
    call_command("deadlines", "tick")
    assert "breached: 0" in capsys.readouterr().out


def test_feedback_no_can_escalate_by_setting(world, settings):
    settings.CONCORD = {**settings.CONCORD, "FEEDBACK_NO_ACTION": "escalate"}
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=case)
    ca.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解")
    ca.case_feedback(case=case, resolved="no", satisfaction=2)
    case.refresh_from_db()
    assert case.level == "town" and case.status == "escalated"


def test_every_kind_of_clock_is_named_in_words():
    from django.utils import translation

    from concord.cases.models import Clock
    from concord.channels.deadlines import clock_label

    with translation.override("zh-hans"):
        assert clock_label(Clock(kind="performance")) == "协议履行"
        assert clock_label(Clock(kind="handle")) == "办理期限"
    with translation.override("en"):
        assert clock_label(Clock(kind="performance")) == "Performing the agreement"
        assert clock_label(Clock(kind="odd_kind")) == "odd kind"
