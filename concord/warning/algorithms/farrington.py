"""Farrington detectors matching R ``surveillance::farringtonFlexible`` (version 1.20.3).

Covers the original-like configuration (Farrington et al. 1996) and the improved one of
Noufaily et al. (2013): a quasi-Poisson regression on comparable weeks of past years, optionally
with a linear trend (kept only when significant and not extrapolating beyond the data), with
down-weighting of past outbreaks by Anscombe residuals and, when ``no_periods > 1``, a factor
that splits the rest of each year into seasonal periods.

Series are regular (weekly by default) and indexed by position, like an R ``sts`` object whose
epoch is not a date: the reference week ``i`` years back is exactly ``i * freq`` periods back.
"""

from __future__ import annotations

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


@dataclass
class FarringtonResult:
    """Per evaluated (series, period): upper threshold, alarm, expected count and score."""

    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray


def baseline_design(params: FarringtonParams) -> tuple[np.ndarray, np.ndarray]:
    """Return the baseline offsets (relative to the current period) and their period factor.

    Mirrors R's ``blocks``: windows of ``2w + 1`` weeks around the same week in each of the
    ``b`` past years get factor level ``no_periods``; with ``no_periods > 1`` the weeks between
    windows are split into ``no_periods - 1`` blocks of (almost) equal length.
    """
    b, w, p, freq = params.b, params.w, params.no_periods, params.freq
    span = b * freq + w
    levels = np.full(span + 1, -1)  # index j stands for offset j - span

    def put(lo: int, hi: int, value: int) -> None:
        levels[lo + span : hi + span + 1] = value

    put(-w, 0, p)
    for i in range(1, b + 1):
        ref = -freq * i
        put(ref - w, ref + w, p)
        if p != 1:
            period = freq - 2 * w - 1
            if period < p - 1:
                raise ValueError("too many periods (no_periods) for the gap between windows")
            length, rest = divmod(period, p - 1)
            lengths = np.full(p - 1, length)
            lengths[:rest] += 1
            starts = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                put(ref + w + 1 + starts[j - 1], ref + w + starts[j], j)
    levels[span - params.weeks_not_included :] = -1
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


def _anscombe_weights(y: np.ndarray, fit: PoissonFit, threshold: float) -> np.ndarray:
    """Return R's ``algo.farrington.assign.weights`` of the Anscombe residuals."""
    phi = np.maximum(fit.dispersion, 1.0)[:, None]
    mu = fit.mu
    with np.errstate(divide="ignore", invalid="ignore"):
        cbrt_mu = np.cbrt(mu)
        # 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)), with cube roots, which are much faster than powers.
        s = 1.5 * (np.cbrt(y) ** 2 / np.sqrt(cbrt_mu) - np.sqrt(mu))
        s = s / np.sqrt(phi * (1.0 - fit.hat()))
        over = s > threshold
        inv_sq = np.where(over, 1.0 / (s * s), 1.0)
        gamma = y.shape[1] / np.sum(inv_sq, axis=1, keepdims=True)
        return gamma * inv_sq


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


def _fit_flexible(design: Design, y: np.ndarray, params: FarringtonParams) -> _FlexibleFit:
    """Fit, then refit with outbreak down-weighting (R's ``algo.farrington.fitGLM.flexible``).

    R does not check convergence of the weighted refit, only of the first fit.
    """
    first = fit_quasipoisson(design, y)
    if not params.reweight:
        phi = np.maximum(first.dispersion, 1.0)
        return _FlexibleFit(first, first.converged, phi, first.dispersion)
    omega = _anscombe_weights(y, first, params.weights_threshold)
    final = fit_quasipoisson(design, y, omega)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - final.mu) / final.mu
    summary_disp = np.sum(omega * resid**2, axis=1) / final.df_residual
    phi = np.maximum(final.dispersion, 1.0)
    return _FlexibleFit(final, first.converged, phi, summary_disp)


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


def farrington(counts: np.ndarray, start: int, params: FarringtonParams) -> FarringtonResult:
    """Evaluate periods ``start`` .. end of every series (rows of ``counts``).

    Return arrays of shape (series, evaluated periods).
    """
    counts = np.asarray(counts, dtype=float)
    n_series, n_time = counts.shape
    if start < params.min_history:
        raise ValueError(f"the first evaluated period needs {params.min_history} earlier periods")
    times = np.arange(start, n_time)
    offsets, levels = baseline_design(params)

    # Every (series, period) pair is one regression problem sharing the same design.
    pairs_s = np.repeat(np.arange(n_series), times.size)
    pairs_t = np.tile(times, n_series)
    out = {k: np.full(pairs_s.size, np.nan) for k in ("threshold", "expected", "score")}
    alarm = np.zeros(pairs_s.size, dtype=bool)
    for lo in range(0, pairs_s.size, CHUNK_SIZE):
        sl = slice(lo, lo + CHUNK_SIZE)
        res = _evaluate(counts, pairs_s[sl], pairs_t[sl], offsets, levels, params)
        for key in out:
            out[key][sl] = res[key]
        alarm[sl] = res["alarm"]
    shape = (n_series, times.size)
    return FarringtonResult(
        threshold=out["threshold"].reshape(shape),
        alarm=alarm.reshape(shape),
        expected=out["expected"].reshape(shape),
        score=out["score"].reshape(shape),
    )


def _evaluate(
    counts: np.ndarray,
    series: np.ndarray,
    times: np.ndarray,
    offsets: np.ndarray,
    levels: np.ndarray,
    params: FarringtonParams,
) -> dict[str, np.ndarray]:
    """Evaluate one chunk of (series, period) problems."""
    y = counts[series[:, None], times[:, None] + offsets[None, :]]
    y_now = counts[series, times]
    n_prob = y.shape[0]
    use_link = params.threshold_method != "delta"

    eta0 = np.full(n_prob, np.nan)
    se_eta = np.full(n_prob, np.nan)
    phi = np.full(n_prob, np.nan)
    do_trend = np.zeros(n_prob, dtype=bool)

    if params.trend and params.b >= 3:
        # With fewer than three years R fits the trend but never keeps it; skipping it gives
        # the same result.
        design_t, current = _design(offsets, levels, params, trend=True)
        ff_t = _fit_flexible(design_t, y, params)
        eta_t, se_t = ff_t.fit.predict_link(current, ff_t.summary_dispersion)
        with np.errstate(over="ignore"):
            pred_t = np.maximum(np.exp(eta_t), DOUBLE_EPS)
        significant = _trend_pvalue(ff_t.fit, ff_t.summary_dispersion) < params.p_threshold_trend
        do_trend = ff_t.converged & significant & (pred_t <= y.max(axis=1))
        eta0[do_trend] = eta_t[do_trend]
        se_eta[do_trend] = se_t[do_trend]
        phi[do_trend] = ff_t.phi[do_trend]

    rest = np.flatnonzero(~do_trend)
    if rest.size:
        design_c, current = _design(offsets, levels, params, trend=False)
        ff_c = _fit_flexible(design_c, y[rest], params)
        eta_c, se_c = ff_c.fit.predict_link(current, ff_c.summary_dispersion)
        conv_c = ff_c.converged
        ok = rest[conv_c]  # R returns no result when this fit does not converge
        eta0[ok] = eta_c[conv_c]
        se_eta[ok] = se_c[conv_c]
        phi[ok] = ff_c.phi[conv_c]

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
    return {"threshold": upper, "expected": expected, "score": score, "alarm": alarm}
