"""Early-warning pages: the alert list, an alert that explains itself, alert rules and
escalation attention. Thin: read through selectors, call the same actions as the API, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.models import Category
from concord.cases.selectors import cases_visible_to
from concord.core import conf
from concord.core.errors import ConcordError, NotFound
from concord.places.models import Level, Place
from concord.safety.models import IncidentLevel, IncidentType

from . import actions, selectors
from .attention import needs_attention, trained_model
from .methods import SCAN, control_items, method_choices, method_label, param_fields
from .models import AlertRule, AlertState

STEPS = ("acknowledge", "action", "dismiss", "assign", "link", "open_incident")


def _require_alerts(user) -> None:
    """The alert pages: people who handle alerts, and members of units given an alert."""
    if not perms.place_paths_with(user, Cap.ALERT_MANAGE) and not perms.grants(user):
        raise DjangoPermissionDenied


def _require_manage(user) -> None:
    if not perms.place_paths_with(user, Cap.ALERT_MANAGE):
        raise DjangoPermissionDenied


def _groups() -> dict[str, str]:
    return {
        c.code: c.localized_name() for c in Category.objects.filter(parent=None).order_by("code")
    }


def _group_name(groups: dict[str, str], root: str) -> str:
    return groups.get(root, root) if root else _("all categories")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _places_for_filter(user) -> list[Place]:
    paths = perms.place_paths_with(user, Cap.ALERT_MANAGE)
    if not paths:
        return []

    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return list(Place.objects.filter(q).exclude(level=Level.GRID).order_by("path")[:300])


@login_required
def alert_list(request):
    _require_alerts(request.user)
    groups = _groups()
    qs = selectors.alerts_visible_to(request.user)
    f = request.GET
    place = Place.objects.filter(code=f.get("place")).first() if f.get("place") else None
    if place is not None:
        qs = qs.filter(place__path__startswith=place.path)
    if f.get("group") is not None and f.get("group") != "*" and "group" in f:
        qs = qs.filter(category_root=f.get("group"))
    if f.get("method"):
        qs = qs.filter(method=f.get("method"))
    if f.get("state"):
        qs = qs.filter(state=f.get("state"))
    since, until = _date(f.get("from")), _date(f.get("to"))
    if since:
        qs = qs.filter(period_end__gte=since)
    if until:
        qs = qs.filter(period_start__lte=until)
    alerts = list(qs.order_by("-period_end", "-pk")[:200])
    for a in alerts:
        a.group_name = _group_name(groups, a.category_root)
        a.method_name = method_label(a.method)
    return render(
        request,
        "warning/alerts.html",
        {
            "alerts": alerts,
            "places": _places_for_filter(request.user),
            "groups": groups,
            "methods": method_choices(with_scan=True),
            "states": AlertState.choices,
            "f": f,
            "may_manage": bool(perms.place_paths_with(request.user, Cap.ALERT_MANAGE)),
            "may_attention": bool(perms.place_paths_with(request.user, Cap.CASE_VIEW)),
            "tab": "alerts",
        },
    )


def _feature(place: Place, *, main: bool) -> dict | None:
    if place.boundary:
        geometry = place.boundary
    elif place.centroid_lng is not None:
        geometry = {"type": "Point", "coordinates": [place.centroid_lng, place.centroid_lat]}
    else:
        return None
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"name": place.localized_name(), "main": main},
    }


def _map(alert) -> dict:
    features = [f for f in [_feature(alert.place, main=True)] if f]
    for p in alert.places.all():
        if p.pk != alert.place_id:
            f = _feature(p, main=False)
            if f:
                features.append(f)
    return {"type": "FeatureCollection", "features": features}


def _chart_rows(alert) -> list[dict]:
    s = alert.series or {}
    if s.get("method") == SCAN:
        first, last = (s.get("cluster") or ["", ""])[:2]
        return [
            {"label": d, "observed": o, "in_cluster": first <= d <= last}
            for d, o in zip(s.get("days", []), s.get("observed", []), strict=False)
        ]
    baseline = set(s.get("baseline", []))
    return [
        {
            "label": w,
            "observed": o,
            "expected": e,
            "threshold": t,
            "baseline": w in baseline,
            "alarm": w == s.get("alarm_week"),
        }
        for w, o, e, t in zip(
            s.get("weeks", []),
            s.get("observed", []),
            s.get("expected", []),
            s.get("threshold", []),
            strict=False,
        )
    ]


@login_required
@require_GET
def alert_detail(request, alert_id: int):
    _require_alerts(request.user)
    try:
        alert = selectors.get_alert_for_user(request.user, alert_id)
    except NotFound as exc:
        raise Http404 from exc
    groups = _groups()
    members = cases_visible_to(request.user).filter(alerts=alert)
    visible = list(members.select_related("place").order_by("-created_at")[:200])
    visible_count = members.count() if len(visible) == 200 else len(visible)
    may_handle = selectors.may_handle(request.user, alert)
    incidents = []
    may_open_incident = False
    if may_handle:
        from concord.safety.selectors import incidents_for

        incidents = list(incidents_for(request.user)[:50])
        may_open_incident = all(
            perms.can(request.user, Cap.CASE_SUPERVISE, place_path=p.path)
            for p in (list(alert.places.all()) or [alert.place])
        )

    rows = _chart_rows(alert)
    s = alert.series or {}
    return render(
        request,
        "warning/alert.html",
        {
            "alert": alert,
            "group_name": _group_name(groups, alert.category_root),
            "method_name": method_label(alert.method),
            "control": control_items(alert.method, (alert.series or {}).get("params"))
            if alert.method != SCAN
            else "",
            "is_scan": alert.method == SCAN,
            "chart": {"rows": rows, "scan": alert.method == SCAN},
            "rows": rows,
            "baseline_weeks": s.get("baseline", []),
            "map": _map(alert),
            "areas": [p for p in alert.places.all()] if alert.method == SCAN else [],
            "cases": visible,
            "visible_count": visible_count,
            "hidden": max(alert.case_count - visible_count, 0),
            "may_handle": may_handle,
            "units": list(actions.assignable_units(alert)) if may_handle else [],
            "incidents": incidents,
            "may_open_incident": may_open_incident,
            "incident_types": IncidentType.choices,
            "incident_levels": IncidentLevel.choices,
            "open_states": alert.state in (AlertState.NEW, AlertState.ACKNOWLEDGED),
        },
    )


@login_required
@require_POST
def alert_step(request, alert_id: int, step: str):
    _require_alerts(request.user)
    try:
        alert = selectors.get_alert_for_user(request.user, alert_id)
    except NotFound as exc:
        raise Http404 from exc
    if step not in STEPS:
        raise Http404
    p = request.POST
    try:
        if step == "assign":
            from concord.accounts.models import Unit

            unit = Unit.objects.filter(pk=p.get("unit") or 0).first()
            actions.alert_assign(actor=request.user, alert=alert, unit=unit, note=p.get("note", ""))
        elif step == "link":
            from concord.safety.models import Incident

            actions.alert_link_incident(
                actor=request.user,
                alert=alert,
                incident=Incident.objects.filter(pk=p.get("incident") or 0).first(),
            )
        elif step == "open_incident":
            actions.alert_open_incident(
                actor=request.user,
                alert=alert,
                title=p.get("title", ""),
                incident_type=p.get("incident_type", ""),
                level=p.get("level", ""),
                description=p.get("description", ""),
            )
        else:
            actions.alert_transition(
                actor=request.user, alert=alert, step=step, reason=p.get("reason", "")
            )
        messages.success(request, _("Saved."))
    except ConcordError as exc:
        text = exc.message
        fields = getattr(exc, "fields", None) or {}
        if fields:
            text = f"{text} " + " ".join(str(v) for v in fields.values())
        messages.error(request, text)
        return redirect(f"/staff/alerts/{alert.pk}/#action-{step}")
    return redirect("warning:alert", alert_id=alert.pk)


# --- rules ----------------------------------------------------------------------------------


def _rule_form_context(request, *, rule=None, data=None, errors=None, preview=None):
    groups = _groups()
    method = (data or {}).get("method") or (rule.method if rule else "ears-c2")
    values = (rule.params if rule else {}) if data is None else {}
    fields = param_fields(method, values)
    if data is not None:
        for f in fields:
            if f"p_{f['name']}" in data:
                f["value"] = data.get(f"p_{f['name']}")
    chosen_roots = (
        data.getlist("category_roots")
        if data is not None
        else (rule.category_roots if rule else [])
    )
    chosen_levels = (
        data.getlist("place_levels") if data is not None else (rule.place_levels if rule else [])
    )
    return {
        "rule": rule,
        "name": (data or {}).get("name", rule.name if rule else ""),
        "place_code": (data or {}).get("place", rule.place.code if rule else ""),
        "method": method,
        "methods": method_choices(),
        "fields": fields,
        "groups": [("", _("all categories together"))] + list(groups.items()),
        "levels": Level.choices,
        "chosen_roots": chosen_roots,
        "chosen_levels": chosen_levels,
        "is_active": (data.get("is_active") == "on")
        if data is not None
        else (rule.is_active if rule else True),
        "places": _rule_places(request.user),
        "errors": errors or {},
        "preview": preview,
        "group_names": groups,
        "versions": _versions(rule) if rule else [],
        "tab": "rules",
    }


def _versions(rule) -> list:
    out = list(rule.versions.select_related("changed_by")[:20])
    for v in out:
        v.method_name = method_label(v.method)
        v.control = control_items(v.method, v.params)
    return out


def _rule_places(user) -> list[Place]:
    paths = perms.place_paths_with(user, Cap.ALERT_MANAGE)

    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return list(
        Place.objects.filter(q).filter(level__in=[Level.COUNTY, Level.TOWN]).order_by("path")[:200]
    )


@login_required
def rule_list(request):
    _require_manage(request.user)
    groups = _groups()
    rules = list(selectors.rules_visible_to(request.user))
    for r in rules:
        r.method_name = method_label(r.method)
        r.group_names = [_group_name(groups, g) for g in r.category_roots] or [_("every group")]
        levels = dict(Level.choices)
        r.level_names = [str(levels.get(lv, lv)) for lv in r.place_levels] or [_("every level")]
        r.control = control_items(r.method, r.params)

    return render(
        request,
        "warning/rules.html",
        {
            "rules": rules,
            "default_methods": [method_label(m) for m in conf.warning().methods],
            "any_rules": AlertRule.objects.exists(),
            "tab": "rules",
        },
    )


def _save_or_preview(request, rule=None):
    data = request.POST
    place = rule.place if rule else Place.objects.filter(code=data.get("place")).first()
    method = data.get("method", "")
    params = {
        f["name"]: data.get(f"p_{f['name']}", "")
        for f in param_fields(method)
        if f"p_{f['name']}" in data
    }
    roots = data.getlist("category_roots")
    levels = data.getlist("place_levels")
    if data.get("op") == "method":  # show the chosen method's control fields, save nothing
        return None, {}, None
    if data.get("op") == "preview":
        from .methods import clean_params
        from .rules import EffectiveRule, preview

        try:
            cleaned = clean_params(method, params)
        except ValueError as exc:
            return None, {"params": str(exc)}, None
        if place is None:
            return None, {"place": _("Choose a place.")}, None
        effective = EffectiveRule(None, 0, method, cleaned, place.path, roots, levels)
        groups = _groups()
        rows = preview(effective, today=timezone.localdate())
        for r in rows:
            r.group_name = _group_name(groups, r.root)
        return None, {}, rows
    try:
        saved = actions.alert_rule_save(
            actor=request.user,
            rule=rule,
            name=data.get("name", ""),
            place=place,
            method=method,
            params=params,
            category_roots=roots,
            place_levels=levels,
            is_active=data.get("is_active") == "on",
        )
    except ConcordError as exc:
        errors = dict(getattr(exc, "fields", None) or {}) or {"form": exc.message}
        return None, errors, None
    return saved, {}, None


@login_required
def rule_new(request):
    _require_manage(request.user)
    if request.method == "POST":
        saved, errors, rows = _save_or_preview(request)
        if saved is not None:
            messages.success(request, _("Rule saved."))
            return redirect("warning:rule", rule_id=saved.pk)
        ctx = _rule_form_context(request, data=request.POST, errors=errors, preview=rows)
        return render(request, "warning/rule.html", ctx, status=400 if errors else 200)
    return render(request, "warning/rule.html", _rule_form_context(request))


@login_required
def rule_detail(request, rule_id: int):
    _require_manage(request.user)
    try:
        rule = selectors.get_rule_for_user(request.user, rule_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        saved, errors, rows = _save_or_preview(request, rule)
        if saved is not None:
            messages.success(request, _("Rule saved."))
            return redirect("warning:rule", rule_id=saved.pk)
        ctx = _rule_form_context(request, rule=rule, data=request.POST, errors=errors, preview=rows)
        return render(request, "warning/rule.html", ctx, status=400 if errors else 200)
    return render(request, "warning/rule.html", _rule_form_context(request, rule=rule))


# --- escalation attention -------------------------------------------------------------------


@login_required
def attention(request):
    if not perms.place_paths_with(request.user, Cap.CASE_VIEW):
        raise DjangoPermissionDenied

    model, rates = trained_model()
    rows = needs_attention(request.user, model=model, rates=rates, limit=30)
    return render(
        request,
        "warning/attention.html",
        {
            "rows": rows,
            "may_manage": bool(perms.place_paths_with(request.user, Cap.ALERT_MANAGE)),
            "tab": "attention",
        },
    )
