"""One entry point for every count detector, by method name, with overridable parameters.

Call ``detect("ears-c1", counts, start=10)`` with ``counts`` shaped (series, periods).

Each method's defaults are the configuration the R references were made with, so that
``detect(name, counts)`` behaves like the corresponding call of R's ``surveillance`` package.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cusum import CusumParams, cusum
from .ears import EarsParams, ears
from .farrington import FarringtonParams, farrington

Params = EarsParams | FarringtonParams | CusumParams


@dataclass(frozen=True)
class Method:
    """A detector: its parameter defaults and the function that evaluates it."""

    name: str
    description: str
    defaults: Params
    run: Callable[[np.ndarray, int, Any], Any]
    fixed: tuple[str, ...] = ()  # parameters that the method name decides


METHODS: dict[str, Method] = {
    "ears-c1": Method("ears-c1", "EARS C1", EarsParams(method="C1"), ears, ("method",)),
    "ears-c2": Method("ears-c2", "EARS C2", EarsParams(method="C2"), ears, ("method",)),
    "ears-c3": Method("ears-c3", "EARS C3", EarsParams(method="C3"), ears, ("method",)),
    "farrington": Method(
        "farrington",
        "Farrington (flexible, original-like defaults)",
        FarringtonParams(b=3, w=3, alpha=0.05),
        farrington,
    ),
    "farrington-noufaily": Method(
        "farrington-noufaily",
        "Farrington improved by Noufaily et al. (2013)",
        FarringtonParams(
            b=4,
            w=3,
            no_periods=10,
            past_weeks_not_included=26,
            weights_threshold=2.58,
            threshold_method="nbPlugin",
            alpha=0.05,
            p_threshold_trend=0.05,
        ),
        farrington,
    ),
    "cusum": Method("cusum", "CUSUM (standardised counts)", CusumParams(), cusum),
}


@dataclass
class Detection:
    """Detector output for periods ``start`` .. end of every series.

    Arrays have shape (series, periods evaluated). ``threshold`` is NaN where the method cannot
    compute one; ``expected`` is the method's baseline value and ``score`` its statistic (NaN
    where undefined).
    """

    method: str
    params: Params
    start: int
    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray


def _snake(name: str) -> str:
    """Return ``name`` in snake_case, so R's control names (``noPeriods``) are accepted."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _coerce(value: Any, annotation: str, name: str) -> Any:
    """Return ``value`` converted to the parameter type named by ``annotation``."""
    if not isinstance(value, str):
        return tuple(value) if annotation.startswith("tuple") else value
    text = value.strip()
    if "None" in annotation and text.lower() in ("", "none", "null", "na"):
        return None
    try:
        if annotation.startswith("bool"):
            if text.lower() in ("1", "true", "yes", "t"):
                return True
            if text.lower() in ("0", "false", "no", "f"):
                return False
            raise ValueError
        if annotation.startswith("int"):
            return int(text)
        if annotation.startswith("float"):
            return float(text)
        if annotation.startswith("tuple"):
            return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"invalid value for parameter {name}: {value!r}") from None
    return text


def make_params(method: str, overrides: Mapping[str, Any] | None = None) -> Params:
    """Return the parameters of ``method`` with ``overrides`` applied (strings are parsed)."""
    try:
        spec = METHODS[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}") from None
    fields = {f.name: f for f in dataclasses.fields(spec.defaults)}
    changes = {}
    for raw_name, value in (overrides or {}).items():
        name = _snake(raw_name)
        if name not in fields or name in spec.fixed:
            allowed = ", ".join(n for n in fields if n not in spec.fixed)
            raise ValueError(f"unknown parameter {raw_name!r} for {method}; allowed: {allowed}")
        changes[name] = _coerce(value, str(fields[name].type), raw_name)
    return dataclasses.replace(spec.defaults, **changes)


def min_history(method: str, params: Params | None = None) -> int:
    """Return how many earlier periods the first evaluated period needs."""
    return (params or make_params(method)).min_history


def detect(
    method: str,
    counts: np.ndarray,
    *,
    start: int | None = None,
    params: Params | Mapping[str, Any] | None = None,
) -> Detection:
    """Run ``method`` on every row of ``counts`` (series x periods) from period ``start``.

    ``start`` defaults to the first period with enough history. ``params`` is either a full
    parameter object or a mapping of overrides of the method's defaults.
    """
    if params is None or isinstance(params, Mapping):
        params = make_params(method, params)
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    if start is None:
        start = params.min_history
    if start >= counts.shape[1]:
        raise ValueError("no period to evaluate: the series is too short")
    result = METHODS[method].run(counts, start, params)
    return Detection(
        method=method,
        params=params,
        start=start,
        threshold=result.threshold,
        alarm=result.alarm,
        expected=result.expected,
        score=result.score,
    )
