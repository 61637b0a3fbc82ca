"""The public dashboard's tables and their open-data forms (CSV, JSON, data dictionary).

Every number comes from the staff selectors (`concord.cases.stats.breakdown`,
`concord.channels.selectors.tier_metrics`, `concord.wellbeing.public.referral_counts`);
this module only decides what may be shown:

- the unit of publication is one complete calendar month, published once: overlapping or
  open-ended periods would let a reader subtract two publications to recover small counts;
- sealed and counselling cases are left out; sensitive cases (sensitive case or category:
  family, medical, counselling, domestic violence …) count only in county-level tables;
- no place finer than a grid; no case-level or personal field at all;
- counts pass through `privacy.protect` (primary and exact complementary suppression), and a
  rate or median is shown only when its base count is shown and at least the threshold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.cases.models import Case, Category, Channel, Sensitivity
from concord.cases.selectors import UNCOUNTED_Q
from concord.cases.stats import Summary, breakdown
from concord.channels.selectors import tier_metrics
from concord.core import conf
from concord.core.errors import InvalidInput, NotFound
from concord.places.models import Level, Place
from concord.wellbeing import public as wellbeing_public

from . import privacy
from .models import OpenDataSnapshot

SENSITIVE_Q = (
    ~Q(sensitivity=Sensitivity.NORMAL)
    | Q(category__sensitivity=Sensitivity.SENSITIVE)
    | Q(channel=Channel.COUNSELLING_REFERRAL)
)
UNCATEGORISED = "none"
MEASURES = ("received", "resolved")
CACHE_SECONDS = 600
# The shape of a stored snapshot's payload. Raise it when what is published changes, and read
# earlier snapshots by the version they carry (payloads without one are version 1).
SCHEMA_VERSION = 1
TABLES = (
    "summary",
    "by_category",
    "by_town_category",
    "by_town",
    "map",
    "tiers",
    "wellbeing_referrals",
)


def _read_v1(publication: dict) -> dict:
    """Version 1 (and payloads stored before versions): the current shape; a table added since
    a month was stored reads as empty rather than missing."""
    tables = publication.get("tables") or {}
    return {**publication, "tables": {name: tables.get(name) or [] for name in TABLES}}


# One reader per stored schema version, each returning the publication in the current shape.
# When SCHEMA_VERSION is raised, add the new version's reader and keep the older ones.
SNAPSHOT_READERS = {1: _read_v1}


class SnapshotVersionError(ValueError):
    """A snapshot stored by a newer Concord, in a shape this one cannot read."""


def read_snapshot(publication: dict, version: int | None) -> dict:
    """Return a stored snapshot's publication in the current shape, read by its version."""
    reader = SNAPSHOT_READERS.get(version or 1)
    if reader is None:
        raise SnapshotVersionError(
            f"open-data snapshot schema version {version} is newer than {SCHEMA_VERSION}"
        )
    return reader(publication)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def last_complete_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def latest_published_month(today: date | None = None) -> date:
    """Return the month the dashboard opens on: the last complete month once its snapshot is
    stored, and until then (the few minutes after a month ends, before the job has run) the
    month before, so that a visitor never waits for a month to be counted. A platform with no
    snapshots yet opens on the last complete month."""
    last = last_complete_month(today)
    months = OpenDataSnapshot.objects.filter(month__lte=last).order_by("-month")
    newest = months.values_list("month", flat=True).first()
    return newest if newest == _previous(last) else last


