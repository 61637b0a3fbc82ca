"""Measure crisis detection on the held-out corpus and on the real citizen messages.

Run with ``python benchmarks/bench_crisis.py [--citizen-dir DIR] [--check-set]``; it prints a
table and asserts nothing. This is the only code that reads the held-out files
(``concord/wellbeing/data/crisis_corpus/heldout_*.csv``) and the later check set
(``check_*.csv``, with ``--check-set``); their SHA-256 is printed so the figures can be tied to the
committed files. The citizen messages are read only to count false alarms.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from concord.triage.algorithms import crisis, crisis_training

CORPUS = crisis_training.CORPUS_DIR
HELD_OUT = ("heldout_crisis_zh", "heldout_crisis_en", "heldout_benign_zh", "heldout_benign_en")
# Written later by two further independent authors, never trained or tuned on (PROVENANCE.md).
CHECK_SET = ("check_crisis_zh", "check_crisis_en", "check_benign_zh", "check_benign_en")
REPO_CITIZEN = Path(crisis.__file__).resolve().parents[1] / "data" / "labelled.csv"


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Return the Wilson score 95% interval of k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def row(label: str, k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"| {label} | {k}/{n} | {k / n:.3f} | [{lo:.3f}, {hi:.3f}] |"


def read(name: str) -> list[dict[str, str]]:
    with open(CORPUS / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def citizen_texts(directory: Path | None) -> list[tuple[str, str]]:
    """Return (source, title + body) of every citizen message available."""
    files = [REPO_CITIZEN]
    if directory is not None:
        files = [directory / "labelled.csv", directory / "replies.csv"]
    out = []
    for path in files:
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                out.append((path.name, f"{r.get('title', '')}\n{r.get('body', '')}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citizen-dir", type=Path, default=None)
    parser.add_argument("--no-model", action="store_true", help="rule layer only")
    parser.add_argument("--latency-only", action="store_true", help="skip the held-out figures")
    parser.add_argument(
        "--check-set", action="store_true", help="measure the check set, not the held-out fifth"
    )
    args = parser.parse_args()
    use_model = not args.no_model
    if args.latency_only:
        latency(use_model)
        return
    files = CHECK_SET if args.check_set else HELD_OUT
    print("measured files (SHA-256):")
    for name in files:
        print(f"  {name}.csv {hashlib.sha256((CORPUS / f'{name}.csv').read_bytes()).hexdigest()}")
    m = crisis.model()
    thresholds = (
        "none"
        if m is None
        else ", ".join(
            f"{lang}: threshold {h.threshold:.3f}, rule veto {h.veto:.2f}"
            for lang, h in m.heads.items()
        )
    )
    print(f"model: {thresholds}; use_model={use_model}")

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_layer: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    level_right = [0, 0]
    missed: dict[str, int] = defaultdict(int)
    for name in files:
        for r in read(name):
            a = crisis.assess(r["text"], use_model=use_model)
            lang, level = r["lang"], r["level"]
            if level == "none":
                group = "threat_to_others" if r["kind"] == "threat_to_others" else "non-crisis"
                for key in (f"false alarms, {group}, {lang}", f"false alarms, {group}, all"):
                    counts[key][0] += a.is_crisis
                    counts[key][1] += 1
                if group == "non-crisis":
                    counts["false alarms, non-crisis + threats, all"][0] += a.is_crisis
                counts["false alarms, non-crisis + threats, all"][1] += 1
                continue
            band = "high risk (imminent + plan)" if level in ("imminent", "plan") else "ideation"
            keys = {f"recall, {band}, {lang}", f"recall, {band}, all", f"recall, {level}, all"}
            for key in keys:
                counts[key][0] += a.is_crisis
                counts[key][1] += 1
            by_layer[band][0] += bool(a.hits)
            by_layer[band][1] += a.model_flag
            by_layer[band][2] += 1
            if a.is_crisis:
                level_right[0] += a.level == level
                level_right[1] += 1
            else:
                missed[f"{lang}/{r['kind']}"] += 1

    citizen = citizen_texts(args.citizen_dir)
    flagged = 0
    for _source, text in citizen:
        flagged += crisis.assess(text, use_model=use_model).is_crisis
    counts["false alarms, citizen messages"] = [flagged, len(citizen)]

    print("\n| measure | count | rate | 95% CI (Wilson) |\n|---|---:|---:|---|")
    for key in sorted(counts):
        print(row(key, *counts[key]))
    print("\nlayers on crisis texts (rules / model / either):")
    for band, (r, mo, n) in by_layer.items():
        print(f"  {band}: rules {r}/{n}, model {mo}/{n}")
    print(f"level exactly right among flagged crisis texts: {level_right[0]}/{level_right[1]}")
    print("missed by kind:", dict(sorted(missed.items(), key=lambda kv: -kv[1])))

    latency(use_model)


def latency(use_model: bool) -> None:
    """Print wall-clock and CPU-time percentiles of both layers on a 2,000-character text."""
    sample = (
        "我们小区的路灯坏了三个月，晚上出门很不安全，物业说不归他们管，街道说要等预算。"
        "I have called 12345 twice. "
    )
    # The repeated complaint above, and 2,000 characters of varied training texts (not crisis).
    with open(CORPUS / "train_benign_zh.csv", encoding="utf-8", newline="") as f:
        varied = "\n".join(r["text"] for r in csv.DictReader(f))[:2000]
    for name, text in (("repeated complaint", (sample * 40)[:2000]), ("varied texts", varied)):
        crisis.assess(text, use_model=use_model)
        wall, cpu = [], []
        for _ in range(300):
            start, start_cpu = time.perf_counter(), time.process_time()
            crisis.assess(text, use_model=use_model)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        p50, p99 = np.percentile(wall, [50, 99])
        c50, c99 = np.percentile(cpu, [50, 99])
        print(
            f"\nlatency, 2,000-character text ({name}): p50 {p50:.2f} ms, p99 {p99:.2f} ms (n=300)"
        )
        print(f"CPU time, same text: p50 {c50:.2f} ms, p99 {c99:.2f} ms")
    if hasattr(os, "getloadavg"):
        print("load average (1, 5, 15 min):", " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
