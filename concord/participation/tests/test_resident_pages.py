"""Resident pages: polls (verify, vote once, results after close), conventions, volunteer teams."""

import re
from datetime import date, datetime

import pytest

from concord.participation import actions
from concord.participation.models import (
    ConventionKind,
    ResidentVerification,
    TeamKind,
    Volunteer,
    Vote,
)

pytestmark = pytest.mark.django_db
SH = "+08:00"


def make_poll(world, **kw):
    return actions.poll_create(
        actor=world.alice,
        place=world.V11,
        question="文化广场建在哪里？",
        options=["村委会旁", "小学旁", "河边"],
        opens_at=datetime.fromisoformat(f"2026-05-01T08:00{SH}"),
        closes_at=datetime.fromisoformat(f"2026-05-08T20:00{SH}"),
        **kw,
    )


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_polls_list_and_a_poll_page_are_public(
    world, client, at, django_assert_max_num_queries
):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    for i in range(3):
        make_poll(world, description=str(i))
    with django_assert_max_num_queries(6):
        listing = client.get("/participation/polls/")
    assert listing.status_code == 200 and "文化广场建在哪里？" in listing.content.decode()
    page = client.get(f"/participation/polls/{poll.pk}/")
    assert page.status_code == 200
    assert (
        "/accounts/resident/" in page.content.decode()
        and 'name="option"' not in page.content.decode()
    )
    assert client.get("/participation/polls/999999/").status_code == 404


def test_an_anonymous_visitor_cannot_vote_through_the_page(world, client, at):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    option = poll.options.first()
    client.post(f"/participation/polls/{poll.pk}/", {"step": "vote", "option": option.pk})
    assert not Vote.objects.exists()


