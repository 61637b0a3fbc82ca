"""Fixtures of the Open311 tests: a key, a live server's GeoReport root, schema checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import requests

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def check_schema(name: str, body) -> None:
    """Validate a JSON body against one of the app's GeoReport v2 schemas (fails the test)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(body)


def parse_xml(content: bytes) -> ET.Element:
    """Parse a response of the server under test (trusted: it is this code's own output)."""
    return ET.fromstring(content)  # noqa: S314


@pytest.fixture
def api_key(world):
    """Return a raw key issued by the platform administrator."""
    from concord.open311.actions import api_key_issue

    _, raw = api_key_issue(actor=world.adam, name="Test app")
    return raw


@pytest.fixture
def geo(live_server, world):
    """Return the live server's GeoReport v2 root URL."""
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def post_request(geo, api_key):
    """POST a service request (urlencoded) and return the response."""

    def post(fmt: str = "json", *, key: str | None = None, files=None, **fields):
        data = {"api_key": api_key if key is None else key, **fields}
        return requests.post(f"{geo}/requests.{fmt}", data=data, files=files, timeout=30)

    return post
