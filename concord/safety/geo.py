"""How far a point lies outside a boundary, in metres (pure: no Django)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, shape

EARTH_M_PER_DEG_LAT = 110_574.0
EARTH_M_PER_DEG_LNG_EQUATOR = 111_320.0


def distance_outside_m(boundary: dict[str, Any], *, lng: float, lat: float) -> float:
    """Return the distance in metres from the point to the boundary; 0 if inside or on it.

    The boundary is projected onto a local plane centred on the point (equirectangular), which
    is accurate to well under a metre at the scale of a village and a tolerance of metres.
    """
    geom = shape(boundary)
    if not geom.is_valid:
        geom = geom.buffer(0)
    kx = EARTH_M_PER_DEG_LNG_EQUATOR * math.cos(math.radians(lat))
    ky = EARTH_M_PER_DEG_LAT

    def to_local(coords: np.ndarray) -> np.ndarray:
        return (coords - np.array([lng, lat])) * np.array([kx, ky])

    local = shapely.transform(geom, to_local)
    return float(local.distance(Point(0.0, 0.0)))
