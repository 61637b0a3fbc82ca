"""Followers of one suggestion, consultation or policy notice are told when it is answered:
through the answer's own action, after its commit, in their language, by inbox and their channel;
someone told already under the same answer (the asker who follows) is told once."""

from datetime import date

import pytest
from django.db import transaction

from concord.accounts.models import User
from concord.core.errors import NotFound
from concord.notifications.follows import follow, followed_ids, unfollow
from concord.notifications.models import Delivery, Notification, Preference
from concord.participation import actions as participation
from concord.participation.models import Moderation, Suggestion
from concord.safety import actions as safety

pytestmark = pytest.mark.django_db


def person(name: str, *, language: str = "zh-hans", phone: str = "") -> User:
    user = User.objects.create_user(username=name, password="x", language=language)
    if phone:
        Preference.objects.create(user=user, sms=True, phone=phone, language=language)
    return user


def test_followers_of_a_suggestion_are_told_its_written_response(
    world, at, django_capture_on_commit_callbacks
):
    at("2026-03-02 09:00")
    s = participation.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    fan = person("fan", language="en", phone="13800001111")
    other = person("other")
    follow(actor=fan, target="suggestion", object_id=s.pk)
    follow(actor=fan, target="suggestion", object_id=s.pk)  # twice is one follow
    follow(actor=world.resident, target="suggestion", object_id=s.pk)
    assert followed_ids(fan, "suggestion", [s.pk, s.pk + 1]) == {s.pk}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        participation.suggestion_respond(actor=world.alice, suggestion=s, text="已列入下月计划。")
    assert callbacks, "the followers are told after the commit"
    (told,) = Notification.objects.filter(kind="followed_answer")
    assert told.recipient == fan and told.language == "en"
    assert told.subject == "[Suggestion answered] 村口增设路灯"
    assert told.body == "已列入下月计划。"
    assert told.link == f"/participation/suggestions/#suggestion-{s.pk}"
    media = set(Delivery.objects.filter(notification=told).values_list("medium", "address"))
    assert media == {("inbox", ""), ("sms", "13800001111")}
    assert not Notification.objects.filter(recipient=other).exists()
    # The author, who follows their own suggestion too, gets the written response once.
    (own,) = Notification.objects.filter(recipient=world.resident)
    assert own.kind == "suggestion_response" and own.statutory and own.body == "已列入下月计划。"


def test_an_answer_that_fails_to_commit_tells_nobody(world, at, django_capture_on_commit_callbacks):
    at("2026-03-02 09:00")
    s = participation.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    follow(actor=person("fan"), target="suggestion", object_id=s.pk)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            participation.suggestion_respond(actor=world.alice, suggestion=s, text="已列入计划。")
            raise RuntimeError("rolled back")
    assert not Notification.objects.exists()
    assert Suggestion.objects.get(pk=s.pk).response == ""


def test_only_public_things_are_followed_and_an_unfollower_is_not_told(
    world, at, django_capture_on_commit_callbacks
):
    at("2026-03-02 09:00")
    s = participation.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    fan = person("fan")
    with pytest.raises(NotFound):
        follow(actor=fan, target="notice", object_id=999_999)
    Suggestion.objects.filter(pk=s.pk).update(moderation=Moderation.HELD)
    with pytest.raises(NotFound):
        follow(actor=fan, target="suggestion", object_id=s.pk)
    Suggestion.objects.filter(pk=s.pk).update(moderation=Moderation.PUBLISHED)
    row = follow(actor=fan, target="suggestion", object_id=s.pk)
    unfollow(actor=fan, follow_id=row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        participation.suggestion_respond(actor=world.alice, suggestion=s, text="已列入下月计划。")
    assert not Notification.objects.filter(kind="followed_answer").exists()


def test_followers_of_a_policy_notice_are_told_an_answer_and_the_asker_once(
    world, at, django_capture_on_commit_callbacks
):
    at("2026-04-01 09:00")
    notice = safety.policy_publish(
        actor=world.alice,
        title_zh="农村危房改造补助办法",
        title_en="Rural housing subsidy",
        body="第一条 ……",
        interpretation_zh="危房农户可申请补助。",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 4, 1),
    )
    fan = person("fan", language="en")
    follow(actor=fan, target="notice", object_id=notice.pk)
    follow(actor=world.resident, target="notice", object_id=notice.pk)
    question = safety.policy_question_ask(
        notice=notice, text="租的房子能申请补助吗？", actor=world.resident
    )
    with django_capture_on_commit_callbacks(execute=True):
        safety.policy_question_answer(actor=world.alice, question=question, answer="请房东申请。")
    told = Notification.objects.get(recipient=fan, kind="followed_answer")
    assert told.subject == "[Policy answer] Rural housing subsidy"
    assert told.body == "Q: 租的房子能申请补助吗？\nA: 请房东申请。"
    assert told.link == f"/safety/policies/{notice.pk}/" and not told.statutory
    # The asker follows too: one message, the statutory answer to their own question.
    (asker,) = Notification.objects.filter(recipient=world.resident)
    assert asker.kind == "policy_answer" and asker.statutory
