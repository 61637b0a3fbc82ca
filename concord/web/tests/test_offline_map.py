"""The filing map works offline: its basemap is the places' own boundaries with names and label
points, plus the rivers and roads the app stores; a click inside a village names its grid."""

import pytest

from concord.cases.models import Case
from concord.core.errors import InvalidInput
from concord.places.actions import map_features_replace

from .test_resident import file_case, receipt_of

pytestmark = pytest.mark.django_db

RIVER = {"type": "LineString", "coordinates": [[119.9, 30.0], [120.1, 30.1]]}


def test_the_basemap_has_every_level_with_names_parents_and_label_points(client, world):
    map_features_replace(
        features=[{"kind": "river", "name_zh": "桃溪", "name_en": "Peach Creek", "geometry": RIVER}]
    )
    data = client.get("/places.geojson", HTTP_ACCEPT_LANGUAGE="en").json()
    places = {
        f["properties"]["code"]: f["properties"]
        for f in data["features"]
        if "code" in f["properties"]
    }
    assert {"county", "town", "village", "grid"} <= {p["level"] for p in places.values()}
    grid = places["G111"]
    assert grid["parent"] == "V11" and grid["name"] == world.G111.name_en
    assert grid["label"] == [world.G111.centroid_lat, world.G111.centroid_lng]
    lines = [f for f in data["features"] if f["properties"].get("layer")]
    assert lines == [
        {
            "type": "Feature",
            "geometry": RIVER,
            "properties": {"layer": "river", "name": "Peach Creek"},
        }
    ]


def test_the_filing_page_loads_no_outside_tiles(client, world, settings):
    settings.CONCORD_MAP_TILES = ""
    page = client.get("/file/").content.decode()
    assert 'data-tiles=""' in page and "tile.openstreetmap" not in page
    assert 'data-picked="' in page  # the map names what a click picked


def test_a_point_clicked_inside_the_chosen_village_files_it_under_the_grid(client, world, no_model):
    file_case(client, place="V11", lat="30.05", lng="120.05")
    code, _token = receipt_of(client)
    assert Case.objects.get(receipt_code=code).place.code == "G111"


def test_a_point_outside_the_chosen_village_keeps_the_village(client, world, no_model):
    file_case(client, place="V11", lat="10.0", lng="10.0")
    code, _token = receipt_of(client)
    assert Case.objects.get(receipt_code=code).place.code == "V11"


def test_only_rivers_and_roads_with_line_or_area_geometry_are_stored(world):
    with pytest.raises(InvalidInput):
        map_features_replace(features=[{"kind": "lake", "geometry": RIVER}])
    with pytest.raises(InvalidInput):
        map_features_replace(
            features=[{"kind": "road", "geometry": {"type": "Point", "coordinates": [1, 2]}}]
        )
    assert map_features_replace(features=[{"kind": "road", "geometry": RIVER}]) == 1
