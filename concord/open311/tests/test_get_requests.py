"""GET requests: the georeport client in JSON and XML, filters, windows, privacy, empty lists."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from .conftest import check_schema, parse_xml

pytestmark = pytest.mark.django_db(transaction=True)

IN_PEACH_GRID = {"lat": "30.05", "long": "120.05"}


def _file(world, code: str, description: str, **location):
    """File a request through the Open311 intake action, as a POST would."""
    from concord.open311.actions import RequestInput, api_key_use, service_request_create
    from concord.open311.models import ApiKey

    raw = getattr(world, "_o311_raw", None)
    if raw is None:
        from concord.open311.actions import api_key_issue

        _, raw = api_key_issue(actor=world.adam, name="Fixture app")
        world._o311_raw = raw
    assert ApiKey.objects.exists()
    data = RequestInput(
        service_code=code,
        description=description,
        email="private@example.com",
        first_name="Secret",
        phone="13900009999",
        **{k: str(v) for k, v in (location or IN_PEACH_GRID).items()},
    )
    data.attributes = {
        "CM04.02.003": {"noise_source": ["traffic"]},
        "CM01.02.004": {"facility_type": ["streetlight"]},
    }.get(code, {})
    return service_request_create(
        key=api_key_use(raw=raw), root=world.C, data=data, language="zh-hans"
    ).case


@pytest.fixture
def city(world, at):
    """Three Open311 requests over two months, plus cases Open311 must never show."""
    from concord.cases.actions import case_submit
    from concord.cases.models import Category

    at("2026-01-05 09:00")
    world.january = _file(world, "CM04.02.010", "河水发黑")
    at("2026-02-20 10:00")
    world.noise = _file(world, "CM04.02.003", "夜里货车很吵")
    at("2026-03-02 09:00")
    world.lamp = _file(world, "CM01.02.004", "路灯不亮", lat="30.6", long="120.6")
    world.web = case_submit(
        kind="service_request",
        title="Broken lamp",
        description="My neighbour Mr Wang at No. 5 says",
        category=Category.objects.get(code="CM01.02.004"),
        place=world.V12,
    ).case
    world.dispute = case_submit(
        kind="dispute",
        title="Fence",
        description="Neighbours quarrel",
        category=Category.objects.get(code="DP.02"),
        place=world.V11,
    ).case
    at("2026-03-10 12:00")
    return world


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_lists_filters_and_fetches_requests(geo, city, fmt):
    client = GeoReport(geo, jurisdiction="C", output_format=fmt)
    listed = client.get_service_requests()
    ids = [r["service_request_id"] for r in listed]
    # Default window: the last 90 days, newest first; disputes never appear.
    assert ids == [
        city.web.receipt_code,
        city.lamp.receipt_code,
        city.noise.receipt_code,
        city.january.receipt_code,
    ]

    noise = client.get_service_requests(service_code="CM04.02.003,CM99")
    noise = noise if isinstance(noise, list) else [noise]
    assert [r["service_request_id"] for r in noise] == [city.noise.receipt_code]

    february = client.get_service_requests(
        start_date="2026-02-01T00:00:00+08:00", end_date="2026-02-28T23:59:59+08:00"
    )
    february = february if isinstance(february, list) else [february]
    assert [r["service_request_id"] for r in february] == [city.noise.receipt_code]

    picked = client.get_service_requests(
        service_request_id=f"{city.january.receipt_code},{city.lamp.receipt_code}",
        service_code="CM04.02.003",  # ignored: ids override every other filter
    )
    assert {r["service_request_id"] for r in picked} == {
        city.january.receipt_code,
        city.lamp.receipt_code,
    }

    one = client.get_service_request(city.lamp.receipt_code)
    assert one["service_request_id"] == city.lamp.receipt_code
    assert one["status"] == "open"
    assert one["service_code"] == "CM01.02.004"
    assert one["agency_responsible"] == city.lamp.owner_unit.name_zh
    assert one["description"] == "路灯不亮"
    assert one["expected_datetime"].endswith("T23:59:59+08:00")
    # Published coarsened to the grid the point falls in: its centroid, not the exact point.
    from concord.cases.models import Case

    place = Case.objects.get(receipt_code=one["service_request_id"]).place
    assert (float(one["lat"]), float(one["long"])) == (place.centroid_lat, place.centroid_lng)
    assert (float(one["lat"]), float(one["long"])) != (30.6, 120.6)


def test_request_json_validates_and_shows_no_party_and_no_private_text(geo, city):
    response = requests.get(f"{geo}/requests.json", timeout=30)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    check_schema("service_requests", body)
    text = response.text
    for secret in ("private@example.com", "Secret", "13900009999", "Mr Wang", "Neighbours"):
        assert secret not in text
    web = next(r for r in body if r["service_request_id"] == city.web.receipt_code)
    assert web["description"] == ""  # filed on the web, not written for publication

    single = requests.get(f"{geo}/requests/{city.noise.receipt_code}.json", timeout=30).json()
    check_schema("service_requests", single)
    assert len(single) == 1
    hidden = requests.get(f"{geo}/requests/{city.dispute.receipt_code}.json", timeout=30)
    assert hidden.status_code == 404
    check_schema("errors", hidden.json())


def test_status_filter_and_closed_requests(geo, city):
    from concord.cases.actions import case_accept, case_resolve

    case_accept(actor=city.alice, case=city.noise)
    case_resolve(actor=city.alice, case=city.noise, outcome="fixed", text="已协调货车绕行")
    closed = requests.get(f"{geo}/requests.json", params={"status": "closed"}, timeout=30).json()
    assert [r["service_request_id"] for r in closed] == [city.noise.receipt_code]
    assert closed[0]["status_notes"] == "已协调货车绕行"
    assert closed[0]["expected_datetime"] is None
    both = requests.get(f"{geo}/requests.json", params={"status": "open,closed"}, timeout=30)
    assert len(both.json()) == 4
    bad = requests.get(f"{geo}/requests.json", params={"status": "pending"}, timeout=30)
    assert bad.status_code == 400


def test_date_windows_are_checked(geo, city):
    def get(**params):
        return requests.get(f"{geo}/requests.json", params=params, timeout=30)

    assert (
        get(start_date="2025-01-01T00:00:00Z", end_date="2025-06-01T00:00:00Z").status_code == 400
    )
    assert (
        get(start_date="2026-03-01T00:00:00Z", end_date="2026-02-01T00:00:00Z").status_code == 400
    )
    assert get(start_date="2026-03-01").status_code == 400  # no time, no zone
    assert get(start_date="2026-03-01T00:00:00").status_code == 400  # no zone
    assert get(start_date="yesterday").status_code == 400
    # Only a start: the 90 days after it.
    after = get(start_date="2026-01-01T00:00:00+08:00").json()
    assert len(after) == 4
    # Only an end: the 90 days before it.
    before = get(end_date="2026-01-31T00:00:00+08:00").json()
    assert [r["service_request_id"] for r in before] == [city.january.receipt_code]


def test_empty_lists_are_empty_in_both_formats(geo, world):
    xml = requests.get(f"{geo}/requests.xml", timeout=30)
    assert xml.status_code == 200
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.text == '<?xml version="1.0" encoding="utf-8"?>\n<service_requests/>\n'
    assert requests.get(f"{geo}/requests.json", timeout=30).text == "[]"
    updates = requests.get(f"{geo}/servicerequestupdates.xml", timeout=30)
    assert parse_xml(updates.content).tag == "service_request_updates"
    assert len(parse_xml(updates.content)) == 0
