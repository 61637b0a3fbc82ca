"""EARS C1, C2 and C3 matching R ``surveillance::earsC`` (version 1.20.3).

C1 compares each period with the mean and standard deviation of the ``baseline`` periods just
before it; C2 leaves a gap of two periods; C3 adds the positive parts of the two previous C2
statistics. The C3 threshold is the one R reports: the count at which the C3 statistic would
equal its critical value, which depends on the current count only through that construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

METHODS = ("C1", "C2", "C3")


@dataclass(frozen=True)
class EarsParams:
    """Control parameters; names and defaults follow R's ``earsC``."""

    method: str = "C1"
    baseline: int = 7
    alpha: float = 0.001
    min_sigma: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError("method must be C1, C2 or C3")
        if self.baseline < 3:
            raise ValueError("the minimum baseline is 3")
        if self.min_sigma < 0:
            raise ValueError("min_sigma must not be negative")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must lie strictly between 0 and 1")

    @property
    def min_history(self) -> int:
        """Return how many earlier periods the first evaluated period needs."""
        return {"C1": self.baseline, "C2": self.baseline + 2, "C3": self.baseline + 4}[self.method]


@dataclass
class EarsResult:
    """Per evaluated (series, period): threshold, alarm, baseline mean and statistic."""

    threshold: np.ndarray
    alarm: np.ndarray
    expected: np.ndarray
    score: np.ndarray


def _baseline_stats(counts: np.ndarray, times: np.ndarray, lag: int, baseline: int):
    """Return mean and sample sd of ``counts[:, t-lag-baseline+1 .. t-lag]`` for each ``t``."""
    windows = sliding_window_view(counts, baseline, axis=1)  # windows[:, j] = counts[j:j+baseline]
    ref = windows[:, times - lag - baseline + 1]
    return ref.mean(axis=2), ref.std(axis=2, ddof=1)


def ears(counts: np.ndarray, start: int, params: EarsParams) -> EarsResult:
    """Evaluate periods ``start`` .. end of every series (rows of ``counts``).

    Return arrays of shape (series, evaluated periods).
    """
    counts = np.asarray(counts, dtype=float)
    if start < params.min_history:
        raise ValueError(f"the first evaluated period needs {params.min_history} earlier periods")
    times = np.arange(start, counts.shape[1])
    z = stats.norm.ppf(1 - params.alpha)
    y = counts[:, times]
    with np.errstate(divide="ignore", invalid="ignore"):
        if params.method in ("C1", "C2"):
            lag = 1 if params.method == "C1" else 3
            mean, sd = _baseline_stats(counts, times, lag, params.baseline)
            sigma = np.maximum(sd, params.min_sigma)
            threshold = mean + z * sigma
            score = (y - mean) / sigma
            expected = mean
        else:
            # C2 statistics at t-2 .. end; the first two only feed the lags.
            times_c2 = np.arange(start - 2, counts.shape[1])
            mean, sd = _baseline_stats(counts, times_c2, 3, params.baseline)
            sigma = np.maximum(sd, params.min_sigma)
            c2 = (counts[:, times_c2] - mean) / sigma
            # np.maximum propagates NaN like R's pmax does here.
            lag2 = np.maximum(0.0, c2[:, :-2] - 1)
            lag1 = np.maximum(0.0, c2[:, 1:-1] - 1)
            sigma_now = sigma[:, 2:]
            threshold = np.maximum(0.0, y + sigma_now * (z - (lag2 + lag1)))
            # The textbook C3 statistic; R's alarm rule above uses only its two lagged terms.
            score = np.maximum(0.0, c2[:, 2:] - 1) + lag1 + lag2
            expected = mean[:, 2:]
        alarm = y > threshold
    return EarsResult(threshold=threshold, alarm=alarm, expected=expected, score=score)
