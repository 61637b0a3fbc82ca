"""Early-warning API, mounted under /api/v1/warning/ (staff only)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Router, Schema

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.cases.selectors import cases_visible_to
from concord.core.errors import NotFound, PermissionDenied
from concord.places.actions import place_population_set
from concord.places.models import Place
from concord.places.selectors import population_places
from concord.safety.models import Incident

from . import actions, selectors
from .attention import needs_attention, trained_model
from .methods import method_choices, method_label, param_fields
from .run import _category_name

router = Router(tags=["warning"])


class AlertOut(Schema):
    id: int
    method: str
    place: str
    place_name: str
    category_root: str
    period_start: date
    period_end: date
    observed: float
    expected: float | None
    threshold: float | None
    score: float | None
    p_value: float | None
    state: str
    state_reason: str
    unit: str
    case_count: int
    explanation: str


def explain(a) -> str:
    """Say in one sentence what was observed, what was expected, the threshold and the method."""

    parts = [
        _("%(method)s at %(place)s, %(start)s to %(end)s, %(category)s: observed %(obs)g")
        % {
            "method": method_label(a.method),
            "category": _category_name(a.category_root),
            "place": a.place.localized_name(),
            "start": a.period_start,
            "end": a.period_end,
            "obs": a.observed,
        },
    ]
    if a.expected is not None:
        parts.append(_("expected %(exp).1f") % {"exp": a.expected})
    if a.threshold is not None:
        parts.append(_("alarm threshold %(thr).1f") % {"thr": a.threshold})
    if a.p_value is not None:
        parts.append(_("p = %(p).3f") % {"p": a.p_value})
    return "; ".join(parts) + "."


def alert_out(a) -> dict:
    return {
        "id": a.pk,
        "method": a.method,
        "place": a.place.code,
        "place_name": a.place.localized_name(),
        "category_root": a.category_root,
        "period_start": a.period_start,
        "period_end": a.period_end,
        "observed": a.observed,
        "expected": a.expected,
        "threshold": a.threshold,
        "score": a.score,
        "p_value": a.p_value,
        "state": a.state,
        "state_reason": a.state_reason,
        "unit": a.unit.code,
        "case_count": getattr(a, "case_count", 0),
        "explanation": explain(a),
    }


@router.get("/alerts", response=list[AlertOut])
def list_alerts(request, state: str | None = None):
    qs = selectors.alerts_visible_to(request.auth)
    if state:
        qs = qs.filter(state=state)
    return [alert_out(a) for a in qs[:500]]


class AlertDetailOut(AlertOut):
    places: list[str]
    cases: list[dict]
    hidden_cases: int
    details: dict
    series: dict
    assigned_unit: str | None
    incident_id: int | None


@router.get("/alerts/{int:alert_id}", response={200: AlertDetailOut, 404: dict})
def get_alert(request, alert_id: int):
    alert = selectors.get_alert_for_user(request.auth, alert_id)
    # Member cases are listed only as far as the reader may see cases; analysts get counts.
    visible = (
        cases_visible_to(request.auth)
        .filter(alerts=alert)
        .only("id", "receipt_code", "title", "status")
    )
    return alert_out(alert) | {
        "places": [p.code for p in alert.places.all()],
        "cases": [
            {"id": c.pk, "receipt_code": c.receipt_code, "title": c.title, "status": c.status}
            for c in visible[:500]
        ],
        "hidden_cases": max(alert.case_count - visible.count(), 0),
        "details": alert.details,
        "series": alert.series,
        "assigned_unit": alert.assigned_unit.code if alert.assigned_unit else None,
        "incident_id": alert.incident_id,
    }


class StepIn(Schema):
    reason: str = ""


class AssignIn(Schema):
    unit: str
    note: str = ""


@router.post(
    "/alerts/{int:alert_id}/assign",
    response={200: AlertOut, 400: dict, 403: dict, 404: dict, 409: dict},
    summary="Give an alert to a unit; its members are told",
)
def assign_alert(request, alert_id: int, payload: AssignIn):

    alert = selectors.get_alert_for_user(request.auth, alert_id)
    unit = Unit.objects.filter(code=payload.unit).first()
    actions.alert_assign(actor=request.auth, alert=alert, unit=unit, note=payload.note)
    return alert_out(selectors.alerts_visible_to(request.auth).get(pk=alert.pk))


class IncidentIn(Schema):
    incident_id: int | None = None
    title: str = ""
    incident_type: str = ""
    level: str = ""
    description: str = ""


@router.post(
    "/alerts/{int:alert_id}/incident",
    response={200: AlertOut, 400: dict, 403: dict, 404: dict, 409: dict},
    summary="Link an alert to an incident (incident_id) or open one (title, type, level)",
)
def alert_incident(request, alert_id: int, payload: IncidentIn):

    alert = selectors.get_alert_for_user(request.auth, alert_id)
    if payload.incident_id is not None:
        actions.alert_link_incident(
            actor=request.auth,
            alert=alert,
            incident=Incident.objects.filter(pk=payload.incident_id).first(),
        )
    else:
        actions.alert_open_incident(
            actor=request.auth,
            alert=alert,
            title=payload.title,
            incident_type=payload.incident_type,
            level=payload.level,
            description=payload.description,
        )
    return alert_out(selectors.alerts_visible_to(request.auth).get(pk=alert.pk))


@router.post(
    "/alerts/{int:alert_id}/{step}",
    response={200: AlertOut, 400: dict, 403: dict, 404: dict, 409: dict},
)
def step_alert(request, alert_id: int, step: str, payload: StepIn):
    alert = selectors.get_alert_for_user(request.auth, alert_id)
    return alert_out(
        selectors.alerts_visible_to(request.auth).get(
            pk=actions.alert_transition(
                actor=request.auth, alert=alert, step=step, reason=payload.reason
            ).pk
        )
    )


@router.get(
    "/attention", response=list[dict], summary="Open cases that may need attention (staff only)"
)
def attention(request):
    if not perms.place_paths_with(request.auth, Cap.CASE_VIEW):
        raise PermissionDenied()

    model, rates = trained_model()
    return needs_attention(request.auth, model=model, rates=rates)


class RuleIn(Schema):
    name: str
    place: str
    method: str
    params: dict = {}
    category_roots: list[str] = []
    place_levels: list[str] = []
    is_active: bool = True


class RuleOut(Schema):
    id: int
    name: str
    place: str
    method: str
    method_name: str
    params: dict
    category_roots: list[str]
    place_levels: list[str]
    is_active: bool
    version: int


def rule_out(r) -> dict:

    return {
        "id": r.pk,
        "name": r.name,
        "place": r.place.code,
        "method": r.method,
        "method_name": method_label(r.method),
        "params": r.params,
        "category_roots": r.category_roots,
        "place_levels": r.place_levels,
        "is_active": r.is_active,
        "version": r.version,
    }


@router.get("/methods", response=list[dict], summary="Detectors a rule may use")
def methods(request):

    return [
        {"method": name, "name": label, "params": param_fields(name)}
        for name, label in method_choices()
    ]


@router.get("/rules", response=list[RuleOut])
def list_rules(request):
    return [rule_out(r) for r in selectors.rules_visible_to(request.auth)]


def _place(code: str):

    return Place.objects.filter(code=code).first()


@router.post("/rules", response={200: RuleOut, 400: dict, 403: dict})
def create_rule(request, payload: RuleIn):
    rule = actions.alert_rule_save(
        actor=request.auth,
        name=payload.name,
        place=_place(payload.place),
        method=payload.method,
        params=payload.params,
        category_roots=payload.category_roots,
        place_levels=payload.place_levels,
        is_active=payload.is_active,
    )
    return rule_out(rule)


@router.post("/rules/{int:rule_id}", response={200: RuleOut, 400: dict, 403: dict, 404: dict})
def update_rule(request, rule_id: int, payload: RuleIn):
    rule = selectors.get_rule_for_user(request.auth, rule_id)
    rule = actions.alert_rule_save(
        actor=request.auth,
        rule=rule,
        name=payload.name,
        place=rule.place,
        method=payload.method,
        params=payload.params,
        category_roots=payload.category_roots,
        place_levels=payload.place_levels,
        is_active=payload.is_active,
    )
    return rule_out(rule)


class PopulationIn(Schema):
    place: str
    year: int
    population: int


class PopulationOut(Schema):
    place: str
    year: int
    population: int


@router.get("/populations/{code}", response={200: list[PopulationOut], 404: dict})
def list_populations(request, code: str):

    place = population_places(request.auth).filter(code=code).first()
    if place is None:
        raise NotFound(_("No such place."))
    return [
        {"place": place.code, "year": row.year, "population": row.population}
        for row in place.populations.order_by("year")
    ]


@router.post("/populations", response={200: PopulationOut, 400: dict, 403: dict, 404: dict})
def set_population(request, payload: PopulationIn):
    """Record a place's population in a year: the same action as the populations page."""

    place = _place(payload.place)
    if place is None:
        raise NotFound(_("No such place."))
    row = place_population_set(
        actor=request.auth, place=place, year=payload.year, population=payload.population
    )
    return {"place": place.code, "year": row.year, "population": row.population}
