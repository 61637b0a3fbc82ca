"""A broadcast writes the same rows as `notify`, in the database: language, opt-out, channels,
dedupe, and batched sending."""

import pytest
from django.core import mail

from concord.accounts.models import User
from concord.notifications import actions
from concord.notifications.broadcast import broadcast
from concord.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    zh = User.objects.create_user(username="zh", password="x", email="zh@example.org")
    en = User.objects.create_user(username="en", password="x", language="en", phone="13900000002")
    out = User.objects.create_user(username="out", password="x", phone="13900000003")
    actions.preference_set(actor=en, sms=True, email=False)
    actions.preference_set(actor=out, opted_out=True)
    gone = User.objects.create_user(username="gone", password="x", is_active=False)
    return zh, en, out, gone


def _send(**kw):
    defaults = dict(
        people=User.objects.all(),
        kind="notice",
        subject={"zh-hans": "停水通知", "en": "Water cut"},
        body={"zh-hans": "明天停水。", "en": "No water tomorrow."},
        dedupe_key="notice:1",
    )
    return broadcast(**{**defaults, **kw})


def test_each_person_gets_it_in_their_language_by_their_channels(
    people, django_capture_on_commit_callbacks, settings, tmp_path
):
    zh, en, out, gone = people
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(tmp_path / "o.jsonl")}}
    with django_capture_on_commit_callbacks(execute=True):
        assert _send() == 2  # the opted-out and the inactive are skipped
    assert Notification.objects.get(recipient=zh).subject == "停水通知"
    assert Notification.objects.get(recipient=en).body == "No water tomorrow."
    assert not Notification.objects.filter(recipient__in=[out, gone]).exists()
    media = sorted(Delivery.objects.values_list("notification__recipient__username", "medium"))
    assert media == [("en", "inbox"), ("en", "sms"), ("zh", "email"), ("zh", "inbox")]
    assert Delivery.objects.exclude(status="sent").count() == 0
    assert [m.subject for m in mail.outbox] == ["停水通知"]
    assert "Water cut: No water tomorrow." in (tmp_path / "o.jsonl").read_text(encoding="utf-8")


def test_statutory_and_urgent_reach_the_opted_out_by_text_message(people):
    _zh, _en, out, _gone = people
    assert _send(statutory=True, urgent=True) == 3
    assert Delivery.objects.filter(notification__recipient=out, medium="sms").exists()


def test_a_repeated_broadcast_tells_nobody_twice(people):
    assert _send() == 2
    assert _send() == 0
    assert Notification.objects.count() == 2
