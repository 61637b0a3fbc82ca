"""The OpenAPI document of the Open311 endpoints: valid, served, linked and complete."""

from __future__ import annotations

import re

import jsonschema
import schemathesis
from django.urls import resolve

from concord.open311 import urls
from concord.open311.openapi import COMPONENTS, load_schema, openapi_document

# Routes of urls.py the document leaves out on purpose.
UNDOCUMENTED = {"openapi": "the document itself", "not_found": "the 404 of any other path"}


def test_the_document_is_valid_openapi_with_valid_json_schemas():
    document = openapi_document()
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert "POST /open311/v2/requests.{format}" in labels
    for component in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(component)


def test_response_bodies_are_the_apps_own_json_schemas():
    schemas = openapi_document()["components"]["schemas"]
    assert schemas == {name: load_schema(file) for name, file in COMPONENTS.items()}
    # The one local definition is inlined, not left as a reference that would dangle.
    assert "$ref" not in str(schemas["ServiceRequests"])


def test_every_route_and_method_in_urls_is_documented():
    documented: dict[str, set[str]] = {}
    for path, item in openapi_document()["paths"].items():
        for fmt in ("json", "xml"):
            sample = re.sub(r"\{[^}]+\}", "X1", path.replace("{format}", fmt))
            match = resolve(sample)
            assert match.url_name not in UNDOCUMENTED, sample
            documented.setdefault(match.url_name, set()).update(item)
    routes = {
        pattern.name: {m.lower() for m in pattern.callback.methods if m != "HEAD"}
        for pattern in urls.urlpatterns
        if pattern.name not in UNDOCUMENTED
    }
    assert documented == routes


def test_the_document_is_served_and_discovery_links_to_it(client, db):
    response = client.get("/open311/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == openapi_document()
    assert client.post("/open311/openapi.json").status_code == 405

    discovery = client.get("/open311/discovery.json")
    assert discovery["Link"] == '<http://testserver/open311/openapi.json>; rel="service-desc"'
