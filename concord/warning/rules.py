"""Alert rules at work: which series a rule watches, what it finds, and what the page draws.

The weekly run and the rule page's preview both call ``evaluate_rule``: the preview is the run
over the past year, without writing anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from concord.core import conf
from concord.places.models import Place
from concord.places.selectors import populations_by_year

from .aggregate import Series, week_start, weekly_counts
from .algorithms.detectors import METHODS, detect, earliest_start, make_params
from .methods import baseline_weeks
from .models import AlertRule

CHART_WEEKS = 26  # weeks drawn on an alert's chart, the alarm week last


@dataclass
class EffectiveRule:
    """A rule as the run uses it: a saved rule's current version, or the configured default."""

    pk: int | None
    version: int
    method: str
    params: dict
    place_path: str
    category_roots: list[str]
    place_levels: list[str]


def _from_model(rule: AlertRule) -> EffectiveRule:
    return EffectiveRule(
        pk=rule.pk,
        version=rule.version,
        method=rule.method,
        params=dict(rule.params or {}),
        place_path=rule.place.path,
        category_roots=list(rule.category_roots or []),
        place_levels=list(rule.place_levels or []),
    )


def effective_rules() -> list[EffectiveRule]:
    """The active rules; where none was ever saved, the methods the setting names, over
    everything (an entry is a name or {"method": name, "params": {...}})."""

    saved = list(AlertRule.objects.select_related("place").order_by("pk"))
    if saved:
        return [_from_model(r) for r in saved if r.is_active]
    out = []
    for entry in conf.warning().methods:
        if isinstance(entry, str):
            name, overrides = entry, {}
        else:
            name, overrides = entry.get("method", ""), dict(entry.get("params") or {})
        make_params(name, overrides)  # an unknown method or parameter fails loudly here
        out.append(EffectiveRule(None, 0, name, overrides, "/", [], []))
    return out


def rule_for_run(rule: AlertRule) -> EffectiveRule:
    return _from_model(rule)


def history_weeks(rules: list[EffectiveRule], *, lookback: int = 0) -> int:
    """Weeks of counts the rules need: the configured history, or more for long baselines
    (Farrington: b years and w weeks, found by date), plus the evaluated weeks."""

    need = conf.warning().weeks
    for r in rules:
        try:
            need = max(need, make_params(r.method, r.params).min_history + 1 + lookback + 1)
        except ValueError:
            continue
    return need


@dataclass
class Hit:
    """One alarm: a series' week where the count passed the threshold."""

    place_id: int
    root: str
    index: int  # week number in the series
    week: date
    observed: float
    expected: float | None
    threshold: float | None
    score: float | None
    _chart: dict = field(default_factory=dict, repr=False)

    def chart(self) -> dict:
        return self._chart


def _num(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, 4)


def series_rows(rule: EffectiveRule, series: Series, places: dict[int, Place]) -> np.ndarray:
    """Return the row numbers of the series this rule watches."""
    rows = []
    for i, (place_id, root) in enumerate(series.keys):
        place = places.get(place_id)
        if place is None or not place.path.startswith(rule.place_path):
            continue
        if rule.place_levels and place.level not in rule.place_levels:
            continue
        if rule.category_roots and root not in rule.category_roots:
            continue
        rows.append(i)
    return np.array(rows, dtype=np.int64)


