"""Train, predict and evaluate on CSV files; the logic behind ``concord triage``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from concord.triage.algorithms.classifier import (
    EvaluationReport,
    Model,
    evaluate,
    load_model,
    train,
)

T = TypeVar("T")
PREDICT_CHUNK = 256


class InputError(Exception):
    """Raised when an input CSV file is missing or lacks required columns."""


def read_rows(path: str | Path, required: Iterable[str]) -> list[dict[str, str]]:
    """Return the rows of a CSV file; raise InputError if it is missing or lacks a column."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = sorted(set(required) - set(reader.fieldnames or ()))
            if missing:
                raise InputError(f"{path}: missing column(s): {', '.join(missing)}")
            rows = list(reader)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable UTF-8 CSV file ({exc})") from exc
    return [{k: v or "" for k, v in row.items() if k is not None} for row in rows]


def train_csv(input_path: str | Path, model_path: str | Path, **opts: Any) -> Model:
    """Train on a CSV with title, body and category columns, save the model and return it."""
    rows = read_rows(input_path, ("title", "body", "category"))
    rows = [r for r in rows if r["category"].strip()]
    if not rows:
        raise InputError(f"{input_path}: no labelled rows")
    model = train(
        [r["body"] for r in rows],
        [r["category"].strip() for r in rows],
        titles=[r["title"] for r in rows],
        **opts,
    )
    model.save(model_path)
    return model


def predict_csv(
    model_path: str | Path,
    input_path: str | Path,
    output_path: str | Path,
    *,
    progress: Callable[[Iterable[T], int], Iterable[T]] | None = None,
) -> int:
    """Write id (if present), category and confidence for each input row; return the count."""
    model = load_model(model_path)
    rows = read_rows(input_path, ("title", "body"))
    has_id = bool(rows) and "id" in rows[0]
    chunks: Iterable[list[dict[str, str]]] = list(_chunks(rows, PREDICT_CHUNK))
    if progress is not None:
        chunks = progress(chunks, len(rows))
    with open(output_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow((["id"] if has_id else []) + ["category", "confidence"])
        for chunk in chunks:
            proba = model.predict_proba([r["body"] for r in chunk], [r["title"] for r in chunk])
            for row, p in zip(chunk, proba, strict=True):
                best = int(p.argmax())
                # A text without words gets no category rather than a guess.
                label, confidence = (model.labels[best], f"{p[best]:.4f}") if p.any() else ("", "0")
                writer.writerow(([row["id"]] if has_id else []) + [label, confidence])
    return len(rows)


def _chunks(rows: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def evaluate_csv(model_path: str | Path, input_path: str | Path) -> EvaluationReport:
    """Return the evaluation of a saved model on a labelled CSV file."""
    model = load_model(model_path)
    rows = read_rows(input_path, ("title", "body", "category"))
    rows = [r for r in rows if r["category"].strip()]
    if not rows:
        raise InputError(f"{input_path}: no labelled rows")
    return evaluate(
        model,
        [r["body"] for r in rows],
        [r["category"].strip() for r in rows],
        titles=[r["title"] for r in rows],
    )


def format_report(report: EvaluationReport) -> str:
    """Return the evaluation as text whose last line is exactly ``macro_f1=<value>``."""
    return "\n".join(
        [
            f"accuracy={report.accuracy:.4f}",
            report.table(),
            f"macro_f1={report.macro_f1:.4f}",
        ]
    )
