"""Batched quasi-Poisson GLM fitting that follows R's ``glm.fit`` step by step.

Many small regressions share one design (the same pattern of baseline weeks relative to the
week under evaluation), so they are fitted together: one row of ``y`` per problem. The design
is a factor (one indicator column per level) plus, optionally, one covariate (time). That
structure makes the normal equations block-diagonal apart from the covariate, so they are solved
in closed form (a Schur complement) instead of by general matrix inversion.

The iteration reproduces R exactly (starting values ``y + 0.1``, the deviance convergence test,
at most 25 iterations, working weights taken from the previous iteration) because results for
sparse series depend on where R stops iterating, not only on the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOUBLE_EPS = float(np.finfo(float).eps)
LOG_EPS = float(np.log(DOUBLE_EPS))


@dataclass
class Design:
    """A factor with levels 0..L-1 and an optional covariate.

    Observations must be ordered by level (``groups`` non-decreasing), so that per-level sums
    are contiguous slices.
    """

    groups: np.ndarray  # (n,) int level codes, non-decreasing
    covariate: np.ndarray | None = None  # (n,) or None

    def __post_init__(self) -> None:
        self.groups = np.asarray(self.groups, dtype=int)
        if np.any(np.diff(self.groups) < 0):
            raise ValueError("observations must be ordered by factor level")
        self.n_levels = int(self.groups.max()) + 1
        self.sizes = np.bincount(self.groups, minlength=self.n_levels)
        if np.any(self.sizes == 0):
            raise ValueError("every factor level needs at least one observation")
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        if self.covariate is not None:
            self.covariate = np.asarray(self.covariate, dtype=float)

    def level_sums(self, values: np.ndarray) -> np.ndarray:
        """Return the sum of ``values`` (B, n) over the observations of each level, (B, L)."""
        return np.add.reduceat(values, self.starts, axis=1)

    def expand(self, per_level: np.ndarray) -> np.ndarray:
        """Return ``per_level`` (B, L) repeated for every observation of its level, (B, n)."""
        return np.repeat(per_level, self.sizes, axis=1)

    @property
    def n_params(self) -> int:
        """Return the number of coefficients."""
        return self.n_levels + (self.covariate is not None)


@dataclass
class PoissonFit:
    """Fitted quasi-Poisson models, one per row.

    ``weights`` are R's ``model$weights`` (working weights of the last iteration, which were
    computed from the means before its update). ``level_weight`` (sum of weights per level),
    ``level_mean_t`` (weighted mean covariate per level) and ``spread_t`` (weighted sum of
    squares of the covariate about its level means) describe ``(X' W X)^-1`` for those weights.
    """

    design: Design
    level_coef: np.ndarray  # (B, L)
    trend_coef: np.ndarray | None  # (B,)
    mu: np.ndarray  # (B, n) fitted means
    weights: np.ndarray  # (B, n) working weights
    level_weight: np.ndarray  # (B, L)
    level_mean_t: np.ndarray | None  # (B, L)
    spread_t: np.ndarray | None  # (B,)
    converged: np.ndarray  # (B,) bool
    dispersion: np.ndarray  # (B,) Pearson estimate, not floored at 1
    df_residual: int

    def hat(self) -> np.ndarray:
        """Return the leverages (diagonal of the hat matrix) of every observation."""
        design = self.design
        quad = design.expand(1.0 / self.level_weight)
        if self.spread_t is not None:
            centred = design.covariate - design.expand(self.level_mean_t)
            quad = quad + centred**2 / self.spread_t[:, None]
        hat = self.weights * quad
        # R's lm.influence rounds leverages this close to one up to exactly one.
        hat[hat > 1 - 10 * DOUBLE_EPS] = 1.0
        return hat

    def predict_link(
        self, level: int, dispersion: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the linear predictor for ``level`` at covariate 0 and its standard error.

        The standard error is R's ``se.fit``; ``dispersion`` defaults to the fit's own Pearson
        estimate.
        """
        if dispersion is None:
            dispersion = self.dispersion
        eta0 = self.level_coef[:, level]
        var = 1.0 / self.level_weight[:, level]
        if self.spread_t is not None:
            var = var + self.level_mean_t[:, level] ** 2 / self.spread_t
        return eta0, np.sqrt(var * dispersion)

    def trend_var_unscaled(self) -> np.ndarray:
        """Return the unscaled variance of the covariate's coefficient."""
        return 1.0 / self.spread_t


def _deviance(
    y: np.ndarray, ylogy: np.ndarray, log_mu: np.ndarray, mu: np.ndarray, prior: np.ndarray
) -> np.ndarray:
    """Return the Poisson deviance of each row (R's ``poisson()$dev.resids`` summed).

    ``y log(y / mu)`` is split as ``y log y - y log mu`` with ``y log y`` precomputed (zero
    where ``y`` is zero, where R's term reduces to ``mu``).
    """
    return 2.0 * np.sum(prior * (ylogy - y * log_mu - y + mu), axis=1)


def _solve(design: Design, w2: np.ndarray, wz: np.ndarray):
    """Solve the weighted normal equations; return coefficients and the blocks of the inverse."""
    level_weight = design.level_sums(w2)
    rhs_level = design.level_sums(wz)
    # A level whose observations all have prior weight zero (an outbreak week alone in its
    # level) is aliased: R's QR drops it and it affects nothing else; 0 keeps it finite.
    empty = level_weight == 0
    safe_weight = np.where(empty, 1.0, level_weight)
    t = design.covariate
    if t is None:
        return np.where(empty, 0.0, rhs_level / safe_weight), None, level_weight, None, None
    level_mean_t = np.where(empty, 0.0, design.level_sums(w2 * t) / safe_weight)
    centred = t - design.expand(level_mean_t)
    # Weighted sum of squares about the level means: the Schur complement, without cancellation.
    spread_t = np.sum(w2 * centred**2, axis=1)
    trend = np.sum(wz * centred, axis=1) / spread_t
    level = np.where(empty, 0.0, rhs_level / safe_weight - level_mean_t * trend[:, None])
    return level, trend, level_weight, level_mean_t, spread_t


def fit_quasipoisson(
    design: Design,
    y: np.ndarray,
    prior: np.ndarray | None = None,
    *,
    offset: np.ndarray | None = None,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> PoissonFit:
    """Fit a log-link quasi-Poisson GLM of every row of ``y`` (B, n) on ``design``.

    ``prior`` are optional (B, n) prior weights and ``offset`` an optional (B, n) offset on the
    link scale (as R's ``offset()`` term: starting values ignore it, the working response
    subtracts it). Fitted values do not depend on how the design
    parametrises its column space, so callers may centre and scale the covariate.
    """
    y = np.asarray(y, dtype=float)
    n_prob, n_obs = y.shape
    n_levels = design.n_levels
    has_t = design.covariate is not None
    t = design.covariate
    if prior is None:
        prior = np.ones_like(y)
    if offset is None:
        offset = np.zeros_like(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)

    level_coef = np.full((n_prob, n_levels), np.nan)
    trend_coef = np.full(n_prob, np.nan) if has_t else None
    level_weight = np.full((n_prob, n_levels), np.nan)
    level_mean_t = np.full((n_prob, n_levels), np.nan) if has_t else None
    spread_t = np.full(n_prob, np.nan) if has_t else None
    mu = y + 0.1
    eta = np.log(mu)
    weights = np.zeros_like(y)
    converged = np.zeros(n_prob, dtype=bool)
    devold = _deviance(y, ylogy, eta, mu, prior)

    active = np.arange(n_prob)
    ya, pa, ylya, mua, etaa, devolda, offa = y, prior, ylogy, mu, eta, devold, offset
    for iteration in range(maxit):
        if active.size == 0:
            break
        # For the log link mu.eta(eta) equals mu (both floored at machine epsilon), so the
        # working weight is prior * mu and the working response eta + (y - mu) / mu.
        w2 = pa * mua
        wz = w2 * (etaa - offa) + pa * (ya - mua)
        lev, trend, lw, lmt, spread = _solve(design, w2, wz)
        etaa = design.expand(lev) + offa
        if has_t:
            etaa = etaa + trend[:, None] * t
        log_mu = np.maximum(etaa, LOG_EPS)
        mua = np.exp(log_mu)
        dev = _deviance(ya, ylya, log_mu, mua, pa)
        done = np.abs(dev - devolda) / (np.abs(dev) + 0.1) < epsilon
        converged[active] = done

        # Record the state of problems that stop now (converged, or out of iterations).
        stop = np.ones_like(done) if iteration == maxit - 1 else done
        if stop.any():
            rows = active[stop]
            level_coef[rows] = lev[stop]
            level_weight[rows] = lw[stop]
            mu[rows] = mua[stop]
            weights[rows] = w2[stop]
            if has_t:
                trend_coef[rows] = trend[stop]
                level_mean_t[rows] = lmt[stop]
                spread_t[rows] = spread[stop]
        keep = ~stop
        if keep.all():
            devolda = dev
            continue
        active = active[keep]
        ya, pa, ylya, offa = ya[keep], pa[keep], ylya[keep], offa[keep]
        mua, etaa, devolda = mua[keep], etaa[keep], dev[keep]

    df_residual = n_obs - design.n_params
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - mu) / mu
        dispersion = (
            np.sum(weights * resid**2, axis=1) / df_residual
            if df_residual > 0
            else np.full(n_prob, np.nan)
        )
    return PoissonFit(
        design=design,
        level_coef=level_coef,
        trend_coef=trend_coef,
        mu=mu,
        weights=weights,
        level_weight=level_weight,
        level_mean_t=level_mean_t,
        spread_t=spread_t,
        converged=converged,
        dispersion=dispersion,
        df_residual=df_residual,
    )
