"""The scheduled early-warning run: aggregate, detect, scan, and raise explainable alerts."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.models import Unit, UnitKind
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases.models import Case, Category
from concord.cases.selectors import local_midnight
from concord.core import conf
from concord.core.bilingual import each
from concord.core.reads import consistent_reads
from concord.notifications.actions import notify
from concord.places.models import Level, Place

from .aggregate import week_start, weekly_counts
from .algorithms.detectors import make_params
from .algorithms.stscan import scan
from .methods import method_label
from .models import Alert, SurveillanceRun
from .rules import effective_rules, evaluate_rule, history_weeks


def _governance_unit(place: Place, cache: dict) -> Unit | None:
    """Return the governance centre at the place or the nearest one above it."""
    if place.id in cache:
        return cache[place.id]
    units = {
        u.place.path: u
        for u in Unit.objects.filter(
            kind=UnitKind.GOVERNANCE_CENTRE, is_active=True, place__path__in=place.ancestors_paths()
        ).select_related("place")
    }
    found = next((units[p] for p in reversed(place.ancestors_paths()) if p in units), None)
    cache[place.id] = found
    return found


def surveillance_run(*, today: date | None = None) -> SurveillanceRun:
    """Run every active alert rule and the space-time scan; return the run record.

    Where no rule has been saved yet, the methods the setting names run on every series (each
    as an unsaved rule over everything).

    Everything the pass reads — rules, weekly counts, the scan's cases, each alert's cases and
    unit — is read in one read transaction (`consistent_reads`: one snapshot, no write lock on
    SQLite); then each alert is written in a short transaction of its own, so the server's
    submissions never wait for the whole pass.
    """

    started = time.monotonic()
    today = today or timezone.localdate()
    run = SurveillanceRun.objects.create()
    end = week_start(today) - timedelta(days=1)  # the last complete week (Sunday)
    pending: list[PendingAlert] = []
    with consistent_reads():
        rules = effective_rules()
        lookback = conf.warning().lookback_weeks
        series = weekly_counts(
            end=end,
            weeks=history_weeks(rules, lookback=lookback),
            min_total=conf.warning().min_alert_count,
        )
        places = {p.id: p for p in Place.objects.filter(id__in={k[0] for k in series.keys})}
        unit_cache: dict = {}
        for rule in rules:
            for hit in evaluate_rule(rule, series, places, lookback=lookback):
                if hit.observed < conf.warning().min_alert_count:
                    continue
                pending.append(
                    prepare_alert(
                        method=rule.method,
                        place=places[hit.place_id],
                        root=hit.root,
                        start=hit.week,
                        end=hit.week + timedelta(days=6),
                        observed=hit.observed,
                        expected=hit.expected,
                        threshold=hit.threshold,
                        score=hit.score,
                        unit_cache=unit_cache,
                        details={"weeks_of_history": hit.index, "params": rule.params},
                        series=hit.chart(),
                        rule=rule,
                    )
                )
        pending.extend(_scan(today, unit_cache))
    created = sum(write_alert(p) for p in pending if p is not None)
    run.finished_at = timezone.now()
    run.series = len(series.keys)
    run.alerts_created = created
    run.seconds = round(time.monotonic() - started, 3)
    run.notes = ", ".join(f"{r.method}#{r.pk or '-'}v{r.version}" for r in rules)
    run.save()
    return run


def configured_methods() -> list[tuple[str, Any]]:
    """Return the (method name, parameters) pairs of the weekly run, from the registry.

    Raise ``ValueError`` naming the entry when the setting names an unknown method or
    parameter.
    """
    out = []
    for entry in conf.warning().methods:
        if isinstance(entry, str):
            name, overrides = entry, {}
        else:
            name, overrides = entry.get("method", ""), entry.get("params") or {}
        out.append((name, make_params(name, overrides)))
    return out


def _num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else round(x, 6)


@dataclass
class PendingAlert:
    """An alert found by the read phase, with everything its write needs."""

    signature: str
    unit: Unit
    case_ids: list[int]
    places: list[Place]
    fields: dict[str, Any]
    rule_pk: int | None = None
    rule_version: int | None = None


def prepare_alert(
    *,
    method,
    place,
    root,
    start,
    end,
    observed,
    expected,
    threshold,
    score,
    unit_cache,
    details,
    places=None,
    p_value=None,
    signature=None,
    series=None,
    rule=None,
) -> PendingAlert | None:
    """Read what an alert needs (None when it exists already or no unit would receive it)."""
    signature = signature or f"{method}:{place.code}:{root}:{end.isoformat()}"
    if Alert.objects.filter(signature=signature).exists():
        return None
    unit = _governance_unit(place, unit_cache)
    if unit is None:
        return None
    members = Case.objects.filter(
        place_path__startswith=place.path,
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    )
    if root:
        members = members.filter(category_root=root)
    if places:
        members = members.filter(place__in=places)
    saved_rule = rule is not None and rule.pk
    return PendingAlert(
        signature=signature,
        unit=unit,
        case_ids=list(members.values_list("pk", flat=True)[:2000]),
        places=list(places or [place]),
        fields=dict(
            method=method,
            place=place,
            category_root=root,
            period_start=start,
            period_end=end,
            observed=observed,
            expected=expected,
            threshold=threshold,
            score=score,
            details=details,
            p_value=p_value,
            series=series or {},
        ),
        rule_pk=rule.pk if saved_rule else None,
        rule_version=rule.version if saved_rule else None,
    )


def write_alert(pending: PendingAlert) -> int:
    """Write one alert, its ledger event and its notification; return 1 if it is new."""
    f = pending.fields
    with transaction.atomic():
        alert, made = Alert.objects.get_or_create(
            signature=pending.signature,
            defaults=dict(
                **f,
                unit=pending.unit,
                rule_id=pending.rule_pk,
                rule_version=pending.rule_version,
            ),
        )
        if not made:
            return 0
        alert.cases.set(pending.case_ids)
        alert.places.set(pending.places)
        from concord.core.ledger import append_event

        append_event(
            stream=f"alert:{alert.pk}",
            kind="alert_raised",
            data={
                "method": f["method"],
                "place": f["place"].code,
                "category": f["category_root"],
                "observed": f["observed"],
                "expected": f["expected"],
                "threshold": f["threshold"],
                "period": [f["period_start"].isoformat(), f["period_end"].isoformat()],
            },
        )

    place, expected, threshold = f["place"], f["expected"], f["threshold"]
    users = list(holders(Cap.ALERT_MANAGE, at_places=place.ancestors_paths()))
    notify(
        recipients=users,
        kind="alert",
        subject=each(
            "Early warning: %(place)s, %(category)s",
            place=place.localized_name,
            category=lambda: _category_name(f["category_root"]),
        ),
        body=each(
            "%(method)s: observed %(observed)s, expected %(expected)s, threshold %(threshold)s",
            method=lambda: method_label(f["method"]),
            observed=f"{f['observed']:g}",
            expected="—" if expected is None else f"{expected:.1f}",
            threshold="—" if threshold is None else f"{threshold:.1f}",
        ),
        link=f"/staff/alerts/{alert.pk}/",
        dedupe_key=f"alert:{alert.pk}",
    )
    return 1


def raise_alert(**kwargs) -> int:
    """Read and write one alert at once (see `prepare_alert`); return 1 if it is new."""
    pending = prepare_alert(**kwargs)
    return write_alert(pending) if pending is not None else 0


def _km(lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Project degrees to a local plane in km (equirectangular; fine inside a county)."""
    lat0 = np.radians(np.nanmean(lat))
    return np.column_stack([np.radians(lng) * 6371.0 * np.cos(lat0), np.radians(lat) * 6371.0])


