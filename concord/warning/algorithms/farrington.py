"""Farrington detectors matching R ``surveillance::farringtonFlexible`` (version 1.20.3).

Covers the original-like configuration (Farrington et al. 1996) and the improved one of
Noufaily et al. (2013): a quasi-Poisson regression on comparable weeks of past years, optionally
with a linear trend (kept only when significant and not extrapolating beyond the data), with
down-weighting of past outbreaks by Anscombe residuals, when ``no_periods > 1`` a factor that
splits the rest of each year into seasonal periods, and optionally a population offset.

Two ways of finding "the same week in earlier years", as R has:

- index-based (an ``sts`` without dates): the reference week ``i`` years back is exactly
  ``i * freq`` periods back;
- date-based (``sts(..., epochAsDate = TRUE)``, what ``farrington(..., dates=...)`` does): the
  reference week is the week, on the same weekday, nearest to the same calendar date ``i`` years
  back (29 February falls back to 1 March), so it is 52 or 53 weeks per year back, and the
  seasonal periods between the windows follow those gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .glm import DOUBLE_EPS, Design, PoissonFit, fit_quasipoisson

# Problems (series x evaluated week) fitted at once; bounds memory to a few hundred megabytes.
CHUNK_SIZE = 8192


@dataclass(frozen=True)
class FarringtonParams:
    """Control parameters; names and defaults follow R's ``farringtonFlexible``."""

    b: int = 5
    w: int = 3
    reweight: bool = True
    weights_threshold: float = 2.58
    alpha: float = 0.05
    trend: bool = True
    p_threshold_trend: float = 0.05
    limit54: tuple[int, int] = (5, 4)
    powertrans: str = "2/3"
    no_periods: int = 1
    past_weeks_not_included: int | None = None
    threshold_method: str = "delta"
    population_offset: bool = False
    freq: int = 52

    def __post_init__(self) -> None:
        if self.b < 1 or self.w < 0 or self.freq < 2 * self.w + 1:
            raise ValueError("need b >= 1, w >= 0 and freq >= 2*w + 1")
        if self.no_periods < 1:
            raise ValueError("no_periods must be at least 1")
        if self.limit54[0] < 0 or self.limit54[1] <= 0:
            raise ValueError("limit54 must be (cases >= 0, periods > 0)")
        if self.powertrans not in ("2/3", "1/2", "none"):
            raise ValueError("powertrans must be '2/3', '1/2' or 'none'")
        if self.threshold_method not in ("delta", "nbPlugin", "muan"):
            raise ValueError("threshold_method must be 'delta', 'nbPlugin' or 'muan'")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must lie strictly between 0 and 1")

    @property
    def weeks_not_included(self) -> int:
        """Return how many weeks before the current one are left out of the baseline."""
        if self.past_weeks_not_included is None:
            return self.w
        return self.past_weeks_not_included

    @property
    def min_history(self) -> int:
        """Return how many earlier periods the first evaluated period needs."""
        return max(self.b * self.freq + self.w, self.limit54[1] - 1)


# Why a threshold is missing (R gives NA without saying why).
NO_CONVERGENCE = "no_convergence"  # neither fit converged; R's alarm is NA as well
LIMIT54 = "limit54"  # fewer than limit54[0] cases in the last limit54[1] periods
NO_THRESHOLD = "no_threshold"  # the fit gives no finite threshold (e.g. an infinite quantile)
# A baseline week alone in its seasonal level (b = 1, noPeriods > 1, pastWeeksNotIncluded
# cutting a period) is fitted exactly and its outbreak weight is 0/0: R stops with an error or,
# by rounding, drops or keeps the week.
UNDEFINED_WEIGHT = "undefined_weight"
# The trend model's time column is numerically collinear with the intercept (weights vanish
# away from one week, e.g. a baseline 1, 0, 0): R stops with an error or not, by rounding.
SINGULAR_TREND = "singular_trend"
# Where R's own outcome hangs on rounding; no threshold is given there.
INDETERMINATE = (UNDEFINED_WEIGHT, SINGULAR_TREND)

