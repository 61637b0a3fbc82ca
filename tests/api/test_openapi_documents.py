"""Both OpenAPI documents are valid and every object in them has each key once.

A JSON object with a key twice parses in Python (the last one wins) but not in the API
documentation page, which showed "Parser error: duplicated mapping key"; so the served bytes
are read with a hook that refuses repeats before the validator sees them.
"""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate


def _refuse_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"duplicate keys {repeated}")
    return dict(pairs)


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/open311/openapi.json"])
def test_the_served_document_has_no_duplicate_keys_and_is_valid_openapi(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_refuse_duplicate_keys)
    validate(document)


def test_the_duplicate_key_check_catches_a_repeated_status():
    with pytest.raises(ValueError, match="400"):
        json.loads(
            '{"responses": {"400": {}, "400": {}}}', object_pairs_hook=_refuse_duplicate_keys
        )


def test_the_documentation_page_loads_its_assets_from_this_server(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
