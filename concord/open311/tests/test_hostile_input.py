"""Input the Open311 fuzzer (tests/security/test_fuzz_open311.py) found crashing the server.

Each is answered with a GeoReport error (or a plain answer), never a 500, on SQLite and on
PostgreSQL alike.
"""

from __future__ import annotations

import pytest

from .conftest import check_schema

EDGE_DATES = [
    # W3C allows offsets to ±23:59; PostgreSQL refused anything past ±15:59.
    ({"start_date": "2026-03-01T00:00:00+21:54"}, 200),
    # The 90-day window ran off the end of the calendar ...
    ({"start_date": "9999-12-31T00:00:00Z"}, 400),
    ({"end_date": "0001-01-01T00:00:00Z"}, 400),
    # ... and so did converting the first day of year 1 east of Greenwich to UTC.
    ({"start_date": "0001-01-01T00:00:00+08:00", "end_date": "0001-01-02T00:00:00+08:00"}, 400),
]


@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize(("query", "status"), EDGE_DATES)
def test_dates_at_the_edges_of_the_calendar_and_of_time_zones(
    world, client, resource, query, status
):
    response = client.get(f"/open311/v2/{resource}.json", {"locale": "en", **query})
    assert response.status_code == status, response.content
    if status == 400:
        check_schema("errors", response.json())
        assert "too far in the past or the future" in response.json()[0]["description"]


NUL_REQUESTS = [
    ("get", "/open311/v2/services.json", {"jurisdiction_id": "C\x00"}),
    ("get", "/open311/v2/services/CM04.02.010%00.json", {}),
    ("get", "/open311/v2/requests.json", {"service_request_id": "C-2026-000001\x00"}),
    ("get", "/open311/v2/requests.json", {"service_code": "CM04.02.010\x00"}),
    ("get", "/open311/v2/requests/C-2026%00.json", {}),
    ("get", "/open311/v2/tokens/%00.xml", {}),
    ("get", "/open311/v2/servicerequestupdates.json", {"service_request_id": "\x00"}),
    ("post", "/open311/v2/requests.json", {"service_code": "CM04.02.010", "email": "a\x00b"}),
    ("post", "/open311/v2/servicerequestupdates.json", {"service_request_id": "C\x00"}),
]


@pytest.mark.parametrize(("method", "url", "data"), NUL_REQUESTS)
def test_a_nul_character_anywhere_is_refused(world, client, api_key, method, url, data):
    # PostgreSQL cannot store or even compare text with NUL in it (psycopg raises DataError).
    if method == "post":
        data = {"api_key": api_key, "lat": "30.05", "long": "120.05", **data}
    response = getattr(client, method)(url, {"locale": "en", **data})
    assert response.status_code == 400, response.content
    if url.endswith(".json"):
        check_schema("errors", response.json())
        assert response.json()[0]["description"] == "The request contains a NUL character."


@pytest.mark.parametrize("path", ["v2/tokens/abc.json%0A", "v2/requests.%0Ajson", "%0A"])
def test_a_path_with_a_newline_gets_a_georeport_404_not_an_html_page(client, db, path):
    response = client.get(f"/open311/{path}")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert b"<errors><error><code>404</code>" in response.content
