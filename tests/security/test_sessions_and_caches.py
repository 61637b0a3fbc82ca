"""Staff sessions end; private answers are not cached; the API's tracking URL works; the admin
issues API tokens (issue 20, point 7)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from concord.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_session_limits(settings):
    settings.CONCORD_STAFF_SESSION_IDLE_MINUTES = 30
    settings.CONCORD_STAFF_SESSION_MAX_HOURS = 12


GOOD = {"kind": "dispute", "title": "邻居噪音", "description": "每晚到凌晨", "place": "V11"}


def test_a_staff_session_ends_after_30_idle_minutes(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(world.alice)
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/staff/").status_code == 200  # each request keeps it alive
        clock.shift(timedelta(minutes=31))
        ended = client.get("/staff/")
        assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
        assert client.get("/api/v1/cases").status_code == 401


def test_a_busy_staff_session_still_ends_after_12_hours(world, client, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(world.alice)
        for _ in range(12 * 3):
            assert client.get("/staff/").status_code == 200
            clock.shift(timedelta(minutes=20))
        clock.shift(timedelta(minutes=1))
        assert client.get("/staff/").status_code == 302
    settings.CONCORD_STAFF_SESSION_MAX_HOURS = 1  # configurable
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(world.alice)
        client.get("/staff/")
        clock.shift(timedelta(minutes=61))
        assert client.get("/staff/").status_code == 302


def test_answers_with_tokens_or_contacts_are_not_stored(world, api, client):
    created = api.post("/cases", GOOD)
    assert "no-store" in created["Cache-Control"]
    body = created.json()
    track = api.get(f"/cases/track/{body['receipt_code']}", token=body["tracking_token"])
    assert "no-store" in track["Cache-Control"]
    client.post("/file/", GOOD)
    receipt = client.get("/receipt/")
    assert "no-store" in receipt["Cache-Control"]
    client.force_login(world.zoe)
    case_page = client.get(f"/staff/cases/{body['id']}/")
    assert case_page.status_code == 200 and "no-store" in case_page["Cache-Control"]


def test_the_apis_tracking_url_is_the_working_tracking_page(world, api, client):
    body = api.post("/cases", GOOD).json()
    page = client.get(body["tracking_url"])
    assert page.status_code == 200
    assert body["receipt_code"] in page.content.decode()


def test_the_admin_adds_a_second_api_token_and_sees_it_once(world, client):
    world.adam.is_staff = world.adam.is_superuser = True
    world.adam.save()
    client.force_login(world.adam)
    for name in ("first app", "second app"):
        answer = client.post(
            "/admin/accounts/apitoken/add/", {"user": world.alice.pk, "name": name}, follow=True
        )
        assert answer.status_code == 200
    tokens = ApiToken.objects.filter(user=world.alice)
    assert tokens.count() == 2 and len({t.digest for t in tokens}) == 2
    shown = [str(m) for m in answer.context["messages"]]
    secret = next(found.group(0) for m in shown if (found := re.search(r"cct_[\w-]+", m)))
    assert ApiToken.objects.get(digest=ApiToken.digest_of(secret)).name == "second app"


def test_staff_sessions_default_to_30_idle_minutes_and_12_hours():
    from concord import settings as defaults

    assert defaults.CONCORD_STAFF_SESSION_IDLE_MINUTES == 30
    assert defaults.CONCORD_STAFF_SESSION_MAX_HOURS == 12
