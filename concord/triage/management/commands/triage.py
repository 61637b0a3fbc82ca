"""``concord triage train|predict|evaluate``: the category classifier on CSV files."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from concord.triage.algorithms.batch import (
    InputError,
    evaluate_csv,
    format_report,
    predict_csv,
    train_csv,
)
from concord.triage.algorithms.classifier import ModelError

# Fewer rows than this finish before a progress bar would be worth drawing.
PROGRESS_MIN_ROWS = 1000


class Command(BaseCommand):
    help = "Train, apply or evaluate the case category classifier on CSV files."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        p = sub.add_parser("train", help="Train a model on title,body,category rows.")
        p.add_argument("--input", required=True, help="CSV with title, body, category columns.")
        p.add_argument("--model", required=True, help="Where to write the model file.")
        p = sub.add_parser("predict", help="Suggest a category for each row.")
        p.add_argument("--model", required=True)
        p.add_argument("--input", required=True, help="CSV with title, body (and id) columns.")
        p.add_argument("--output", required=True, help="CSV to write id, category, confidence.")
        p = sub.add_parser("evaluate", help="Score a model on labelled rows.")
        p.add_argument("--model", required=True)
        p.add_argument("--input", required=True, help="CSV with title, body, category columns.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (InputError, ModelError) as exc:
            raise CommandError(str(exc)) from exc

    def _train(self, options: dict[str, Any]) -> None:
        model = train_csv(options["input"], options["model"])
        self.stdout.write(
            f"trained on {len(model.labels)} categories; model {model.version} "
            f"written to {options['model']}"
        )

    def _predict(self, options: dict[str, Any]) -> None:
        def progress(chunks: Iterable[list[Any]], total: int) -> Iterable[list[Any]]:
            if total < PROGRESS_MIN_ROWS:
                return chunks
            return tqdm(chunks, desc="predict", unit="batch", file=sys.stderr)

        count = predict_csv(
            options["model"], options["input"], options["output"], progress=progress
        )
        self.stdout.write(f"wrote {count} predictions to {options['output']}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        self.stdout.write(format_report(evaluate_csv(options["model"], options["input"])))