def evaluate_rule(
    rule: EffectiveRule,
    series: Series,
    places: dict[int, Place],
    *,
    lookback: int,
    with_charts: bool = True,
) -> list[Hit]:
    """Run the rule's detector over its series' last ``lookback`` weeks; return the alarms,
    each with the chart the alert page draws (the method's own numbers week by week)."""
    n_weeks = len(series.weeks)
    rows = series_rows(rule, series, places)
    if not len(rows):
        return []
    params = make_params(rule.method, rule.params)
    # Date-based, as R's sts(..., epochAsDate = TRUE): the weeks are calendar weeks.
    first = earliest_start(rule.method, n_weeks, params, series.weeks)
    start = max(first, n_weeks - lookback)
    if start >= n_weeks:
        return []
    counts = series.counts[rows]
    population = None
    if getattr(params, "population_offset", False):
        population = populations_for(series, places)[rows]
    result = detect(
        rule.method,
        counts,
        start=start,
        params=params,
        dates=series.weeks,
        population=population,
    )
    hits: list[Hit] = []
    charts: dict[int, dict] = {}
    # A GLR threshold limits its statistic, not the count: alerts and charts show none.
    counted = METHODS[rule.method].count_threshold
    for r, c in zip(*np.nonzero(result.alarm), strict=True):
        place_id, root = series.keys[rows[r]]
        t = start + int(c)
        if with_charts and r not in charts:
            charts[r] = _chart(
                rule,
                params,
                counts[r],
                series.weeks,
                result,
                r,
                start,
                first,
                None if population is None else population[r],
            )
        hit = Hit(
            place_id=place_id,
            root=root,
            index=t,
            week=series.weeks[t],
            observed=float(counts[r, t]),
            expected=_num(result.expected[r, c]),
            threshold=_num(result.threshold[r, c]) if counted else None,
            score=_num(result.score[r, c]),
        )
        if not with_charts:
            hits.append(hit)
            continue
        chart = dict(charts[r])
        chart["alarm_week"] = series.weeks[t].isoformat()
        chart["baseline"] = [
            series.weeks[i].isoformat()
            for i in baseline_weeks(rule.method, rule.params, t, start, series.weeks)
            if i < n_weeks
        ]
        hit._chart = chart
        hits.append(hit)
    return hits


def _chart(
    rule, params, row: np.ndarray, weeks: list[date], result, r, start, earliest, population
) -> dict:
    """Observed, expected and threshold for the last CHART_WEEKS weeks of one series.

    The run evaluates only its recent weeks; the weeks before them are evaluated here for this
    one series, the same way (CUSUM accumulates from its first week, so its chart keeps the
    run's own numbers and the earlier weeks show only their counts).
    """
    n = len(weeks)
    first = max(0, n - CHART_WEEKS)
    expected = [None] * n
    threshold = [None] * n
    counted = METHODS[rule.method].count_threshold
    for j in range(start, n):
        expected[j] = _num(result.expected[r, j - start])
        threshold[j] = _num(result.threshold[r, j - start]) if counted else None
    # CUSUM and GLR accumulate from their first week: earlier weeks are not re-evaluated.
    cumulative = type(params).__name__ in ("CusumParams", "GlrnbParams")
    early = max(first, earliest)
    if not cumulative and early < start:
        extra = detect(
            rule.method,
            row[None, :start],
            start=early,
            params=params,
            dates=weeks[:start],
            population=None if population is None else population[None, :start],
        )
        for j in range(early, start):
            expected[j] = _num(extra.expected[0, j - early])
            threshold[j] = _num(extra.threshold[0, j - early])
    return {
        "weeks": [w.isoformat() for w in weeks[first:]],
        "observed": [float(x) for x in row[first:]],
        "expected": expected[first:],
        "threshold": threshold[first:],
        "method": rule.method,
        "params": rule.params,
    }


@dataclass
class PreviewRow:
    place: Place
    root: str
    week: date
    observed: float
    expected: float | None
    threshold: float | None


def preview(rule: EffectiveRule, *, today: date, weeks: int = 52, min_count: int | None = None):
    """What the rule would have raised over the past ``weeks`` weeks (nothing is written)."""

    min_count = conf.warning().min_alert_count if min_count is None else min_count
    end = week_start(today) - timedelta(days=1)
    series = weekly_counts(
        end=end, weeks=history_weeks([rule], lookback=weeks), min_total=min_count
    )
    places = {p.id: p for p in Place.objects.filter(id__in={k[0] for k in series.keys})}
    hits = [
        h
        for h in evaluate_rule(rule, series, places, lookback=weeks, with_charts=False)
        if h.observed >= min_count
    ]
    hits.sort(key=lambda h: (h.week, h.observed), reverse=True)
    return [
        PreviewRow(places[h.place_id], h.root, h.week, h.observed, h.expected, h.threshold)
        for h in hits
    ]


def populations_for(series, places: dict) -> np.ndarray:
    """Return each series' population week by week (rows as ``series.keys``): the place's
    population of the week's calendar year, carried from the nearest year known."""
    years = sorted({week.year for week in series.weeks})
    table = populations_by_year([places[key[0]] for key in series.keys], years)
    col_of_year = {year: i for i, year in enumerate(years)}
    cols = np.array([col_of_year[week.year] for week in series.weeks])
    return table[:, cols]
