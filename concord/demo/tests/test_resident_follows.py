"""The demo's `resident` login follows her home grid (since sign-up), her village and a
suggestion, and the rainstorm warning in force has reached the village's followers (inbox now,
text messages queued)."""

from __future__ import annotations

import importlib

import pytest
import time_machine

from concord.accounts.models import User
from concord.demo.generator import build_demo
from concord.demo.management.commands.demo import EXTRAS
from concord.demo.planner import TZ
from concord.notifications.models import Delivery, Follow, Notification
from concord.safety.models import PublicWarning

from .test_extras_seed import NOW

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_resident_follows_her_village_and_a_suggestion_and_was_warned():
    with time_machine.travel(NOW, tick=False):
        build_demo(size="tiny", seed=7, now=NOW, progress=False)
        made = {}
        for name in EXTRAS:
            made[name] = importlib.import_module(f"concord.demo.{name}").populate(
                seed=3, today=NOW.astimezone(TZ).date()
            )
    resident = User.objects.get(username="resident")
    follows = Follow.objects.filter(user=resident)
    assert sorted(follows.values_list("target", flat=True)) == ["place", "place", "suggestion"]
    # Her home grid, followed when she signed up, and the village around it.
    home = follows.get(target="place", place__level="grid").place
    assert home == resident.resident.home_place
    village = follows.get(target="place", place__level="village").place
    assert village == home.parent
    warning = PublicWarning.objects.get()
    warned = [p.path for p in warning.places.all()]
    assert any(village.path.startswith(path) for path in warned), "her village is warned"
    told = Notification.objects.get(recipient=resident, kind="warning")
    assert told.link == f"/safety/warnings/{warning.pk}/" and "暴雨橙色预警" in told.subject
    # An orange warning goes by text message to everyone with a phone: hers waits for the worker.
    assert Delivery.objects.filter(notification=told, medium="sms", status="pending").exists()
    followers = Follow.objects.filter(target="place", place=village).values("user_id")
    assert followers.count() == 4
    assert Notification.objects.filter(kind="warning", recipient__in=followers).count() == 4
    assert made["extra_residents"]["warning_reached"] >= 4
    warning.refresh_from_db()
    assert warning.residents_notified >= 4
