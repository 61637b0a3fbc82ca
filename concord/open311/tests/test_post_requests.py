"""POST requests over raw HTTP: urlencoded and multipart, attributes, locations, every error."""

from __future__ import annotations

import pytest
import requests

from .conftest import check_schema, parse_xml

pytestmark = pytest.mark.django_db(transaction=True)

IN_PEACH_GRID = {"lat": "30.05", "long": "120.05"}


def test_a_posted_request_becomes_a_routed_case_with_a_clock_in_the_staff_workbench(
    post_request, api, world
):
    from concord.cases.models import Case, IntakeChannel

    response = post_request(
        service_code="CM04.02.003",
        description="工地夜间施工噪音很大",
        email="li@example.com",
        first_name="小明",
        last_name="李",
        phone="13800001234",
        **{"attribute[noise_source]": "construction"},
        **IN_PEACH_GRID,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    check_schema("post_service_request", body)
    assert "token" not in body[0]
    case = Case.objects.get(receipt_code=body[0]["service_request_id"])
    assert case.intake_channel == IntakeChannel.OPEN311
    assert case.category.code == "CM04.02.003"
    assert case.place == world.G111
    assert (case.lat, case.lng) == (30.05, 120.05)
    assert case.level == "town" and case.owner_unit == world.u_t1
    assert "施工" in case.description  # the attribute answer, by its name, for staff
    assert case.parties.get().email == "li@example.com"
    assert case.open311_request.attributes == {"noise_source": "construction"}

    listed = api.as_user(world.alice).get("/cases").json()["items"]
    mine = next(item for item in listed if item["receipt_code"] == case.receipt_code)
    assert mine["intake_channel"] == "open311"
    assert mine["owner_unit"]["code"] == "GC-T1"
    assert [c["kind"] for c in mine["clocks"]] == ["handle"]
    assert mine["next_due"] is not None
    assert mine["next_due"] in body[0]["service_notice"]


def test_multipart_xml_post_with_list_attributes_and_several_media_urls(geo, api_key, world):
    from concord.cases.models import Case

    fields = [
        ("api_key", api_key),
        ("jurisdiction_id", "C"),
        ("service_code", "CM01.02.014"),
        ("address_string", "Peach Village, east gate"),
        ("description", "Rubbish piled up"),
        ("attribute[waste_kind][]", "household"),
        ("attribute[waste_kind][]", "bulky"),
        ("attribute[fixmystreet_id]", "991"),  # a client's own extra attribute: dropped
        ("media_url", "https://img.example.org/1.jpg"),
        ("media_url", "https://img.example.org/2.jpg"),
    ]
    response = requests.post(
        f"{geo}/requests.xml", files=[(k, (None, v)) for k, v in fields], timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    request = parse_xml(response.content).find("request")
    assert request.find("token") is None
    case = Case.objects.get(receipt_code=request.find("service_request_id").text)
    assert case.place == world.V11
    assert case.address == "Peach Village, east gate"
    assert case.open311_request.attributes == {"waste_kind": ["household", "bulky"]}
    assert case.open311_request.media_urls == [
        "https://img.example.org/1.jpg",
        "https://img.example.org/2.jpg",
    ]
    assert case.parties.count() == 0 and case.is_anonymous

    detail = requests.get(f"{geo}/requests/{case.receipt_code}.json", timeout=30).json()
    assert detail[0]["media_url"] == "https://img.example.org/1.jpg"


def test_address_id_from_the_register_places_the_request(post_request, world):
    from concord.cases.models import Case
    from concord.open311.models import Address

    Address.objects.create(
        address_id="A-77",
        text="柳社区 8 号楼",
        zipcode="311100",
        place=world.V21,
        lat=30.6,
        lng=120.6,
    )
    body = post_request(service_code="CM01.02.016", address_id="A-77").json()
    case = Case.objects.get(receipt_code=body[0]["service_request_id"])
    assert case.place == world.V21 and case.owner_unit == world.u_county
    assert (case.lat, case.lng) == (30.6, 120.6)
    assert case.title == "自来水供应" and case.description == "自来水供应"
    assert case.open311_request.zipcode == "311100"


def test_a_batch_service_returns_a_token_that_resolves_to_the_request(post_request, geo):
    from concord.open311.models import RequestType, ServiceProfile

    ServiceProfile.objects.create(service_code="CM04.02.010", request_type=RequestType.BATCH)
    body = post_request(service_code="CM04.02.010", description="河水发黑", **IN_PEACH_GRID).json()
    check_schema("post_service_request", body)
    assert set(body[0]) == {"token", "service_notice", "account_id"}
    token = body[0]["token"]

    resolved = requests.get(f"{geo}/tokens/{token}.json", timeout=30).json()
    check_schema("token", resolved)
    assert resolved[0]["token"] == token
    assert resolved[0]["service_request_id"].startswith("C-")
    xml = parse_xml(requests.get(f"{geo}/tokens/{token}.xml", timeout=30).content)
    assert xml.find("request/service_request_id").text == resolved[0]["service_request_id"]
    assert requests.get(f"{geo}/tokens/nope.json", timeout=30).status_code == 404

    services = requests.get(f"{geo}/services.json", timeout=30).json()
    assert next(s for s in services if s["service_code"] == "CM04.02.010")["type"] == "batch"


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    check_schema("errors", body)
    assert body[0]["code"] == status
    return body[0]["description"]


def test_keys_are_required_valid_and_not_revoked(post_request, world):
    from concord.open311.actions import api_key_issue, api_key_revoke

    ok = {"service_code": "CM04.02.003", "attribute[noise_source]": "traffic", **IN_PEACH_GRID}
    assert _error(post_request(key="", **ok), 403)
    assert _error(post_request(key="o311_guess", **ok), 403)
    key, raw = api_key_issue(actor=world.adam, name="Old app")
    assert post_request(key=raw, **ok).status_code == 200
    api_key_revoke(actor=world.adam, key=key)
    assert _error(post_request(key=raw, **ok), 403)


def test_the_key_may_come_in_the_query_string(geo, api_key, world):
    response = requests.post(
        f"{geo}/requests.json?api_key={api_key}",
        data={"service_code": "CM04.02.010", **IN_PEACH_GRID},
        timeout=30,
    )
    assert response.status_code == 200


BAD_POSTS = [  # (fields, status, words the description contains)
    ({}, 400, "service_code"),
    ({"service_code": "NOPE", **IN_PEACH_GRID}, 404, "NOPE"),
    ({"service_code": "DP.02", **IN_PEACH_GRID}, 404, "DP.02"),
    ({"service_code": "CM04.02.010"}, 400, "location"),
    ({"service_code": "CM04.02.010", "lat": "30.05"}, 400, "lat"),
    ({"service_code": "CM04.02.010", "lat": "north", "long": "120"}, 400, "lat"),
    ({"service_code": "CM04.02.010", "lat": "95", "long": "120"}, 400, "range"),
    ({"service_code": "CM04.02.010", "lat": "39.9", "long": "116.4"}, 400, "service area"),
    ({"service_code": "CM04.02.010", "address_id": "none"}, 400, "address_id"),
    ({"service_code": "CM04.02.010", "address_string": "Atlantis"}, 400, "address"),
    ({"service_code": "CM04.02.003", **IN_PEACH_GRID}, 400, "attribute[noise_source]"),
    (
        {"service_code": "CM04.02.003", "attribute[noise_source]": "dragons", **IN_PEACH_GRID},
        400,
        "dragons",
    ),
    (
        {
            "service_code": "CM04.02.003",
            "attribute[noise_source]": "traffic",
            "attribute[noticed_at]": "yesterday",
            **IN_PEACH_GRID,
        },
        400,
        "attribute[noticed_at]",
    ),
    (
        {"service_code": "CM01.02.016", "attribute[households_affected]": "many"} | IN_PEACH_GRID,
        400,
        "attribute[households_affected]",
    ),
    ({"service_code": "CM04.02.010", "description": "x" * 4001, **IN_PEACH_GRID}, 400, "4000"),
    ({"service_code": "CM04.02.010", "media_url": "javascript:x", **IN_PEACH_GRID}, 400, "URL"),
    ({"service_code": "CM04.02.010", "jurisdiction_id": "sf.gov", **IN_PEACH_GRID}, 404, "sf"),
]


def test_every_bad_post_gets_a_georeport_error_and_files_nothing(post_request):
    from concord.cases.models import Case

    # One live-server test walks the whole table: each setup of a live test costs a second.
    for fields, status, words in BAD_POSTS:
        description = _error(post_request(locale="en", **fields), status)
        assert words in description, (fields, description)
    assert Case.objects.count() == 0


def test_errors_come_in_xml_too_and_other_methods_are_refused(post_request, geo):
    response = post_request("xml", key="wrong", service_code="CM04.02.010", **IN_PEACH_GRID)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    error = parse_xml(response.content).find("error")
    assert error.find("code").text == "403" and error.find("description").text

    refused = requests.delete(f"{geo}/requests.json", timeout=30)
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET, HEAD, POST"
    check_schema("errors", refused.json())
