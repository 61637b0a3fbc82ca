"""The place tree: point lookup, GeoJSON import/export, and the tree's rules."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concord.core.errors import InvalidInput
from concord.places.actions import place_upsert
from concord.places.models import Place
from concord.places.selectors import place_ancestors, place_locate, place_subtree

pytestmark = pytest.mark.django_db


def test_a_point_finds_the_deepest_place_that_covers_it(world):
    assert place_locate(lng=120.05, lat=30.05) == world.G111
    assert place_locate(lng=120.3, lat=30.1) == world.V12
    assert place_locate(lng=120.9, lat=30.3) == world.T2
    assert place_locate(lng=120.9, lat=30.9) == world.C
    assert place_locate(lng=10.0, lat=10.0) is None
    assert place_locate(lng=120.05, lat=30.05, within=world.T2) is None


def test_subtree_and_ancestors(world):
    assert set(place_subtree(world.T1)) == {world.T1, world.V11, world.V12, world.G111}
    assert place_ancestors(world.G111) == [world.C, world.T1, world.V11, world.G111]


def test_the_tree_refuses_levels_out_of_order_and_bad_boundaries(world):
    with pytest.raises(InvalidInput):
        place_upsert(code="X", level="grid", name_zh="错", parent=world.T1)
    with pytest.raises(InvalidInput):
        place_upsert(code="Y", level="town", name_zh="无上级")
    with pytest.raises(InvalidInput):
        place_upsert(
            code="Z",
            level="village",
            name_zh="点",
            parent=world.T1,
            boundary={"type": "Point", "coordinates": [120, 30]},
        )


def test_geojson_export_then_import_round_trips(world, tmp_path, capsys):
    out = tmp_path / "places.geojson"
    call_command("places", "export", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["code"] for f in data["features"]} == set(
        Place.objects.values_list("code", flat=True)
    )
    # Import into a renamed copy of the tree: codes get a prefix, parents follow.
    for f in data["features"]:
        p = f["properties"]
        p["code"] = "N" + p["code"]
        p["parent"] = "N" + p["parent"] if p["parent"] else None
        p["name_en"] = p["name_en"] + " (copy)"
    # Children listed before parents still import (levels are sorted).
    data["features"].reverse()
    (tmp_path / "copy.geojson").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("places", "import", str(tmp_path / "copy.geojson"))
    copy = Place.objects.get(code="NG111")
    assert copy.path == "/NC/NT1/NV11/NG111/" and copy.name_zh == "桃村一网格"
    assert copy.centroid_lat == pytest.approx(world.G111.centroid_lat)
    assert place_locate(lng=120.05, lat=30.05).code in {"G111", "NG111"}


def test_import_errors_are_clear(world, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("places", "import", str(bad))
    bad.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"properties": {"code": "Q"}}]})
    )
    with pytest.raises(CommandError, match="level, name_zh"):
        call_command("places", "import", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("places", "import", str(tmp_path / "missing.geojson"))


def test_healthz_reports_database_and_tasks(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == "ok" and body["tasks"] == "ok"


def test_places_api_is_public_and_has_boundaries(world, api):
    r = api.get("/places/G111")
    assert r.status_code == 200 and r.json()["boundary"]["type"] == "Polygon"
    assert api.get("/places/locate", lat=30.05, lng=120.05).json()["code"] == "G111"
    assert api.get("/places/locate", lat=95, lng=120).status_code == 400
    assert api.get("/places/NOPE").status_code == 404


@pytest.mark.django_db
def test_the_admin_forms_name_every_field_in_chinese(client):
    # The administrator's forms label a place's parent and path, a category's parent, an
    # address's place and a response plan's switch in Chinese (they showed the field names).
    from concord.accounts.models import User

    client.force_login(
        User.objects.create_superuser(username="root", password="pw-long-enough-123")
    )
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for url, labels, english in [
        ("/admin/places/place/add/", ["上级", "层级路径"], ["Parent:", "Path:"]),
        ("/admin/cases/category/add/", ["上级"], ["Parent:"]),
        ("/admin/open311/address/add/", ["区域"], ["Place:"]),
        ("/admin/safety/responseplan/add/", ["有效"], ["Is active"]),
    ]:
        page = client.get(url, **zh).content.decode()
        assert all(label in page for label in labels), url
        assert not any(word in page for word in english), url