REASONS = {
    NO_CONVERGENCE: "the regression did not converge, with or without trend",
    LIMIT54: "too few cases in the last weeks (limit54)",
    NO_THRESHOLD: "the fitted model gives no finite threshold",
    UNDEFINED_WEIGHT: "a baseline week alone in its period has an undefined outbreak weight",
    SINGULAR_TREND: "the baseline is too degenerate to fit a time trend",
}


@dataclass
class FarringtonResult:
    """Per evaluated (series, period): upper threshold, alarm, expected count and score.

    ``reason`` is "" where there is a threshold, else one of the keys of ``REASONS``.
    """

    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray
    reason: np.ndarray


def reference_offsets(
    times: np.ndarray, params: FarringtonParams, dates: Sequence[dt.date] | None = None
) -> np.ndarray:
    """Return, per evaluated period, the offsets of its reference periods, shape (T, b + 1).

    Column 0 is the period itself (offset 0), column ``i`` the reference ``i`` years back
    (R's ``algo.farrington.referencetimepoints``). Index-based: ``-i * freq``. Date-based:
    the same calendar date ``i`` years back moved to the nearest date on the same weekday;
    an offset may point before the start of the series, which ``usable`` detects.
    """
    times = np.asarray(times, dtype=int)
    years = np.arange(params.b + 1)
    if dates is None:
        return np.broadcast_to(-years * params.freq, (times.size, years.size)).copy()
    if params.freq != 52:
        raise ValueError("date-based series must be weekly (freq 52)")
    first = dates[0]
    out = np.empty((times.size, years.size), dtype=int)
    for row, k in enumerate(times):
        day = dates[k]
        for i in years:
            ref = _same_date_years_back(day, int(i))
            # Nearest date with the weekday of ``day``; a tie cannot happen (7 is odd).
            shift = (ref.weekday() - day.weekday()) % 7
            ref = ref - dt.timedelta(days=shift) if shift <= 3 else ref + dt.timedelta(7 - shift)
            days = (ref - first).days
            # Dates of a weekly series share one weekday, so ``days`` is a multiple of 7.
            out[row, i] = days // 7 - k
    return out


def _same_date_years_back(day: dt.date, years: int) -> dt.date:
    """Return ``day`` moved ``years`` years back, as R's ``seq(day, by = "-1 year")``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year: R's date arithmetic rolls over
        return dt.date(day.year - years, 3, 1)


def usable(times: np.ndarray, refs: np.ndarray, params: FarringtonParams) -> np.ndarray:
    """Return whether R can evaluate each period: every reference period exists and the
    oldest window starts at most one period before the series (R drops a zero index but
    stops on a negative one)."""
    oldest = np.asarray(times) + refs[:, -1]
    return (oldest >= 0) & (oldest - params.w >= -1)


def earliest_start(
    n_time: int, params: FarringtonParams, dates: Sequence[dt.date] | None = None
) -> int:
    """Return the first period R's ``farringtonFlexible`` can evaluate (``n_time`` or more
    if none).

    Index-based this is R's default range start, ``b * freq + w`` (0-based).
    """
    if dates is None:
        return params.min_history
    lo = max(params.b * 52 - 2, 0)
    times = np.arange(lo, n_time)
    if times.size == 0:
        return max(n_time, params.min_history)
    ok = usable(times, reference_offsets(times, params, dates), params)
    hits = np.flatnonzero(ok)
    return int(times[hits[0]]) if hits.size else max(n_time, params.min_history)


def baseline_design(
    params: FarringtonParams, refs: np.ndarray | None = None, *, clip_first: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Return the baseline offsets (relative to the current period) and their period factor.

    Mirrors R's ``blocks``: windows of ``2w + 1`` weeks around the reference weeks ``refs``
    (offsets, ``refs[0] == 0``; default ``i * freq`` back) get factor level ``no_periods``;
    with ``no_periods > 1`` the weeks between consecutive windows are split into
    ``no_periods - 1`` blocks of (almost) equal length. The last ``weeks_not_included``
    weeks and the current one are left out. ``clip_first`` drops the oldest window's first
    week (it lies one period before the series, which R silently ignores).
    """
    b, w, p = params.b, params.w, params.no_periods
    if refs is None:
        refs = -np.arange(b + 1) * params.freq
    refs = [int(r) for r in refs]
    span = -refs[-1] + w
    levels = np.full(span + 1, -1)  # index j stands for offset j - span

    def put(lo: int, hi: int, value: int) -> None:
        levels[lo + span : hi + span + 1] = value

    put(-w, 0, p)
    for i in range(1, b + 1):
        ref = refs[i]
        put(ref - w, ref + w, p)
        if p != 1:
            period = refs[i - 1] - 2 * w - 1 - ref
            if period < p - 1:
                raise ValueError("too many periods (no_periods) for the gap between windows")
            length, rest = divmod(period, p - 1)
            lengths = np.full(p - 1, length)
            lengths[:rest] += 1
            starts = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                put(ref + w + 1 + starts[j - 1], ref + w + starts[j], j)
    levels[span - params.weeks_not_included :] = -1
    if clip_first:
        levels[0] = -1
    offsets = np.flatnonzero(levels >= 0) - span
    # Ordered by level (then time): the regression sums over levels as contiguous slices.
    order = np.argsort(levels[offsets + span], kind="stable")
    return offsets[order], levels[offsets + span][order]


