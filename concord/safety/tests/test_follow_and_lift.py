"""Followers of a place receive its warnings and their lifting; anyone reads warnings and
notices at /safety/ without signing in; staff lift a warning from /staff/safety/."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from concord.accounts.models import User
from concord.core.errors import InvalidTransition, PermissionDenied
from concord.notifications.follows import follow, follows_of, unfollow
from concord.notifications.models import Delivery, Notification
from concord.safety import actions
from concord.safety.models import WarningState

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def outbox(settings, tmp_path):
    import json

    path = tmp_path / "sms.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(path)}}

    def read() -> list[dict]:
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    return read


def _person(name, phone, language="zh-hans"):
    return User.objects.create_user(username=name, password="x", phone=phone, language=language)


def _issue(world, places, colour="orange"):
    return actions.warning_issue(
        actor=world.sam,
        colour=colour,
        hazard_type="flood",
        title_zh="暴雨橙色预警",
        title_en="Orange rainstorm warning",
        instructions_zh="请远离河道。",
        instructions_en="Stay away from the river.",
        places=places,
        ends_at=datetime(2026, 7, 2, 20, 0, tzinfo=TZ),
    )


def test_followers_of_the_place_and_of_the_town_around_it_get_the_warning_and_its_lifting(
    world, at, outbox, django_capture_on_commit_callbacks
):
    at("2026-07-01 20:00")
    home = _person("home", "13900000001")
    town = _person("town", "13900000002", language="en")
    grid = _person("grid", "13900000003")
    far = _person("far", "13900000009")
    follow(actor=home, target="place", place=world.V11)
    follow(actor=home, target="place", place=world.V11)  # twice is once
    follow(actor=town, target="place", place=world.T1)
    follow(actor=grid, target="place", place=world.G111)
    follow(actor=far, target="place", place=world.V21)
    assert follows_of(home).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        warning = _issue(world, [world.V11])
    told = {m["to"]: m["text"] for m in outbox()}
    assert set(told) == {"13900000001", "13900000002", "13900000003"}
    assert told["13900000002"].startswith("[Orange warning]")
    warning.refresh_from_db()
    assert warning.residents_notified == 3

    with pytest.raises(PermissionDenied):
        actions.warning_lift(actor=world.alice, warning=warning, reason="雨停了")
    with django_capture_on_commit_callbacks(execute=True):
        actions.warning_lift(actor=world.sam, warning=warning, reason="雨停了，河水回落")
    warning.refresh_from_db()
    assert warning.state == WarningState.LIFTED and warning.lift_reason == "雨停了，河水回落"
    lifted = [m for m in outbox() if "解除" in m["text"] or "lifted" in m["text"]]
    assert {m["to"] for m in lifted} == {"13900000001", "13900000002", "13900000003"}
    assert any("雨停了，河水回落" in m["text"] for m in lifted)
    assert Notification.objects.filter(kind="warning_lifted").count() == 3
    with pytest.raises(InvalidTransition):
        actions.warning_lift(actor=world.sam, warning=warning, reason="again")


def test_unfollowing_stops_the_warnings(world, at, outbox, django_capture_on_commit_callbacks):
    at("2026-07-01 20:00")
    person = _person("p", "13900000001")
    row = follow(actor=person, target="place", place=world.V11)
    unfollow(actor=person, follow_id=row.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _issue(world, [world.V11])
    assert outbox() == []


def test_fanout_deliveries_are_sent_in_batches(
    world, at, outbox, django_capture_on_commit_callbacks
):
    at("2026-07-01 20:00")
    for i in range(30):
        follow(actor=_person(f"f{i}", f"1390000{i:04d}"), target="place", place=world.V12)
    with django_capture_on_commit_callbacks(execute=True):
        _issue(world, [world.V12], colour="red")
    assert len(outbox()) == 30
    assert Delivery.objects.filter(medium="sms", status="sent", attempts=1).count() == 30


def test_anyone_reads_warnings_and_notices_at_safety_without_signing_in(client, world, at):
    at("2026-07-01 20:00")
    warning = _issue(world, [world.V11])
    page = client.get("/safety/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "暴雨橙色预警" in text and f"/safety/warnings/{warning.pk}/" in text
    detail = client.get(f"/safety/warnings/{warning.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Stay away from the river." in detail.content.decode()
    # The staff dashboard moved and asks staff to sign in.
    assert client.get("/staff/safety/").status_code == 302


def test_a_supervisor_lifts_a_warning_from_the_staff_dashboard(
    client, world, at, django_capture_on_commit_callbacks
):
    at("2026-07-01 20:00")
    warning = _issue(world, [world.V11])
    client.force_login(world.alice)
    assert (
        f"/staff/safety/warnings/{warning.pk}/lift/"
        not in client.get("/staff/safety/").content.decode()
    )
    client.force_login(world.sam)
    page = client.get("/staff/safety/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"/staff/safety/warnings/{warning.pk}/lift/" in page and "解除预警" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/safety/warnings/{warning.pk}/lift/", {"reason": "雨停了"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.state == WarningState.LIFTED
    public = client.get(f"/safety/warnings/{warning.pk}/").content.decode()
    assert 'id="warning-lifted"' in public


def test_the_api_lifts_a_warning(world, at, api):
    at("2026-07-01 20:00")
    warning = _issue(world, [world.V11])
    refused = api.as_user(world.alice).post(f"/safety/warnings/{warning.pk}/lift", {"reason": "x"})
    assert refused.status_code == 403
    done = api.as_user(world.sam).post(f"/safety/warnings/{warning.pk}/lift", {"reason": "雨停了"})
    assert done.status_code == 200 and done.json()["state"] == "lifted"


def test_a_signed_in_person_follows_a_place_from_the_safety_page(client, world):
    person = _person("p", "13900000001")
    client.force_login(person)
    client.post("/safety/follow/", {"place": "V11"})
    assert follows_of(person).get().place == world.V11
    page = client.get("/safety/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Peach Village" in page
    client.post("/safety/follow/", {"unfollow": follows_of(person).get().pk})
    assert not follows_of(person).exists()


def test_followers_of_a_place_are_told_of_a_policy_notice_published_for_it(
    world, outbox, django_capture_on_commit_callbacks
):
    from datetime import date

    from concord.notifications.actions import preference_set

    person = _person("p", "13900000001", language="en")
    preference_set(actor=person, sms=True)
    other = _person("o", "13900000002")
    follow(actor=person, target="place", place=world.V11)
    follow(actor=other, target="place", place=world.V21)
    with django_capture_on_commit_callbacks(execute=True):
        notice = actions.policy_publish(
            actor=world.alice,
            title_zh="高龄津贴调整",
            title_en="Old-age allowance raised",
            body="全文",
            interpretation_zh="八十岁以上每月多发五十元。",
            interpretation_en="Fifty yuan more a month from the age of eighty.",
            issuing_unit=world.u_t1,
            places=[world.T1],
            effective_from=date(2026, 8, 1),
        )
    (told,) = outbox()
    assert told["to"] == "13900000001" and "Old-age allowance raised" in told["text"]
    note = Notification.objects.get(kind="policy_published")
    assert note.recipient == person and note.link == f"/safety/policies/{notice.pk}/"
