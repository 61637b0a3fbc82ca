"""Triage API, mounted under /api/v1/triage/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from concord.accounts.api_auth import optional_auth
from concord.cases.models import Category
from concord.cases.schemas import CASE_RESPONSES, case_out, reloaded_case_out
from concord.cases.selectors import get_case_for_user
from concord.core import conf
from concord.core.errors import InvalidInput
from concord.places.models import Place

from . import actions, selectors
from .algorithms.signals import is_crisis
from .routing import suggest_route

router = Router(tags=["triage"])


class TextIn(Schema):
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=10_000)


class SuggestOut(Schema):
    categories: list[dict]
    model_version: str
    signals: list[dict]
    crisis: bool


@router.post(
    "/suggest",
    auth=optional_auth,
    response=SuggestOut,
    summary="Suggest categories as the resident types",
)
def suggest(request, payload: TextIn):
    top, version = actions.suggest(title=payload.title, body=payload.body)
    text = f"{payload.title}\n{payload.body}"
    return {
        "categories": top,
        "model_version": version,
        "signals": actions.signals_as_data(text),
        "crisis": is_crisis(text),
    }


class SimilarIn(TextIn):
    place: str | None = Field(None, max_length=40)
    lat: float | None = None
    lng: float | None = None
    category: str | None = Field(None, max_length=40)


class SimilarOut(Schema):
    category: str | None
    place: str
    # The number of open reports, or null when it is below `fewer_than` (small counts are not
    # published, so a count cannot single out a neighbour's report).
    count: int | None
    fewer_than: int | None


@router.post(
    "/similar",
    auth=optional_auth,
    response=SimilarOut,
    summary="Is this your problem? How many open reports of the same category are nearby",
)
def similar(request, payload: SimilarIn):
    """Count open reports of the given category (or the one the text suggests) at the place or
    point. Titles, dates and statuses of other residents' reports are never returned."""
    place = None
    if payload.place:
        place = Place.objects.filter(code=payload.place).first()
    elif payload.lat is not None and payload.lng is not None:
        from concord.places.selectors import place_locate

        if -90 <= payload.lat <= 90 and -180 <= payload.lng <= 180:
            place = place_locate(lng=payload.lng, lat=payload.lat)
    if place is None:
        msg = _("Choose a place or give a location inside the service area.")
        raise InvalidInput(msg, fields={"place": msg})
    if payload.category:
        category = Category.objects.filter(code=payload.category, is_active=True).first()
        if category is None:
            raise InvalidInput(_("Unknown category."), fields={"category": _("Unknown category.")})
    else:
        top, _version = actions.suggest(title=payload.title, body=payload.body, k=1)
        category = Category.objects.filter(code=top[0]["code"]).first() if top else None
    k = conf.concord().public_min_cell
    count = selectors.open_reports_near(place_path=place.path, category=category) if category else 0
    return {
        "category": category.code if category else None,
        "place": place.code,
        "count": count if count >= k else None,
        "fewer_than": None if count >= k else k,
    }


@router.get("/queue", response=list[dict], summary="Cases waiting for a person to categorise them")
def queue(request):
    rows = []
    for case in selectors.triage_queue(request.auth)[:200]:
        rows.append(
            case_out(case) | {"suggested": case.triage.categories, "signals": case.triage.signals}
        )
    return rows


class TriageOut(Schema):
    model_version: str
    categories: list
    confidence: float | None
    auto_routed: bool
    needs_human: bool
    signals: list[dict]
    error: str
    duplicates: list[dict]
    incident: dict | None


@router.get("/cases/{int:case_id}", response={200: TriageOut, 404: dict})
def case_triage(request, case_id: int):
    case = get_case_for_user(request.auth, case_id)
    s = getattr(case, "triage", None)
    incident = selectors.incident_of(request.auth, case)
    return {
        "model_version": s.model_version if s else "",
        "categories": s.categories if s else [],
        "confidence": s.confidence if s else None,
        "auto_routed": bool(s and s.auto_routed),
        "needs_human": bool(s is None or s.needs_human),
        "signals": s.signals if s else [],
        "error": s.error if s else "",
        "duplicates": [
            {
                "case_id": d.other_id,
                "receipt_code": d.other.receipt_code,
                "title": d.other.title,
                "score": d.score,
            }
            for d in selectors.duplicates_of(request.auth, case)
        ],
        "incident": {
            "id": incident.pk,
            "title": incident.title,
            "collective": incident.collective,
            "size": incident.members.count(),
        }
        if incident
        else None,
    }


class CategoryIn(Schema):
    category: str
    reroute: bool = True


@router.post(
    "/cases/{int:case_id}/category", response=CASE_RESPONSES, summary="Set or correct the category"
)
def set_category(request, case_id: int, payload: CategoryIn):
    category = Category.objects.filter(code=payload.category, is_active=True).first()
    if category is None:
        raise InvalidInput(_("Unknown category."), fields={"category": _("Unknown category.")})
    case = actions.triage_correct_category(
        actor=request.auth,
        case=get_case_for_user(request.auth, case_id),
        category=category,
        reroute=payload.reroute,
    )
    return reloaded_case_out(case)


class RouteOut(Schema):
    level: str
    channel: str
    unit_code: str
    unit_name: str
    reason: str
    learned: bool


@router.get(
    "/cases/{int:case_id}/route",
    response={200: RouteOut, 404: dict},
    summary="Where this case should go, and why",
)
def case_route(request, case_id: int):

    return suggest_route(get_case_for_user(request.auth, case_id)).__dict__
