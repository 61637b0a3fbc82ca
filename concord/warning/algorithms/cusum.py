"""CUSUM matching R ``surveillance::cusum`` (``algo.cusum``, version 1.20.3).

Counts are standardised with a reference mean ``m`` (by default the mean of every period before
the first evaluated one), then accumulated as ``S_t = max(0, S_{t-1} + z_t - k)``; an alarm is
raised when ``S_t >= h``. The threshold is the smallest count that would raise an alarm given
``S_{t-1}``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRANSFORMS = ("standard", "rossi", "anscombe", "anscombe2nd", "none")


@dataclass(frozen=True)
class CusumParams:
    """Control parameters; names and defaults follow R's ``cusum``."""

    k: float = 1.04
    h: float = 2.26
    m: float | None = None
    trans: str = "standard"

    def __post_init__(self) -> None:
        if self.trans not in TRANSFORMS:
            raise ValueError(f"trans must be one of {', '.join(TRANSFORMS)}")

    @property
    def min_history(self) -> int:
        """Return how many earlier periods the first evaluated period needs."""
        return 0 if self.m is not None else 1


@dataclass
class CusumResult:
    """Per evaluated (series, period): threshold, alarm, reference mean and CUSUM value."""

    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray


def _standardise(x: np.ndarray, m: np.ndarray, trans: str) -> np.ndarray:
    """Return the transformed counts of R's ``algo.cusum``."""
    if trans == "standard":
        return (x - m) / np.sqrt(m)
    if trans == "rossi":
        return (x - 3 * m + 2 * np.sqrt(x * m)) / (2 * np.sqrt(m))
    if trans == "anscombe":
        return 1.5 * (x ** (2 / 3) - m ** (2 / 3)) / m ** (1 / 6)
    if trans == "anscombe2nd":
        return (x ** (2 / 3) - (m ** (2 / 3) - m ** (-1 / 3) / 9)) / (2 / 3 * m ** (1 / 6))
    return x


def _upper(m: np.ndarray, prev: np.ndarray, cusum: np.ndarray, p: CusumParams) -> np.ndarray:
    """Return R's upper bound for each period given the CUSUM before it."""
    h, k = p.h, p.k
    if p.trans == "standard":
        return np.ceil(np.sqrt(m) * (h + k - prev) + m)
    if p.trans == "rossi":
        return (
            2 * h * np.sqrt(m)
            + 2 * k * np.sqrt(m)
            - 2 * prev * np.sqrt(m)
            + 5 * m
            - 2 * np.sqrt(4 * m**2 + 2 * m**1.5 * h + 2 * m**1.5 * k - 2 * m**1.5 * prev)
        )
    if p.trans == "anscombe":
        base = 2 / 3 * m ** (1 / 6) * (h + k - prev) + m ** (2 / 3)
        return np.where(base < 0, 0.0, np.abs(base) ** 1.5)
    if p.trans == "anscombe2nd":
        base = 2 / 3 * m ** (1 / 6) * (h + k - prev) + (m ** (2 / 3) - m ** (1 / 3) / 9)
        return np.where(base < 0, 0.0, np.abs(base) ** 1.5)
    return h - cusum


def cusum(counts: np.ndarray, start: int, params: CusumParams) -> CusumResult:
    """Evaluate periods ``start`` .. end of every series (rows of ``counts``).

    Return arrays of shape (series, evaluated periods).
    """
    counts = np.asarray(counts, dtype=float)
    if start < params.min_history:
        raise ValueError(f"the first evaluated period needs {params.min_history} earlier periods")
    n_series = counts.shape[0]
    x = counts[:, start:]
    if params.m is not None:
        m = np.full((n_series, 1), float(params.m))
    else:
        m = counts[:, :start].mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = _standardise(x, m, params.trans)
        values = np.zeros((n_series, x.shape[1] + 1))
        for t in range(x.shape[1]):
            # np.maximum keeps NaN like R's max(0, NaN).
            values[:, t + 1] = np.maximum(0.0, values[:, t] + (z[:, t] - params.k))
        alarm = values[:, 1:] >= params.h
        upper = _upper(m, values[:, :-1], values[:, 1:], params)
    upper = np.where(np.isnan(upper) | (upper < 0), 0.0, upper)
    expected = np.broadcast_to(m, x.shape).copy()
    return CusumResult(threshold=upper, alarm=alarm, expected=expected, score=values[:, 1:])
