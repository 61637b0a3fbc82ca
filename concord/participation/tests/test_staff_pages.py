"""The staff side of participation from a page: moderate held suggestions, answer those that
reached their support, create polls and volunteer teams; each through the API's own action."""

import pytest

from concord.core.models import Event
from concord.participation import actions
from concord.participation.models import Moderation, Poll, SuggestionStatus, VolunteerTeam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.CONCORD = {**settings.CONCORD, "SUGGESTION_SUPPORT_THRESHOLD": 2}


def test_a_caseworker_moderates_and_answers_suggestions_from_the_page(world, client, residents):
    held = actions.suggestion_submit(
        actor=world.resident, place=world.V11, title="兼职", body="兼职刷单日结，加微信 13812345678"
    )
    assert held.moderation == Moderation.HELD
    ok = actions.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    for user in residents(2):
        ok = actions.suggestion_support(actor=user, suggestion=ok)
    assert ok.status == SuggestionStatus.AWAITING_RESPONSE and ok.unit == world.u_t1
    client.force_login(world.alice)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/participation/staff/").content.decode()
    assert f'id="held-{held.pk}"' in html and f'id="awaiting-{ok.pk}"' in html
    assert "待审核的建议" in html and "Suggestions held" not in html
    r = client.post(
        "/participation/staff/", {"op": "reject", "suggestion": held.pk, "reason": "广告"}
    )
    assert r.status_code == 302
    held.refresh_from_db()
    assert held.moderation == Moderation.REJECTED and held.moderation_reason == "广告"
    r = client.post(
        "/participation/staff/", {"op": "respond", "suggestion": ok.pk, "text": "本月内安装。"}
    )
    assert r.status_code == 302
    ok.refresh_from_db()
    assert ok.status == SuggestionStatus.RESPONDED and ok.responded_by == world.alice
    assert Event.objects.filter(stream=f"suggestion:{ok.pk}", kind="suggestion_responded").exists()


def test_polls_and_volunteer_teams_are_created_from_the_page(world, client):
    client.force_login(world.alice)
    r = client.post(
        "/participation/staff/",
        {
            "op": "poll",
            "place": world.V11.code,
            "question": "广场舞时间",
            "options": "晚七点\n晚八点\n",
            "opens_at": "2026-09-01T08:00",
            "closes_at": "2026-09-08T20:00",
        },
    )
    assert r.status_code == 302
    poll = Poll.objects.get()
    assert [o.label for o in poll.options.order_by("position")] == ["晚七点", "晚八点"]
    assert poll.created_by == world.alice
    r = client.post(
        "/participation/staff/",
        {
            "op": "team",
            "unit": world.u_t1.pk,
            "place": world.T1.code,
            "name": "调解志愿队",
            "kind": "mediation",
        },
    )
    assert r.status_code == 302
    assert VolunteerTeam.objects.get().unit == world.u_t1
    # A refusal comes back on the page, in its language.
    client.cookies["django_language"] = "en"
    r = client.post(
        "/participation/staff/",
        {"op": "poll", "place": world.V11.code, "question": "x", "options": "only one"},
    )
    assert r.status_code == 400 and "Give the opening and closing times." in r.content.decode()


def test_the_page_is_for_staff_who_handle_cases(world, client):
    client.force_login(world.ana)  # an analyst handles no cases
    assert client.get("/participation/staff/").status_code == 403
    client.force_login(world.resident)
    assert client.get("/participation/staff/").status_code == 403


def test_paper_ballots_are_entered_and_checked_by_two_people_and_volunteer_hours_kept(
    world, client
):
    from datetime import timedelta

    from django.utils import timezone

    from concord.participation.models import HoursEntry, VolunteerAssignment, Vote

    now = timezone.now()
    poll = actions.poll_create(
        actor=world.alice,
        place=world.V11,
        question="广场舞时间",
        options=["晚七点", "晚八点"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )
    first = poll.options.order_by("position").first()
    client.force_login(world.alice)
    r = client.post(
        "/participation/staff/",
        {"op": "paper", "poll": poll.pk, "phone": "13800003333", "options": [first.pk]},
    )
    assert r.status_code == 302
    vote = Vote.objects.get(poll=poll)
    assert vote.entered_by == world.alice and vote.confirmed_at is None
    # The person who entered it cannot check it: it is not offered to them.
    assert (
        f'name="vote" value="{vote.pk}"' not in client.get("/participation/staff/").content.decode()
    )
    client.force_login(world.bob)  # a mediator of the village
    assert f'name="vote" value="{vote.pk}"' in client.get("/participation/staff/").content.decode()
    client.post("/participation/staff/", {"op": "confirm", "vote": vote.pk})
    vote.refresh_from_db()
    assert vote.confirmed_by == world.bob
    # Volunteers: assigned to an activity and their hours recorded, from the same page.
    team = actions.volunteer_team_create(
        actor=world.alice, unit=world.u_t1, name="巡逻队", kind="safety_patrol", place=world.V11
    )
    volunteer = actions.volunteer_sign_up(actor=world.resident, team=team, skills=[])
    client.force_login(world.alice)
    client.post(
        "/participation/staff/",
        {"op": "assign", "volunteer": volunteer.pk, "event_name": "夜间巡逻", "role": "组长"},
    )
    assignment = VolunteerAssignment.objects.get(volunteer=volunteer)
    assert assignment.event_name == "夜间巡逻" and assignment.assigned_by == world.alice
    r = client.post(
        "/participation/staff/",
        {
            "op": "hours",
            "assignment": assignment.pk,
            "day": str(timezone.localdate()),
            "hours": "2.5",
        },
    )
    assert r.status_code == 302
    assert HoursEntry.objects.get(assignment=assignment).hours == 2.5


def test_a_convention_and_its_next_version_are_published_from_the_page(world, client):
    from concord.participation.models import Convention

    client.force_login(world.alice)
    adopted = {
        "op": "convention",
        "kind": "village_rules",
        "text": "第一条 爱护公共设施。",
        "adopted_on": "2026-05-10",
        "consultation": "村民代表会议讨论两次。",
        "meeting_attendance": "40",
        "votes_for": "35",
        "votes_against": "3",
        "abstentions": "2",
    }
    r = client.post(
        "/participation/staff/", {**adopted, "place": world.V11.code, "title": "桃村村规民约"}
    )
    assert r.status_code == 302
    convention = Convention.objects.get()
    assert convention.title == "桃村村规民约" and convention.versions.count() == 1
    r = client.post(
        "/participation/staff/",
        {**adopted, "convention": convention.pk, "text": "第一条 爱护公共设施和绿地。"},
    )
    assert r.status_code == 302
    assert list(convention.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    # Fewer than half the meeting in favour: refused, with the reason on the page.
    client.cookies["django_language"] = "en"
    r = client.post(
        "/participation/staff/",
        {**adopted, "convention": convention.pk, "votes_for": "10"},
    )
    assert r.status_code == 400
    assert "more than half" in r.content.decode()
    assert convention.versions.count() == 2
