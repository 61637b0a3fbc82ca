"""Triage API, mounted under /api/v1/triage/."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from concord.accounts.api_auth import optional_auth
from concord.cases import actions as case_actions
from concord.cases.models import Case, Category
from concord.cases.schemas import CASE_RESPONSES, case_out, reloaded_case_out
from concord.cases.selectors import get_case_for_user
from concord.core.errors import InvalidInput
from concord.places.models import Place

from . import actions, selectors
from .algorithms import similarity
from .algorithms.signals import is_crisis

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
    place: str


class SimilarOut(Schema):
    title: str
    place: str
    status: str
    created_on: str
    score: float


@router.post(
    "/similar",
    auth=optional_auth,
    response=list[SimilarOut],
    summary="Is this your problem? Open reports like this one nearby",
)
def similar(request, payload: SimilarIn):
    place = Place.objects.filter(code=payload.place).first()
    if place is None:
        raise InvalidInput(_("Unknown place."), fields={"place": _("Unknown place.")})
    text = f"{payload.title} {payload.body}"
    candidates = (
        Case.objects.filter(
            place_path__startswith=place.path,
            sensitivity="normal",
            status__in=case_actions.OPEN_FOR_ROUTING,
        )
        .select_related("place")
        .order_by("-created_at")
        .only("title", "description", "status", "created_at", "place__name_zh", "place__name_en")[
            :300
        ]
    )
    scored = []
    for c in candidates:
        score = similarity.similarity(text, f"{c.title} {c.description}")
        if score >= similarity.DEFAULT_THRESHOLD:
            scored.append(
                {
                    "title": c.title,
                    "place": c.place.localized_name(),
                    "status": c.get_status_display(),
                    "created_on": c.created_at.date().isoformat(),
                    "score": round(score, 3),
                }
            )
    return sorted(scored, key=lambda s: -s["score"])[:5]


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
    from .routing import suggest_route

    return suggest_route(get_case_for_user(request.auth, case_id)).__dict__
