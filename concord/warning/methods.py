"""The detectors people can choose, named in the reader's language, with their control fields.

The list comes from the one registry of detectors (``algorithms.detectors.METHODS``): a method
registered there appears in the rule form and the filters without a change here. Known methods
and parameters have translated names; any other is shown by its registry description.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext_lazy as _

from .algorithms.detectors import METHODS, make_params

SCAN = "stscan"

LABELS = {
    "ears-c1": _("EARS C1 (the week against the seven weeks before it)"),
    "ears-c2": _("EARS C2 (the week against seven weeks, leaving a two-week gap)"),
    "ears-c3": _("EARS C3 (C2 with the two previous weeks' excess added)"),
    "cusum": _("CUSUM (cumulative sum of standardised counts)"),
    "farrington": _("Farrington (the same weeks of earlier years)"),
    "farrington-noufaily": _("Farrington–Noufaily (improved Farrington)"),
    "glrnb": _("GLR negative binomial (generalised likelihood ratio)"),
    "population-offset": _("Farrington with a population offset (rates, not counts)"),
    SCAN: _("Space-time permutation scan (clusters of grids and days)"),
}

PARAM_LABELS = {
    "baseline": _("Baseline weeks"),
    "alpha": _("Significance level (alpha)"),
    "min_sigma": _("Smallest standard deviation"),
    "b": _("Years of history (b)"),
    "w": _("Half-window in weeks (w)"),
    "reweight": _("Down-weight past outbreaks"),
    "weights_threshold": _("Outbreak weight threshold"),
    "trend": _("Allow a trend"),
    "p_threshold_trend": _("Trend significance level"),
    "limit54": _("Alarm needs at least (cases, weeks)"),
    "powertrans": _("Power transformation"),
    "no_periods": _("Periods per year in the model"),
    "past_weeks_not_included": _("Recent weeks left out"),
    "threshold_method": _("Threshold method"),
    "freq": _("Weeks per year"),
    "k": _("Reference value (k)"),
    "h": _("Decision limit (h)"),
    "m": _("Fixed expected count (m; empty: the mean before)"),
    "trans": _("Transformation"),
    "population_offset": _("Population offset (rates, not counts)"),
    "c_arl": _("Decision limit of the GLR statistic (c.ARL)"),
    "mtilde": _("Weeks needed to estimate a change (Mtilde)"),
    "dir": _("Direction (inc: rises, dec: falls)"),
    "s": _("Seasonal harmonics of the expected counts"),
}

# Parameters whose meaning depends on the method (the same R name, another role).
METHOD_PARAM_LABELS = {
    ("glrnb", "m"): _("Change points considered (M: weeks back; -1: all)"),
    ("glrnb", "alpha"): _("Dispersion (alpha; empty: estimated from the history)"),
    ("glrnb", "trend"): _("A trend in the expected counts"),
}


def method_names() -> list[str]:
    """Every registered detector (the registry's order)."""
    return list(METHODS)


def method_label(name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    spec = METHODS.get(name)
    return spec.description if spec else name


def method_choices(*, with_scan: bool = False) -> list[tuple[str, str]]:
    out = [(name, method_label(name)) for name in method_names()]
    if with_scan:
        out.append((SCAN, method_label(SCAN)))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


def param_fields(method: str, values: dict | None = None) -> list[dict]:
    """The control parameters a person may set for ``method``: name, label, value, default."""
    spec = METHODS.get(method)
    if spec is None:
        return []
    values = values or {}
    out = []
    for f in dataclasses.fields(spec.defaults):
        if f.name in spec.fixed:
            continue
        default = getattr(spec.defaults, f.name)
        out.append(
            {
                "name": f.name,
                "label": str(
                    METHOD_PARAM_LABELS.get((method, f.name)) or PARAM_LABELS.get(f.name, f.name)
                ),
                "default": _text(default),
                "value": _text(values[f.name]) if f.name in values else _text(default),
            }
        )
    return out


def clean_params(method: str, raw: dict[str, str]) -> dict[str, Any]:
    """Return the overrides that differ from the defaults, checked by the detector itself.

    Raises ValueError (with the detector's own message) for a value it does not accept.
    """
    spec = METHODS.get(method)
    if spec is None:
        raise ValueError(f"unknown method {method!r}")
    fields = {f["name"]: f for f in param_fields(method)}
    changed = {
        name: raw[name].strip()
        for name in fields
        if name in raw and raw[name].strip() != fields[name]["default"]
    }
    params = make_params(method, changed)  # raises ValueError on a bad value
    return {name: _jsonable(getattr(params, name)) for name in changed}


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def control_items(method: str, params: dict | None) -> list[tuple[str, str]]:
    """The control as (parameter name in the reader's language, value), defaults included."""
    spec = METHODS.get(method)
    if spec is None:
        return []
    try:
        full = make_params(method, params or {})
    except ValueError:
        full = spec.defaults
    return [(f["label"], _text(getattr(full, f["name"])) or "—") for f in param_fields(method)]


def control_text(method: str, params: dict | None) -> str:
    """The control in one line: every parameter with its value (defaults included)."""
    return "; ".join(f"{label} = {value}" for label, value in control_items(method, params))


def baseline_weeks(
    method: str, params: dict | None, t: int, first_evaluated: int, dates: list | None = None
) -> list[int]:
    """Return the indices of the earlier weeks the method compared week ``t`` with.

    EARS: the ``baseline`` weeks just before (C2 and C3 skip two). Farrington: the weeks
    around the same week of the ``b`` earlier years (Noufaily: those whole years but the
    recent weeks left out). CUSUM: the weeks before its first evaluated week. Another method:
    none listed.
    """
    try:
        full = make_params(method, params or {})
    except ValueError:
        return []
    kind = type(full).__name__
    if kind == "EarsParams":
        lag = 1 if full.method == "C1" else 3
        end = t - lag
        return [i for i in range(end - full.baseline + 1, end + 1) if i >= 0]
    if kind == "FarringtonParams" and dates:
        return _farrington_by_date(full, t, dates)
    if kind == "FarringtonParams":
        if full.no_periods == 1:
            weeks = [
                t - k * full.freq + j
                for k in range(1, full.b + 1)
                for j in range(-full.w, full.w + 1)
            ]
        else:
            weeks = list(range(t - full.b * full.freq - full.w, t - full.weeks_not_included))
        return sorted(i for i in weeks if i >= 0)
    if kind == "CusumParams":
        return list(range(0, first_evaluated)) if full.m is None else []
    return []


def _farrington_by_date(full, t: int, dates: list) -> list[int]:
    """The reference weeks by calendar date: around the same date of each of the b earlier
    years (the whole years but the recent weeks left out, for more than one period)."""
    from bisect import bisect_left

    def nearest(day) -> int:
        i = bisect_left(dates, day)
        if i >= len(dates):
            return len(dates) - 1
        if i > 0 and (day - dates[i - 1]) < (dates[i] - day):
            return i - 1
        return i

    def years_back(day, k: int):
        try:
            return day.replace(year=day.year - k)
        except ValueError:  # 29 February
            return day.replace(year=day.year - k, day=28)

    now = dates[t]
    if full.no_periods == 1:
        weeks = set()
        for k in range(1, full.b + 1):
            day = years_back(now, k)
            if day < dates[0]:
                continue
            centre = nearest(day)
            weeks.update(range(centre - full.w, centre + full.w + 1))
        return sorted(i for i in weeks if 0 <= i < t)
    oldest = years_back(now, full.b)
    start = max(0, nearest(oldest) - full.w) if oldest >= dates[0] else 0
    return list(range(start, max(start, t - full.weeks_not_included)))
