"""Due process on every path: the law's clocks govern, one escalation a tick, fresh owner clocks.

Dates are counted by hand: the start day is not counted and a due day on a weekend or holiday
rolls to the next working day (民事诉讼法 art 85). 2026 holidays per 国办发明电〔2025〕7号:
National Day 10-01..07, Dragon Boat 06-19..21.
"""

from datetime import date

import pytest

from concord.cases import actions as ca
from concord.cases.models import Clock
from concord.channels import actions as ch
from concord.channels import rules
from concord.channels.deadlines import deadlines_tick
from concord.core.calendar import Unit
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.testing import submit_dispute

pytestmark = pytest.mark.django_db


def live(case, kind):
    return Clock.objects.get(case=case, kind=kind, state__in=["running", "paused"])


# Point 0 ------------------------------------------------------------------------------------


def test_the_clock_kind_table_says_what_each_clock_is():
    table = {(r.channel_code, str(r.kind)): r for r in rules.clock_kind_table()}
    # Every clock of every channel has a row.
    assert len(table) == sum(len(c.clocks) for c in rules.CHANNELS)
    decision = table[("petition", "decision")]
    assert (decision.nature, decision.holder, decision.escalates) == ("statutory", "case", True)
    review_window = table[("petition", "review_request")]
    assert (review_window.nature, review_window.escalates) == ("statutory", False)
    # The mediation period is a local default (深圳 art 25), not national law: policy.
    mediation = table[("peoples_mediation", "mediation_period")]
    assert (mediation.nature, mediation.holder) == ("policy", "owner")
    labour = table[("peoples_mediation", "labour_mediation")]
    assert (labour.nature, labour.escalates) == ("statutory", False)
    hotline = table[("service_dispatch", "general_handling")]
    assert (hotline.nature, hotline.holder, hotline.escalates) == ("policy", "owner", True)
    filing = table[("labour_arbitration", "filing_limit")]
    assert (filing.nature, filing.holder, filing.escalates) == ("statutory", "case", False)


def test_a_local_or_practice_rule_cannot_be_declared_statutory():
    with pytest.raises(ValueError, match="statutory"):
        rules.ClockRule(
            rules.ClockKind.MEDIATION_PERIOD,
            30,
            Unit.CALENDAR_DAYS,
            rules.StartEvent.ACCEPTANCE,
            "x",
            "x",
            rules.Citation("深圳", "Shenzhen", "25", rules.Grade.A, "深圳"),
            configurable=True,
            nature=rules.Nature.STATUTORY,
        )


def test_started_clocks_carry_their_kind(world, at):
    at("2026-04-07 09:00")
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="k0")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    decision = live(case, "petition:decision")
    assert (decision.nature, decision.holder, decision.escalates) == ("statutory", "case", True)
    handle = live(case, "handle")
    assert (handle.nature, handle.holder, handle.escalates) == ("policy", "owner", True)


# Point 1 ------------------------------------------------------------------------------------


def test_a_petition_does_not_escalate_before_its_statutory_deadline(world, at):
    at("2026-04-07 09:00")  # Tuesday
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    assert case.level == "town"
    ch.petition_register(actor=world.alice, case=case, matter_key="k1")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    # 信访工作条例 art 34: 60 days from 04-07 → 06-06 (Saturday) → 06-08 (Monday).
    assert live(case, "petition:decision").due_on == date(2026, 6, 8)
    # The platform's 15-day handling clock: 04-22 (Wednesday).
    assert live(case, "handle").due_on == date(2026, 4, 22)

    at("2026-04-25 08:00")
    report = deadlines_tick()
    assert (report.breached, report.escalated, report.reminded) == (0, 0, 1)
    case.refresh_from_db()
    assert (case.level, case.owner_unit.code) == ("town", "GC-T1")
    assert live(case, "handle").overdue_reminded  # still running: it only reminded
    notice = Notification.objects.get(recipient=world.alice, kind="clock_reminder")
    assert "2026-06-08" in notice.body
    assert not Event.objects.filter(case=case, kind__in=["escalated", "clock_breached"]).exists()
    # A second pass neither reminds again nor escalates.
    reminders = Notification.objects.filter(kind="clock_reminder").count()
    assert deadlines_tick().reminded == 0
    assert Notification.objects.filter(kind="clock_reminder").count() == reminders

    at("2026-06-09 08:00")  # the statutory clock has run out: now the case moves up
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (1, 1)
    case.refresh_from_db()
    assert case.level == "county"
    assert Event.objects.get(case=case, kind="clock_breached").data["clock"] == "petition:decision"


