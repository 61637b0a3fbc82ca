"""The clock job: due-soon warnings, breaches, auto-escalation, revisits; idempotent."""

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from concord.cases import actions as ca
from concord.cases.models import Clock
from concord.channels.deadlines import deadlines_tick
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def test_due_soon_then_breach_escalates_once_and_a_second_run_changes_nothing(world, at, client):
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
    # The notice's link opens the case page (the staff URLs end in a slash; no redirect adds it).
    client.force_login(world.bob)
    assert client.get(notice.link).status_code == 200
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


def test_deadline_notices_reach_each_person_in_their_language(world, at):
    from concord.accounts.models import User

    User.objects.filter(pk=world.bob.pk).update(language="en")
    User.objects.filter(pk=world.sam.pk).update(language="zh-hans")
    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    code = case.receipt_code
    at("2026-03-31 08:00")
    deadlines_tick()
    soon = Notification.objects.get(recipient=world.bob, kind="clock_due_soon")
    assert soon.subject == f"Deadline soon: {code}"
    assert soon.body.startswith("Handling time is due on 2026-04-01 (")
    assert not re.search(r"[\u4e00-\u9fff]", soon.body)
    at("2026-04-02 08:00")
    deadlines_tick()
    theirs = Notification.objects.get(recipient=world.bob, kind="clock_breached")
    mine = Notification.objects.get(recipient=world.sam, kind="clock_breached")
    assert theirs.subject == f"Deadline passed: {code}"
    assert theirs.body.startswith("Handling time was due on 2026-04-01 (")
    assert mine.subject == f"已超期：{code}"
    assert mine.body.startswith("办理期限已于 2026-04-01 到期（")


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


def test_a_paused_clock_does_not_breach_and_resumes_later(world, at, client):
    from concord.cases.models import Case
    from concord.web.selectors import breached_q

    at("2026-03-02 09:00")
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    ca.case_start(actor=world.bob, case=case)
    at("2026-03-10 09:00")
    ca.case_pause(actor=world.bob, case=case, reason="当事人外出务工")
    at("2026-04-20 09:00")
    assert deadlines_tick().breached == 0
    # Past its old due day (04-01) while paused, it is not overdue on any list either: the
    # overdue filter and the queue say "Paused", not "19 days late".
    assert not Case.objects.filter(pk=case.pk).filter(breached_q(date(2026, 4, 20))).exists()
    client.force_login(world.bob)
    page = client.get("/staff/?scope=unit", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert case.receipt_code in page and "days late" not in page
    assert '<span class="tag">Paused</span>' in page
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
    revisit = Notification.objects.get(recipient=world.bob, kind="revisit_due")
    assert revisit.subject == f"回访居民：{case.receipt_code}"
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


def _hotline_ticket(world):
    """A 12345 ticket at 22:30 Beijing time on Wednesday 09-30, with its 2-hour emergency
    response clock (due 10-01 00:30) and its 24-hour utility clock (due 10-01 22:30)."""
    from concord.channels import actions as ch

    case = ca.case_submit(kind="service_request", title="停水", description="d", place=world.T1)
    case = ca.case_accept(actor=world.alice, case=case.case)
    case = ch.case_enter_channel(actor=world.alice, case=case, channel="service_dispatch")
    for kind in ("emergency_response", "utility_response"):
        ch.channel_clock_start(actor=world.alice, case=case, kind=kind)
    return case


def test_hour_clocks_are_due_soon_in_hours_not_days(world, at, client):
    """A 2-hour clock is due soon in its last hour, a 24-hour one in its last 6 hours (a
    quarter of the span); counted in days, both were "due soon" the moment they started."""
    from concord.cases.clocks import hour_soon_window
    from concord.cases.models import Case
    from concord.web.selectors import breached_q, due_soon_q

    assert (hour_soon_window(2), hour_soon_window(24)) == (timedelta(hours=1), timedelta(hours=6))
    at("2026-09-30 22:30")
    case = _hotline_ticket(world)
    queue = Case.objects.filter(pk=case.pk)

    at("2026-09-30 22:35")  # 1 h 55 min and 23 h 55 min left: neither is due soon
    assert deadlines_tick().due_soon == 0
    assert not queue.filter(due_soon_q(date(2026, 9, 30))).exists()

    at("2026-09-30 23:31")  # 59 minutes left of the two hours
    assert deadlines_tick().due_soon == 1
    assert queue.filter(due_soon_q(date(2026, 9, 30))).exists()
    # The case page counts it in hours, marked "soon"; the 24-hour clock is not.
    client.force_login(world.alice)
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="tag soon">due within 1 hour</span>' in page
    assert '<span class="tag">due within 23 hours</span>' in page
    assert "0 days left" not in page
    zh = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1小时内到期" in zh and "23小时内到期" in zh
    # The queue shows the case's first deadline the same way, in hours.
    queue_page = client.get("/staff/?scope=unit", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="tag soon">due within 1 hour</span>' in queue_page
    assert "0 days left" not in queue_page
    notes = list(Notification.objects.filter(case=case, kind="clock_due_soon"))
    assert notes and all("2026-10-01 00:30" in n.body for n in notes)  # the time, not the day

    at("2026-10-01 00:40")  # the two hours ran out: breached on the same day, at the instant
    report = deadlines_tick()
    assert (report.breached, report.due_soon) == (1, 0)
    assert queue.filter(breached_q(date(2026, 10, 1))).exists()

    at("2026-10-01 16:29")  # 6 h 01 min left of the 24 hours
    assert deadlines_tick().due_soon == 0
    at("2026-10-01 16:31")  # 5 h 59 min left
    assert deadlines_tick().due_soon == 1
    utility = Clock.objects.get(case=case, kind="service_dispatch:utility_response")
    assert utility.due_soon_notified
