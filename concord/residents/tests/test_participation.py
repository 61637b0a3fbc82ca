"""Participation from the pages, as a signed-in resident account: suggestions and polls."""

from datetime import timedelta

import pytest
from django.utils import timezone

from concord.participation import actions as participation
from concord.participation.models import Suggestion, SuggestionSupport, Vote

pytestmark = pytest.mark.django_db


def shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_resident_submits_and_supports_a_suggestion_and_a_second_support_is_explained(
    world, client, signed_up
):
    author = signed_up(phone="13900000001", name="作者")
    client.force_login(author)
    page = client.get("/participation/suggestions/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="suggestion-form"' in page.content.decode()
    client.post(
        "/participation/suggestions/",
        {
            "step": "submit",
            "place": "V11",
            "title": "村口装路灯",
            "body": "晚上太黑，老人走路不便。",
        },
    )
    s = Suggestion.objects.get()
    assert (s.author, s.place, s.moderation) == (author, world.V11, "published")
    supporter = signed_up(phone="13900000002", name="邻居")
    client.force_login(supporter)
    first = client.post(
        "/participation/suggestions/",
        {"step": "support", "suggestion": s.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Your support was counted: 1 of 20." in shown(first)
    assert "You support this suggestion." in first.content.decode()
    second = client.post(
        "/participation/suggestions/",
        {"step": "support", "suggestion": s.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "You have already supported this suggestion." in shown(second)
    assert SuggestionSupport.objects.filter(suggestion=s).count() == 1


def test_visitors_are_asked_to_sign_in_and_nothing_is_written(world, client):
    page = client.post(
        "/participation/suggestions/",
        {"step": "submit", "place": "V11", "title": "t", "body": "b"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Sign in to suggest" in shown(page)
    assert not Suggestion.objects.exists()


def test_a_resident_of_another_county_cannot_support(world, client, signed_up):
    author = signed_up(phone="13900000001")
    s = participation.suggestion_submit(actor=author, place=world.V11, title="t", body="路灯")
    from concord.places.actions import place_upsert

    other = place_upsert(code="X", level="county", name_zh="远县", name_en="Far County")
    town = place_upsert(code="XT", level="town", name_zh="远镇", parent=other)
    village = place_upsert(code="X1", level="village", name_zh="远村", parent=town)
    stranger = signed_up(phone="13900000003", place=village)
    client.force_login(stranger)
    page = client.post(
        "/participation/suggestions/",
        {"step": "support", "suggestion": s.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Verify that you live in" in shown(page)
    assert not SuggestionSupport.objects.exists()


def test_a_phone_verified_resident_votes_once_and_the_second_vote_is_explained(
    world, client, signed_up
):
    now = timezone.now()
    poll = participation.poll_create(
        actor=world.alice,
        place=world.V11,
        question="广场舞时间",
        options=["七点", "八点"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        methods=["phone_code"],
    )
    resident = signed_up()
    client.force_login(resident)
    option = poll.options.first().pk
    url = f"/participation/polls/{poll.pk}/"
    first = client.post(url, {"step": "vote", "option": option}, follow=True)
    assert Vote.objects.filter(poll=poll, user=resident).count() == 1
    second = client.post(
        url, {"step": "vote", "option": option}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not counted twice" in shown(second)
    assert Vote.objects.filter(poll=poll).count() == 1
    assert first.status_code == 200
    # The tally stays hidden until the poll closes.
    results = client.get(f"/participation/polls/{poll.pk}/results/").content.decode()
    assert '<table class="table">' not in results
