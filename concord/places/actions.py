"""Writes to the place tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event

from .geometry import BoundaryError, bbox_and_centroid, parse_boundary
from .models import LEVEL_ORDER, Level, MapFeature, Place, PlacePopulation


def _apply_boundary(place: Place, boundary: dict[str, Any] | None) -> None:
    try:
        geom = parse_boundary(boundary)
    except BoundaryError as exc:
        raise InvalidInput(str(exc), fields={"boundary": str(exc)}) from exc
    place.boundary = boundary
    if geom is None:
        place.min_lng = place.min_lat = place.max_lng = place.max_lat = None
        place.centroid_lng = place.centroid_lat = None
    else:
        (
            place.min_lng,
            place.min_lat,
            place.max_lng,
            place.max_lat,
            place.centroid_lng,
            place.centroid_lat,
        ) = bbox_and_centroid(geom)


def place_upsert(
    *,
    code: str,
    level: str,
    name_zh: str,
    name_en: str = "",
    parent: Place | None = None,
    boundary: dict[str, Any] | None = None,
    households: int = 0,
    population: int = 0,
) -> Place:
    """Create or update one place, keeping the tree consistent."""
    if level not in Level.values:
        raise InvalidInput(_("Unknown level %(level)s.") % {"level": level})
    if parent is None and level != Level.COUNTY:
        # Root places may be counties only; the tree is county → town → village → grid.
        raise InvalidInput(_("Place %(code)s needs a parent.") % {"code": code})
    if parent is not None and LEVEL_ORDER.index(Level(level)) != parent.rank + 1:
        raise InvalidInput(
            _("A %(level)s cannot sit under a %(parent)s.")
            % {"level": level, "parent": parent.level}
        )
    place = Place.objects.filter(code=code).first() or Place(code=code)
    place.level = level
    place.name_zh = name_zh
    place.name_en = name_en
    place.parent = parent
    place.households = households
    place.population = population
    place.path = (parent.path if parent else "/") + code + "/"
    _apply_boundary(place, boundary)
    place.save()
    return place


@transaction.atomic
def places_import_geojson(collection: dict[str, Any]) -> int:
    """Import a FeatureCollection of places (parents before children or in any order)."""
    if collection.get("type") != "FeatureCollection":
        raise InvalidInput(_("Expected a GeoJSON FeatureCollection."))
    features = collection.get("features") or []
    pending = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        missing = [k for k in ("code", "level", "name_zh") if not props.get(k)]
        if missing:
            raise InvalidInput(
                _("Feature %(i)d lacks %(fields)s.") % {"i": i, "fields": ", ".join(missing)}
            )
        pending.append((props, feature.get("geometry")))
    # Insert level by level so each parent exists before its children.
    pending.sort(key=lambda item: LEVEL_ORDER.index(Level(item[0]["level"])))
    count = 0
    for props, geometry in pending:
        parent = None
        if props.get("parent"):
            parent = Place.objects.filter(code=props["parent"]).first()
            if parent is None:
                raise InvalidInput(
                    _("Place %(code)s names unknown parent %(parent)s.")
                    % {"code": props["code"], "parent": props["parent"]}
                )
        place_upsert(
            code=str(props["code"]),
            level=props["level"],
            name_zh=props["name_zh"],
            name_en=props.get("name_en", ""),
            parent=parent,
            boundary=geometry,
            households=int(props.get("households") or 0),
            population=int(props.get("population") or 0),
        )
        count += 1
    return count


def places_export_geojson(places) -> dict[str, Any]:
    """Return places as a GeoJSON FeatureCollection that `places_import_geojson` reads back."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": p.boundary,
                "properties": {
                    "code": p.code,
                    "parent": p.parent.code if p.parent_id else None,
                    "level": p.level,
                    "name_zh": p.name_zh,
                    "name_en": p.name_en,
                    "households": p.households,
                    "population": p.population,
                },
            }
            for p in places.select_related("parent")
        ],
    }


def may_set_population(user, place: Place) -> bool:
    """Return whether ``user`` may record ``place``'s populations."""

    return perms.can(user, Cap.ALERT_MANAGE, place_path=place.path) or perms.can(
        user, Cap.PLATFORM_ADMIN, place_path=place.path
    )


def place_population_set(*, actor, place: Place, year: int, population: int) -> PlacePopulation:
    """Record ``place``'s population in calendar ``year`` (replacing an earlier figure).

    The latest year recorded also becomes the place's current population. Audited on the
    place's event stream; ``actor`` is None for the operator's command line. Staff need to
    handle early warning at the place (the offsets are theirs) or to administer the platform.
    """

    if actor is not None and not may_set_population(actor, place):
        raise PermissionDenied(_("You may not set populations for this place."))
    if not isinstance(year, int) or not 1900 <= year <= 2200:
        raise InvalidInput(_("The year must lie between 1900 and 2200."), fields={"year": year})
    if not isinstance(population, int) or population <= 0:
        raise InvalidInput(
            _("The population must be a positive whole number."),
            fields={"population": population},
        )
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        row, _created = PlacePopulation.objects.update_or_create(
            place=place, year=year, defaults={"population": population}
        )
        latest = place.populations.order_by("-year").values_list("year", flat=True).first()
        if latest == year and place.population != population:
            place.population = population
            place.save(update_fields=["population"])
        append_event(
            stream=f"place:{place.pk}",
            kind="place_population_set",
            actor=actor,
            data={"place": place.code, "year": year, "population": population},
        )
    return row


MAP_GEOMETRIES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")


def map_features_replace(*, features: list[dict[str, Any]]) -> int:
    """Replace the basemap's rivers and roads with `features` ({kind, name_zh, name_en,
    geometry}); return how many were stored. Like boundaries, these are loaded by a setup
    command, not edited by staff."""
    rows = []
    for i, f in enumerate(features):
        geometry = f.get("geometry") or {}
        if f.get("kind") not in MapFeature.Kind.values or geometry.get("type") not in (
            MAP_GEOMETRIES
        ):
            raise InvalidInput(_("Map feature %(i)d is not a river or road line.") % {"i": i})
        rows.append(
            MapFeature(
                kind=f["kind"],
                name_zh=f.get("name_zh", ""),
                name_en=f.get("name_en", ""),
                geometry=geometry,
            )
        )
    with transaction.atomic():
        MapFeature.objects.all().delete()
        MapFeature.objects.bulk_create(rows)
    return len(rows)
