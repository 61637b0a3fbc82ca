"""Measure the triage classifier: cross-validated macro-F1 against the baseline, and latency.

Run with ``python benchmarks/bench_triage.py``; it prints numbers and asserts nothing.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from concord.triage.algorithms.classifier import (
    DATA_DIR,
    cross_validate,
    load_labelled,
    train_default_model,
)
from concord.triage.algorithms.signals import detect_signals
from concord.triage.algorithms.similarity import Report, group_duplicates


def baseline_macro_f1(texts: list[str], labels: list[str]) -> float:
    """Return the 5-fold macro-F1 of character 1-3-gram TF-IDF with a linear SVM."""
    pipeline = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LinearSVC())
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    predicted = cross_val_predict(pipeline, texts, labels, cv=folds)
    return float(f1_score(labels, predicted, average="macro"))


def percentiles(samples_ms: list[float]) -> str:
    p50, p99 = np.percentile(samples_ms, [50, 99])
    return f"p50={p50:.2f} ms p99={p99:.2f} ms (n={len(samples_ms)})"


def main() -> None:
    titles, bodies, labels = load_labelled(DATA_DIR / "labelled.csv")
    combined = [f"{t}。{b}" for t, b in zip(titles, bodies, strict=True)]
    print(
        f"baseline char 1-3 TF-IDF + LinearSVC, 5-fold macro-F1: "
        f"{baseline_macro_f1(combined, labels):.3f}"
    )
    started = time.perf_counter()
    report = cross_validate(bodies, labels, titles=titles, folds=5, seed=0)
    print(
        f"shipped pipeline, 5-fold macro-F1: {report.macro_f1:.3f} "
        f"(accuracy {report.accuracy:.3f}, {time.perf_counter() - started:.1f} s)"
    )
    print(report.table())

    started = time.perf_counter()
    model = train_default_model()
    print(f"train on 300 messages: {time.perf_counter() - started:.2f} s")
    model.suggest("warm-up")
    cases = {
        "typical (title + body)": [(t, b) for t, b in zip(titles, bodies, strict=True)],
        "long (20k chars)": [("", "小区物业乱收费，" * 2500)] * 50,
        "empty": [("", "")] * 200,
        "english": [("", "The bus driver refused to stop at the station again today.")] * 200,
    }
    for name, items in cases.items():
        samples = []
        for title, body in items:
            t0 = time.perf_counter()
            model.suggest(body, k=3, title=title)
            samples.append((time.perf_counter() - t0) * 1000)
        print(f"suggest latency, {name}: {percentiles(samples)}")

    samples = []
    for body in bodies:
        t0 = time.perf_counter()
        detect_signals(body)
        samples.append((time.perf_counter() - t0) * 1000)
    print(f"detect_signals latency: {percentiles(samples)}")

    rng = np.random.default_rng(0)
    reports = [
        Report(
            i,
            bodies[i % len(bodies)][:200],
            28 + rng.random() * 0.1,
            112 + rng.random() * 0.1,
            None,
            i % 10,
        )
        for i in range(5000)
    ]
    started = time.perf_counter()
    groups = group_duplicates(reports)
    print(
        f"group_duplicates on 5000 reports in 10 places: {time.perf_counter() - started:.2f} s, "
        f"{len(groups)} groups"
    )


if __name__ == "__main__":
    main()