def _design(
    offsets: np.ndarray, levels: np.ndarray, params: FarringtonParams, *, trend: bool
) -> tuple[Design, int]:
    """Return the regression design and the factor code of the current period's level.

    One indicator per factor level spans the same space as R's intercept plus treatment
    contrasts; time is centred on the current period and scaled to years, which leaves fitted
    values unchanged and keeps the computation well conditioned.
    """
    present, codes = np.unique(levels, return_inverse=True)
    current = int(np.flatnonzero(present == params.no_periods)[0])
    covariate = offsets / params.freq if trend else None
    return Design(groups=codes, covariate=covariate), current


def _anscombe_weights(
    y: np.ndarray, fit: PoissonFit, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return R's ``algo.farrington.assign.weights`` of the Anscombe residuals, and whether a
    residual is undefined.

    A week alone in its seasonal level has leverage one and is fitted exactly, so its
    residual is 0/0. In R the last bit of the fitted value decides: a residual of exactly
    zero gives NaN and R stops with an error; a rounding error of either sign gives +Inf
    (weight zero) or -Inf (full weight). Such rows are reported as undefined.
    """
    phi = np.maximum(fit.dispersion, 1.0)[:, None]
    mu = fit.mu
    with np.errstate(divide="ignore", invalid="ignore"):
        cbrt_mu = np.cbrt(mu)
        # 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)), with cube roots, which are much faster than powers.
        raw = 1.5 * (np.cbrt(y) ** 2 / np.sqrt(cbrt_mu) - np.sqrt(mu))
        hat = fit.hat()
        undefined = (hat == 1.0) & (np.abs(raw) <= 1e-7 * np.sqrt(mu))
        s = raw / np.sqrt(phi * (1.0 - hat))
        over = s > threshold
        inv_sq = np.where(over, 1.0 / (s * s), 1.0)
        gamma = y.shape[1] / np.sum(inv_sq, axis=1, keepdims=True)
        return gamma * inv_sq, undefined.any(axis=1)


@dataclass
class _FlexibleFit:
    """A fit as R's ``algo.farrington.fitGLM.flexible`` returns it."""

    fit: PoissonFit
    converged: np.ndarray  # whether the first, unweighted fit converged
    phi: np.ndarray  # overdispersion used by the thresholds, at least 1
    # R overwrites the model's working weights with the outbreak weights after computing phi,
    # so ``summary.glm`` and ``predict.glm`` (p-value of the trend, se.fit) see a dispersion of
    # sum(omega * working_residual^2) / df. Reproduced because it decides trends and thresholds.
    summary_dispersion: np.ndarray
    undefined: np.ndarray  # an undefined outbreak weight after a converged first fit (R stops)


def _fit_flexible(
    design: Design, y: np.ndarray, params: FarringtonParams, offset: np.ndarray | None = None
) -> _FlexibleFit:
    """Fit, then refit with outbreak down-weighting (R's ``algo.farrington.fitGLM.flexible``).

    R does not check convergence of the weighted refit, only of the first fit.
    """
    first = fit_quasipoisson(design, y, offset=offset)
    if not params.reweight:
        phi = np.maximum(first.dispersion, 1.0)
        none = np.zeros(y.shape[0], dtype=bool)
        return _FlexibleFit(first, first.converged, phi, first.dispersion, none)
    omega, undefined = _anscombe_weights(y, first, params.weights_threshold)
    final = fit_quasipoisson(design, y, omega, offset=offset)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - final.mu) / final.mu
    summary_disp = np.sum(omega * resid**2, axis=1) / final.df_residual
    phi = np.maximum(final.dispersion, 1.0)
    return _FlexibleFit(final, first.converged, phi, summary_disp, undefined & first.converged)


