"""The demo content of the Open311 server, built on the fixture world."""

from __future__ import annotations

import datetime

from concord.demo.extra_open311 import DEMO_REQUESTS, populate


def test_demo_files_requests_that_the_server_then_lists(world, client):
    from concord.cases.models import Case

    result = populate(seed=7, today=datetime.date(2026, 3, 2))
    assert result["open311_requests"] == len(DEMO_REQUESTS)
    assert result["open311_addresses"] == 6  # three villages, two addresses each
    assert Case.objects.filter(intake_channel="open311").count() == len(DEMO_REQUESTS)
    listed = client.get("/open311/v2/requests.json").json()
    assert len(listed) == len(DEMO_REQUESTS)
    key = result["open311_api_key"]
    posted = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "CM04.02.010", "address_id": "A-V12-1"},
    )
    assert posted.status_code == 200


def test_demo_is_deterministic_for_a_seed(world):
    from concord.cases.models import Case

    def run(seed: int) -> list[tuple[str, str, bool]]:
        before = set(Case.objects.values_list("pk", flat=True))
        populate(seed=seed, today=datetime.date(2026, 3, 2))
        return list(
            Case.objects.exclude(pk__in=before)
            .order_by("pk")
            .values_list("place__code", "category__code", "open311_request__address_id")
        )

    first = run(3)
    assert run(3) == first
    assert run(4) != first
