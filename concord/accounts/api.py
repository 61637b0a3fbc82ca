"""Accounts API: who am I, and the units cases can be sent to."""

from __future__ import annotations

from ninja import Router, Schema

from concord.accounts.api_auth import optional_auth

from .models import Unit
from .permissions import grants

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    unit_id: int
    place_path: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    language: str
    grants: list[GrantOut]


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "language": user.language,
        "grants": [
            {"role": g.role, "unit_id": g.unit_id, "place_path": g.place_path} for g in grants(user)
        ],
    }


class UnitOut(Schema):
    code: str
    kind: str
    name_zh: str
    name_en: str
    name: str
    place: str
    channels: list[str]


@router.get("/units", auth=optional_auth, response=list[UnitOut], tags=["units"])
def list_units(request, place: str | None = None, kind: str | None = None):
    qs = Unit.objects.filter(is_active=True).select_related("place")
    if place:
        qs = qs.filter(place__code=place)
    if kind:
        qs = qs.filter(kind=kind)
    return [
        {
            "code": u.code,
            "kind": u.kind,
            "name_zh": u.name_zh,
            "name_en": u.name_en,
            "name": u.localized_name(),
            "place": u.place.code,
            "channels": u.channels,
        }
        for u in qs[:2000]
    ]
