"""Load the shipped category tree (data/categories.csv) into the database."""

from __future__ import annotations

import csv
from pathlib import Path

CATEGORIES_CSV = Path(__file__).resolve().parent / "data" / "categories.csv"


def read_category_rows(path: Path = CATEGORIES_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_categories(category_model, path: Path = CATEGORIES_CSV) -> int:
    """Create or update every category in the file, parents first; return how many."""
    rows = sorted(read_category_rows(path), key=lambda r: int(r["depth"]))
    by_code = {c.code: c for c in category_model.objects.all()}
    for row in rows:
        obj = by_code.get(row["code"]) or category_model(code=row["code"])
        obj.parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        obj.depth = int(row["depth"])
        obj.name_zh = row["name_zh"]
        obj.name_en = row["name_en"]
        obj.default_kind = row["default_kind"]
        obj.default_level = row["default_level"]
        obj.default_channel = row["default_channel"]
        obj.handling_days = int(row["handling_days"])
        obj.sensitivity = row["sensitivity"]
        obj.open311_public = row["open311_public"].strip().lower() == "true"
        obj.save()
        by_code[obj.code] = obj
    return len(rows)