def _trend_singular(
    weights: np.ndarray, offsets: np.ndarray, times: np.ndarray, dated: bool
) -> np.ndarray:
    """Return where R's trend model is numerically singular, so that R stops.

    R's time covariate is the period number (index-based, 1-based) or the weeks since the
    first baseline week (date-based). When the working weights all but vanish away from one
    week (e.g. a baseline of 1, 0, 0), the time column of the weighted design becomes
    collinear with the intercept: below a relative size of 1e-7 ``predict.lm`` cannot invert
    the R factor ("singular matrix 'a' in solve"), and below 1e-11 the coefficient is dropped
    and ``summary.glm`` has no row for it; either way R stops.
    """
    total_w = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (weights * offsets).sum(axis=1) / total_w
        spread = (weights * (offsets - mean[:, None]) ** 2).sum(axis=1)
        shift = -offsets.min() if dated else times + 1.0
        norm2 = spread + total_w * (mean + shift) ** 2
        return spread < 1e-14 * norm2


def _trend_pvalue(fit: PoissonFit, dispersion: np.ndarray) -> np.ndarray:
    """Return the two-sided t-test p-value of the last (time) coefficient, as summary.glm."""
    se = np.sqrt(dispersion * fit.trend_var_unscaled())
    with np.errstate(divide="ignore", invalid="ignore"):
        t = fit.trend_coef / se
    return 2.0 * stats.t.sf(np.abs(t), fit.df_residual)


