"""Negative binomial GLR detector matching R ``surveillance::glrnb`` (``algo.glrnb``, 1.20.3).

The in-control means ``mu0`` come from a negative binomial regression on every period before the
first evaluated one (R's ``estimateGLRNbHook``): ``y ~ 1 (+ t) + cos(2 s pi / p t) +
sin(2 s pi / p t)`` for s = 1..S, fitted as ``MASS::glm.nb`` does (a Poisson fit, then
alternating ``theta.ml`` and IRLS fits until the log-likelihood settles), unless ``alpha`` fixes
the dispersion (then one ``glm`` fit with ``negative.binomial(1 / alpha)``). The dispersion is
``alpha = 1 / theta``.

The statistic of each evaluated period n is R's ``glr_nb_window``: the largest log-likelihood
ratio over change points k (k from ``n - M``, or the first period when ``M = -1``, to
``n - Mtilde + 1``) of a multiplicative change ``exp(kappa)`` of the means from k on, with
kappa estimated by Newton-Raphson from the same starting values as R and kept >= 0 for
``dir = "inc"`` (<= 0 for ``"dec"``). An alarm is raised when the statistic reaches ``c_arl``;
the detector then restarts after the alarm with the same means (R's ``refit = FALSE``). The
statistic is R's ``upperbound`` with the default ``ret = "value"``.

The iterations are replayed exactly (starting values, stopping rules, iteration limits), so the
results agree with R to rounding also where R stops before the optimum. Every change point of
every period is iterated at once: one array row per period, one column per change point order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln, polygamma

DOUBLE_EPS = float(np.finfo(float).eps)
DIRECTIONS = ("inc", "dec")
UNFITTED = "no in-control model: the negative binomial fit of the history has no finite dispersion"


@dataclass(frozen=True)
class GlrnbParams:
    """Control parameters; names and defaults follow R's ``glrnb``."""

    c_arl: float = 5.0
    mtilde: int = 1
    m: int = -1  # the window of change points: -1 every earlier period, else the last M
    dir: str = "inc"
    alpha: float | None = None  # None: estimated by glm.nb; else the fixed dispersion
    s: int = 1  # harmonics of the in-control model (mu0 = list(S = ...))
    trend: bool = False  # a linear trend in the in-control model
    freq: int = 52

    def __post_init__(self) -> None:
        if self.dir not in DIRECTIONS:
            raise ValueError("dir must be inc or dec")
        if self.mtilde < 1:
            raise ValueError("mtilde must be at least 1")
        if self.m != -1 and self.m < self.mtilde:
            raise ValueError("m must be -1 or at least mtilde")
        if self.alpha is not None and self.alpha <= 0:
            raise ValueError("alpha must be positive (or empty to estimate it)")
        if self.c_arl <= 0:
            raise ValueError("c_arl must be positive")
        if self.s < 0:
            raise ValueError("s must be 0 or more")
        if self.freq < 1:
            raise ValueError("freq must be positive")

    @property
    def min_history(self) -> int:
        """Return how many earlier periods the in-control model needs (one per coefficient)."""
        return 1 + int(self.trend) + 2 * self.s + 1


@dataclass
class GlrnbResult:
    """Per evaluated (series, period): decision limit, alarm, in-control mean and statistic."""

    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray
    reason: np.ndarray
    alpha: np.ndarray  # (series,) the dispersion used


# ---------------------------------------------------------------- the in-control model


def design(t: np.ndarray, params: GlrnbParams) -> np.ndarray:
    """Return the model matrix of R's formula for time points ``t`` (1-based)."""
    p = params.freq
    columns = [np.ones_like(t)]
    if params.trend:
        columns.append(t)
    for s in range(1, params.s + 1):
        columns.append(np.cos(2 * s * np.pi / p * t))
        columns.append(np.sin(2 * s * np.pi / p * t))
    return np.column_stack(columns)


def _poisson_dev(y: np.ndarray, mu: np.ndarray) -> float:
    r = mu.copy()
    pos = y > 0
    r[pos] = y[pos] * np.log(y[pos] / mu[pos]) - (y[pos] - mu[pos])
    return float(np.sum(2 * r))


def _nb_dev(y: np.ndarray, mu: np.ndarray, theta: float) -> float:
    return float(
        np.sum(
            2
            * (y * np.log(np.maximum(1, y) / mu) - (y + theta) * np.log((y + theta) / (mu + theta)))
        )
    )


