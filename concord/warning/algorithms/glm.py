"""Batched quasi-Poisson GLM fitting that follows R's ``glm.fit`` step by step.

Many small regressions share one design matrix (the same pattern of baseline weeks relative to
the week under evaluation), so they are fitted together: one row of ``y`` per problem. The
iteration reproduces R exactly (starting values ``y + 0.1``, the deviance convergence test,
at most 25 iterations, working weights taken from the previous iteration) because results for
sparse series depend on where R stops iterating, not only on the optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DOUBLE_EPS = float(np.finfo(float).eps)


@dataclass
class PoissonFit:
    """Fitted quasi-Poisson models, one per row.

    ``weights`` are R's ``model$weights`` (working weights of the last iteration, which were
    computed from the means before its update), and ``cov_unscaled`` is ``(X' W X)^-1`` for
    those weights, as in R's ``summary.glm``.
    """

    beta: np.ndarray  # (B, p)
    mu: np.ndarray  # (B, n) fitted means
    weights: np.ndarray  # (B, n) working weights
    cov_unscaled: np.ndarray  # (B, p, p)
    converged: np.ndarray  # (B,) bool
    dispersion: np.ndarray  # (B,) Pearson estimate, not floored at 1
    df_residual: int

    def hat(self, x: np.ndarray) -> np.ndarray:
        """Return the leverages (diagonal of the hat matrix) of every observation."""
        p = x.shape[1]
        outer = _outer_rows(x)  # (n, p*p)
        quad = self.cov_unscaled.reshape(-1, p * p) @ outer.T
        hat = self.weights * quad
        # R's lm.influence rounds leverages this close to one up to exactly one.
        hat[hat > 1 - 10 * DOUBLE_EPS] = 1.0
        return hat

    def predict_link(
        self, x0: np.ndarray, dispersion: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the linear predictor at ``x0`` and its standard error (R's ``se.fit``).

        ``dispersion`` defaults to the fit's own Pearson estimate.
        """
        if dispersion is None:
            dispersion = self.dispersion
        eta0 = self.beta @ x0
        var = np.einsum("i,bij,j->b", x0, self.cov_unscaled, x0)
        se = np.sqrt(np.maximum(var, 0.0) * dispersion)
        return eta0, se


def _outer_rows(x: np.ndarray) -> np.ndarray:
    """Return the flattened outer product of every row of ``x`` with itself, shape (n, p*p)."""
    return (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], -1)


def _deviance(y: np.ndarray, mu: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Return the Poisson deviance of each row (R's ``poisson()$dev.resids`` summed)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu) - (y - mu), mu)
    return 2.0 * np.sum(prior * term, axis=1)


def fit_quasipoisson(
    x: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray | None = None,
    *,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> PoissonFit:
    """Fit ``y[b] ~ x`` with a log-link quasi-Poisson GLM for every row ``b`` of ``y``.

    ``x`` is the shared (n, p) design matrix, ``y`` the (B, n) responses and ``prior`` optional
    (B, n) prior weights. The fitted values do not depend on how ``x`` parametrises its column
    space, so callers may centre and scale columns for numerical stability.
    """
    y = np.asarray(y, dtype=float)
    n_prob, n_obs = y.shape
    p = x.shape[1]
    if prior is None:
        prior = np.ones_like(y)
    outer = _outer_rows(x)

    beta = np.full((n_prob, p), np.nan)
    mu = y + 0.1
    eta = np.log(mu)
    weights = np.zeros_like(y)
    cov = np.full((n_prob, p, p), np.nan)
    converged = np.zeros(n_prob, dtype=bool)
    devold = _deviance(y, mu, prior)

    active = np.arange(n_prob)
    ya, pa, mua, etaa, devolda = y, prior, mu, eta, devold
    for _ in range(maxit):
        if active.size == 0:
            break
        mu_eta = np.maximum(np.exp(etaa), DOUBLE_EPS)
        z = etaa + (ya - mua) / mu_eta
        w2 = pa * mu_eta**2 / mua
        xtwx = (w2 @ outer).reshape(-1, p, p)
        xtwz = (w2 * z) @ x
        inv = np.linalg.inv(xtwx)
        b_new = np.einsum("bij,bj->bi", inv, xtwz)
        etaa = b_new @ x.T
        mua = np.maximum(np.exp(etaa), DOUBLE_EPS)
        dev = _deviance(ya, mua, pa)
        done = np.abs(dev - devolda) / (np.abs(dev) + 0.1) < epsilon

        beta[active] = b_new
        mu[active] = mua
        weights[active] = w2
        cov[active] = inv
        converged[active] = done

        keep = ~done
        active = active[keep]
        ya, pa, mua, etaa, devolda = ya[keep], pa[keep], mua[keep], etaa[keep], dev[keep]

    df_residual = n_obs - p
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = (y - mu) / mu
        dispersion = (
            np.sum(weights * resid**2, axis=1) / df_residual
            if df_residual > 0
            else np.full(n_prob, np.nan)
        )
    return PoissonFit(
        beta=beta,
        mu=mu,
        weights=weights,
        cov_unscaled=cov,
        converged=converged,
        dispersion=dispersion,
        df_residual=df_residual,
    )
