"""Inbox, email and SMS deliveries: language, preferences, retries with backoff, failures."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy

from concord.accounts.models import User
from concord.core.errors import InvalidInput
from concord.notifications import actions, selectors
from concord.notifications.gateways import FileSmsGateway, GatewayError, HttpSmsGateway
from concord.notifications.models import Delivery, DeliveryAttempt, Notification
from concord.notifications.tests.fake_sms import FakeSmsGateway


@pytest.fixture
def people(db):
    zh = User.objects.create_user(username="mei", password="x", email="mei@example.org")
    en = User.objects.create_user(
        username="tom", password="x", email="tom@example.org", language="en", phone="13900000002"
    )
    return zh, en


def test_each_message_is_in_the_recipients_language(people, django_capture_on_commit_callbacks):
    zh, en = people
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(
            recipients=[zh, en],
            kind="receipt",
            subject={"zh-hans": "已收到", "en": "Received"},
            body=gettext_lazy("Failed after retries"),
        )
    assert Notification.objects.get(recipient=zh).subject == "已收到"
    assert Notification.objects.get(recipient=en).subject == "Received"
    assert Notification.objects.get(recipient=en).body == "Failed after retries"
    assert Notification.objects.get(recipient=zh).body == "重试后仍失败"
    assert sorted(m.subject for m in mail.outbox) == ["Received", "已收到"]


def test_the_old_signature_still_works_and_dedupes(people):
    zh, _en = people
    assert actions.notify(recipients=[zh], kind="k", subject="s", dedupe_key="once") == 1
    assert actions.notify(recipients=[zh], kind="k", subject="s", dedupe_key="once") == 0
    assert Notification.objects.filter(recipient=zh).count() == 1


def test_opting_out_stops_everything_but_statutory_notices(people):
    zh, _en = people
    actions.preference_set(actor=zh, opted_out=True)
    assert actions.notify(recipients=[zh], kind="news", subject="newsletter") == 0
    assert actions.notify(recipients=[zh], kind="answer", subject="答复", statutory=True) == 1


def test_residents_choose_their_channels(
    people, django_capture_on_commit_callbacks, settings, tmp_path
):
    zh, _en = people
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(tmp_path / "out.jsonl")}}
    actions.preference_set(actor=zh, email=False, sms=True, phone="13900000001")
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify(recipients=[zh], kind="k", subject="短信通知")
    assert mail.outbox == []
    (line,) = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["to"] == "13900000001"
    with pytest.raises(InvalidInput):
        actions.preference_set(actor=people[1], sms=True, phone="call me")


def test_a_failing_gateway_is_retried_with_backoff_then_sent(
    people, settings, at, django_capture_on_commit_callbacks
):
    _zh, en = people
    at("2026-05-01 10:00")
    with FakeSmsGateway(fail_first=2) as gateway:
        settings.CONCORD_SMS = gateway.settings()
        with django_capture_on_commit_callbacks(execute=True):
            actions.notify(recipients=[en], kind="warning", subject="Storm", urgent=True)
        sms = Delivery.objects.get(medium="sms")
        assert (sms.status, sms.attempts) == ("pending", 1)
        assert sms.next_attempt_at == timezone.now() + timedelta(seconds=60)
        assert actions.deliveries_retry_due() == 0  # not due yet
        at("2026-05-01 10:01")
        actions.deliveries_retry_due()
        sms.refresh_from_db()
        assert (sms.status, sms.attempts) == ("pending", 2)
        assert sms.next_attempt_at == timezone.now() + timedelta(seconds=300)
        at("2026-05-01 10:06")
        actions.deliveries_retry_due()
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.provider_ref == "fake-1"
    assert list(DeliveryAttempt.objects.filter(delivery=sms).values_list("ok", flat=True)) == [
        False,
        False,
        True,
    ]
    assert gateway.received[0]["text"] == "Storm"


def test_a_send_that_keeps_failing_is_shown_to_the_administrator_never_dropped(
    world, settings, at, django_capture_on_commit_callbacks
):
    settings.CONCORD_NOTIFICATIONS = {"MAX_ATTEMPTS": 2, "BACKOFF_SECONDS": [30]}
    world.resident.phone = "13900000003"
    world.resident.save()
    at("2026-05-01 10:00")
    with FakeSmsGateway(fail_first=99) as gateway:
        settings.CONCORD_SMS = gateway.settings()
        with django_capture_on_commit_callbacks(execute=True):
            actions.notify(recipients=[world.resident], kind="warning", subject="x", urgent=True)
        at("2026-05-01 10:01")
        with django_capture_on_commit_callbacks(execute=True):
            actions.deliveries_retry_due()
    sms = Delivery.objects.get(medium="sms")
    assert (sms.status, sms.attempts) == ("failed", 2)
    assert "503" in sms.last_error
    # A resident's notice about no place: the platform administrator answers for it.
    assert list(selectors.failed_deliveries_for(world.adam)) == [sms]
    assert Notification.objects.filter(recipient=world.adam, kind="delivery_failed").exists()
    # The administrator fixes the gateway and retries; the message goes out.
    with FakeSmsGateway() as fixed:
        settings.CONCORD_SMS = fixed.settings()
        with django_capture_on_commit_callbacks(execute=True):
            actions.delivery_retry(actor=world.adam, delivery=sms)
    sms.refresh_from_db()
    assert sms.status == "sent" and len(fixed.received) == 1


def test_a_refused_message_is_not_retried(people, settings, django_capture_on_commit_callbacks):
    _zh, en = people
    with FakeSmsGateway(fail_first=1, status_on_fail=400) as gateway:
        settings.CONCORD_SMS = gateway.settings()
        with django_capture_on_commit_callbacks(execute=True):
            actions.notify(recipients=[en], kind="k", subject="x", urgent=True)
    sms = Delivery.objects.get(medium="sms")
    assert (sms.status, sms.attempts) == ("failed", 1)


def test_http_gateway_reports_an_unreachable_server_as_retryable():
    with FakeSmsGateway() as gateway:
        url = gateway.url
    with pytest.raises(GatewayError) as exc:
        HttpSmsGateway(url, timeout=1).send(to="1", text="x", reference="r")
    assert exc.value.retryable


def test_file_gateway_writes_one_line_per_message(tmp_path):
    gw = FileSmsGateway(tmp_path / "sms.jsonl")
    gw.send(to="13900000001", text="你好", reference="a")
    gw.send(to="13900000002", text="hi", reference="b")
    rows = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text("utf-8").splitlines()]
    assert [r["text"] for r in rows] == ["你好", "hi"]
    assert (tmp_path / "sms.jsonl").stat().st_mode & 0o777 == 0o600  # phone numbers: owner-only
