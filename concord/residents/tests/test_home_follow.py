"""A resident follows their home place from sign-up, and when it changes: its public warnings
reach them. Unfollowing stays possible; places are followed over the API too (residents)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from concord.notifications.models import Follow, Notification
from concord.residents import actions
from concord.safety import actions as safety

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def places_followed(user) -> list[str]:
    rows = Follow.objects.filter(user=user, target="place").order_by("place_path")
    return [f.place.code for f in rows]


def issue(world, places):
    return safety.warning_issue(
        actor=world.sam,
        colour="orange",
        hazard_type="flood",
        title_zh="暴雨橙色预警",
        title_en="Orange rainstorm warning",
        instructions_zh="请远离河道。",
        instructions_en="Stay away from the river.",
        places=places,
        ends_at=datetime(2026, 7, 2, 20, 0, tzinfo=TZ),
    )


def test_signing_up_follows_the_home_place_and_its_warnings_reach_the_resident(
    world, signed_up, at, django_capture_on_commit_callbacks
):
    at("2026-07-01 20:00")
    user = signed_up(place=world.G111)
    assert places_followed(user) == [world.G111.code]
    with django_capture_on_commit_callbacks(execute=True):
        issue(world, [world.V11])  # the village around the home grid
    told = Notification.objects.get(recipient=user, kind="warning")
    assert "暴雨橙色预警" in told.subject


def test_a_new_home_place_is_followed_and_the_old_one_stays_until_unfollowed(
    world, signed_up, client
):
    user = signed_up(place=world.V11)
    actions.resident_update(
        actor=user, display_name="王芳", home_place=world.V11, language="en", email=""
    )
    assert places_followed(user) == [world.V11.code]
    actions.resident_update(
        actor=user, display_name="王芳", home_place=world.V21, language="zh-hans", email=""
    )
    assert sorted(places_followed(user)) == sorted([world.V11.code, world.V21.code])
    # Unfollowing from the public page stays possible, and saving the profile again (same home)
    # does not follow it again.
    client.force_login(user)
    home = Follow.objects.get(user=user, place=world.V21)
    assert client.post("/safety/follow/", {"unfollow": home.pk}).status_code == 302
    assert (
        client.post(
            "/me/account/",
            {"step": "profile", "display_name": "王芳", "home": world.V21.code, "language": "en"},
        ).status_code
        == 302
    )
    assert places_followed(user) == [world.V11.code]


def test_the_account_page_follows_the_home_place_picked_there(world, signed_up, client):
    user = signed_up(place=world.V11)
    client.force_login(user)
    r = client.post(
        "/me/account/",
        {"step": "profile", "display_name": "王芳", "home": world.G111.code, "language": "en"},
    )
    assert r.status_code == 302
    assert world.G111.code in places_followed(user)


def test_residents_follow_and_unfollow_places_over_the_api_as_on_the_page(world, signed_up, api):
    user = signed_up(place=world.V11)
    api.as_user(user)
    r = api.post("/notifications/follows/places", {"place": world.T1.code})
    assert r.status_code == 201 and r.json()["place"] == world.T1.code
    again = api.post("/notifications/follows/places", {"place": world.T1.code})
    assert again.json()["id"] == r.json()["id"]  # following twice is one follow
    listed = api.get("/notifications/follows").json()
    assert sorted(f["place"] for f in listed) == sorted([world.T1.code, world.V11.code])
    assert api.post("/notifications/follows/places", {"place": "NOPE"}).status_code == 400
    left = api.post("/notifications/follows/places/remove", {"place": world.V11.code}).json()
    assert [f["place"] for f in left] == [world.T1.code]
    assert places_followed(user) == [world.T1.code]
    # The follow and the unfollow are on the resident's audit stream, as from the page.
    from concord.core.models import Event

    kinds = list(
        Event.objects.filter(stream=f"user:{user.pk}:follows").values_list("kind", flat=True)
    )
    assert kinds.count("followed") == 2 and kinds.count("unfollowed") == 1


def test_staff_and_visitors_cannot_follow_places_over_the_api(world, api):
    body = {"place": world.V11.code}
    assert api.as_user(world.alice).post("/notifications/follows/places", body).status_code == 403
    assert api.anonymous().post("/notifications/follows/places", body).status_code == 401
    assert not Follow.objects.exists()
