"""The demo content builds on the fixture world and is deterministic for a seed."""

from datetime import date

import pytest
from django.db import transaction

from concord.demo.extra_wellbeing import populate
from concord.wellbeing.models import (
    CommunityActivity,
    DutyShift,
    ExamplePhrase,
    Referral,
    SignalMark,
)

pytestmark = pytest.mark.django_db


def test_populate_adds_the_network_and_referrals(world, team, at):
    at("2026-03-02 09:00")
    result = populate(seed=3, today=date(2026, 3, 2))
    assert result["teams"] == 1 and result["referrals"] == 5
    assert Referral.objects.filter(risk="imminent").count() == 1
    assert Referral.objects.filter(risk_assessed=True).count() == 3
    # The safety net shows in the demo: a missed-signal mark and example phrases under review.
    assert result["signal_marks"] == 1 and SignalMark.objects.get().kind == "missed"
    assert result["phrases"] == 2
    assert sorted(ExamplePhrase.objects.values_list("state", flat=True)) == ["approved", "proposed"]
    assert CommunityActivity.objects.exclude(participants=None).count() == 12
    world.C.refresh_from_db()
    assert "心理援助热线" in world.C.crisis_services


def snapshot():
    return (
        list(
            CommunityActivity.objects.order_by("starts_at").values_list(
                "participants", "place__code", "title"
            )
        ),
        list(DutyShift.objects.order_by("starts_at").values_list("counsellor__username")),
        list(Referral.objects.order_by("id").values_list("risk", "place__code")),
    )


def test_populate_is_deterministic_for_a_seed(world, team, at):
    at("2026-03-02 09:00")
    savepoint = transaction.savepoint()
    populate(seed=3, today=date(2026, 3, 2))
    first = snapshot()
    transaction.savepoint_rollback(savepoint)
    assert snapshot() == ([], [], [])
    populate(seed=3, today=date(2026, 3, 2))
    assert snapshot() == first
