"""Geometry helpers for place boundaries (shapely)."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


class BoundaryError(ValueError):
    pass


def parse_boundary(geojson: dict[str, Any] | None) -> BaseGeometry | None:
    """Return a valid shapely geometry for a GeoJSON Polygon/MultiPolygon, or None."""
    if not geojson:
        return None
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several types for malformed input
        raise BoundaryError(f"not a GeoJSON geometry: {exc}") from exc
    if geom.geom_type not in {"Polygon", "MultiPolygon"}:
        raise BoundaryError(f"a boundary must be a Polygon or MultiPolygon, not {geom.geom_type}")
    if not geom.is_valid:
        geom = geom.buffer(0)
    return geom


def bbox_and_centroid(geom: BaseGeometry) -> tuple[float, float, float, float, float, float]:
    """Return (min_lng, min_lat, max_lng, max_lat, centroid_lng, centroid_lat)."""
    min_x, min_y, max_x, max_y = geom.bounds
    c = geom.representative_point()
    return min_x, min_y, max_x, max_y, c.x, c.y


def contains(geom: BaseGeometry, lng: float, lat: float) -> bool:
    return geom.covers(Point(lng, lat))
