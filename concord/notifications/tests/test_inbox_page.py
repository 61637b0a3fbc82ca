"""The inbox page: notices opened (and so read) from the page, channels and language set, and
failed deliveries retried or acknowledged by those who answer for them; the API's actions."""

from unittest import mock

import pytest

from concord.notifications import actions
from concord.notifications.gateways import GatewayError
from concord.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def test_a_notice_is_opened_from_the_inbox_and_marked_read(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(
            recipients=[world.alice], kind="k", subject="新案件待受理", link="/staff/alerts/"
        )
    notice = Notification.objects.get(recipient=world.alice)
    client.force_login(world.alice)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/notifications/").content.decode()
    assert "新案件待受理" in html and "1 条未读通知" in html and "打开" in html
    r = client.post(f"/notifications/{notice.pk}/read/")
    assert r.status_code == 302 and r.url == "/staff/alerts/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Someone else's notice cannot be marked from their session.
    client.force_login(world.carol)
    client.post(f"/notifications/{notice.pk}/read/")
    assert client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_preferences_are_set_from_the_page_with_the_reason_when_refused(world, client):
    client.force_login(world.alice)
    client.cookies["django_language"] = "en"
    r = client.post("/notifications/preferences/", {"sms": "on", "phone": ""}, follow=True)
    assert "Give a phone number to receive text messages." in r.content.decode()
    client.post(
        "/notifications/preferences/",
        {"sms": "on", "phone": "13800001111", "language": "en"},
    )
    pref = world.alice.notification_preference
    pref.refresh_from_db()
    assert pref.sms and pref.phone == "13800001111" and pref.language == "en" and not pref.email


def test_a_supervisor_retries_and_acknowledges_failed_deliveries(
    world, client, django_capture_on_commit_callbacks
):
    actions.preference_set(actor=world.alice, sms=True, phone="13800002222")
    gateway = mock.Mock(**{"send.side_effect": GatewayError("refused", retryable=False)})
    with (
        mock.patch.object(actions, "sms_gateway", return_value=gateway),
        django_capture_on_commit_callbacks(execute=True),
    ):
        actions.notify(recipients=[world.alice], kind="k", subject="甲", urgent=True)
    failed = Delivery.objects.get(medium="sms", status="failed")
    client.force_login(world.sam)
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="failed"' in html and "Send again" in html
    with mock.patch.object(actions, "_enqueue"):
        r = client.post(f"/notifications/failed/{failed.pk}/retry/")
    assert r.status_code == 302
    failed.refresh_from_db()
    assert failed.status != "failed"
    failed.status = "failed"
    failed.save(update_fields=["status"])
    client.post(f"/notifications/failed/{failed.pk}/acknowledge/")
    failed.refresh_from_db()
    assert failed.acknowledged_at is not None
    # A grid worker answers for no delivery: no queue on the page.
    client.force_login(world.grace)
    assert 'id="failed"' not in client.get("/notifications/").content.decode()


def test_old_notices_linking_to_a_case_without_its_slash_are_mended(world):
    from importlib import import_module

    from django.apps import apps

    mend = import_module("concord.notifications.migrations.0007_case_links_end_in_a_slash")
    actions.notify(recipients=[world.alice], kind="a", subject="s", link="/staff/cases/12")
    actions.notify(recipients=[world.alice], kind="b", subject="s", link="/staff/cases/12/")
    actions.notify(recipients=[world.alice], kind="c", subject="s", link="/staff/cases/12/answer")
    mend.add_the_slash(apps, None)
    links = dict(Notification.objects.values_list("kind", "link"))
    assert links == {
        "a": "/staff/cases/12/",
        "b": "/staff/cases/12/",
        "c": "/staff/cases/12/answer",
    }
