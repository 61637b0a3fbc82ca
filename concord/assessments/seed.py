"""Load the shipped screening list (data/decision_types.csv) of decisions that need assessment."""

from __future__ import annotations

import csv
from pathlib import Path

DECISION_TYPES_CSV = Path(__file__).resolve().parent / "data" / "decision_types.csv"


def read_decision_types(path: Path = DECISION_TYPES_CSV) -> list[dict]:
    """Return the rows of the screening list as dictionaries ready for the model."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {
                "code": row["code"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "requires_assessment": row["requires_assessment"].strip().lower() == "true",
                "is_investment": row["is_investment"].strip().lower() == "true",
                "category_codes": row["category_codes"].split(),
                "basis": row["basis"],
            }
            for row in csv.DictReader(fh)
        ]


def load_decision_types(model, path: Path = DECISION_TYPES_CSV) -> int:
    """Create or update every decision type in the file; return how many."""
    rows = read_decision_types(path)
    for row in rows:
        model.objects.update_or_create(code=row["code"], defaults=row)
    return len(rows)