def test_policy_reminders_can_be_switched_off_per_channel(world, at, settings):
    settings.CONCORD = {**settings.CONCORD, "POLICY_CLOCK_REMINDERS": {"petition": False}}
    at("2026-04-07 09:00")
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="k1b")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    at("2026-04-25 08:00")
    report = deadlines_tick()
    assert (report.escalated, report.reminded) == (0, 1)
    assert not Notification.objects.filter(kind="clock_reminder").exists()


# Point 2 ------------------------------------------------------------------------------------


def test_two_clocks_due_the_same_day_escalate_once_and_the_new_owner_gets_fresh_ones(world, at):
    at("2026-09-01 09:30")  # Tuesday
    case = submit_dispute(world)  # DP.02: a 30-day handling clock
    case = ca.case_accept(actor=world.bob, case=case)
    case = ch.case_enter_channel(actor=world.bob, case=case, channel="peoples_mediation")
    # Both 30 days from 09-01 → 10-01 (National Day 10-01..07) → 10-08.
    assert live(case, "handle").due_on == date(2026, 10, 8)
    old_mediation = live(case, "peoples_mediation:mediation_period")
    assert old_mediation.due_on == date(2026, 10, 8)

    at("2026-10-09 08:00")
    report = deadlines_tick()
    assert report.escalated == 1
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("town", 1)
    old_mediation.refresh_from_db()
    assert old_mediation.state in ("cancelled", "breached")
    # The town gets fresh policy clocks: 30 days from 10-09 → 11-08 (Sunday) → 11-09.
    assert live(case, "handle").due_on == date(2026, 11, 9)
    assert live(case, "peoples_mediation:mediation_period").due_on == date(2026, 11, 9)
    # The next pass does not move it again.
    assert deadlines_tick().escalated == 0
    case.refresh_from_db()
    assert case.level == "town"


def test_statutory_clocks_keep_running_across_an_escalation(world, at):
    at("2026-04-07 09:00")
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="k2")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    decision = live(case, "petition:decision")
    handle = live(case, "handle")
    at("2026-04-10 09:00")
    ca.case_escalate(actor=world.sam, case=case, reason_code="complex", note="涉及多个部门")
    assert live(case, "petition:decision").pk == decision.pk
    assert live(case, "petition:decision").due_on == date(2026, 6, 8)
    handle.refresh_from_db()
    assert handle.state == "cancelled"
    # The county's own handling clock: 15 days from 04-10 → 04-25 (Saturday) → 04-27.
    assert live(case, "handle").due_on == date(2026, 4, 27)


# Point 6 ------------------------------------------------------------------------------------


def transfer_to_labour(world):
    case = ca.case_submit(kind="grievance", title="欠薪", description="d", place=world.T1).case
    case = ca.case_accept(actor=world.alice, case=case)
    return ca.case_transfer_request(
        actor=world.alice, case=case, to_unit=world.u_labour, reason="欠薪问题"
    )


def test_a_transfer_can_be_refused_within_five_working_days(world, at):
    at("2026-09-28 09:00")  # Monday
    transfer = transfer_to_labour(world)
    # 信访工作条例 art 23, 5 working days: 09-29, 09-30, (国庆 10-01..07), 10-08, 10-09 and the
    # adjusted working Saturday 10-10 (国办发明电〔2025〕7号).
    assert transfer.objection_due == date(2026, 10, 10)
    at("2026-10-10 17:00")
    case = ca.case_transfer_refuse(actor=world.dora, transfer=transfer, reason="不属于本机关")
    assert case.bounce_count == 1


