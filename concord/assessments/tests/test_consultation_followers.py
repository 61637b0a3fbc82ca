"""Followers of a place are told when a consultation on a decision for it opens."""

from datetime import date

import pytest

from concord.accounts.models import User
from concord.assessments import actions
from concord.assessments.models import DecisionType
from concord.notifications.follows import follow
from concord.notifications.models import Notification

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
