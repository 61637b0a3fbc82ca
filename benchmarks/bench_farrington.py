"""Benchmark farrington-noufaily on 1,000 synthetic weekly series against R surveillance.

Run: python benchmarks/bench_farrington.py [--series 1000] [--r-sample 15] [--seed 1] [--dated]

Times the vectorised Python detector on every series (7 years, last 104 weeks evaluated), then
R's farringtonFlexible (via Rscript) on a sample of the same series, and checks that alarms and
thresholds agree on the sample. With ``--dated`` the series are weekly from a Thursday in 2009
(crossing the 53-week ISO years 2009 and 2015) and both sides are date-based (R:
``epochAsDate = TRUE``). Needs R with the 'surveillance' package for the comparison;
without Rscript only the Python timing is printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from concord.warning.algorithms.detectors import detect  # noqa: E402

WEEKS = 7 * 52
EVALUATED = 104


def synthetic_series(n_series: int, seed: int) -> np.ndarray:
    """Return seasonal Poisson / negative binomial weekly counts with injected outbreaks."""
    rng = np.random.default_rng(seed)
    t = np.arange(WEEKS)
    level = np.exp(rng.uniform(np.log(0.5), np.log(40), n_series))[:, None]
    amplitude = rng.uniform(0, 0.8, n_series)[:, None]
    phase = rng.uniform(0, 2 * np.pi, n_series)[:, None]
    trend = np.where(rng.random(n_series) < 0.3, rng.normal(0, 0.002, n_series), 0.0)[:, None]
    mean = level * np.exp(amplitude * np.sin(2 * np.pi * t / 52 + phase) + trend * t)
    # Half the series are overdispersed (negative binomial as a gamma-Poisson mixture).
    overdispersed = (rng.random(n_series) < 0.5)[:, None]
    size = rng.uniform(2, 20, n_series)[:, None]
    gamma = rng.gamma(size, 1 / size, size=(n_series, WEEKS))
    counts = rng.poisson(mean * np.where(overdispersed, gamma, 1.0))
    # Outbreaks: about one in three series gets one or two, lasting 2-6 weeks.
    for s in np.flatnonzero(rng.random(n_series) < 0.35):
        for _ in range(rng.integers(1, 3)):
            start = rng.integers(52, WEEKS - 6)
            length = rng.integers(2, 7)
            extra = rng.poisson(mean[s, start] * rng.uniform(1, 4), size=length)
            counts[s, start : start + length] += extra
    return counts.astype(float)


FIRST_DATE = dt.date(2009, 1, 1)  # a Thursday


def run_r(
    sample: np.ndarray, workdir: Path, dated: bool = False
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Return R's elapsed and CPU seconds, thresholds and alarms for the sample."""
    source = workdir / "sample.csv"
    result = workdir / "r_result.csv"
    # One column per series, one row per week, as R's sts wants it.
    np.savetxt(
        source,
        sample.T.astype(int),
        fmt="%d",
        delimiter=",",
        header=",".join(f"s{i}" for i in range(sample.shape[0])),
        comments="",
    )
    script = ROOT / "benchmarks" / "r" / "time_farrington.R"
    done = subprocess.run(
        ["Rscript", str(script), str(source), str(result), str(EVALUATED)]
        + ([FIRST_DATE.isoformat()] if dated else []),
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = float(done.stdout.split("elapsed")[-1])
    cpu = float(done.stdout.split("cpu")[-1].split()[0])
    threshold = np.full((sample.shape[0], EVALUATED), np.nan)
    alarm = np.zeros((sample.shape[0], EVALUATED), dtype=bool)
    first = sample.shape[1] - EVALUATED
    with open(result, newline="") as handle:
        for row in csv.DictReader(handle):
            s, week = int(row["series"]), int(row["week"]) - first
            threshold[s, week] = np.nan if row["threshold"] == "NA" else float(row["threshold"])
            alarm[s, week] = row["alarm"] == "1"
    return elapsed, cpu, threshold, alarm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--r-sample", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dated", action="store_true", help="date-based series (epochAsDate)")
    args = parser.parse_args()

    counts = synthetic_series(args.series, args.seed)
    start = WEEKS - EVALUATED
    dates = [FIRST_DATE + dt.timedelta(weeks=i) for i in range(WEEKS)] if args.dated else None
    # warm up imports and caches
    detect("farrington-noufaily", counts[:2], start=start, dates=dates)
    began, began_cpu = time.perf_counter(), time.process_time()
    result = detect("farrington-noufaily", counts, start=start, dates=dates)
    py_seconds = time.perf_counter() - began
    py_cpu = time.process_time() - began_cpu
    py_per_series = py_seconds / args.series

    kind = "date-based" if args.dated else "index-based"
    print(
        f"farrington-noufaily ({kind}): {args.series} series x {WEEKS} weeks, "
        f"last {EVALUATED} evaluated"
    )
    print(f"  Python alarms: {int(result.alarm.sum())} in {result.alarm.size} series-weeks")
    rows = [("Python (numpy, all series)", args.series, py_seconds, py_per_series)]

    if shutil.which("Rscript") and args.r_sample > 0:
        rng = np.random.default_rng(args.seed + 1)
        picked = np.sort(
            rng.choice(args.series, size=min(args.r_sample, args.series), replace=False)
        )
        with tempfile.TemporaryDirectory() as tmp:
            r_seconds, r_cpu, r_threshold, r_alarm = run_r(counts[picked], Path(tmp), args.dated)
        r_per_series = r_seconds / picked.size
        rows.append(("R surveillance 1.20.3 (sample)", picked.size, r_seconds, r_per_series))
        ours_t = result.threshold[picked]
        ours_a = result.alarm[picked]
        same_alarms = bool(np.array_equal(ours_a, r_alarm))
        both = ~np.isnan(r_threshold) & ~np.isnan(ours_t)
        same_na = bool(np.array_equal(np.isnan(r_threshold), np.isnan(ours_t)))
        rel = np.abs(ours_t[both] - r_threshold[both]) / np.maximum(np.abs(r_threshold[both]), 1)
        speedup = r_per_series / py_per_series
        cpu_speedup = (r_cpu / picked.size) / (py_cpu / args.series)
    else:
        same_alarms = same_na = None
        rel = np.array([np.nan])
        speedup = None
        print("  Rscript not found: R comparison skipped")

    print()
    print(f"  {'implementation':34} {'series':>7} {'total s':>10} {'per series ms':>14}")
    for name, n, total, per in rows:
        print(f"  {name:34} {n:>7} {total:>10.3f} {per * 1000:>14.3f}")
    if speedup is not None:
        print()
        print(f"  speed-up per series: {speedup:.0f}x (wall clock)")
        print(
            f"  speed-up per series: {cpu_speedup:.0f}x (CPU time: R {r_cpu:.2f} s for "
            f"{picked.size}, Python {py_cpu:.2f} s for {args.series})"
        )
        print(f"  alarms identical on the R sample: {same_alarms}")
        print(f"  thresholds missing in the same weeks: {same_na}")
        print(f"  max relative threshold difference: {np.nanmax(rel) if rel.size else 0:.2e}")


if __name__ == "__main__":
    main()
