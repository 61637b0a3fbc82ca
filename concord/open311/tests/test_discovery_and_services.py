"""Discovery and services, read by the georeport client from PyPI and by raw HTTP."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from .conftest import check_schema, parse_xml

pytestmark = pytest.mark.django_db(transaction=True)


def test_discovery_names_the_v2_endpoint_in_both_formats(live_server, world):
    body = requests.get(f"{live_server.url}/open311/discovery.json", timeout=30)
    assert body.headers["Content-Type"] == "application/json; charset=utf-8"
    check_schema("discovery", body.json())
    endpoint = body.json()["endpoints"][0]
    assert endpoint["url"] == f"{live_server.url}/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"

    xml = requests.get(f"{live_server.url}/open311/discovery.xml", timeout=30)
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = parse_xml(xml.content)
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_lists_exactly_the_public_categories(geo, fmt):
    from concord.cases.models import Category

    services = GeoReport(geo, jurisdiction="C", output_format=fmt).get_service_list()
    public = set(
        Category.objects.filter(open311_public=True, is_active=True).values_list("code", flat=True)
    )
    assert {s["service_code"] for s in services} == public
    noise = next(s for s in services if s["service_code"] == "CM04.02.003")
    assert noise["service_name"] == "噪音污染"
    assert noise["group"] == "环境保护"
    assert noise["type"] == "realtime"
    # XML carries booleans as the words true/false.
    assert noise["metadata"] in (True, "true")
    plain = next(s for s in services if s["service_code"] == "CM04.02.010")
    assert plain["metadata"] in (False, "false")


def test_service_list_validates_and_speaks_english_by_locale(geo):
    body = requests.get(f"{geo}/services.json", params={"locale": "en_US"}, timeout=30).json()
    check_schema("services", body)
    noise = next(s for s in body if s["service_code"] == "CM04.02.003")
    assert noise["service_name"] == "Noise pollution"
    assert noise["description"] == "Environmental pollution / Noise pollution"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_reads_a_service_definition_with_its_attributes(geo, fmt):
    definition = GeoReport(geo, output_format=fmt).get_service_definition("CM04.02.003")
    assert definition["service_code"] == "CM04.02.003"
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
        source = attributes[0]
        assert source["required"] == "true"
        assert [v["key"] for v in source["values"]["value"]][:2] == ["construction", "traffic"]
        assert attributes[1]["values"] is None  # <values/>: a datetime has no list
    else:
        source = attributes[0]
        assert source["required"] is True
        assert source["values"][0] == {"key": "construction", "name": "施工"}
    assert [a["code"] for a in attributes] == ["noise_source", "noticed_at"]
    assert [a["datatype"] for a in attributes] == ["singlevaluelist", "datetime"]


def test_service_definition_json_validates_for_every_seeded_service(geo):
    from concord.open311.models import ServiceAttribute

    codes = set(ServiceAttribute.objects.values_list("service_code", flat=True))
    assert len(codes) >= 5
    for code in codes:
        body = requests.get(f"{geo}/services/{code}.json", timeout=30)
        assert body.status_code == 200, code
        check_schema("service_definition", body.json())


def test_unknown_service_and_jurisdiction_are_404_and_foreign_paths_too(geo):
    missing = requests.get(f"{geo}/services/NOPE.json", timeout=30)
    assert missing.status_code == 404
    check_schema("errors", missing.json())
    assert missing.json()[0]["code"] == 404

    private = requests.get(f"{geo}/services/DP.01.xml", timeout=30)  # a dispute category
    assert private.status_code == 404
    root = parse_xml(private.content)
    assert root.tag == "errors" and root.find("error/code").text == "404"

    wrong = requests.get(f"{geo}/services.json", params={"jurisdiction_id": "x.gov"}, timeout=30)
    assert wrong.status_code == 404
    assert "x.gov" in wrong.json()[0]["description"]

    for path in ("services.html", "services.json/", "services/", "nothing.xml", "requests"):
        response = requests.get(f"{geo}/{path}", timeout=30, allow_redirects=False)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8", path
