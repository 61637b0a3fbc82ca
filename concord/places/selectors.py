"""Reads of the place tree."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import NotFound

from .geometry import contains, parse_boundary
from .models import Place, PlacePopulation


def place_get(*, code: str) -> Place:
    try:
        return Place.objects.get(code=code)
    except Place.DoesNotExist as exc:
        raise NotFound(_("Unknown place %(code)s.") % {"code": code}) from exc


def place_subtree(place: Place) -> QuerySet[Place]:
    """Return the place and every place under it."""
    return Place.objects.filter(path__startswith=place.path)


def place_ancestors(place: Place) -> list[Place]:
    """Return the places above `place` and the place itself, root first."""
    by_path = {p.path: p for p in Place.objects.filter(path__in=place.ancestors_paths())}
    return [by_path[p] for p in place.ancestors_paths() if p in by_path]


@lru_cache(maxsize=4096)
def _geometry(place_id: int, boundary_key: str):
    import json

    return parse_boundary(json.loads(boundary_key))


def place_locate(*, lng: float, lat: float, within: Place | None = None) -> Place | None:
    """Return the deepest place whose boundary covers the point, or None.

    Candidates are narrowed by bounding box in the database, then tested exactly with shapely.
    """
    import json

    qs = Place.objects.filter(
        min_lng__lte=lng, max_lng__gte=lng, min_lat__lte=lat, max_lat__gte=lat
    ).exclude(boundary=None)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    best: Place | None = None
    for place in qs.only("id", "code", "path", "level", "boundary", "parent_id"):
        geom = _geometry(place.id, json.dumps(place.boundary, sort_keys=True))
        if geom is not None and contains(geom, lng, lat):
            if best is None or place.rank > best.rank:
                best = place
    return best


def populations_by_year(places: Sequence[Place], years: Sequence[int]) -> np.ndarray:
    """Return the population of each place (rows) in each year (columns), as floats.

    A year without a figure takes the figure of the nearest recorded year (the earlier one on
    a tie); a place without any takes its current ``population``, and 1 when that is unknown
    too (a constant offset, which leaves a model without offset unchanged). One query.
    """

    out = np.ones((len(places), len(years)))
    known: dict[int, dict[int, int]] = {}
    for place_id, year, population in PlacePopulation.objects.filter(
        place__in=[p.pk for p in places]
    ).values_list("place_id", "year", "population"):
        known.setdefault(place_id, {})[year] = population
    for row, place in enumerate(places):
        figures = known.get(place.pk)
        if not figures:
            if place.population:
                out[row] = place.population
            continue
        recorded = sorted(figures)
        for col, year in enumerate(years):
            nearest = min(recorded, key=lambda y: (abs(y - year), y))
            out[row, col] = figures[nearest]
    return out


def population_places(user) -> QuerySet[Place]:
    """Places whose populations ``user`` may record: under the places where they handle early
    warning or administer the platform."""

    q = Q(pk__in=[])
    for cap in (Cap.ALERT_MANAGE, Cap.PLATFORM_ADMIN):
        for path in perms.place_paths_with(user, cap):
            q |= Q(path__startswith=path)
    return Place.objects.filter(q).order_by("path")
