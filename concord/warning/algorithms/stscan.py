"""Prospective space-time permutation scan statistic (Kulldorff et al. 2005).

The scan matches SaTScan's prospective space-time analysis with the space-time permutation
model, scanning for high rates only, with circular windows:

* Every location is a candidate centre. Its circles grow by adding the nearest remaining
  location; equidistant locations are added in location order (index order in :func:`scan`,
  order of first appearance in the case file in :func:`scan_files`). A circle may hold at most
  ``max_space_fraction`` of all cases over the study period (the permutation model has no
  population, so cases stand in for it).
* Time is counted in intervals of ``time_aggregation`` units (SaTScan's time aggregation
  length, default 1) back from the study end. Prospective windows end on the last unit and
  last from one interval up to ``floor(max_time_fraction * period length) // time_aggregation``
  intervals.
* The expected count of a cylinder is ``C_z * C_t / C``: cases in the circle over the whole
  period times cases anywhere in the window, divided by all cases. Only cylinders with more
  observed than expected cases (and at least ``min_cases`` of them, SaTScan's default 2) are
  scored, by the Poisson generalised log-likelihood ratio
  ``n log(n / mu) + (C - n) log((C - n) / (C - mu))``.
* Inference permutes the times of individual cases against their locations. Both margins
  (cases per location and per interval) survive a permutation, so every expected count is
  computed once; only observed counts change between replications. The p-value of a reported
  cluster is ``(1 + #{replications whose largest LLR >= the cluster's LLR}) / (replications +
  1)``, as SaTScan computes it, for secondary clusters too.
* The recurrence interval is SaTScan's for a prospective analysis that is not adjusted for
  earlier analyses: if the analysis is repeated once per time interval, a cluster this unusual
  arises by chance once every ``time_aggregation / p`` time units. It is reported in time
  units (days when times are day numbers).
* Secondary clusters follow SaTScan's default "no geographical overlap" rule: the best cylinder
  of each centre, taken in decreasing LLR, is kept when it shares no location with a cluster
  already kept. At most ``max_clusters`` are reported.

Speed comes from three facts. All windows end at the study end, so a circle's counts in every
window are running sums over its neighbours of per-location window counts, and the circles of
a centre grow by one neighbour at a time: replications are processed in batches laid side by
side, a few centres at a time, with the running counts kept in cache. Each replication only
needs its largest LLR where that can reach ``T``, the smallest LLR among the reported clusters
(p-values are only asked of those): the LLR rises with the observed count, so every cylinder
has a fixed smallest count that can reach ``T``, found once from a table; replications then
compare integers and take logarithms only for the cylinders that pass. The largest LLR of a
replication is therefore exact when it is at least ``T`` and reported as below ``T`` otherwise.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "Cluster",
    "StscanInputError",
    "read_case_file",
    "read_geo_file",
    "scan",
    "scan_files",
]

# Counts live in int16 while the total fits: it halves memory traffic in the replication loop.
_INT16_LIMIT = np.iinfo(np.int16).max
# Replications processed together; their counts sit side by side in the innermost axis.
_BATCH = 128
# Counts per neighbour step (centres x window lengths x replications) a worker adds at once:
# large enough to amortise numpy's call overhead, small enough to stay in cache.
_GROUP_ELEMENTS = 200_000
# Neighbours added between two searches for cylinders that reach the threshold.
_NEIGHBOUR_CHUNK = 4
# Cylinders (centres x circles x windows) scored together when the observed data are scored.
_CYLINDER_CHUNK = 2_000_000
# Largest per-cylinder threshold array kept in memory across batches of replications.
_NEEDED_CACHE_BYTES = 256 * 1024 * 1024
# Slack that keeps the integer prefilter from ever excluding a cylinder whose LLR reaches T.
_THRESHOLD_SLACK = 1e-9


class StscanInputError(ValueError):
    """Raised when scan input is malformed or inconsistent."""


@dataclasses.dataclass(frozen=True)
class Cluster:
    """A reported space-time cluster; locations are indices into the coordinate array."""

    centre: int
    locations: tuple[int, ...]
    radius: float
    start: int
    end: int
    observed: int
    expected: float
    llr: float
    p_value: float | None
    recurrence_interval: float | None


@dataclasses.dataclass(frozen=True)
class _Circles:
    """Neighbour orderings of every centre, cut at the maximum spatial size."""

    order: npt.NDArray[np.intp]  # (centres, max_k) location indices, padded with 0
    size: npt.NDArray[np.intp]  # (centres,) number of valid circles per centre
    radius: npt.NDArray[np.float64]  # (centres, max_k) distance of the k-th neighbour
    cases: npt.NDArray[np.float64]  # (centres, max_k) cases in the circle over the period


def llr_poisson(
    observed: npt.ArrayLike, expected: npt.ArrayLike, total: float
) -> npt.NDArray[np.float64]:
    """Return the high-rate Poisson log-likelihood ratio, zero where observed <= expected."""
    n = np.asarray(observed, dtype=np.float64)
    mu = np.asarray(expected, dtype=np.float64)
    excess = n > mu
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = n * np.log(n / mu)
        rest = total - n
        outside = np.where(rest > 0, rest * np.log(rest / (total - mu)), 0.0)
        value = inside + outside
    return np.where(excess, value, 0.0)


def _build_circles(
    coordinates: npt.NDArray[np.float64],
    cases_per_location: npt.NDArray[np.int64],
    max_cases: float,
) -> _Circles:
    """Return each centre's neighbours by distance, ties in index order, up to max_cases."""
    n_loc = coordinates.shape[0]
    orders: list[npt.NDArray[np.intp]] = []
    sizes = np.zeros(n_loc, dtype=np.intp)
    chunk = max(1, 4_000_000 // max(n_loc, 1))
    for first in range(0, n_loc, chunk):
        centres = coordinates[first : first + chunk]
        delta = centres[:, None, :] - coordinates[None, :, :]
        squared = np.einsum("ijk,ijk->ij", delta, delta)
        # A stable sort keeps equidistant neighbours in index order, as SaTScan does.
        order = np.argsort(squared, axis=1, kind="stable")
        cumulative = np.cumsum(cases_per_location[order], axis=1)
        # Circles grow while they stay within the limit; the first one over it stops growth.
        sizes[first : first + chunk] = np.argmax(cumulative > max_cases + 1e-9, axis=1)
        within_all = cumulative[:, -1] <= max_cases + 1e-9
        sizes[first : first + chunk][within_all] = n_loc
        # Keep only the neighbours some circle uses: a full ordering is locations squared.
        orders.append(order[:, : int(sizes[first : first + chunk].max(initial=0))])
    max_k = int(sizes.max()) if n_loc else 0
    order = np.zeros((n_loc, max(max_k, 1)), dtype=np.intp)
    start = 0
    for block in orders:
        rows, used = block.shape
        order[start : start + rows, :used] = block
        start += rows
    valid = np.arange(order.shape[1])[None, :] < sizes[:, None]
    order = np.where(valid, order, 0)
    centre_xy = coordinates[:, None, :]
    radius = np.sqrt(((coordinates[order] - centre_xy) ** 2).sum(axis=2))
    cases = np.cumsum(np.where(valid, cases_per_location[order], 0), axis=1).astype(np.float64)
    return _Circles(order=order, size=sizes, radius=radius, cases=cases)


def _window_counts(
    location: npt.NDArray[np.intp],
    age: npt.NDArray[np.intp],
    n_loc: int,
    max_len: int,
) -> npt.NDArray[np.int64]:
    """Return cases per location in windows of 1..max_len units ending at the study end."""
    recent = age < max_len
    counts = np.bincount(
        location[recent] * max_len + age[recent], minlength=n_loc * max_len
    ).reshape(n_loc, max_len)
    return np.cumsum(counts, axis=1)


def _centre_step(max_k: int, max_len: int) -> int:
    """Return how many centres to score at once so their cylinders fit a modest array."""
    return max(1, _CYLINDER_CHUNK // max(1, max_k * max_len))


def _best_per_centre(
    circles: _Circles,
    window: npt.NDArray[np.int64],
    window_total: npt.NDArray[np.float64],
    total: int,
    min_cases: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Return, per centre, the best LLR and the circle size and window length that give it."""
    n_loc = circles.order.shape[0]
    best_llr = np.zeros(n_loc)
    best_k = np.full(n_loc, -1, dtype=np.intp)
    best_len = np.full(n_loc, -1, dtype=np.intp)
    max_k = circles.order.shape[1]
    max_len = window.shape[1]
    positions = np.arange(max_k)
    step = _centre_step(max_k, max_len)
    for first in range(0, n_loc, step):
        rows = slice(first, first + step)
        valid = positions[None, :] < circles.size[rows, None]
        observed = np.cumsum(window[circles.order[rows]] * valid[:, :, None], axis=1)
        expected = circles.cases[rows, :, None] * window_total[None, None, :] / total
        score = llr_poisson(observed, expected, total)
        score[(observed < min_cases) | ~valid[:, :, None]] = 0.0
        flat = score.reshape(score.shape[0], -1)
        where = np.argmax(flat, axis=1)
        value = flat[np.arange(flat.shape[0]), where]
        found = value > 0
        best_llr[rows] = value
        best_k[rows] = np.where(found, where // max_len, -1)
        best_len[rows] = np.where(found, where % max_len + 1, -1)
    return best_llr, best_k, best_len


def _largest_expected(total: int, threshold: float, min_cases: int) -> npt.NDArray[np.float64]:
    """Return, for each observed count n = 0..total, the largest expected count whose LLR with
    n still reaches the threshold (-1 where none does).

    The LLR rises with the observed count and falls with the expected count, so this table
    turns "can this cylinder reach the threshold?" into "is its count at least the first n whose
    entry is >= its expected count?", one sorted search per cylinder.
    """
    counts = np.arange(total + 1, dtype=np.float64)
    low = np.full(total + 1, 1e-300)
    high = counts.copy()
    target = threshold * (1 - _THRESHOLD_SLACK) - _THRESHOLD_SLACK
    for _ in range(100):
        middle = 0.5 * (low + high)
        reaches = llr_poisson(counts, middle, total) >= target
        low = np.where(reaches, middle, low)
        high = np.where(reaches, high, middle)
    # Rounding up keeps the prefilter loose: it may let through a cylinder just under the
    # threshold, never hold back one at or over it.
    largest = high * (1 + _THRESHOLD_SLACK)
    largest[: max(min_cases, 1)] = -1.0
    return np.maximum.accumulate(largest)


@dataclasses.dataclass(frozen=True)
class _Replicator:
    """Everything a worker needs to compute the largest LLR of a batch of replications."""

    circles: _Circles
    largest_expected: npt.NDArray[np.float64]
    case_location: npt.NDArray[np.intp]
    case_age: npt.NDArray[np.intp]
    window_total: npt.NDArray[np.float64]
    total: int
    max_len: int
    dtype: type[np.integer]
    # Thresholds of every cylinder, kept when they fit in memory (see _NEEDED_CACHE_BYTES).
    stored_needed: npt.NDArray[np.integer] | None = None

    def run(self, seed: np.random.SeedSequence, size: int) -> npt.NDArray[np.float64]:
        """Return the largest LLR of each of ``size`` replications, 0 where none reaches T."""
        rng = np.random.default_rng(seed)
        ages = rng.permuted(np.broadcast_to(self.case_age, (size, self.case_age.size)), axis=1)
        return self.maxima(ages)

    def maxima(self, ages: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        """Return the largest LLR for each row of permuted case ages, 0 where none reaches T."""
        size = ages.shape[0]
        n_loc, max_k = self.circles.order.shape
        max_len = self.max_len
        replicate = np.broadcast_to(np.arange(size)[:, None], ages.shape)
        location = np.broadcast_to(self.case_location, ages.shape)
        recent = ages < max_len
        flat = (location[recent] * max_len + ages[recent]) * size + replicate[recent]
        # One extra all-zero location: padded neighbour slots point at it and add nothing.
        counts = np.bincount(flat, minlength=(n_loc + 1) * max_len * size)
        # Layout (location, window length, replication): the gather copies whole blocks.
        window = np.cumsum(counts.reshape(n_loc + 1, max_len, size), axis=1).astype(self.dtype)
        order = np.where(
            np.arange(max_k)[None, :] < self.circles.size[:, None], self.circles.order, n_loc
        )

        best = np.zeros(size)
        group = max(1, _GROUP_ELEMENTS // max(1, max_len * size))
        storage = np.empty(group * _NEIGHBOUR_CHUNK * max_len * size, dtype=self.dtype)
        running = np.empty((group, max_len, size), dtype=self.dtype)
        added = np.empty_like(running)
        for first in range(0, n_loc, group):
            rows = slice(first, min(first + group, n_loc))
            k = int(self.circles.size[rows].max())
            if k == 0:
                continue
            n_rows = rows.stop - rows.start
            needed = self.needed(rows, k)
            circle_counts = running[:n_rows]
            circle_counts[...] = 0
            # Grow the circles of a few centres one neighbour at a time. The running counts
            # and a short stretch of margins over the thresholds stay in cache; each stretch
            # is searched for cylinders that reach T before the next one overwrites it.
            for low in range(0, k, _NEIGHBOUR_CHUNK):
                high = min(k, low + _NEIGHBOUR_CHUNK)
                span = high - low
                part = storage[: n_rows * span * max_len * size].reshape(
                    n_rows, span, max_len, size
                )
                for j in range(low, high):
                    np.take(window, order[rows, j], axis=0, out=added[:n_rows], mode="clip")
                    np.add(circle_counts, added[:n_rows], out=circle_counts)
                    np.subtract(circle_counts, needed[:, j, :, None], out=part[:, j - low])
                self._collect(best, part, needed[:, low:high], first, low)
        return best

    def _collect(
        self,
        best: npt.NDArray[np.float64],
        part: npt.NDArray[np.integer],
        needed: npt.NDArray[np.integer],
        first_centre: int,
        first_circle: int,
    ) -> None:
        """Raise ``best`` to the LLR of every cylinder in ``part`` whose margin is not negative.

        ``part`` holds count minus threshold, shaped (centres, circles, window lengths,
        replications), for centres from ``first_centre`` and circles from ``first_circle``.
        """
        n_rows, span, max_len, size = part.shape
        columns = part.reshape(n_rows * span, max_len * size)
        open_columns = np.flatnonzero(columns.max(axis=0) >= 0)
        if open_columns.size == 0:
            return
        hit_row, hit_column = np.nonzero(columns[:, open_columns] >= 0)
        hit_column = open_columns[hit_column]
        row = hit_row // span
        offset = hit_row % span
        length = hit_column // size
        observed = columns[hit_row, hit_column] + needed[row, offset, length].astype(np.float64)
        expected = (
            self.circles.cases[first_centre + row, first_circle + offset]
            * self.window_total[length]
            / self.total
        )
        np.maximum.at(best, hit_column % size, llr_poisson(observed, expected, self.total))

    def needed(self, rows: slice, k: int) -> npt.NDArray[np.integer]:
        """Return the smallest count that can reach T for the first k circles of some centres.

        Taken from the stored array when there is one; otherwise computed per group, because
        the full array grows with the square of the number of locations.
        """
        if self.stored_needed is not None:
            return self.stored_needed[rows, :k]
        expected = self.circles.cases[rows, :k, None] * self.window_total[None, None, :]
        expected /= self.total
        needed = np.searchsorted(self.largest_expected, expected, side="left")
        sentinel = np.iinfo(self.dtype).max
        np.minimum(needed, sentinel, out=needed)
        padded = np.arange(k)[None, :] >= self.circles.size[rows, None]
        needed[padded] = sentinel
        return needed.astype(self.dtype)


def _replicate_maxima(
    replicator: _Replicator, replications: int, seed: int | None, workers: int
) -> npt.NDArray[np.float64]:
    """Return the largest LLR of every replication, batches spread over worker threads."""
    sizes = [min(_BATCH, replications - first) for first in range(0, replications, _BATCH)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    if workers <= 1 or len(sizes) == 1:
        parts = [replicator.run(s, n) for s, n in zip(seeds, sizes, strict=True)]
    else:
        # numpy releases the GIL inside its array loops, which dominate here, so threads share
        # the cores without copying the circles and thresholds into other processes; seeds
        # are fixed per batch, so results do not depend on the number of workers.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(replicator.run, seeds, sizes))
    return np.concatenate(parts) if parts else np.zeros(0)


@dataclasses.dataclass(frozen=True)
class _Problem:
    """Validated input reduced to what the scan needs."""

    circles: _Circles
    window: npt.NDArray[np.int64]  # (locations, max_len) cases in windows ending at the end
    window_total: npt.NDArray[np.float64]  # (max_len,) cases anywhere in each window
    case_location: npt.NDArray[np.intp]  # one entry per case
    case_age: npt.NDArray[np.intp]  # intervals before the end, one entry per case
    total: int
    max_len: int


def _prepare(
    location: npt.ArrayLike,
    time: npt.ArrayLike,
    count: npt.ArrayLike,
    coordinates: npt.ArrayLike,
    *,
    start: int,
    end: int,
    max_space_fraction: float,
    max_time_fraction: float,
    time_aggregation: int,
) -> _Problem:
    """Return the scan problem for validated arrays, or raise StscanInputError."""
    loc = np.asarray(location)
    tim = np.asarray(time)
    cnt = np.asarray(count)
    xy = np.asarray(coordinates, dtype=np.float64)
    _check_arrays(loc, tim, cnt, xy, start=start, end=end)
    if not 0 < max_space_fraction <= 1:
        raise StscanInputError("max_space_fraction must be in (0, 1].")
    if not 0 < max_time_fraction <= 1:
        raise StscanInputError("max_time_fraction must be in (0, 1].")
    if time_aggregation < 1:
        raise StscanInputError("time_aggregation must be at least 1.")

    n_loc = xy.shape[0]
    # Intervals of time_aggregation units are counted back from the study end, so every
    # prospective window is a whole number of intervals ending on the last unit.
    units = -(-(end - start + 1) // time_aggregation)
    max_len = math.floor(max_time_fraction * (end - start + 1) + 1e-9) // time_aggregation
    if max_len < 1:
        raise StscanInputError("The maximum temporal size is shorter than one time interval.")
    loc = loc.astype(np.intp)
    cnt = cnt.astype(np.int64)
    age = ((end - tim) // time_aggregation).astype(np.intp)
    total = int(cnt.sum())
    per_location = np.bincount(loc, weights=cnt, minlength=n_loc).astype(np.int64)
    per_age = np.bincount(age, weights=cnt, minlength=units).astype(np.int64)
    case_location = np.repeat(loc, cnt)
    case_age = np.repeat(age, cnt)
    return _Problem(
        circles=_build_circles(xy, per_location, max_space_fraction * total),
        window=_window_counts(case_location, case_age, n_loc, max_len),
        window_total=np.cumsum(per_age[:max_len]).astype(np.float64),
        case_location=case_location,
        case_age=case_age,
        total=total,
        max_len=max_len,
    )


def _make_replicator(problem: _Problem, threshold: float, min_cases: int) -> _Replicator:
    """Return a replicator that finds every replication's largest LLR at or above threshold."""
    dtype: type[np.integer] = np.int16 if problem.total < _INT16_LIMIT else np.int32
    replicator = _Replicator(
        circles=problem.circles,
        largest_expected=_largest_expected(problem.total, threshold, min_cases),
        case_location=problem.case_location,
        case_age=problem.case_age,
        window_total=problem.window_total,
        total=problem.total,
        max_len=problem.max_len,
        dtype=dtype,
    )
    n_loc, max_k = problem.circles.order.shape
    size = n_loc * max_k * problem.max_len * np.dtype(dtype).itemsize
    if size > _NEEDED_CACHE_BYTES:
        return replicator
    step = _centre_step(max_k, problem.max_len)
    stored = np.concatenate(
        [
            replicator.needed(slice(first, min(first + step, n_loc)), max_k)
            for first in range(0, n_loc, step)
        ]
    )
    return dataclasses.replace(replicator, stored_needed=stored)


def scan(
    location: npt.ArrayLike,
    time: npt.ArrayLike,
    count: npt.ArrayLike,
    coordinates: npt.ArrayLike,
    *,
    start: int,
    end: int,
    max_space_fraction: float = 0.5,
    max_time_fraction: float = 0.5,
    replications: int = 999,
    seed: int | None = None,
    time_aggregation: int = 1,
    min_cases: int = 2,
    max_clusters: int = 10,
    workers: int | None = None,
) -> list[Cluster]:
    """Return the most likely cluster and non-overlapping secondary clusters, most likely first.

    ``location`` holds indices into the rows of ``coordinates`` (x, y, Cartesian), ``time``
    integer time units within ``start..end`` inclusive and ``count`` the cases of each record.
    Equidistant neighbours are added in index order. ``max_clusters`` caps the clusters
    reported; their smallest LLR bounds the work done in each replication. With
    ``replications=0`` no p-values are computed.
    """
    if replications < 0:
        raise StscanInputError("replications must not be negative.")
    if max_clusters < 1:
        raise StscanInputError("max_clusters must be at least 1.")
    problem = _prepare(
        location,
        time,
        count,
        coordinates,
        start=start,
        end=end,
        max_space_fraction=max_space_fraction,
        max_time_fraction=max_time_fraction,
        time_aggregation=time_aggregation,
    )
    if problem.total == 0:
        return []
    circles, window, window_total, total = (
        problem.circles,
        problem.window,
        problem.window_total,
        problem.total,
    )
    best_llr, best_k, best_len = _best_per_centre(circles, window, window_total, total, min_cases)
    picked = _pick_non_overlapping(circles, best_llr, best_k, max_clusters)
    if not picked:
        return []

    maxima = np.zeros(0)
    if replications > 0:
        threshold = min(float(best_llr[c]) for c in picked)
        replicator = _make_replicator(problem, threshold, min_cases)
        maxima = _replicate_maxima(replicator, replications, seed, workers or os.cpu_count() or 1)

    clusters = []
    for centre in picked:
        k = int(best_k[centre]) + 1
        length = int(best_len[centre])
        llr = float(best_llr[centre])
        p_value = recurrence = None
        if replications > 0:
            beaten = int(np.count_nonzero(maxima >= llr * (1 - 1e-12)))
            p_value = (beaten + 1) / (replications + 1)
            recurrence = time_aggregation / p_value
        clusters.append(
            Cluster(
                centre=int(centre),
                locations=tuple(int(i) for i in circles.order[centre, :k]),
                radius=float(circles.radius[centre, k - 1]),
                start=max(start, end - length * time_aggregation + 1),
                end=end,
                observed=int(window[circles.order[centre, :k], length - 1].sum()),
                expected=float(circles.cases[centre, k - 1] * window_total[length - 1] / total),
                llr=llr,
                p_value=p_value,
                recurrence_interval=recurrence,
            )
        )
    return clusters


def _pick_non_overlapping(
    circles: _Circles,
    best_llr: npt.NDArray[np.float64],
    best_k: npt.NDArray[np.intp],
    max_clusters: int,
) -> list[int]:
    """Return centres whose best clusters share no location, in decreasing LLR."""
    taken = np.zeros(circles.order.shape[0], dtype=bool)
    picked: list[int] = []
    # Stable sort on the negated LLR: equal LLRs keep centre order.
    for centre in np.argsort(-best_llr, kind="stable"):
        if best_llr[centre] <= 0 or len(picked) >= max_clusters:
            break
        members = circles.order[centre, : best_k[centre] + 1]
        if taken[members].any():
            continue
        taken[members] = True
        picked.append(int(centre))
    return picked


def _check_arrays(
    loc: np.ndarray, tim: np.ndarray, cnt: np.ndarray, xy: np.ndarray, *, start: int, end: int
) -> None:
    """Raise StscanInputError unless the arrays describe a valid scan."""
    if not (loc.ndim == tim.ndim == cnt.ndim == 1) or not (loc.size == tim.size == cnt.size):
        raise StscanInputError("location, time and count must be 1-D arrays of one length.")
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise StscanInputError("coordinates must have shape (locations, 2).")
    if not np.isfinite(xy).all():
        raise StscanInputError("coordinates must be finite numbers.")
    if end < start:
        raise StscanInputError("The study period ends before it starts.")
    for name, values in (("location", loc), ("time", tim), ("count", cnt)):
        if values.size and not np.issubdtype(values.dtype, np.integer):
            raise StscanInputError(f"{name} must hold integers.")
    if loc.size and (loc.min() < 0 or loc.max() >= xy.shape[0]):
        raise StscanInputError("location indices must point at rows of coordinates.")
    if tim.size and (tim.min() < start or tim.max() > end):
        raise StscanInputError(f"Case times must lie within the study period {start}..{end}.")
    if cnt.size and cnt.min() < 0:
        raise StscanInputError("Case counts must not be negative.")


def read_case_file(path: str | Path) -> tuple[list[str], list[int], list[int]]:
    """Return location ids, counts and times from a SaTScan ``location count time`` file."""
    ids: list[str] = []
    counts: list[int] = []
    times: list[int] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 3:
                raise StscanInputError(
                    f"{path}, line {number}: expected 'location count time', got {line.strip()!r}."
                )
            count = _parse_int(fields[1], path, number, "case count")
            if count < 0:
                raise StscanInputError(f"{path}, line {number}: negative case count {count}.")
            ids.append(fields[0])
            counts.append(count)
            times.append(_parse_int(fields[2], path, number, "time"))
    return ids, counts, times


def read_geo_file(path: str | Path) -> dict[str, tuple[float, float]]:
    """Return Cartesian coordinates by location id from a SaTScan ``location x y`` file."""
    places: dict[str, tuple[float, float]] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 3:
                raise StscanInputError(
                    f"{path}, line {number}: expected 'location x y', got {line.strip()!r}."
                )
            x = _parse_float(fields[1], path, number, "x coordinate")
            y = _parse_float(fields[2], path, number, "y coordinate")
            if fields[0] in places:
                raise StscanInputError(f"{path}, line {number}: location {fields[0]} repeated.")
            places[fields[0]] = (x, y)
    return places


def _parse_int(text: str, path: str | Path, number: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise StscanInputError(
            f"{path}, line {number}: {what} {text!r} is not an integer."
        ) from None


def _parse_float(text: str, path: str | Path, number: int, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise StscanInputError(f"{path}, line {number}: {what} {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise StscanInputError(f"{path}, line {number}: {what} {text!r} is not finite.")
    return value


def scan_files(
    cases_path: str | Path,
    geo_path: str | Path,
    *,
    start: int,
    end: int,
    max_space_fraction: float = 0.5,
    max_time_fraction: float = 0.5,
    replications: int = 999,
    seed: int | None = None,
    time_aggregation: int = 1,
    min_cases: int = 2,
    max_clusters: int = 10,
    workers: int | None = None,
) -> list[dict]:
    """Return the clusters of a SaTScan case and coordinates file pair, most likely first.

    Locations are ordered by first appearance in the case file (then coordinates-file order for
    locations without cases), which decides the order of equidistant neighbours.
    """
    ids, counts, times = read_case_file(cases_path)
    places = read_geo_file(geo_path)
    for line_id, time in zip(ids, times, strict=True):
        if line_id not in places:
            raise StscanInputError(f"{cases_path}: location {line_id} is not in {geo_path}.")
        if not start <= time <= end:
            raise StscanInputError(
                f"{cases_path}: time {time} at location {line_id} lies outside the study "
                f"period {start}..{end}."
            )
    order: dict[str, int] = {}
    for name in [*ids, *places]:
        order.setdefault(name, len(order))
    names = list(order)
    coordinates = np.array([places[name] for name in names], dtype=np.float64).reshape(-1, 2)
    clusters = scan(
        np.array([order[name] for name in ids], dtype=np.intp),
        np.array(times, dtype=np.int64),
        np.array(counts, dtype=np.int64),
        coordinates,
        start=start,
        end=end,
        max_space_fraction=max_space_fraction,
        max_time_fraction=max_time_fraction,
        replications=replications,
        seed=seed,
        time_aggregation=time_aggregation,
        min_cases=min_cases,
        max_clusters=max_clusters,
        workers=workers,
    )
    return [_as_dict(cluster, names) for cluster in clusters]


def _as_dict(cluster: Cluster, names: Sequence[str]) -> dict:
    """Return a cluster as a plain dict with location ids instead of indices."""
    return {
        "centre": names[cluster.centre],
        "locations": [names[i] for i in cluster.locations],
        "radius": cluster.radius,
        "start": cluster.start,
        "end": cluster.end,
        "observed": cluster.observed,
        "expected": cluster.expected,
        "llr": cluster.llr,
        "p_value": cluster.p_value,
        "recurrence_interval": cluster.recurrence_interval,
    }
