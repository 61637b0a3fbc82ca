"""Duplicate detection measured on the demo generator's injected duplicates.

The demo plan (no database needed) injects about 1 % duplicate reports — the same matter
reported again nearby a little later, in other words. This scores every pair of reports in the
same village within 14 days with the triage duplicate score and reports precision and recall
at the default threshold (and a few others) against the injected pairs.

    .venv/bin/python benchmarks/bench_duplicates.py [--size small] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concord.settings")


def main() -> None:
    import django

    django.setup()
    from concord.demo.generator import demo_plan
    from concord.triage.algorithms.similarity import DEFAULT_THRESHOLD, Report, candidate_pairs

    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    _, plan = demo_plan(size=args.size, seed=args.seed, now=now)
    village = {c.number: c.grid_code.rsplit("G", 1)[0] for c in plan.cases}
    reports = [
        Report(
            id=c.number,
            text=f"{c.title} {c.description}",
            lat=c.lat,
            lon=c.lng,
            at=c.created_at,
            place=village[c.number],
        )
        for c in plan.cases
    ]
    truth = {frozenset(p) for p in plan.duplicates}
    started = time.perf_counter()
    pairs = candidate_pairs(reports, threshold=0.3)
    seconds = time.perf_counter() - started
    print(
        f"{len(plan.cases)} reports, {len(truth)} injected duplicate pairs, "
        f"scored in {seconds:.1f} s"
    )
    print(f"{'threshold':>9} {'found':>6} {'precision':>9} {'recall':>7}")
    for threshold in (0.3, 0.4, 0.5, DEFAULT_THRESHOLD, 0.7, 0.8):
        found = {frozenset((p.a, p.b)) for p in pairs if p.score >= threshold}
        hits = len(found & truth)
        precision = hits / len(found) if found else float("nan")
        recall = hits / len(truth) if truth else float("nan")
        mark = "  (default)" if threshold == DEFAULT_THRESHOLD else ""
        print(f"{threshold:>9.2f} {len(found):>6} {precision:>9.3f} {recall:>7.3f}{mark}")


if __name__ == "__main__":
    main()
