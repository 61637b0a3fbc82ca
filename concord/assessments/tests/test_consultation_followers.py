# ruff: noqa: F811 -- `planned` is a fixture imported from the API tests
"""Followers of a place are told when a consultation on a decision for it opens; followers of
the consultation itself are told its decision."""

from datetime import date

import pytest

from concord.accounts.models import User
from concord.assessments import actions
from concord.assessments.models import DecisionType
from concord.notifications.follows import follow
from concord.notifications.models import Notification

from .test_api_and_followthrough import _to_report, planned  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


def _done(response) -> bool:
    return response.status_code in (200, 201)


def test_a_consultation_opening_reaches_the_followers_of_its_places(
    world, at, django_capture_on_commit_callbacks
):
    at("2026-03-02 09:00")
    near = User.objects.create_user(username="near", password="x", language="en")
    far = User.objects.create_user(username="far", password="x")
    near_zh = User.objects.create_user(username="near-zh", password="x", language="zh-hans")
    follow(actor=near, target="place", place=world.T1)  # the town around the village
    follow(actor=near_zh, target="place", place=world.V11)
    follow(actor=far, target="place", place=world.V21)
    decision = actions.decision_create(
        actor=world.alice,
        title="桃村旧村改造方案",
        description="征收桃村集体土地。",
        decision_type=DecisionType.objects.get(code="land_acquisition"),
        owner_unit=world.u_t1,
        places=[world.V11],
    )
    actions.decision_screen(actor=world.alice, decision=decision)
    a = actions.assessment_plan(
        actor=world.alice,
        decision=decision,
        leader=world.sam,
        team=[world.alice],
        method="full",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.consultation_open(actor=world.alice, assessment=a, opens_on=date(2026, 3, 3))
    told = Notification.objects.get(kind="consultation_opened", recipient=near)
    assert told.subject == "[Consultation] 桃村旧村改造方案"
    assert told.body == "Give your opinion by 2026-03-12."
    assert told.link == f"/assessments/consultations/{a.pk}"
    told_zh = Notification.objects.get(kind="consultation_opened", recipient=near_zh)
    assert told_zh.subject == "【征求意见】桃村旧村改造方案"
    assert told_zh.body == "欢迎在 2026-03-12 前发表意见。"
    assert not Notification.objects.filter(recipient=far).exists()


def test_followers_of_a_consultation_are_told_its_decision(
    world, api, at, planned, django_capture_on_commit_callbacks
):
    _to_report(world, api, at, planned)
    fan = User.objects.create_user(username="fan", password="x", language="en")
    fan_zh = User.objects.create_user(username="fan-zh", password="x", language="zh-hans")
    other = User.objects.create_user(username="other", password="x")
    follow(actor=fan, target="consultation", object_id=planned)
    follow(actor=fan_zh, target="consultation", object_id=planned)
    with django_capture_on_commit_callbacks(execute=True):
        r = api.as_user(world.sam).post(
            f"/assessments/{planned}/decide",
            {
                "outcome": "postpone",
                "decided_on": "2026-03-13",
                "body": "暂缓实施，另行选址。",
                "minutes": "讨论",
                "unanswered_reason": "第二轮评估答复。",
            },
        )
    assert r.status_code == 200, r.json()
    told = Notification.objects.get(kind="followed_answer", recipient=fan)
    assert told.language == "en"
    assert told.subject == "[Decision] 垃圾转运站选址"
    assert told.body == (
        "暂缓实施，另行选址。\nThe decision and what it did with what residents said are on the page."
    )
    told_zh = Notification.objects.get(kind="followed_answer", recipient=fan_zh)
    assert told_zh.subject == "【决定】垃圾转运站选址"
    assert told_zh.body == "暂缓实施，另行选址。\n决定和对居民意见的答复（“您说，我们做”）见页面。"
    assert told.link == f"/assessments/consultations/{planned}"
    assert not Notification.objects.filter(recipient=other).exists()


def test_commenters_hear_of_moderation_and_of_the_decision_in_their_language(
    world, api, at, planned, django_capture_on_commit_callbacks
):
    from concord.assessments.models import Consultation

    commit = django_capture_on_commit_callbacks
    zh = User.objects.create_user(username="zh", password="x", language="zh-hans")
    en = User.objects.create_user(username="en", password="x", language="en")
    api.as_user(world.alice)
    assert _done(api.post(f"/assessments/{planned}/consultation", {"opens_on": "2026-03-02"}))
    consultation = Consultation.objects.get(assessment_id=planned)
    said = {
        person: actions.comment_submit(consultation=consultation, body="太近了。", author=person)[0]
        for person in (zh, en)
    }
    for comment in said.values():
        with commit(execute=True):
            actions.comment_moderate(actor=world.alice, comment=comment, hide=True, reason="广告")
    mine = Notification.objects.get(kind="consultation_moderated", recipient=zh)
    theirs = Notification.objects.get(kind="consultation_moderated", recipient=en)
    assert mine.subject == f"您的意见 {said[zh].code} 已被审核处理"
    assert theirs.subject == f"Your consultation comment {said[en].code} was moderated"

    at("2026-03-12 09:00")
    assert _done(api.post(f"/assessments/{planned}/consultation/close"))
    risk = {
        "dimension": "controllability",
        "title": "周边居民反对",
        "likelihood": 2,
        "impact": 4,
        "mitigation": "密闭运行",
        "owner_unit": "GC-T1",
    }
    assert _done(api.post(f"/assessments/{planned}/risk-points", risk))
    assert _done(api.post(f"/assessments/{planned}/report", {"contingency_plan": "值守。"}))
    decided = {
        "outcome": "postpone",
        "decided_on": "2026-03-13",
        "body": "暂缓实施。",
        "minutes": "讨论",
        "unanswered_reason": "第二轮评估答复。",
    }
    with commit(execute=True):
        assert _done(api.as_user(world.sam).post(f"/assessments/{planned}/decide", decided))
    mine = Notification.objects.get(kind="consultation_decided", recipient=zh)
    theirs = Notification.objects.get(kind="consultation_decided", recipient=en)
    assert (mine.subject, mine.body) == (
        "决策已作出：垃圾转运站选址",
        "查看决策对您所提意见的采纳和回应情况。",
    )
    assert (theirs.subject, theirs.body) == (
        "Decision made: 垃圾转运站选址",
        "See what the decision did with what you said.",
    )
