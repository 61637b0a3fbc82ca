"""The public pages, the monthly snapshot and the demo content."""

from datetime import date

import pytest
from django.core.management import call_command

from concord.cases import actions as ca
from concord.cases.models import Category
from concord.demo.extra_participation import populate
from concord.participation.models import OpenDataSnapshot, Suggestion, Vote

pytestmark = pytest.mark.django_db


def test_the_dashboard_is_public_and_shows_no_small_counts(world, client, at):
    at("2026-03-10 09:00")
    for _ in range(3):
        ca.case_submit(
            kind="dispute",
            title="邻里纠纷",
            description="d",
            place=world.V11,
            category=Category.objects.get(code="DP.02"),
        )
    at("2026-04-02 09:00")
    page = client.get("/participation/?month=2026-03")
    assert page.status_code == 200
    assert b"chart.umd.min.js" in page.content and b'id="map"' in page.content
    assert b"<td>3</td>" not in page.content
    assert client.get("/participation/suggestions/").status_code == 200


def test_the_monthly_snapshot_is_stored_once(world, at, capsys):
    at("2026-04-02 09:00")
    call_command("opendata_snapshot", "--month", "2026-03")
    call_command("opendata_snapshot", "--month", "2026-03")
    snap = OpenDataSnapshot.objects.get()
    assert snap.month == date(2026, 3, 1) and snap.licence
    assert snap.payload["publication"]["month"] == "2026-03"
    assert "columns" in snap.payload["dictionary"]


def test_a_snapshotted_month_is_published_as_stored_and_never_recounted(world, at):
    from django.core.cache import cache

    from concord.participation import opendata

    def file_cases(n):
        for _ in range(n):
            ca.case_submit(
                kind="dispute",
                title="邻里纠纷",
                description="d",
                place=world.V11,
                category=Category.objects.get(code="DP.02"),
            )

    at("2026-03-10 09:00")
    file_cases(6)
    at("2026-04-02 09:00")
    call_command("opendata_snapshot", "--month", "2026-03")
    at("2026-03-20 09:00")
    file_cases(4)  # a late correction of March after its publication
    at("2026-04-03 09:00")
    cache.clear()
    published = opendata.publication(date(2026, 3, 1))
    assert published["tables"]["summary"][0]["received"] == 6
    assert opendata.build_publication(date(2026, 3, 1))["tables"]["summary"][0]["received"] == 10
    assert opendata.series()[-1] == published["tables"]["summary"][0]
    assert opendata.series()[-2]["month"] == "2026-02"  # built, no snapshot


def test_demo_participation_content_on_the_world(world, at):
    at("2026-05-02 09:00")
    made = populate(seed=1, today=date(2026, 5, 2))
    assert made["suggestions"] >= 1 and made["polls"] >= 1
    assert Suggestion.objects.filter(support_count__gte=3).exists()
    assert Vote.objects.exists()


def test_the_snapshot_job_stores_the_finished_month_and_fills_every_gap_once(world, at):
    from concord.participation.tasks import monthly_snapshot

    def file_case():
        ca.case_submit(kind="dispute", title="邻里纠纷", description="d", place=world.V11)

    at("2026-01-20 09:00")
    file_case()
    at("2026-03-15 09:00")
    file_case()
    at("2026-04-01 01:00")
    # January to March: the months since the first case, none stored yet.
    assert monthly_snapshot.call() == ["2026-03-01", "2026-02-01", "2026-01-01"]
    assert monthly_snapshot.call() == []
    assert sorted(OpenDataSnapshot.objects.values_list("month", flat=True)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    at("2026-05-01 00:30")
    assert monthly_snapshot.call() == ["2026-04-01"]
    # A month long before any snapshot (here, 2023) is filled in too, however old.
    at("2023-02-10 09:00")
    file_case()
    at("2026-05-01 00:40")
    assert len(monthly_snapshot.call()) == 35  # February 2023 to December 2025
    assert OpenDataSnapshot.objects.filter(month=date(2023, 2, 1)).exists()


def test_the_dashboard_opens_on_the_newest_stored_month_until_the_job_stores_the_last(world, at):
    from django.core.cache import cache

    from concord.participation import opendata

    at("2026-03-10 09:00")
    ca.case_submit(kind="dispute", title="邻里纠纷", description="d", place=world.V11)
    at("2026-04-01 09:00")
    assert opendata.latest_published_month() == date(2026, 3, 1)  # nothing stored yet
    call_command("opendata_snapshot", "--month", "2026-03")
    at("2026-05-01 00:05")  # April has ended; the job has not stored it yet
    cache.clear()
    assert opendata.latest_published_month() == date(2026, 3, 1)
    assert opendata.publication()["month"] == "2026-03"
    assert opendata.series()[-1]["month"] == "2026-03"
    call_command("opendata_snapshot", "--month", "2026-04")
    cache.clear()
    assert opendata.publication()["month"] == "2026-04"
    # A job that has stopped for longer is no reason to hide months: the last one is counted.
    at("2026-07-01 09:00")
    assert opendata.latest_published_month() == date(2026, 6, 1)


def test_a_month_is_frozen_at_its_first_publication_even_without_the_worker(world, at):
    from django.core.cache import cache

    from concord.participation import opendata

    def file_cases(n):
        for _ in range(n):
            ca.case_submit(
                kind="dispute",
                title="邻里纠纷",
                description="d",
                place=world.V11,
                category=Category.objects.get(code="DP.02"),
            )

    at("2026-03-10 09:00")
    file_cases(6)
    at("2026-04-02 09:00")
    assert not OpenDataSnapshot.objects.exists()  # no worker ran
    first = opendata.publication(date(2026, 3, 1))
    snap = OpenDataSnapshot.objects.get()
    assert snap.payload["schema_version"] == opendata.SCHEMA_VERSION
    at("2026-03-20 09:00")
    file_cases(4)
    at("2026-04-02 10:00")
    cache.clear()  # the cache expired: the month is not recounted
    assert opendata.publication(date(2026, 3, 1)) == first
    assert first["tables"]["summary"][0]["received"] == 6


def test_a_snapshot_stored_in_an_older_schema_is_still_read_by_its_version(world, client, at):
    from django.core.cache import cache

    from concord.participation import opendata

    # As stored before snapshots carried a version, and before two tables were published.
    older = {
        "publication": {
            "month": "2026-02",
            "place": "",
            "suppressed_below": 5,
            "licence": "CC-BY-4.0",
            "places": {},
            "tables": {
                "summary": [{"month": "2026-02", "received": 42, "resolved": 40}],
                "by_category": [],
                "by_town_category": [],
                "by_town": [],
                "map": [],
            },
        },
        "dictionary": {},
    }
    OpenDataSnapshot.objects.create(month=date(2026, 2, 1), payload=older, sha256="x", licence="l")
    at("2026-04-02 09:00")
    cache.clear()
    published = opendata.publication(date(2026, 2, 1))
    assert published["tables"]["summary"][0]["received"] == 42
    assert published["tables"]["tiers"] == published["tables"]["wellbeing_referrals"] == []
    assert {"month": "2026-02", "received": 42, "resolved": 40} in opendata.series()
    assert client.get("/participation/?month=2026-02").status_code == 200

    newer = {**older, "schema_version": opendata.SCHEMA_VERSION + 1}
    OpenDataSnapshot.objects.create(month=date(2024, 1, 1), payload=newer, sha256="y", licence="l")
    cache.clear()
    with pytest.raises(opendata.SnapshotVersionError):
        opendata.publication(date(2024, 1, 1))
