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


def test_a_resident_applies_to_a_team_and_its_leader_accepts_on_the_leaders_page(
    world, client, signed_up
):
    team = participation.volunteer_team_create(
        actor=world.alice, unit=world.u_t1, name="探访队", kind="elderly_visiting", place=world.V11
    )
    leader = signed_up(phone="13900000001", name="队长")
    participation.volunteer_team_set_leader(actor=world.alice, team=team, leader=leader)
    applicant = signed_up(phone="13900000002", name="申请人")
    client.force_login(applicant)
    applied = client.post(
        "/participation/volunteers/",
        {"team": team.pk, "skills": "探访，陪聊", "availability": "周末"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "its leader will decide" in shown(applied)
    volunteer = team.volunteers.get()
    assert (volunteer.status, volunteer.is_active) == ("applied", False)
    assert volunteer.skills == ["探访", "陪聊"]
    # The applicant cannot decide; the leader page is not theirs.
    assert client.get(f"/participation/volunteers/teams/{team.pk}/").status_code == 404
    client.force_login(leader)
    listing = client.get("/participation/volunteers/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"/participation/volunteers/teams/{team.pk}/" in listing.content.decode()
    page = client.get(f"/participation/volunteers/teams/{team.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "申请人" in page.content.decode()
    accepted = client.post(
        f"/participation/volunteers/teams/{team.pk}/",
        {"volunteer": volunteer.pk, "decision": "accept"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "申请人 was accepted." in shown(accepted)
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.is_active) == ("accepted", True)
    again = client.post(
        f"/participation/volunteers/teams/{team.pk}/",
        {"volunteer": volunteer.pk, "decision": "decline"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "already been decided" in shown(again)


def test_a_consultation_takes_comments_signed_in_and_anonymously(world, client, signed_up):
    from concord.assessments import actions as assessments
    from concord.assessments.models import Comment, DecisionType

    today = timezone.localdate()
    decision = assessments.decision_create(
        actor=world.alice,
        title="垃圾转运站选址",
        description="拟建转运站",
        decision_type=DecisionType.objects.get(code="facility_siting"),
        owner_unit=world.u_t1,
        places=[world.V11],
        documents=[{"title": "选址报告", "url": "", "text": "距小学约650米。"}],
    )
    assessments.decision_screen(actor=world.alice, decision=decision)
    assessment = assessments.assessment_plan(
        actor=world.alice,
        decision=decision,
        leader=world.sam,
        team=[world.alice],
        method="full",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    assessments.consultation_open(actor=world.alice, assessment=assessment, opens_on=today)
    url = f"/assessments/consultations/{assessment.pk}"
    assert client.post(url, {"body": "建议晚上不施工", "stance": "oppose"}).status_code == 200
    resident = signed_up()
    client.force_login(resident)
    assert client.post(url, {"body": "支持，但要保障通行", "stance": "support"}).status_code == 200
    authors = {c.body: c.author_id for c in Comment.objects.all()}
    assert authors == {"建议晚上不施工": None, "支持，但要保障通行": resident.pk}