def test_a_resident_verifies_by_phone_and_votes_once_through_the_page(
    world, client, at, fake_sms, django_capture_on_commit_callbacks
):
    at("2026-05-02 09:00")
    poll = make_poll(world)
    first, second = list(poll.options.all())[:2]
    client.force_login(world.resident)
    page = client.get(f"/participation/polls/{poll.pk}/")
    assert 'name="phone"' in page.content.decode() and 'name="option"' not in page.content.decode()
    # Voting before verification is refused.
    r = client.post(
        f"/participation/polls/{poll.pk}/",
        {"step": "vote", "option": first.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert any("Verify that you live" in m for m in shown_messages(r))
    assert not Vote.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/participation/polls/{poll.pk}/", {"step": "phone", "phone": "13900002222"})
    code = re.search(r"\d{6}", fake_sms.sent[-1]["text"]).group()
    client.post(f"/participation/polls/{poll.pk}/", {"step": "code", "code": code})
    assert ResidentVerification.objects.filter(user=world.resident).exists()
    page = client.get(f"/participation/polls/{poll.pk}/")
    assert 'type="radio" name="option"' in page.content.decode()
    client.post(f"/participation/polls/{poll.pk}/", {"step": "vote", "option": first.pk})
    r = client.post(
        f"/participation/polls/{poll.pk}/",
        {"step": "vote", "option": second.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert any("already been recorded" in m for m in shown_messages(r))
    r = client.post(
        f"/participation/polls/{poll.pk}/", {"step": "vote", "option": ["²", "9" * 40]}, follow=True
    )
    assert r.status_code == 200
    vote = Vote.objects.get(poll=poll)
    assert list(vote.options.all()) == [first]


def test_a_resident_verifies_by_census_on_the_page(world, client, at):
    at("2026-05-02 09:00")
    actions.census_upload(
        actor=world.alice,
        place=world.V11,
        rows=[{"id_number": "33010219800101001X", "phone": "13800001234"}],
    )
    poll = make_poll(world, methods=["census"])
    page = client.get(f"/participation/polls/{poll.pk}/")
    client.force_login(world.resident)
    page = client.get(f"/participation/polls/{poll.pk}/")
    assert (
        'name="id_number"' in page.content.decode() and 'name="phone"' not in page.content.decode()
    )
    client.post(f"/participation/polls/{poll.pk}/", {"step": "census", "id_number": "999"})
    assert not ResidentVerification.objects.exists()
    client.post(
        f"/participation/polls/{poll.pk}/", {"step": "census", "id_number": "33010219800101001x"}
    )
    assert ResidentVerification.objects.get().method == "census"


def test_results_page_hides_the_tally_until_the_poll_closes(world, residents, client, at, settings):
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 0}  # the tally itself, unhidden
    at("2026-05-02 09:00")
    poll = make_poll(world)
    first, second, _third = list(poll.options.all())
    voters = residents(3)
    for user, option in zip(voters, [first, first, second], strict=True):
        actions.poll_vote(actor=user, poll=poll, option_ids=[option.pk])
    hidden = client.get(
        f"/participation/polls/{poll.pk}/results/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "published when the poll closes" in hidden and "<td>2</td>" not in hidden
    at("2026-05-09 09:00")
    shown = client.get(f"/participation/polls/{poll.pk}/results/").content.decode()
    assert "<td>村委会旁</td><td>2</td>" in shown and "<td>小学旁</td><td>1</td>" in shown
    # Three verified residents, all voted: turnout 100%.
    assert "100%" in shown


def test_conventions_pages_show_versions_and_the_adopting_consultation(
    world, client, django_assert_max_num_queries
):
    v1 = actions.convention_publish(
        actor=world.bob,
        place=world.V11,
        kind=ConventionKind.VILLAGE_RULES,
        title="桃村村规民约",
        text="一、邻里互助。",
        adopted_on=date(2025, 3, 1),
        consultation="村民代表会议讨论两次，公示十天。",
        meeting_attendance=40,
        votes_for=35,
    )
    actions.convention_publish(
        actor=world.bob,
        place=world.V11,
        kind=v1.convention.kind,
        title="",
        text="二、移风易俗。",
        adopted_on=date(2026, 3, 1),
        consultation="村民会议表决通过。",
        meeting_attendance=50,
        votes_for=44,
        convention=v1.convention,
    )
    for i in range(3):
        actions.convention_publish(
            actor=world.bob,
            place=world.V11,
            kind=ConventionKind.RESIDENTS_CONVENTION,
            title=f"公约{i}",
            text="t",
            adopted_on=date(2025, 1, 1),
            consultation="c",
        )
    with django_assert_max_num_queries(8):
        listing = client.get("/participation/conventions/").content.decode()
    assert "桃村村规民约" in listing and "公约2" in listing
    page = client.get(f"/participation/conventions/{v1.convention_id}/").content.decode()
    assert "一、邻里互助。" in page and "二、移风易俗。" in page
    assert "村民代表会议讨论两次" in page and "村民会议表决通过。" in page
    assert client.get("/participation/conventions/999999/").status_code == 404


def test_volunteer_teams_list_and_sign_up(world, client, django_assert_max_num_queries):
    team = actions.volunteer_team_create(
        actor=world.bob,
        unit=world.u_v11_med,
        name="桃村调解志愿队",
        kind=TeamKind.MEDIATION,
        place=world.V11,
    )
    for i in range(3):
        actions.volunteer_team_create(
            actor=world.alice,
            unit=world.u_t1,
            name=f"巡逻队{i}",
            kind=TeamKind.SAFETY_PATROL,
            place=world.T1,
        )
    with django_assert_max_num_queries(6):
        listing = client.get("/participation/volunteers/").content.decode()
    assert "桃村调解志愿队" in listing and 'name="team"' not in listing
    client.post("/participation/volunteers/", {"team": team.pk, "skills": "调解"})
    assert not Volunteer.objects.exists()
    client.force_login(world.resident)
    for bad in ["", "abc", "²", "9" * 40]:
        assert client.post("/participation/volunteers/", {"team": bad}).status_code == 302
    assert not Volunteer.objects.exists()
    assert 'name="team"' in client.get("/participation/volunteers/").content.decode()
    client.post(
        "/participation/volunteers/",
        {"team": team.pk, "skills": "调解，法律常识", "availability": "周末"},
    )
    v = Volunteer.objects.get()
    assert (v.user, v.team, v.skills, v.availability) == (
        world.resident,
        team,
        ["调解", "法律常识"],
        "周末",
    )
    r = client.post(
        "/participation/volunteers/", {"team": team.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "You have already applied to or joined this team." in shown_messages(r)
    assert Volunteer.objects.count() == 1


def test_a_small_volunteer_team_shows_fewer_than_k_members(world, client, settings):
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 2}
    team = actions.volunteer_team_create(
        actor=world.bob,
        unit=world.u_v11_med,
        name="桃村调解志愿队",
        kind=TeamKind.MEDIATION,
        place=world.V11,
    )
    client.force_login(world.resident)
    client.post("/participation/volunteers/", {"team": team.pk, "skills": "调解"})
    assert Volunteer.objects.count() == 1
    page = client.get("/participation/volunteers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fewer than 2" in page