def test_after_the_objection_period_the_transfer_can_no_longer_be_refused(world, at, client):
    from concord.core.errors import InvalidTransition

    at("2026-09-28 09:00")
    transfer = transfer_to_labour(world)
    at("2026-10-12 09:00")
    with pytest.raises(InvalidTransition, match="2026-10-10"):
        ca.case_transfer_refuse(actor=world.dora, transfer=transfer, reason="不属于本机关")
    ca.case_transfer_accept(actor=world.dora, transfer=transfer)  # accepting is still possible


def test_the_case_page_says_why_a_late_refusal_is_not_possible(world, at, client):
    at("2026-09-28 09:00")
    transfer = transfer_to_labour(world)
    at("2026-10-12 09:00")
    client.force_login(world.alice)
    page = client.get(f"/staff/cases/{transfer.case_id}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "ended on 2026-10-10" in text and "can no longer be refused" in text


# Point 7 ------------------------------------------------------------------------------------


def test_a_clock_over_an_unloaded_year_is_stored_and_shown_as_provisional(world, at, client):
    at("2026-12-10 09:00")  # Thursday
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key="k7")
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    decision = live(case, "petition:decision")
    # 60 days from 2026-12-10 → 2027-02-08, inside the 春节 days 02-05..08 that the law gives
    # 2027 (除夕 02-05 to 初三 02-08; 02-06/07 made up on 02-09/10) → 02-11 (Thursday).
    assert decision.due_on == date(2027, 2, 11)
    assert decision.provisional
    acceptance = Clock.objects.get(case=case, kind="petition:acceptance")
    assert not acceptance.provisional  # 15 days from 12-10 → 12-25, all within 2026
    message = "provisional: the holiday schedule for 2027 is not loaded yet"

    client.force_login(world.alice)
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert message in page
    assert "Statutory (set by law)" in page and "belongs to the case" in page

    from concord.cases.tokens import tracking_token

    track = client.get(
        f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert message in track

    at("2027-02-09 09:00")
    # The notice is in its reader's language (English here), whatever the worker's is.
    world.alice.language = "en"
    world.alice.save(update_fields=["language"])
    deadlines_tick()
    notice = Notification.objects.filter(kind="clock_due_soon", recipient=world.alice).last()
    assert "2027" in notice.body and "not loaded" in notice.body


# Point 5 ------------------------------------------------------------------------------------


def replied(world, key):
    case = ca.case_submit(kind="grievance", title="t", description="d", place=world.V11).case
    ch.petition_register(actor=world.alice, case=case, matter_key=key)
    ch.petition_accept(actor=world.alice, case=case, petition_type="appeal")
    ch.petition_reply(
        actor=world.alice, case=case, opinion="explain", text="已解释", legal_basis="条例第32条"
    )
    return case


def test_the_review_window_counts_from_the_day_the_reply_was_served(world, at, client):
    from concord.channels.models import Petition
    from concord.core.errors import InvalidInput, InvalidTransition

    at("2026-03-02 09:00")  # Monday
    case = replied(world, "k5")
    # A reply merely issued (or sent) is not served: no window runs yet.
    assert not Clock.objects.filter(case=case, kind="petition:review_request").exists()
    client.force_login(world.alice)
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not yet served" in page

    at("2026-03-09 10:00")
    with pytest.raises(InvalidInput):
        ch.petition_record_service(actor=world.alice, case=case, how="post")  # no date
    with pytest.raises(InvalidInput):
        ch.petition_record_service(actor=world.alice, case=case, how="tracking_page")
    with pytest.raises(InvalidInput):
        ch.petition_record_service(actor=world.alice, case=case, how="post", on=date(2026, 3, 10))
    ch.petition_record_service(actor=world.alice, case=case, how="post", on=date(2026, 3, 5))
    petition = Petition.objects.get(case=case)
    assert (petition.reply_served_on, petition.reply_served_how) == (date(2026, 3, 5), "post")
    # 信访工作条例 art 35: 30 days from 03-05 → 04-04, 清明 04-04..06 (国办发明电〔2025〕7号) → 04-07.
    assert live(case, "petition:review_request").due_on == date(2026, 4, 7)
    with pytest.raises(InvalidTransition):
        ch.petition_record_service(actor=world.alice, case=case, how="on_the_spot")
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "served on 2026-03-05" in page


def test_reading_the_reply_on_the_tracking_page_serves_it(world, at, client):
    from concord.cases.tokens import tracking_token
    from concord.channels.models import Petition

    at("2026-03-02 09:00")
    case = replied(world, "k5b")
    at("2026-03-10 20:00")
    page = client.get(
        f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    petition = Petition.objects.get(case=case)
    assert (petition.reply_served_on, petition.reply_served_how) == (
        date(2026, 3, 10),
        "tracking_page",
    )
    # 30 days from 03-10 → 04-09 (Thursday).
    assert live(case, "petition:review_request").due_on == date(2026, 4, 9)
    assert "received on 2026-03-10" in page
    assert Event.objects.filter(case=case, kind="petition_served", public=True).count() == 1
    client.get(f"/track/{case.receipt_code}/{tracking_token(case.token_salt)}/")
    assert Event.objects.filter(case=case, kind="petition_served").count() == 1


def test_the_api_records_service_through_the_same_action(world, at, api):
    at("2026-03-02 09:00")
    case = replied(world, "k5c")
    response = api.as_user(world.alice).post(
        f"/cases/{case.pk}/petition/service", {"how": "on_the_spot"}
    )
    assert response.status_code == 200, response.content
    # 30 days from 03-02 → 04-01 (Wednesday).
    assert live(case, "petition:review_request").due_on == date(2026, 4, 1)
    assert api.post(f"/cases/{case.pk}/petition/service", {"how": "post"}).status_code == 409


def test_the_re_review_window_counts_from_the_served_review_opinion(world, at):
    at("2026-03-02 09:00")
    case = replied(world, "k5d")
    at("2026-03-10 10:00")
    ch.petition_request_review(case=case, reason="不服")  # serves the reply today and asks
    at("2026-03-20 10:00")
    ch.petition_review_decide(actor=world.zoe, case=case, text="维持")
    assert not Clock.objects.filter(case=case, kind="petition:recheck_request").exists()
    at("2026-03-25 10:00")
    ch.petition_record_service(actor=world.zoe, case=case, how="gateway_receipt")
    # 信访工作条例 art 36: 30 days from 03-25 → 04-24 (Friday).
    assert live(case, "petition:recheck_request").due_on == date(2026, 4, 24)


def test_two_statutory_clocks_due_the_same_day_move_the_case_up_only_once(world, at):
    at("2026-11-02 09:00")  # Monday
    case = ca.case_accept(actor=world.bob, case=submit_dispute(world))
    assert case.level == "village"
    ch.case_enter_channel(actor=world.bob, case=case, channel="labour_arbitration")
    ch.case_enter_channel(actor=world.bob, case=case, channel="administrative_reconsideration")
    # 劳动争议调解仲裁法 art 29, 5 days: 11-07 (Saturday) → 11-09. 行政复议法 arts 30 and 88,
    # 5 working days: 11-03, 11-04, 11-05, 11-06, 11-09. Both statutory, both escalate.
    assert live(case, "labour_arbitration:acceptance").due_on == date(2026, 11, 9)
    assert live(case, "administrative_reconsideration:acceptance").due_on == date(2026, 11, 9)
    at("2026-11-10 08:00")
    report = deadlines_tick()
    assert (report.breached, report.escalated) == (2, 1)
    case.refresh_from_db()
    assert (case.level, case.escalation_count) == ("town", 1)