def _threshold_delta(
    mu0: np.ndarray, se_fit: np.ndarray, phi: np.ndarray, y: np.ndarray, params: FarringtonParams
) -> tuple[np.ndarray, np.ndarray]:
    """Return (upper, score) of R's ``algo.farrington.threshold.farrington``."""
    z = stats.norm.ppf(1 - params.alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = phi + se_fit**2 / mu0
        if params.powertrans == "none":
            se, expo = np.sqrt(mu0 * tau), 1.0
        elif params.powertrans == "1/2":
            se, expo = np.sqrt(0.25 * tau), 0.5
        else:
            se, expo = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
        lo = (mu0**expo - z * se) ** (1 / expo)
        hi = (mu0**expo + z * se) ** (1 / expo)
        # R sorts the two bounds with NaN first and takes the second one.
        upper = np.fmax(lo, hi)
        score = (y - mu0) / (upper - mu0)
    return upper, score


def _threshold_noufaily(
    eta0: np.ndarray, se_eta: np.ndarray, phi: np.ndarray, y: np.ndarray, params: FarringtonParams
) -> tuple[np.ndarray, np.ndarray]:
    """Return (upper, score) of R's ``algo.farrington.threshold.noufaily``."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if params.threshold_method == "nbPlugin":
            mu_q = np.exp(eta0)
        else:
            mu_q = np.exp(stats.norm.ppf(1 - params.alpha, loc=eta0, scale=se_eta))
        finite = np.isfinite(mu_q)
        upper = np.full(eta0.shape, np.nan)
        nb = finite & (phi > 1)
        po = finite & ~(phi > 1)
        q = 1 - params.alpha
        upper[nb] = stats.nbinom.ppf(q, mu_q[nb] / (phi[nb] - 1), 1 / phi[nb])
        upper[po] = stats.poisson.ppf(q, mu_q[po])
        # R's score divides on the link scale here (a quirk kept for identical alarms).
        score = (y - eta0) / (upper - eta0)
    return upper, score


def farrington(
    counts: np.ndarray,
    start: int,
    params: FarringtonParams,
    *,
    dates: Sequence[dt.date] | None = None,
    population: np.ndarray | None = None,
) -> FarringtonResult:
    """Evaluate periods ``start`` .. end of every series (rows of ``counts``).

    ``dates`` (one per period, a week apart) selects R's date-based reference weeks
    (``epochAsDate = TRUE``); without them the series is index-based. ``population`` (same
    shape as ``counts``) is needed when ``params.population_offset``. Return arrays of shape
    (series, evaluated periods).
    """
    counts = np.asarray(counts, dtype=float)
    n_series, n_time = counts.shape
    if dates is not None and len(dates) != n_time:
        raise ValueError("need one date per period")
    log_pop = None
    if params.population_offset:
        if population is None:
            raise ValueError("population_offset needs a population for every period")
        population = np.broadcast_to(np.asarray(population, dtype=float), counts.shape)
        if not np.all(population > 0):
            raise ValueError("populations must be positive")
        log_pop = np.log(population)
    times = np.arange(start, n_time)
    refs = reference_offsets(times, params, dates)
    ok = usable(times, refs, params)
    if not ok.all():
        first_bad = int(times[np.flatnonzero(~ok)[0]])
        raise ValueError(
            f"period {first_bad} lacks the reference weeks of {params.b} earlier years: the "
            f"first evaluated period needs {earliest_start(n_time, params, dates)} earlier periods"
        )
    clipped = times + refs[:, -1] - params.w == -1

    out = {k: np.full((n_series, times.size), np.nan) for k in ("threshold", "expected", "score")}
    alarm = np.zeros((n_series, times.size), dtype=bool)
    reason = np.full((n_series, times.size), "", dtype=object)
    # Periods whose reference weeks lie at the same distances share one regression design.
    keys = np.column_stack([refs, clipped])
    patterns, which = np.unique(keys, axis=0, return_inverse=True)
    for g, pattern in enumerate(patterns):
        cols = np.flatnonzero(which.ravel() == g)
        offsets, levels = baseline_design(params, pattern[:-1], clip_first=bool(pattern[-1]))
        pairs_s = np.repeat(np.arange(n_series), cols.size)
        pairs_c = np.tile(cols, n_series)
        for lo in range(0, pairs_s.size, CHUNK_SIZE):
            sl = slice(lo, lo + CHUNK_SIZE)
            s_, c_ = pairs_s[sl], pairs_c[sl]
            res = _evaluate(
                counts, log_pop, s_, times[c_], offsets, levels, params, dated=dates is not None
            )
            for key in out:
                out[key][s_, c_] = res[key]
            alarm[s_, c_] = res["alarm"]
            reason[s_, c_] = res["reason"]
    return FarringtonResult(alarm=alarm, reason=reason, **out)


def _evaluate(
    counts: np.ndarray,
    log_pop: np.ndarray | None,
    series: np.ndarray,
    times: np.ndarray,
    offsets: np.ndarray,
    levels: np.ndarray,
    params: FarringtonParams,
    *,
    dated: bool = False,
) -> dict[str, np.ndarray]:
    """Evaluate one chunk of (series, period) problems."""
    y = counts[series[:, None], times[:, None] + offsets[None, :]]
    y_now = counts[series, times]
    if log_pop is None:
        offset = None
        offset_now = np.zeros(times.size)
    else:
        offset = log_pop[series[:, None], times[:, None] + offsets[None, :]]
        offset_now = log_pop[series, times]
    n_prob = y.shape[0]
    use_link = params.threshold_method != "delta"

    eta0 = np.full(n_prob, np.nan)
    se_eta = np.full(n_prob, np.nan)
    phi = np.full(n_prob, np.nan)
    do_trend = np.zeros(n_prob, dtype=bool)
    failed = np.zeros(n_prob, dtype=bool)  # where R may stop: an undefined outbreak weight
    singular = np.zeros(n_prob, dtype=bool)  # where R may stop: a singular trend model

    if params.trend:
        # With fewer than three years R fits the trend but never keeps it; it is fitted all
        # the same because it can stop R (see _trend_singular and _anscombe_weights).
        design_t, current = _design(offsets, levels, params, trend=True)
        ff_t = _fit_flexible(design_t, y, params, offset)
        eta_t, se_t = ff_t.fit.predict_link(current, ff_t.summary_dispersion)
        eta_t = eta_t + offset_now
        with np.errstate(over="ignore"):
            pred_t = np.maximum(np.exp(eta_t), DOUBLE_EPS)
        significant = _trend_pvalue(ff_t.fit, ff_t.summary_dispersion) < params.p_threshold_trend
        failed = ff_t.undefined
        singular = ff_t.converged & _trend_singular(ff_t.fit.weights, offsets, times, dated)
        do_trend = (
            (params.b >= 3)
            & ff_t.converged
            & significant
            & (pred_t <= y.max(axis=1))
            & ~failed
            & ~singular
        )
        eta0[do_trend] = eta_t[do_trend]
        se_eta[do_trend] = se_t[do_trend]
        phi[do_trend] = ff_t.phi[do_trend]

    rest = np.flatnonzero(~do_trend)
    if rest.size:
        design_c, current = _design(offsets, levels, params, trend=False)
        ff_c = _fit_flexible(design_c, y[rest], params, None if offset is None else offset[rest])
        eta_c, se_c = ff_c.fit.predict_link(current, ff_c.summary_dispersion)
        eta_c = eta_c + offset_now[rest]
        conv_c = ff_c.converged
        ok = rest[conv_c]  # R returns no result when this fit does not converge
        failed[rest] |= ff_c.undefined
        eta0[ok] = eta_c[conv_c]
        se_eta[ok] = se_c[conv_c]
        phi[ok] = ff_c.phi[conv_c]

    eta0[failed | singular] = np.nan
    if use_link:
        upper, score = _threshold_noufaily(eta0, se_eta, phi, y_now, params)
        with np.errstate(over="ignore"):
            expected = np.exp(eta0)
    else:
        with np.errstate(over="ignore"):
            mu0 = np.maximum(np.exp(eta0), DOUBLE_EPS)
        mu0[np.isnan(eta0)] = np.nan
        upper, score = _threshold_delta(mu0, se_eta * mu0, phi, y_now, params)
        expected = mu0

    cases, periods = params.limit54
    window = np.arange(-periods + 1, 1)
    recent = counts[series[:, None], times[:, None] + window[None, :]].sum(axis=1)
    enough = recent >= cases
    upper = np.where(enough, upper, np.nan)
    score = np.where(enough, score, np.nan)
    expected = np.where(np.isnan(upper), np.nan, expected)
    alarm = (score > 1) & (y_now != 0)
    reason = np.select(
        [failed, singular, np.isnan(eta0), ~enough, np.isnan(upper)],
        [UNDEFINED_WEIGHT, SINGULAR_TREND, NO_CONVERGENCE, LIMIT54, NO_THRESHOLD],
        default="",
    ).astype(object)
    return {
        "threshold": upper,
        "expected": expected,
        "score": score,
        "alarm": alarm,
        "reason": reason,
    }
