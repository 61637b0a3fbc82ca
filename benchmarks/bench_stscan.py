"""Benchmark the prospective space-time permutation scan on a county-sized synthetic data set.

1,000 areas scattered over a 100 x 100 km square, 90 days, 20,000 background cases whose areas
follow uneven area sizes and whose days follow a weekly rhythm, plus an injected outbreak: 60
extra cases in the 8 areas nearest one point over the last 5 days. The scan runs with 999
replications; the script prints the time taken and whether the most likely cluster found the
outbreak.

Run: python benchmarks/bench_stscan.py [--replications N] [--workers N] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from concord.warning.algorithms.stscan import scan

AREAS = 1_000
DAYS = 90
CASES = 20_000
OUTBREAK_AREAS = 8
OUTBREAK_DAYS = 5
OUTBREAK_CASES = 60


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, set[int]]:
    """Return locations, days, counts, coordinates and the outbreak's areas."""
    rng = np.random.default_rng(seed)
    coordinates = rng.uniform(0.0, 100.0, size=(AREAS, 2))
    size = rng.gamma(2.0, 1.0, size=AREAS)
    weekday = np.array([1.0, 1.1, 1.1, 1.0, 1.0, 0.7, 0.6])
    day_weight = weekday[np.arange(DAYS) % 7]
    location = rng.choice(AREAS, size=CASES, p=size / size.sum())
    day = rng.choice(DAYS, size=CASES, p=day_weight / day_weight.sum())

    focus = coordinates[rng.integers(AREAS)]
    nearest = np.argsort(((coordinates - focus) ** 2).sum(axis=1))[:OUTBREAK_AREAS]
    extra_location = rng.choice(nearest, size=OUTBREAK_CASES)
    extra_day = rng.integers(DAYS - OUTBREAK_DAYS, DAYS, size=OUTBREAK_CASES)

    location = np.concatenate([location, extra_location])
    day = np.concatenate([day, extra_day])
    count = np.ones(location.size, dtype=np.int64)
    return location, day, count, coordinates, {int(i) for i in nearest}


def main() -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=999)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    location, day, count, coordinates, outbreak = make_data(args.seed)
    began = time.perf_counter()
    clusters = scan(
        location,
        day,
        count,
        coordinates,
        start=0,
        end=DAYS - 1,
        replications=args.replications,
        seed=args.seed,
        workers=args.workers,
    )
    elapsed = time.perf_counter() - began

    top = clusters[0]
    shared = outbreak & set(top.locations)
    significant = top.p_value is None or top.p_value <= 0.05
    found = bool(shared) and top.start >= DAYS - 2 * OUTBREAK_DAYS and significant
    print(
        f"stscan: {AREAS} areas x {DAYS} days x {count.sum()} cases, "
        f"{args.replications} replications, {args.workers or os.cpu_count()} workers"
    )
    print(f"  time: {elapsed:.1f} s")
    print(
        f"  most likely cluster: {len(top.locations)} areas, days {top.start}-{top.end}, "
        f"observed {top.observed}, expected {top.expected:.1f}, LLR {top.llr:.2f}, "
        f"p = {top.p_value if top.p_value is None else round(top.p_value, 3)}"
    )
    print(f"  outbreak areas in it: {len(shared)} of {len(outbreak)}")
    print(f"  injected cluster found: {'yes' if found else 'no'}")
    print(f"  secondary clusters reported: {len(clusters) - 1}")


if __name__ == "__main__":
    main()
