"""Each risk level's path and clocks, the intake hook, the crisis button and the clock job."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from concord.cases import actions as ca
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.wellbeing import actions as wa
from concord.wellbeing.models import DutyShift, FollowUp, Referral
from concord.wellbeing.protocol import AssessmentAnswers

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def submit(world, text="我不想活了，准备好了安眠药", place=None):
    return ca.case_submit(
        kind="help_request", title="求助", description=text, place=place or world.V11
    ).case


def test_a_submission_with_a_crisis_signal_opens_a_high_referral_at_once(world, team, at):
    at("2026-03-02 09:00")
    case = submit(world)
    referral = Referral.objects.get(case=case)
    assert (referral.team, referral.risk, referral.source) == (team, "high", "intake_signal")
    assert not referral.risk_assessed
    # High: contact the same day; two mandatory follow-ups (policy).
    assert referral.contact_due_at == local("2026-03-02 23:59:59")
    dues = list(FollowUp.objects.filter(referral=referral).values_list("due_at", flat=True))
    assert dues == [local("2026-03-03 09:00"), local("2026-03-09 09:00")]
    assert referral.next_due_at == referral.contact_due_at
    # Nobody on duty: the whole team is alerted, with no contents in the notice.
    notices = Notification.objects.filter(kind="wellbeing_high")
    assert {n.recipient for n in notices} == {world.cora, world.cole}
    assert all("安眠药" not in n.subject + n.body for n in notices)


def test_a_submission_without_a_signal_opens_nothing(world, team):
    submit(world, text="楼上装修噪音太大")
    assert Referral.objects.count() == 0


def test_the_case_shows_only_the_bare_fact_of_the_referral(world, team):
    case = submit(world)
    event = Event.objects.get(case=case, kind=wa.CASE_EVENT_KIND)
    assert event.data == {} and event.public is False
    # Nothing of the referral's own stream is attached to the case.
    referral = Referral.objects.get(case=case)
    assert not Event.objects.filter(case=case, stream=wa.referral_stream(referral.pk)).exists()


def test_imminent_alerts_the_on_duty_counsellor_and_tells_the_staff_member_what_to_do(
    world, team, at
):
    at("2026-03-02 21:00")
    DutyShift.objects.create(
        team=team,
        counsellor=world.cora,
        starts_at=local("2026-03-02 18:00"),
        ends_at=local("2026-03-03 08:00"),
    )
    case = submit(world, text="邻里纠纷")
    opened = wa.case_mark_crisis(actor=world.alice, case=case, risk="imminent", reason="在楼顶")
    assert opened.created
    assert any("110" in line and "120" in line for line in opened.instructions)
    referral = opened.referral
    assert referral.contact_due_at == local("2026-03-02 22:00")
    dues = list(FollowUp.objects.filter(referral=referral).values_list("due_at", flat=True))
    assert dues == [local("2026-03-03 21:00"), local("2026-03-05 21:00"), local("2026-03-09 21:00")]
    alerted = set(
        Notification.objects.filter(kind="wellbeing_imminent").values_list("recipient", flat=True)
    )
    # The on-duty counsellor and the team lead; cora is on duty, cole leads.
    assert alerted == {world.cora.pk, world.cole.pk}


def test_moderate_has_a_three_day_contact_clock_and_no_mandatory_follow_up(world, team, at):
    at("2026-03-02 10:00")
    opened = wa.case_mark_crisis(actor=world.alice, case=submit(world, "x"), risk="moderate")
    assert opened.referral.contact_due_at == local("2026-03-05 10:00")
    assert not FollowUp.objects.filter(referral=opened.referral).exists()


def test_low_offers_information_with_no_clock(world, team, at):
    at("2026-03-02 10:00")
    opened = wa.case_mark_crisis(actor=world.alice, case=submit(world, "x"), risk="low")
    assert opened.referral.contact_due_at is None and opened.referral.next_due_at is None
    assert any("12356" in line for line in opened.instructions)


def test_pressing_crisis_again_raises_the_open_referral_instead_of_opening_another(world, team):
    case = submit(world)
    again = wa.case_mark_crisis(actor=world.alice, case=case, risk="imminent")
    assert not again.created and again.referral.risk == "imminent"
    assert Referral.objects.filter(case=case).count() == 1
    # The high follow-ups were re-planned as the imminent ones.
    assert FollowUp.objects.filter(referral=again.referral, state="scheduled").count() == 3


def test_staff_who_cannot_see_the_case_cannot_press_crisis_on_it(world, team):
    case = submit(world, "x")
    with pytest.raises(Exception) as exc:
        wa.case_mark_crisis(actor=world.carol, case=case)
    assert getattr(exc.value, "code", "") == "not_found"


def test_a_note_with_a_crisis_signal_opens_a_referral(world, team):
    case = submit(world, "物业不修电梯")
    assert wa.check_text_for_crisis(case=case, text="他说活着没意思，想跳楼", actor=world.alice)
    assert Referral.objects.get(case=case).source == "text_signal"
    assert wa.check_text_for_crisis(case=case, text="电梯修好了", actor=world.alice) is None


def test_assessment_sets_the_level_and_a_lower_choice_needs_a_reason(world, team, at):
    at("2026-03-02 09:00")
    referral = Referral.objects.get(case=submit(world))
    answers = AssessmentAnswers(
        ideation=3, hopelessness=3, has_plan=True, has_means=True, act_in_progress=False
    )
    with pytest.raises(Exception) as exc:
        wa.referral_assess(actor=world.cora, referral=referral, answers=answers, risk="moderate")
    assert "override_reason" in exc.value.fields
    a = wa.referral_assess(actor=world.cora, referral=referral, answers=answers, notes="n")
    referral.refresh_from_db()
    assert (a.suggested_risk, referral.risk, referral.risk_assessed) == (
        "imminent",
        "imminent",
        True,
    )
    assert referral.contact_due_at == local("2026-03-02 10:00")
    assert referral.counsellor == world.cora


def test_only_team_counsellors_can_work_on_a_referral(world, team):
    referral = Referral.objects.get(case=submit(world))
    for outsider in (world.zoe, world.ana, world.adam, world.alice):
        with pytest.raises(Exception) as exc:
            wa.referral_log_contact(actor=outsider, referral=referral, mode="phone", reached=True)
        assert exc.value.code == "not_found"


def test_contact_stops_the_contact_clock_and_follow_ups_run_to_closure(world, team, at):
    at("2026-03-02 09:00")
    referral = Referral.objects.get(case=submit(world))
    wa.referral_log_contact(actor=world.cora, referral=referral, mode="phone", reached=True)
    referral.refresh_from_db()
    assert referral.contacted_at is not None
    assert referral.next_due_at == local("2026-03-03 09:00")
    wa.referral_set_safety_plan(actor=world.cora, referral=referral, warning_signs="失眠")
    with pytest.raises(Exception) as exc:
        wa.referral_close(actor=world.cora, referral=referral, outcome="stabilised")
    assert exc.value.code == "conflict"
    for f in FollowUp.objects.filter(referral=referral):
        wa.follow_up_complete(actor=world.cora, follow_up=f, note="好转")
    wa.referral_close(actor=world.cora, referral=referral, outcome="stabilised")
    referral.refresh_from_db()
    assert referral.state == "closed" and referral.next_due_at is None


def test_a_handover_lets_a_high_referral_close_with_follow_ups_pending(world, team):
    referral = Referral.objects.get(case=submit(world))
    with pytest.raises(Exception):
        wa.referral_close(actor=world.cora, referral=referral, outcome="handed_over")
    wa.referral_hand_over(
        actor=world.cora, referral=referral, summary="转精神专科", to_other="县精神卫生中心"
    )
    wa.referral_close(actor=world.cora, referral=referral, outcome="handed_over")
    assert not FollowUp.objects.filter(referral=referral, state="scheduled").exists()


def test_a_missed_follow_up_alerts_the_team_lead_once(world, team, at):
    at("2026-03-02 09:00")
    referral = Referral.objects.get(case=submit(world))
    wa.referral_log_contact(actor=world.cora, referral=referral, mode="phone", reached=True)
    wa.referral_take(actor=world.cora, referral=referral)
    at("2026-03-03 10:00")
    report = wa.wellbeing_tick()
    assert (report.contact_overdue, report.follow_ups_missed) == (0, 1)
    missed = Notification.objects.filter(kind="wellbeing_follow_up_missed")
    assert {n.recipient for n in missed} == {world.cole, world.cora}
    assert FollowUp.objects.filter(referral=referral, state="missed").count() == 1
    assert Event.objects.filter(stream=wa.referral_stream(referral.pk), kind="follow_up_missed")
    # A second run changes nothing.
    assert wa.wellbeing_tick().follow_ups_missed == 0
    assert Notification.objects.filter(kind="wellbeing_follow_up_missed").count() == 2


def test_each_counsellor_is_alerted_in_their_own_language(world, team, at):
    from concord.accounts.models import User

    User.objects.filter(pk=world.cora.pk).update(language="zh-hans")
    User.objects.filter(pk=world.cole.pk).update(language="en")
    at("2026-03-02 09:00")
    referral = Referral.objects.get(case=submit(world))
    ref = referral.reference
    new = {n.recipient_id: n.subject for n in Notification.objects.filter(kind="wellbeing_high")}
    assert new == {
        world.cora.pk: f"新的高风险转介 {ref}",
        world.cole.pk: f"New High-risk referral {ref}",
    }
    bodies = {n.recipient_id: n.body for n in Notification.objects.filter(kind="wellbeing_high")}
    assert bodies == {
        world.cora.pk: "请在心理服务工作台中打开该转介。",
        world.cole.pk: "Open the referral in the counselling queue.",
    }
    for asker in (world.cora, world.cole):
        wa.export_request(
            actor=asker,
            team=team,
            date_from=referral.opened_at.date(),
            date_to=referral.opened_at.date(),
            reason="年度督导",
        )
    asked = Notification.objects.filter(kind="wellbeing_export_request")
    assert {n.recipient_id: n.subject for n in asked} == {
        world.cora.pk: "一项密封转介记录的导出需要第二人审批",
        world.cole.pk: "An export of sealed referrals needs a second approval",
    }
    at("2026-03-03 10:00")
    wa.wellbeing_tick()
    overdue = Notification.objects.filter(kind="wellbeing_contact_overdue")
    assert {n.recipient_id: n.subject for n in overdue} == {
        world.cole.pk: f"First contact overdue on referral {ref}"
    }
    missed = Notification.objects.filter(kind="wellbeing_follow_up_missed")
    assert {n.recipient_id: n.subject for n in missed} == {
        world.cole.pk: f"Follow-up missed on referral {ref}"
    }
    wa.case_mark_crisis(actor=world.alice, case=submit(world, "邻里纠纷"), risk="imminent")
    imminent = Notification.objects.filter(kind="wellbeing_imminent")
    subjects = {n.recipient_id: n.subject.split("：")[0].split(":")[0] for n in imminent}
    assert subjects[world.cora.pk] == "紧急危机" and subjects[world.cole.pk] == "IMMINENT crisis"


def test_a_missed_contact_clock_alerts_the_lead(world, team, at):
    at("2026-03-02 09:00")
    referral = wa.case_mark_crisis(actor=world.alice, case=submit(world, "x"), risk="moderate")
    at("2026-03-05 09:30")
    assert wa.wellbeing_tick().contact_overdue == 1
    assert Notification.objects.filter(
        kind="wellbeing_contact_overdue", recipient=world.cole
    ).exists()
    assert referral


def test_the_management_command_runs_the_tick(world, team, at, capsys):
    at("2026-03-02 09:00")
    submit(world)
    at("2026-03-04 09:00")
    call_command("wellbeing", "tick")
    out = capsys.readouterr().out
    assert "contact overdue: 1" in out and "follow-ups missed: 1" in out


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("我现在在楼顶，十分钟后就没有我了", "imminent"),
        ("I took all my pills an hour ago, goodbye", "imminent"),
        ("我已经决定了，这个月就结束自己", "high"),
        ("I've been saving up my pills for months", "high"),
        ("最近总是想死，觉得自己是家里的累赘", "moderate"),
        ("I wish I was dead, nothing matters anymore", "moderate"),
    ],
)
def test_the_detected_level_sets_the_referral_risk(world, team, text, risk):
    case = submit(world, text=text)
    referral = Referral.objects.get(case=case)
    assert referral.risk == risk
    # The counsellor sees the rule words and the model's probability.
    assert "model probability" in referral.trigger_note or "模型概率" in referral.trigger_note
