"""The bulk loader: a county with thousands of cases that verify, count up and render."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from concord.accounts.models import User
from concord.cases.models import OPEN_STATUSES, Case, Clock, ClockState, Feedback, Party
from concord.core.fields import PREFIX
from concord.core.models import Event
from concord.demo.bulk import build_bulk_demo
from concord.demo.generator import DemoExists
from concord.demo.planner import TZ

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)
N = 2_000


@pytest.fixture
def loaded(db):
    return build_bulk_demo(size="tiny", cases=N, seed=5, now=NOW, progress=False)


def test_exactly_the_asked_number_of_cases_each_with_one_clock_and_its_submitted_event(loaded):
    assert loaded.cases == N
    assert Case.objects.count() == N
    assert Clock.objects.count() == N
    assert Event.objects.count() == N
    assert set(Event.objects.values_list("kind", "seq").distinct()) == {("submitted", 1)}
    assert Event.objects.values("case_id").distinct().count() == N
    # Ratings only for rated cases, parties for every case that is not anonymous.
    named = Case.objects.filter(is_anonymous=False).count()
    assert Party.objects.filter(role="complainant").count() == named
    assert 0 < Feedback.objects.count() < N


def test_the_loaded_event_chain_verifies(loaded):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith(f"OK: {N} events in an intact chain.")


def test_cases_spread_over_three_years_with_real_looking_states(loaded):
    first, last = (
        Case.objects.order_by("created_at").first(),
        Case.objects.order_by("created_at").last(),
    )
    assert NOW - first.created_at > timedelta(days=1_000)
    assert last.created_at <= NOW
    # Ids follow creation order, as they do when cases are filed one by one.
    assert list(Case.objects.order_by("created_at", "id").values_list("id", flat=True)) == list(
        Case.objects.order_by("id").values_list("id", flat=True)
    )
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["closed"] > 0.8 * N
    assert 0 < sum(statuses[s] for s in OPEN_STATUSES) < 0.1 * N
    states = Counter(Clock.objects.values_list("state", flat=True))
    assert states[ClockState.MET] > states[ClockState.BREACHED] > 0
    assert len(Counter(Case.objects.values_list("intake_channel", flat=True))) >= 5
    assert len(Counter(Case.objects.values_list("category_root", flat=True))) >= 10
    for case in Case.objects.filter(status="closed")[:200]:
        assert case.created_at <= case.accepted_at <= case.resolved_at <= case.closed_at
        assert case.place_path.startswith(case.owner_unit.place.path)


def test_contact_details_are_stored_encrypted_and_read_back_plain(loaded):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM cases_party WHERE name <> '' LIMIT 1")
        name, phone = cursor.fetchone()
    assert name.startswith(PREFIX) and phone.startswith(PREFIX)
    party = Party.objects.exclude(name="").first()
    assert not party.name.startswith(PREFIX) and party.phone.startswith("1")


def test_staff_pages_the_api_and_the_public_dashboard_work_on_the_loaded_county(loaded):
    supervisor, caseworker = Client(), Client()
    supervisor.force_login(User.objects.get(username="supervisor"))
    caseworker.force_login(User.objects.get(username="caseworker"))
    case = Case.objects.filter(status="in_progress").first()
    for client in (supervisor, caseworker):
        for url in ["/staff/", "/staff/?scope=all&status=all", "/staff/?scope=all&clock=breached"]:
            assert client.get(url).status_code == 200, url
        listed = client.get("/api/v1/cases")
        assert listed.status_code == 200 and listed.json()["items"]
    page = supervisor.get(f"/staff/cases/{case.pk}/")
    assert page.status_code == 200 and case.receipt_code in page.content.decode()
    assert supervisor.get("/staff/dashboard/").status_code == 200
    assert Client().get("/participation/").status_code == 200
    assert Client().get("/api/v1/participation/dashboard").status_code == 200


def test_a_second_bulk_load_is_refused(loaded):
    with pytest.raises(DemoExists):
        build_bulk_demo(size="tiny", cases=10, seed=5, now=NOW, progress=False)


def test_the_command_loads_cases_in_bulk_and_checks_its_arguments(db):
    out = io.StringIO()
    call_command(
        "demo", "--size", "small", "--cases", "300", "--core-only", "--no-progress", stdout=out
    )
    assert "300 cases, 300 events" in out.getvalue()
    assert Case.objects.count() == 300
    with pytest.raises(CommandError, match="--cases"):
        call_command("demo", "--cases", "0", "--no-progress", stdout=io.StringIO())
