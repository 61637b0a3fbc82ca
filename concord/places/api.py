"""Places API: the jurisdiction tree and point lookup (public: it holds no personal data)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from concord.accounts.api_auth import optional_auth
from concord.core.errors import InvalidInput, NotFound

from .models import Place
from .selectors import place_get, place_locate

router = Router(tags=["places"])


class PlaceOut(Schema):
    code: str
    parent: str | None
    level: str
    name_zh: str
    name_en: str
    name: str
    households: int
    population: int
    centroid: list[float] | None


class PlaceDetailOut(PlaceOut):
    boundary: dict | None


def place_out(p: Place, *, with_boundary: bool = False) -> dict:
    out = {
        "code": p.code,
        "parent": p.parent.code if p.parent_id else None,
        "level": p.level,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "name": p.localized_name(),
        "households": p.households,
        "population": p.population,
        "centroid": [p.centroid_lng, p.centroid_lat] if p.centroid_lng is not None else None,
    }
    if with_boundary:
        out["boundary"] = p.boundary
    return out


@router.get("", auth=optional_auth, response=list[PlaceOut])
def list_places(request, parent: str | None = None, level: str | None = None):
    qs = Place.objects.select_related("parent").defer("boundary")
    if parent:
        qs = qs.filter(parent__code=parent)
    if level:
        qs = qs.filter(level=level)
    return [place_out(p) for p in qs[:5000]]


@router.get("/locate", auth=optional_auth, response={200: PlaceOut, 400: dict, 404: dict})
def locate(
    request, lat: float = Query(..., ge=-90, le=90), lng: float = Query(..., ge=-180, le=180)
):
    place = place_locate(lng=lng, lat=lat)
    if place is None:
        raise NotFound(_("That point is outside the service area."))
    return place_out(Place.objects.select_related("parent").get(pk=place.pk))


@router.get("/{code}", auth=optional_auth, response={200: PlaceDetailOut, 404: dict})
def get_place(request, code: str):
    place = place_get(code=code)
    if place.parent_id:
        place = Place.objects.select_related("parent").get(pk=place.pk)
    return place_out(place, with_boundary=True)


__all__ = ["router", "InvalidInput"]