def _previous(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def county() -> Place:
    return Place.objects.filter(level=Level.COUNTY, parent__isnull=True).order_by("pk").first()


def public_cases(root: Place, start: date, end: date):
    """Return the cases the public statistics count: not sealed, not counselling referrals."""
    tz = timezone.get_current_timezone()
    return Case.objects.filter(
        place_path__startswith=root.path,
        created_at__gte=datetime.combine(start, datetime.min.time(), tzinfo=tz),
        created_at__lt=datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    ).exclude(UNCOUNTED_Q)


@dataclass
class Cells:
    """Counts with names, the relations between them, and cells never to be shown."""

    keys: list[tuple] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    hidden: list[bool] = field(default_factory=list)
    relations: list[tuple[int, list[int]]] = field(default_factory=list)
    index: dict[tuple, int] = field(default_factory=dict)

    def add(self, key: tuple, value: int, *, hidden: bool = False) -> int:
        if key in self.index:
            return self.index[key]
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.values.append(int(value))
        self.hidden.append(hidden)
        return self.index[key]

    def relate(self, total: tuple, parts: list[tuple]) -> None:
        """Add ``total = Σ parts``, with a hidden remainder when the parts fall short."""
        t = self.index[total]
        idx = [self.index[p] for p in parts]
        rest = self.values[t] - sum(self.values[i] for i in idx)
        if rest > 0:
            idx.append(self.add(("rest", *total), rest, hidden=True))
        if rest >= 0:
            self.relations.append((t, idx))

    def protect(self, threshold: int) -> dict[tuple, int | None]:
        mask = privacy.protect(self.values, self.relations, threshold=threshold, hidden=self.hidden)
        return {
            k: (None if m else v)
            for k, v, m, h in zip(self.keys, self.values, mask, self.hidden, strict=True)
            if not h
        }


def _rates(s: Summary, shown: bool, threshold: int) -> dict:
    if not shown:
        return {
            "median_days": None,
            "on_time_share": None,
            "response_rate": None,
            "satisfaction_rate": None,
        }
    return {
        "median_days": s.median_days if s.resolved >= threshold else None,
        "on_time_share": privacy.share(s.on_time, s.resolved, threshold=threshold),
        "response_rate": privacy.share(s.responded_in_time, s.received, threshold=threshold),
        "satisfaction_rate": privacy.share(s.satisfied, s.ratings, threshold=threshold),
    }


def build_publication(month: date, root: Place | None = None) -> dict:
    """Return the month's public tables (as plain data), every cell protected."""
    root = root or county()
    if root is None:
        # A fresh installation without places yet: publish empty tables, not an error.
        root = Place(code="", level=Level.COUNTY, name_zh="", path="/-none-/")
    start, end = month_bounds(month)
    threshold = conf.concord().public_min_cell
    qs = public_cases(root, start, end)
    open_qs = qs.exclude(SENSITIVE_Q)

    overall = breakdown(qs, []).get((None,), Summary())
    by_cat = {(k[0] or UNCATEGORISED): s for k, s in breakdown(qs, ["category"]).items()}
    places = {p.pk: p for p in Place.objects.filter(path__startswith=root.path)}
    children: dict[int, list[Place]] = {}
    for p in places.values():
        children.setdefault(p.parent_id, []).append(p)
    by_place = breakdown(open_qs, ["place"], median=False)  # only counts go on the map
    towns = sorted((p for p in places.values() if p.level == Level.TOWN), key=lambda p: p.path)
    town_cat: dict[str, dict[str, Summary]] = {}
    town_all: dict[str, Summary] = {}
    for t in towns:
        tq = open_qs.filter(place_path__startswith=t.path)
        town_cat[t.code] = {
            (k[0] or UNCATEGORISED): s for k, s in breakdown(tq, ["category"]).items()
        }
        town_all[t.code] = breakdown(tq, []).get((None,), Summary())

    # Counts per place at town, village and grid level (coarsened: nothing below a grid).
    area: dict[int, dict[str, int]] = {
        p.pk: {m: 0 for m in MEASURES} for p in places.values() if p.level != Level.COUNTY
    }
    by_path = {p.path: p for p in places.values()}
    for (place_id,), s in by_place.items():
        p = places.get(place_id)
        if p is None:
            continue
        for depth in range(2, privacy.GRID_DEPTH + 1):
            anc = by_path.get(privacy.coarsen_path(p.path, depth=depth))
            if anc is not None and anc.pk in area and len(anc.path.split("/")) - 2 == depth:
                area[anc.pk]["received"] += s.received
                area[anc.pk]["resolved"] += s.resolved

    cats = sorted(by_cat)
    open_cats = sorted({c for t in town_cat.values() for c in t})
    shown: dict[str, dict[tuple, int | None]] = {}
    for m in MEASURES:
        cells = Cells()
        cells.add(("total",), getattr(overall, m))
        for c in cats:
            cells.add(("category", c), getattr(by_cat[c], m))
        cells.relate(("total",), [("category", c) for c in cats])
        for t in towns:
            cells.add(("town", t.code), area[t.pk][m])
            for c in open_cats:
                s = town_cat[t.code].get(c)
                cells.add(("town_category", t.code, c), getattr(s, m) if s else 0)
            cells.relate(("town", t.code), [("town_category", t.code, c) for c in open_cats])
        for c in open_cats:
            cells.add(("category", c), 0)
            cells.relate(("category", c), [("town_category", t.code, c) for t in towns])
        for p in sorted(places.values(), key=lambda p: p.path):
            if p.level in (Level.VILLAGE, Level.GRID):
                cells.add((p.level, p.code), area[p.pk][m])
        for p in places.values():
            kids = children.get(p.pk, [])
            if p.level in (Level.TOWN, Level.VILLAGE) and kids:
                total = ("town", p.code) if p.level == Level.TOWN else ("village", p.code)
                cells.relate(total, [(k.level, k.code) for k in kids])
        shown[m] = cells.protect(threshold)

    def row(key: tuple, s: Summary | None) -> dict:
        s = s or Summary()
        received = shown["received"].get(key)
        out = {"received": received, "resolved": shown["resolved"].get(key)}
        out.update(_rates(s, received is not None, threshold))
        return out

    tables = {
        "summary": [{"month": start.isoformat()[:7], **row(("total",), overall)}],
        "by_category": [
            {"category": c, "sensitive_included": True, **row(("category", c), by_cat.get(c))}
            for c in cats
        ],
        "by_town_category": [
            {
                "town": t.code,
                "category": c,
                **row(("town_category", t.code, c), town_cat[t.code].get(c)),
            }
            for t in towns
            for c in open_cats
        ],
        "by_town": [{"town": t.code, **row(("town", t.code), town_all[t.code])} for t in towns],
        "map": [
            {
                "place": p.code,
                "level": p.level,
                "lat": round(p.centroid_lat, 4) if p.centroid_lat is not None else None,
                "lng": round(p.centroid_lng, 4) if p.centroid_lng is not None else None,
                "received": shown["received"].get((p.level, p.code)),
                "resolved": shown["resolved"].get((p.level, p.code)),
            }
            for p in sorted(places.values(), key=lambda p: p.path)
            if p.level in (Level.TOWN, Level.VILLAGE, Level.GRID)
        ],
        "tiers": _tiers(root, start, end, threshold),
        "wellbeing_referrals": _wellbeing(root, start, end),
    }
    names = {p.code: {"zh": p.name_zh, "en": p.name_en or p.name_zh} for p in places.values()}
    return {
        "month": start.isoformat()[:7],
        "from": start.isoformat(),
        "to": end.isoformat(),
        "place": root.code,
        "suppressed_below": threshold,
        "licence": conf.concord().open_data_licence,
        "places": names,
        "tables": tables,
    }


def _tiers(root: Place, start: date, end: date, threshold: int) -> list[dict]:
    tm = tier_metrics(place=root, start=start, end=end)
    parts = ["village", "town", "county", "pushed_upward"]
    cells = Cells()
    cells.add(("finished",), tm.finished)
    for p in parts:
        cells.add((p,), getattr(tm, p))
    cells.relate(("finished",), [(p,) for p in parts])
    shown = cells.protect(threshold)
    out = {"finished": shown[("finished",)]}
    for p in parts:
        n = shown[(p,)]
        out[p] = n
        out[f"{p}_share"] = (
            privacy.share(n, tm.finished, threshold=threshold) if n is not None else None
        )
    return [out]


def _wellbeing(root: Place, start: date, end: date) -> list[dict]:
    counts = wellbeing_public.referral_counts(root, (start, end))
    threshold = conf.concord().public_min_cell

    def strict(v: int | None) -> int | None:
        # The wellbeing selector shows zeros; the public rule hides every count below 5.
        return None if v is None or v < threshold else v

    row = {"total": counts["total"], **{f"risk_{k}": v for k, v in counts["by_risk"].items()}}
    return [{k: strict(v) for k, v in row.items()}]


def publication(month: date | None = None) -> dict:
    """Return the publication for a complete month; the latest one by default.

    A month with an open-data snapshot (stored once, soon after the month ends) is published
    as the snapshot has it: one month is then one set of figures, never two versions a reader
    could subtract, and nothing is recounted. Months without one are built and cached.
    """
    latest = last_complete_month()
    month = (month or latest_published_month()).replace(day=1)
    if month > latest:
        raise InvalidInput(_("Only complete months are published."))
    key = f"participation:publication:{month.isoformat()}"
    data = cache.get(key)
    if data is None:
        stored = (
            OpenDataSnapshot.objects.filter(month=month)
            .values_list("payload__schema_version", "payload__publication")
            .first()
        )
        if stored is None:
            # The first publication of a complete month stores it, worker or not: a month
            # recounted at every cache expiry would let a reader subtract two versions of it.
            payload = store_snapshot(month).payload
            stored = (payload.get("schema_version"), payload["publication"])
        data = read_snapshot(stored[1], stored[0])
        cache.set(key, data, CACHE_SECONDS)
    return data


def series(months: int = 12) -> list[dict]:
    """Return each recent complete month's summary row, taken from its own publication."""
    wanted, m = [], latest_published_month()
    for _i in range(months):
        wanted.append(m)
        m = (m - timedelta(days=1)).replace(day=1)
    key = "participation:series:" + ",".join(m.isoformat() for m in wanted)
    rows = cache.get(key)
    if rows is None:
        # Snapshotted months give their summary row straight from the stored JSON.
        stored = {
            month: read_snapshot({"tables": {"summary": summary}}, version)["tables"]["summary"]
            for month, version, summary in OpenDataSnapshot.objects.filter(
                month__in=wanted
            ).values_list(
                "month", "payload__schema_version", "payload__publication__tables__summary"
            )
        }
        rows = [
            stored[m][0] if stored.get(m) else publication(m)["tables"]["summary"][0]
            for m in reversed(wanted)
        ]
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def dictionary() -> dict:
    """Return the data dictionary: what every table and column means."""
    return {
        "tables": {
            "summary": _("Cases received in the month, county-wide."),
            "by_category": _("By top-level category, county-wide; includes sensitive cases."),
            "by_town_category": _("By town and top-level category; excludes sensitive cases."),
            "by_town": _("By town; excludes sensitive cases."),
            "map": _("By town, village and grid (never finer); excludes sensitive cases."),
            "tiers": _("Where cases resolved in the month were finished (by level)."),
            "wellbeing_referrals": _("Counselling referrals opened, county-wide."),
        },
        "columns": {
            "month": _("Calendar month, YYYY-MM."),
            "category": _("Top-level category code; 'none' means not yet categorised."),
            "town": _("Town code (see 'places' for names)."),
            "place": _("Place code (see 'places' for names)."),
            "level": _("Place level: town, village or grid."),
            "lat": _("Latitude of the place's centre (not of any case)."),
            "lng": _("Longitude of the place's centre (not of any case)."),
            "received": _("Cases received in the month."),
            "resolved": _("Of those, cases resolved or closed."),
            "median_days": _("Median days from receipt to resolution."),
            "on_time_share": _("Share of resolved cases resolved within their handling clock."),
            "response_rate": _("Share first answered by staff within 24 hours."),
            "satisfaction_rate": _("Share of residents' ratings of 4 or 5 out of 5."),
            "sensitive_included": _("Whether sensitive cases are counted in this row."),
            "finished": _("Cases resolved in the month."),
            "village": _("Finished at grid or village level."),
            "town_share": _("Share finished at town level (and likewise for other levels)."),
            "pushed_upward": _("Referred above the county."),
            "total": _("Referrals opened in the month."),
        },
        "suppression": _(
            "Empty means suppressed: a count below the threshold, or a count hidden so that a "
            "suppressed count cannot be worked out from totals; rates need a base of at least the "
            "threshold."
        ),
    }


def readable_tables(data: dict, language: str | None) -> dict:
    """Return the publication's tables with place and category names in the reader's language
    beside their codes (`town_name`, `category_name`, `place_name`), for pages, not files."""
    en = (language or "").lower().startswith("en")
    places = {code: n["en" if en else "zh"] for code, n in data.get("places", {}).items()}
    codes = {r["category"] for r in data["tables"].get("by_category", [])} | {
        r["category"] for r in data["tables"].get("by_town_category", [])
    }
    categories = {
        c.code: c.localized_name(language) for c in Category.objects.filter(code__in=codes)
    }
    categories[UNCATEGORISED] = str(_("Not yet categorised"))
    out = {}
    for name, rows in data["tables"].items():
        out[name] = [
            {
                **r,
                **({"town_name": places.get(r["town"], r["town"])} if "town" in r else {}),
                **({"place_name": places.get(r["place"], r["place"])} if "place" in r else {}),
                **(
                    {"category_name": categories.get(r["category"], r["category"])}
                    if "category" in r
                    else {}
                ),
            }
            for r in rows
        ]
    return out


def _rows(data: dict, table: str) -> tuple[list[str], list[dict]]:
    rows = data["tables"].get(table)
    if rows is None:
        raise NotFound()
    columns = list(rows[0]) if rows else ["month"]
    columns = ["month", *[c for c in columns if c != "month"]]
    return columns, [
        {"month": data["month"], **{k: ("" if v is None else v) for k, v in r.items()}}
        for r in rows
    ]


def table_xlsx(data: dict, table: str) -> bytes:
    """Return one table as an XLSX workbook: the CSV's columns and cells, and a second sheet
    with the data dictionary's meaning of each column and the licence."""
    from openpyxl import Workbook

    columns, rows = _rows(data, table)
    book = Workbook()
    sheet = book.active
    sheet.title = table[:31]
    sheet.append(columns)
    for r in rows:
        sheet.append([r.get(c, "") for c in columns])
    about = book.create_sheet("dictionary")
    meanings = dictionary()
    about.append(["column", "meaning"])
    for c in columns:
        about.append([c, str(meanings["columns"].get(c, ""))])
    about.append([])
    about.append(["licence", str(data.get("licence", ""))])
    about.append(["suppression", str(meanings["suppression"])])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def table_csv(data: dict, table: str) -> str:
    rows = data["tables"].get(table)
    if rows is None:
        raise NotFound()
    buf = io.StringIO()
    columns = list(rows[0]) if rows else ["month"]
    writer = csv.DictWriter(buf, fieldnames=["month", *[c for c in columns if c != "month"]])
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {"month": data["month"], **{k: ("" if v is None else v) for k, v in r.items()}}
        )
    return buf.getvalue()


def store_snapshot(month: date) -> OpenDataSnapshot:
    """Store a complete month's published tables and data dictionary (idempotent)."""
    first = month.replace(day=1)
    existing = OpenDataSnapshot.objects.filter(month=first).first()
    if existing:
        return existing
    payload = {
        "schema_version": SCHEMA_VERSION,
        "publication": build_publication(first),
        "dictionary": dictionary(),
    }
    digest = hashlib.sha256(canonical(payload).encode()).hexdigest()
    with transaction.atomic():
        snap, _created = OpenDataSnapshot.objects.get_or_create(
            month=first,
            defaults={
                "payload": payload,
                "sha256": digest,
                "licence": conf.concord().open_data_licence,
            },
        )
    return snap
