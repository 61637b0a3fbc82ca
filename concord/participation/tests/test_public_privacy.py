"""On the demo county, no public output shows a count below 5, a count derivable from the
published totals, or personal data (dashboard JSON, open-data CSV and JSON, Open311)."""

import csv
import io
from datetime import date, datetime

import pytest
from django.db.models import Count, Q

from concord.accounts.models import User
from concord.cases.models import Case, Party
from concord.demo.generator import build_demo
from concord.demo.planner import TZ
from concord.participation import opendata, privacy
from concord.places.models import Place

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)
MONTHS = ["2026-08", "2026-09", "2026-10"]
COUNTS = {
    "received",
    "resolved",
    "finished",
    "village",
    "town",
    "county",
    "pushed_upward",
    "total",
    "risk_imminent",
    "risk_high",
    "risk_moderate",
    "risk_low",
}


@pytest.fixture
def demo(db, at):
    build_demo(size="tiny", seed=7, now=NOW, progress=False)
    at("2026-11-23 15:30")


def true_counts(month: str, measure: str) -> tuple[dict, list]:
    """Return the true value of every published cell, counted here without the app's code,
    and the relations a reader knows hold between them (with unknown remainders)."""
    y, m = map(int, month.split("-"))
    first = date(y, m, 1)
    base = Case.objects.filter(
        created_at__date__gte=first, created_at__date__lt=date(y + m // 12, m % 12 + 1, 1)
    ).exclude(Q(sensitivity="sealed") | Q(channel="counselling_referral"))
    if measure == "resolved":
        base = base.filter(status__in=["resolved", "closed"])
    normal = base.exclude(
        Q(sensitivity__in=["sensitive", "sealed"]) | Q(category__sensitivity="sensitive")
    )
    truth: dict = {("total",): base.count()}
    for row in base.values("category_root").annotate(n=Count("pk")):
        truth[("category", row["category_root"] or "none")] = row["n"]
    places = list(Place.objects.exclude(level="county"))
    for p in places:
        truth[(p.level, p.code)] = normal.filter(place_path__startswith=p.path).count()
    for t in (p for p in places if p.level == "town"):
        for row in (
            normal.filter(place_path__startswith=t.path)
            .values("category_root")
            .annotate(n=Count("pk"))
        ):
            truth[("town_category", t.code, row["category_root"] or "none")] = row["n"]
    relations = [(("total",), [k for k in truth if k[0] == "category"])]
    for key in [k for k in truth if k[0] == "category"]:
        relations.append((key, [k for k in truth if k[0] == "town_category" and k[2] == key[1]]))
    for p in places:
        kids = [(c.level, c.code) for c in places if c.parent_id == p.pk]
        if kids:
            relations.append(((p.level, p.code), kids))
        if p.level == "town":
            relations.append(
                (
                    (p.level, p.code),
                    [k for k in truth if k[0] == "town_category" and k[1] == p.code],
                )
            )
    return truth, relations


def published_cells(data: dict, measure: str) -> dict:
    t = data["tables"]
    cells = {("total",): t["summary"][0][measure]}
    cells.update({("category", r["category"]): r[measure] for r in t["by_category"]})
    cells.update(
        {("town_category", r["town"], r["category"]): r[measure] for r in t["by_town_category"]}
    )
    cells.update({(r["level"], r["place"]): r[measure] for r in t["map"]})
    return cells


def check_not_derivable(published: dict, truth: dict, relations: list) -> list:
    keys = list(truth)
    index = {k: i for i, k in enumerate(keys)}
    values: list = [published.get(k) for k in keys]  # never-published cells are unknown
    true_values = [truth[k] for k in keys]
    rels = []
    for total, parts in relations:
        rest = truth[total] - sum(truth.get(p, 0) for p in parts)
        idx = [index[p] for p in parts if p in index]
        if rest > 0:
            # A remainder the reader cannot see (sensitive cases, cases at a higher level).
            keys.append(("rest", total))
            values.append(None)
            true_values.append(rest)
            idx.append(len(keys) - 1)
        elif rest < 0:
            continue
        rels.append((index[total], idx))
    return [keys[i] for i in privacy.leaks(values, rels, true_values=true_values)]


def all_numbers(rows):
    for row in rows:
        for key, value in row.items():
            # "town" is a place code in the town tables and a count in the tier table.
            if key in COUNTS and not isinstance(value, str):
                yield key, value


def test_no_public_output_leaks_small_counts_or_personal_data(demo, api, client):
    assert Case.objects.count() > 150
    texts = []
    published_count = suppressed_count = 0
    for month in MONTHS:
        response = api.anonymous().get("/participation/dashboard", month=month)
        assert response.status_code == 200
        data = response.json()
        texts.append(response.content.decode())
        assert data["month"] == month
        for table, rows in data["tables"].items():
            for key, value in all_numbers(rows):
                assert value is None or value >= 5, (month, table, key, value)
        for measure in ("received", "resolved"):
            truth, relations = true_counts(month, measure)
            shown = published_cells(data, measure)
            published_count += sum(v is not None for v in shown.values())
            suppressed_count += sum(v is None for v in shown.values())
            assert check_not_derivable(shown, truth, relations) == []
            for key, value in shown.items():
                if value is not None:
                    assert value == truth.get(key, 0), key
        for table in data["tables"]:
            csv_text = client.get(
                f"/api/v1/participation/open-data/{table}.csv", {"month": month}
            ).content.decode()
            json_rows = (
                api.anonymous()
                .get(f"/participation/open-data/{table}.json", month=month)
                .json()["rows"]
            )
            assert json_rows == data["tables"][table]
            texts.append(csv_text)
            for row in csv.DictReader(io.StringIO(csv_text)):
                for name, cell in row.items():
                    if name in COUNTS and cell.isdigit():
                        assert int(cell) >= 5, (table, name, cell)
    assert published_count > 20 and suppressed_count > 5  # the checks are not vacuous
    # Open311, if it is installed, is public too.
    open311 = client.get("/open311/v2/requests.json")
    if open311.status_code == 200:
        texts.append(open311.content.decode())
    blob = "\n".join(texts)
    personal = set()
    for name, phone, email in Party.objects.values_list("name", "phone", "email"):
        personal |= {v for v in (name, phone, email) if v and len(v) >= 2}
    for name, phone, email in User.objects.values_list("display_name", "phone", "email"):
        personal |= {v for v in (name, phone, email) if v and len(v) >= 2}
    leaked = sorted(p for p in personal if p in blob and (not p.isdigit() or len(p) >= 7))
    assert leaked == []


def test_sensitive_cases_never_appear_below_county_level(demo):
    for month in MONTHS:
        data = opendata.build_publication(date.fromisoformat(month + "-01"))
        truth, _ = true_counts(month, "received")
        assert data["tables"]["by_category"]  # county level, sensitive cases included
        for row in data["tables"]["map"]:
            if row["received"] is not None:
                assert row["received"] == truth[(row["level"], row["place"])]
