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


def test_a_consultation_opening_reaches_the_followers_of_its_places(
    world, at, django_capture_on_commit_callbacks
):
    at("2026-03-02 09:00")
    near = User.objects.create_user(username="near", password="x", language="en")
    far = User.objects.create_user(username="far", password="x")
    follow(actor=near, target="place", place=world.T1)  # the town around the village
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
    (told,) = Notification.objects.filter(kind="consultation_opened")
    assert told.recipient == near
    assert told.subject == "[Consultation] 桃村旧村改造方案" and "2026-03-12" in told.body
    assert told.link == f"/assessments/consultations/{a.pk}"


def test_followers_of_a_consultation_are_told_its_decision(
    world, api, at, planned, django_capture_on_commit_callbacks
):
    _to_report(world, api, at, planned)
    fan = User.objects.create_user(username="fan", password="x", language="en")
    other = User.objects.create_user(username="other", password="x")
    follow(actor=fan, target="consultation", object_id=planned)
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
    (told,) = Notification.objects.filter(kind="followed_answer")
    assert told.recipient == fan and told.language == "en"
    assert told.subject == "[Decision] 垃圾转运站选址"
    assert told.body.startswith("暂缓实施，另行选址。\nThe decision and what it did")
    assert told.link == f"/assessments/consultations/{planned}"
    assert not Notification.objects.filter(recipient=other).exists()