def _glm_fit(
    x: np.ndarray,
    y: np.ndarray,
    theta: float | None,
    eta: np.ndarray,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``glm.fit`` with a log link, Poisson (``theta`` None) or negative binomial family,
    from the linear predictor ``eta``. Return the coefficients and the fitted means."""
    mu = np.maximum(np.exp(eta), DOUBLE_EPS)

    def deviance(mu: np.ndarray) -> float:
        return _poisson_dev(y, mu) if theta is None else _nb_dev(y, mu, theta)

    devold = deviance(mu)
    coef = None
    for _ in range(maxit):
        mu_eta = np.maximum(np.exp(eta), DOUBLE_EPS)
        var = mu if theta is None else mu + mu**2 / theta
        z = eta + (y - mu) / mu_eta
        w = np.sqrt(mu_eta**2 / var)
        start, *_ = np.linalg.lstsq(x * w[:, None], z * w, rcond=None)
        eta = x @ start
        mu = np.maximum(np.exp(eta), DOUBLE_EPS)
        dev = deviance(mu)
        coef = start
        if abs(dev - devold) / (abs(dev) + 0.1) < epsilon:
            break
        devold = dev
    return coef, mu


def _theta_ml(y: np.ndarray, mu: np.ndarray, limit: int = 25) -> float:
    """R's ``MASS::theta.ml`` (unit weights, its default tolerance)."""
    eps = DOUBLE_EPS**0.25
    n = y.size
    t0 = n / np.sum((y / mu - 1) ** 2)
    it = 0
    delta = 1.0
    while True:
        it += 1
        if not (it < limit and abs(delta) > eps):
            break
        t0 = abs(t0)
        score = np.sum(
            digamma(t0 + y) - digamma(t0) + np.log(t0) + 1 - np.log(t0 + mu) - (y + t0) / (mu + t0)
        )
        info = np.sum(
            -polygamma(1, t0 + y)
            + polygamma(1, t0)
            - 1 / t0
            + 2 / (mu + t0)
            - (y + t0) / (mu + t0) ** 2
        )
        delta = score / info
        t0 = t0 + delta
    return max(float(t0), 0.0)


def _nb_loglik(theta: float, mu: np.ndarray, y: np.ndarray) -> float:
    return float(
        np.sum(
            gammaln(theta + y)
            - gammaln(theta)
            - gammaln(y + 1)
            + theta * np.log(theta)
            + y * np.log(mu + (y == 0))
            - (theta + y) * np.log(theta + mu)
        )
    )


def fit_glm_nb(
    x: np.ndarray, y: np.ndarray, maxit: int = 25, epsilon: float = 1e-8
) -> tuple[np.ndarray, float]:
    """R's ``MASS::glm.nb`` (default control): return the coefficients and theta."""
    coef, mu = _glm_fit(x, y, None, np.log(y + 0.1), maxit, epsilon)
    theta = _theta_ml(y, mu, maxit)
    d1 = np.sqrt(2 * max(1, y.size - x.shape[1]))
    d2 = delta = 1.0
    lm = _nb_loglik(theta, mu, y)
    lm0 = lm + 2 * d1
    it = 0
    while True:
        it += 1
        if not (it <= maxit and (abs(lm0 - lm) / d1 + abs(delta) / d2) > epsilon):
            break
        coef, new_mu = _glm_fit(x, y, theta, np.log(mu), maxit, epsilon)
        t0 = theta
        theta = _theta_ml(y, mu, maxit)  # R estimates theta from the means before this fit
        mu = new_mu
        delta = t0 - theta
        lm0 = lm
        lm = _nb_loglik(theta, mu, y)
    return coef, theta


def in_control(history: np.ndarray, n_eval: int, params: GlrnbParams) -> tuple[np.ndarray, float]:
    """Return the in-control means of the ``n_eval`` periods after ``history`` and alpha."""
    n = history.size
    x = design(np.arange(1, n + 1, dtype=float), params)
    new = design(np.arange(n + 1, n + n_eval + 1, dtype=float), params)
    if params.alpha is None:
        coef, theta = fit_glm_nb(x, history)
        alpha = 1 / theta
    else:
        alpha = params.alpha
        mustart = history + (history == 0) / 6
        coef, _ = _glm_fit(x, history, 1 / alpha, np.log(mustart))
    return np.maximum(np.exp(new @ coef), DOUBLE_EPS), float(alpha)


# ---------------------------------------------------------------- the GLR statistic


def _window_sums(values: np.ndarray, ks: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """Return sum(values[i, j] for j in ks[i] .. ns[i]) for every row i."""
    j = np.arange(values.shape[1])[None, :]
    inside = (j >= ks[:, None]) & (j <= ns[:, None])
    return np.sum(np.where(inside, values, 0.0), axis=1)


BLOCK = 32  # periods evaluated together; the segment ends at the first alarm


def _glr_block(x: np.ndarray, mu0: np.ndarray, alpha: float, params: GlrnbParams, ns):
    """Return the statistic of the periods ``ns`` of a segment (R's ``maxGLR``)."""
    width = int(ns[-1]) + 1
    lows = np.zeros_like(ns) if params.m == -1 else np.maximum(0, ns - params.m)
    ups = ns - (params.mtilde - 1)
    n_k = ups - lows + 1  # change points of each period
    dirn = 1.0 if params.dir == "inc" else -1.0
    # Rows: periods; columns: the segment's periods up to the last of the block.
    xs = np.broadcast_to(x[:width], (ns.size, width))
    ms = np.broadcast_to(mu0[:width], (ns.size, width))
    best = np.full(ns.size, -1e99)
    kappa_ml = np.full(ns.size, 0.5)
    for j in range(int(n_k.max())):
        # Change point k = low + j of every period that has one (R's loop over k).
        rows_k = np.flatnonzero(j < n_k)
        ks = lows + j
        kappa_old = np.full(ns.size, 0.4)
        kappa_new = kappa_ml.copy()
        iterating = j < n_k
        it = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while True:
                iterating &= (
                    (kappa_new > -18) & (np.abs(kappa_new - kappa_old) > 1e-6) & (it < 1000)
                )
                if not iterating.any():
                    break
                it += 1
                rows = np.flatnonzero(iterating)
                ekm = np.exp(kappa_new[rows, None]) * ms[rows]
                score_terms = (xs[rows] - ekm) / (1 + alpha * ekm)
                fisher_terms = ms[rows] * (alpha * xs[rows] + 1) / (1 + alpha * ekm) ** 2
                score = _window_sums(score_terms, ks[rows], ns[rows])
                fisher = np.exp(kappa_new[rows]) * _window_sums(fisher_terms, ks[rows], ns[rows])
                kappa_old[rows] = kappa_new[rows]
                kappa_new[rows] = kappa_new[rows] + score / fisher
            kappa_ml[rows_k] = dirn * np.fmax(0, dirn * kappa_new[rows_k])
            kap = kappa_ml[rows_k, None]
            m_k, x_k = ms[rows_k], xs[rows_k]
            ratio = np.log((1 + alpha * m_k) / (1 + alpha * m_k * np.exp(kap)))
            lnk = _window_sums(kap * x_k + (x_k + 1 / alpha) * ratio, ks[rows_k], ns[rows_k])
        # R keeps the larger value; a NaN never replaces the maximum.
        better = lnk > best[rows_k]
        best[rows_k[better]] = lnk[better]
    return best


def glr_window(
    x: np.ndarray, mu0: np.ndarray, alpha: float, params: GlrnbParams
) -> tuple[np.ndarray, int]:
    """R's ``glr_nb_window`` on one segment: the statistic of every period up to the first
    alarm (the rest 0) and the alarm's position (``len(x)`` if none)."""
    lx = x.size
    values = np.zeros(lx)
    n0 = max(params.mtilde - 1, 0)
    for first in range(n0, lx, BLOCK):
        ns = np.arange(first, min(first + BLOCK, lx))
        best = _glr_block(x, mu0, alpha, params, ns)
        values[ns] = best
        hits = np.flatnonzero(best >= params.c_arl)
        if hits.size:
            n = int(ns[hits[0]])
            values[n + 1 :] = 0
            return values, n
    return values, lx


def glrnb(counts: np.ndarray, start: int, params: GlrnbParams) -> GlrnbResult:
    """Evaluate periods ``start`` .. end of every series (rows of ``counts``).

    Return arrays of shape (series, evaluated periods).
    """
    counts = np.asarray(counts, dtype=float)
    if start < params.min_history:
        raise ValueError(f"the first evaluated period needs {params.min_history} earlier periods")
    n_series, n_time = counts.shape
    n_eval = n_time - start
    score = np.zeros((n_series, n_eval))
    alarm = np.zeros((n_series, n_eval), dtype=bool)
    expected = np.zeros((n_series, n_eval))
    alphas = np.zeros(n_series)
    reason = np.full((n_series, n_eval), "", dtype=object)
    for row in range(n_series):
        with np.errstate(all="ignore"):
            mu0, alpha = in_control(counts[row, :start], n_eval, params)
        expected[row] = mu0
        alphas[row] = alpha
        if not (np.isfinite(alpha) and alpha > 0 and np.all(np.isfinite(mu0))):
            # R's glm.nb fails or gives no finite dispersion (e.g. a history of zeros).
            score[row] = np.nan
            reason[row] = UNFITTED
            continue
        done = 0
        while done < n_eval:
            values, n = glr_window(counts[row, start + done :], mu0[done:], alpha, params)
            score[row, done:] = values
            if n >= n_eval - done:
                break
            alarm[row, done + n] = True
            done += n + 1
    unfitted = reason == UNFITTED
    score = np.where(unfitted, np.nan, np.where(np.isnan(score) | (score < 0), 0.0, score))
    threshold = np.where(unfitted, np.nan, float(params.c_arl))
    return GlrnbResult(
        threshold=threshold,
        alarm=alarm,
        expected=expected,
        score=score,
        reason=reason,
        alpha=alphas,
    )
