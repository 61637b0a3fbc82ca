"""One entry point for every count detector, by method name, with overridable parameters.

Call ``detect("ears-c1", counts, start=10)`` with ``counts`` shaped (series, periods).

Each method's defaults are the configuration the R references were made with, so that
``detect(name, counts)`` behaves like the corresponding call of R's ``surveillance`` package.
``METHODS`` is the one registry of methods: the command line, the weekly run and alert rules
choose from it by name.

Which R call each method reproduces (R ``surveillance`` 1.20.3):

- ``ears-c1`` / ``ears-c2`` / ``ears-c3``: ``earsC(sts, control = list(method = "C1" | "C2" |
  "C3", baseline = 7, alpha = 0.001))``;
- ``farrington``: ``farringtonFlexible(sts, control = list(b = 3, w = 3, alpha = 0.05))``;
- ``farrington-noufaily``: ``farringtonFlexible(sts, control = list(b = 4, w = 3,
  noPeriods = 10, pastWeeksNotIncluded = 26, weightsThreshold = 2.58,
  thresholdMethod = "nbPlugin", alpha = 0.05, pThresholdTrend = 0.05))``;
- ``cusum``: ``cusum(sts, control = list(k = 1.04, h = 2.26, trans = "standard"))``;
- ``glrnb``: ``glrnb(sts, control = list(range = start:n, c.ARL = 5, Mtilde = 1, M = -1,
  dir = "inc", ret = "value"))``, the dispersion estimated by ``MASS::glm.nb`` on the weeks
  before ``start``. Its ``score`` is R's upper bound (the GLR statistic) and its ``threshold``
  the decision limit ``c.ARL``.

Every control of ``farringtonFlexible`` can be overridden by its R name (``noPeriods``,
``populationOffset``, ...). With ``dates`` the series is an ``sts(..., epochAsDate = TRUE)``:
the Farrington reference weeks are chosen by calendar date; without, it is index-based.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cusum import CusumParams, cusum
from .ears import EarsParams, ears
from .farrington import FarringtonParams, farrington
from .farrington import earliest_start as farrington_earliest
from .glrnb import GlrnbParams, glrnb

Params = EarsParams | FarringtonParams | CusumParams | GlrnbParams


@dataclass(frozen=True)
class Method:
    """A detector: its parameter defaults and the function that evaluates it."""

    name: str
    description: str
    defaults: Params
    run: Callable[..., Any]
    fixed: tuple[str, ...] = ()  # parameters that the method name decides
    dated: bool = False  # whether ``run`` uses the dates of the periods
    uses_population: bool = False  # whether ``run`` can use populations (an offset)
    count_threshold: bool = True  # whether ``threshold`` is a count (glrnb: a limit of its score)


METHODS: dict[str, Method] = {
    "ears-c1": Method("ears-c1", "EARS C1", EarsParams(method="C1"), ears, ("method",)),
    "ears-c2": Method("ears-c2", "EARS C2", EarsParams(method="C2"), ears, ("method",)),
    "ears-c3": Method("ears-c3", "EARS C3", EarsParams(method="C3"), ears, ("method",)),
    "farrington": Method(
        "farrington",
        "Farrington (flexible, original-like defaults)",
        FarringtonParams(b=3, w=3, alpha=0.05),
        farrington,
        dated=True,
        uses_population=True,
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
        dated=True,
        uses_population=True,
    ),
    "cusum": Method("cusum", "CUSUM (standardised counts)", CusumParams(), cusum),
    "glrnb": Method(
        "glrnb",
        "GLR negative binomial (count surges)",
        GlrnbParams(),
        glrnb,
        count_threshold=False,
    ),
}


@dataclass
class Detection:
    """Detector output for periods ``start`` .. end of every series.

    Arrays have shape (series, periods evaluated). ``threshold`` is NaN where the method cannot
    compute one; ``expected`` is the method's baseline value and ``score`` its statistic (NaN
    where undefined). ``reason`` says why a threshold is missing ("" where there is one).
    """

    method: str
    params: Params
    start: int
    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray
    reason: np.ndarray


def _snake(name: str) -> str:
    """Return ``name`` in snake_case, so R's control names (``noPeriods``) are accepted."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower().replace(".", "_")


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
    """Return how many earlier periods the first evaluated period needs (index-based)."""
    return (params or make_params(method)).min_history


def earliest_start(
    method: str,
    n_time: int,
    params: Params | None = None,
    dates: Sequence[dt.date] | None = None,
) -> int:
    """Return the first period ``method`` can evaluate in a series of ``n_time`` periods
    (``n_time`` or more if none). With ``dates``, date-based methods look up the reference
    weeks."""
    params = params or make_params(method)
    if dates is not None and METHODS[method].dated:
        return farrington_earliest(n_time, params, dates)
    return params.min_history


def detect(
    method: str,
    counts: np.ndarray,
    *,
    start: int | None = None,
    params: Params | Mapping[str, Any] | None = None,
    dates: Sequence[dt.date] | None = None,
    population: np.ndarray | None = None,
) -> Detection:
    """Run ``method`` on every row of ``counts`` (series x periods) from period ``start``.

    ``start`` defaults to the first period with enough history. ``params`` is either a full
    parameter object or a mapping of overrides of the method's defaults. ``dates`` (one per
    period, a week apart) make the series date-based, as R's ``epochAsDate = TRUE``;
    ``population`` (series x periods, or one row for all) feeds a population offset.
    """
    if params is None or isinstance(params, Mapping):
        params = make_params(method, params)
    spec = METHODS[method]
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    if start is None:
        start = earliest_start(method, counts.shape[1], params, dates)
    if start >= counts.shape[1]:
        raise ValueError("no period to evaluate: the series is too short")
    extra: dict[str, Any] = {}
    if spec.dated:
        extra["dates"] = dates
    if spec.uses_population and population is not None:
        extra["population"] = np.atleast_2d(np.asarray(population, dtype=float))
    result = spec.run(counts, start, params, **extra)
    reason = getattr(result, "reason", None)
    if reason is None:
        reason = np.where(np.isnan(result.threshold), "undefined", "").astype(object)
    return Detection(
        method=method,
        params=params,
        start=start,
        threshold=result.threshold,
        alarm=result.alarm,
        expected=result.expected,
        score=result.score,
        reason=reason,
    )
