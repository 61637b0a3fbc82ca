"""The home place is picked on a map or from the list, on sign-up and on the account page: the
list is the form's field (and the way without scripts); the map, hidden until its script runs,
draws the public place outlines of /places.geojson, which carry no personal data."""

from __future__ import annotations

import re

import pytest

from concord.residents.views import PROOF_KEY

pytestmark = pytest.mark.django_db

PLACE_PROPERTIES = {"code", "name", "level", "parent", "label"}


def map_box(html: str) -> str:
    box = re.search(r'<div id="home-map-box" hidden>(.*?)</p>\s*</div>', html, re.S)
    assert box, "the home map is on the page, hidden until its script runs"
    return box.group(1)


def assert_map_and_list(html: str) -> None:
    box = map_box(html)
    assert 'data-select="home"' in box and 'data-places-url="/places.geojson"' in box
    assert 'aria-describedby="home-map-help"' in box and 'aria-live="polite"' in box
    assert "vendor/leaflet/leaflet.js" in html and "web/maps.js" in html
    # The list stays: every home place an option of the field the form sends.
    assert re.search(r'<select id="home" name="home" required>', html)
    assert 'value="G111"' in html and 'value="V21"' in html


def test_the_sign_up_page_offers_the_map_beside_the_list(world, client):
    from concord.residents.actions import phone_proof

    session = client.session
    session[PROOF_KEY] = phone_proof("13900003333")
    session.save()
    html = client.get("/accounts/resident/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert_map_and_list(html)
    assert "Or tap where you live on the map" in html


def test_the_account_page_offers_the_map_in_chinese(world, client, signed_up):
    client.force_login(signed_up(place=world.G111))
    html = client.get("/me/account/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert_map_and_list(html)
    assert "也可以在地图上点按您住的地方" in map_box(html)
    assert 'value="G111" selected' in html


def test_the_map_draws_public_place_outlines_only(world, client, signed_up):
    signed_up(place=world.G111)  # a resident exists: nothing of them is in the map data
    data = client.get("/places.geojson").json()
    places = [f for f in data["features"] if "code" in f["properties"]]
    assert {"G111", "V11"} <= {f["properties"]["code"] for f in places}
    assert all(set(f["properties"]) == PLACE_PROPERTIES for f in places)
    assert "13800138000" not in str(data) and "王芳" not in str(data)
