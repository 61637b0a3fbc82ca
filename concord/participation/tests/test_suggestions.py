"""Suggestions: support from verified residents, the response clock, moderation, similarity."""

from datetime import date

import pytest

from concord.core.calendars import platform_calendar
from concord.core.errors import Conflict, PermissionDenied
from concord.core.models import Event
from concord.participation import actions
from concord.participation.models import Moderation, SuggestionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.CONCORD = {**settings.CONCORD, "SUGGESTION_SUPPORT_THRESHOLD": 3}


def submit(world, title="村口增设路灯", body="晚上村口太暗，建议增设两盏路灯。"):
    return actions.suggestion_submit(actor=world.resident, place=world.V11, title=title, body=body)


def test_reaching_the_threshold_starts_a_fifteen_working_day_response_clock(world, residents, at):
    at("2026-09-30 10:00")  # the National Day holiday follows
    s = submit(world)
    assert s.unit == world.u_t1 and s.status == SuggestionStatus.OPEN
    for user in residents(3):
        s = actions.suggestion_support(actor=user, suggestion=s)
    assert s.status == SuggestionStatus.AWAITING_RESPONSE
    assert s.response_due == platform_calendar().add_working_days(date(2026, 9, 30), 15)
    assert s.response_due > date(2026, 10, 21)  # the holiday week is not counted
    assert Event.objects.filter(stream=f"suggestion:{s.pk}", kind="threshold_reached").exists()


def test_the_unit_responds_in_public_and_an_overdue_response_is_marked(world, residents, at):
    at("2026-03-02 09:00")
    s = submit(world)
    for user in residents(3):
        s = actions.suggestion_support(actor=user, suggestion=s)
    at("2026-04-01 09:00")
    assert actions.suggestion_clock_tick() == 1
    with pytest.raises(PermissionDenied):
        actions.suggestion_respond(actor=world.carol, suggestion=s, text="…")
    s = actions.suggestion_respond(actor=world.alice, suggestion=s, text="已列入下月计划。")
    assert s.status == SuggestionStatus.RESPONDED and s.response_overdue


def test_one_support_per_resident_even_from_a_second_verified_account(world, residents):
    s = submit(world)
    (first,) = residents(1)
    actions.suggestion_support(actor=first, suggestion=s)
    with pytest.raises(Conflict):
        actions.suggestion_support(actor=first, suggestion=s)
    # The same person verified again on another account: same phone, same person.
    twin = type(first).objects.create_user(username="twin", password="x")
    actions.verification_in_person(
        actor=world.grace, resident=twin, place=world.G111, phone="13800000000"
    )
    with pytest.raises(Conflict):
        actions.suggestion_support(actor=twin, suggestion=s)
    s.refresh_from_db()
    assert s.support_count == 1 and s.supports.count() == 1


def test_unverified_residents_cannot_support(world):
    s = submit(world)
    with pytest.raises(PermissionDenied):
        actions.suggestion_support(actor=world.resident, suggestion=s)


def test_spam_is_held_with_the_reason_shown_to_the_author(world, api):
    response = api.as_user(world.resident).post(
        "/participation/suggestions",
        {"place": "V11", "title": "兼职", "body": "兼职刷单日结，加微信 13812345678"},
    )
    body = response.json()
    assert response.status_code == 200 and body["moderation"] == Moderation.HELD
    assert str(actions.MODERATION_REASONS["spam"]) in body["moderation_reason"]
    assert str(actions.MODERATION_REASONS["personal_data"]) in body["moderation_reason"]
    listed = api.anonymous().get("/participation/suggestions").json()["items"]
    assert body["id"] not in [i["id"] for i in listed]
    # The author still sees it, with the reason; the moderator rejects it with a reason.
    mine = api.as_user(world.resident).get(f"/participation/suggestions/{body['id']}").json()
    assert mine["moderation_reason"] == body["moderation_reason"]
    rejected = (
        api.as_user(world.alice)
        .post(
            f"/participation/suggestions/{body['id']}/moderate",
            {"publish": False, "reason": "广告"},
        )
        .json()
    )
    assert rejected["moderation"] == "rejected" and rejected["moderation_reason"] == "广告"


def test_similar_suggestions_are_linked(world):
    first = submit(world)
    unrelated = submit(world, title="希望开设老年食堂", body="老人吃饭不方便，希望开设老年食堂。")
    second = submit(world, title="村口增设路灯", body="村口晚上太暗了，建议增设路灯。")
    assert list(second.similar.all()) == [first]
    assert unrelated not in first.similar.all()


def test_the_author_and_followers_hear_of_the_response_in_their_language(
    world, residents, django_capture_on_commit_callbacks
):
    from concord.accounts.models import User
    from concord.notifications.follows import follow
    from concord.notifications.models import Notification

    zh_author, en_author = world.resident, residents(1)[0]
    User.objects.filter(pk=zh_author.pk).update(language="zh-hans")
    User.objects.filter(pk=en_author.pk).update(language="en")
    zh_author.refresh_from_db()
    en_author.refresh_from_db()
    mine = submit(world)
    theirs = actions.suggestion_submit(
        actor=en_author, place=world.V11, title="Bus stop shelter", body="Rain at the bus stop."
    )
    # Each author follows the other's suggestion and so hears of its response too.
    follow(actor=zh_author, target="suggestion", object_id=theirs.pk)
    follow(actor=en_author, target="suggestion", object_id=mine.pk)
    for s, text in ((mine, "已列入下月计划。"), (theirs, "Planned for May.")):
        with django_capture_on_commit_callbacks(execute=True):
            actions.suggestion_respond(actor=world.alice, suggestion=s, text=text)

    def told(kind, person):
        note = Notification.objects.get(kind=kind, recipient=person)
        return note.subject, note.body

    assert told("suggestion_response", zh_author) == (
        "您的建议“村口增设路灯”已答复",
        "已列入下月计划。",
    )
    assert told("suggestion_response", en_author) == (
        "Your suggestion “Bus stop shelter” was answered",
        "Planned for May.",
    )
    assert told("followed_answer", zh_author) == (
        "【建议答复】Bus stop shelter",
        "Planned for May.",
    )
    assert told("followed_answer", en_author) == (
        "[Suggestion answered] 村口增设路灯",
        "已列入下月计划。",
    )