def _scan(today: date, unit_cache: dict) -> list[PendingAlert | None]:
    """Prospective space-time permutation scan over grids × days, per category group."""
    days = conf.warning().scan_days
    first = today - timedelta(days=days)
    grids = list(Place.objects.filter(level=Level.GRID).exclude(centroid_lng=None))
    if len(grids) < 3:
        return []
    gindex = {g.id: i for i, g in enumerate(grids)}
    coords = _km(
        np.array([g.centroid_lng for g in grids]), np.array([g.centroid_lat for g in grids])
    )
    rows = (
        Case.objects.filter(
            place__level=Level.GRID,
            created_at__gte=local_midnight(first),
            created_at__lt=local_midnight(today),
        )
        .values_list("place_id", "category_root", "created_at__date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_root: dict[str, list[tuple[int, int, int]]] = {}
    for place_id, root, day, n in rows:
        by_root.setdefault(root or "", []).append((gindex[place_id], (day - first).days, n))
    found: list[PendingAlert | None] = []
    for root, recs in by_root.items():
        arr = np.array(recs)
        if arr[:, 2].sum() < conf.warning().scan_min_cases:
            continue
        clusters = scan(
            arr[:, 0],
            arr[:, 1],
            arr[:, 2],
            coords,
            start=0,
            end=days - 1,
            replications=conf.warning().scan_replications,
            seed=0,
            max_clusters=3,
        )
        for cl in clusters:
            if cl.p_value is None or cl.p_value > conf.warning().scan_p:
                continue
            members = [grids[i] for i in cl.locations]
            common = _common_place(members)
            start = first + timedelta(days=cl.start)
            end = first + timedelta(days=cl.end)
            inside = np.isin(arr[:, 0], list(cl.locations))
            daily = np.bincount(arr[inside, 1], weights=arr[inside, 2], minlength=days)
            key = hashlib.sha256(",".join(sorted(g.code for g in members)).encode()).hexdigest()[
                :12
            ]
            found.append(
                prepare_alert(
                    method="stscan",
                    place=common,
                    root=root,
                    start=start,
                    end=end,
                    observed=float(cl.observed),
                    expected=round(cl.expected, 4),
                    threshold=None,
                    score=round(cl.llr, 4),
                    unit_cache=unit_cache,
                    places=members,
                    p_value=float(cl.p_value),
                    signature=f"stscan:{root}:{key}:{start.isoformat()}",
                    details={
                        "radius_km": round(cl.radius, 3),
                        "grids": [g.code for g in members],
                        "recurrence_interval_days": _num(cl.recurrence_interval or float("nan")),
                    },
                    series={
                        "method": "stscan",
                        "days": [(first + timedelta(days=i)).isoformat() for i in range(days)],
                        "observed": [float(x) for x in daily[:days]],
                        "cluster": [start.isoformat(), end.isoformat()],
                    },
                )
            )
    return found


def _common_place(places: list[Place]) -> Place:
    paths = [p.ancestors_paths() for p in places]
    shared = [p for p in paths[0] if all(p in other for other in paths[1:])]
    return Place.objects.get(path=shared[-1])


def _category_name(root: str) -> str:
    """Name an alert's category group for people (every category when the group is empty)."""

    category = Category.objects.filter(code=root).first() if root else None
    return category.localized_name() if category else str(_("all categories"))
