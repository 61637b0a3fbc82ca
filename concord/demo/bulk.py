"""Load a demo county with a very large number of cases quickly (`concord demo --cases N`).

`generator.build_demo` gives every case its full, hash-chained life and manages about 300 cases
a second; a million cases would take an hour. This loader writes the same county, places, units
and staff, then for each case: the case row in its current state (drawn by
`planner.quick_life` with the generator's probabilities), its parties, its handling clock, the
resident's rating where there is one, and its 'submitted' event, chained and hashed exactly as
`audit.append_event` does so that `concord audit verify` passes. On PostgreSQL rows go in with
COPY; elsewhere (SQLite, for tests) with executemany.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TextIO

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from concord.accounts.models import UnitKind
from concord.cases import tokens
from concord.cases.models import Case, Category, Channel, Clock, ClockState, Feedback, Party
from concord.core.calendar import default_calendar
from concord.core.fields import encrypt
from concord.core.ledger import GENESIS, build_event, canonical_json, stream_for_case
from concord.core.models import Event, StreamHead
from concord.places.models import Level, Place

from . import geography
from .generator import (
    DemoExists,
    DemoSummary,
    Directory,
    _dept_code,
    _write_places,
    _write_staff,
    _write_units,
    category_infos,
)
from .planner import TZ, Life, PlannedCase, case_stream, quick_life
from .texts import fake_phone

BULK_DAYS = 1095  # three years
BATCH = 5_000


def build_bulk_demo(
    *,
    size: str = "large",
    cases: int,
    seed: int = 1,
    now: datetime | None = None,
    days: int = BULK_DAYS,
    progress: bool = True,
    stream: TextIO | None = None,
) -> DemoSummary:
    """Build the demo county with `cases` cases over `days` in one transaction."""
    now = now or timezone.now()
    if Place.objects.filter(code=geography.COUNTY_CODE).exists():
        raise DemoExists(f"Place {geography.COUNTY_CODE} exists: the demo county is already built.")
    county = geography.plan_county(geography.SIZES[size], seed)
    surges, days_of_cases = case_stream(
        county,
        category_infos(),
        total=cases,
        seed=seed,
        today=now.astimezone(TZ).date(),
        now=now,
        days=days,
    )
    with transaction.atomic():
        places = _write_places(county)
        units = _write_units(county, places)
        staff, logins = _write_staff(county, places, units, random.Random(f"staff:{seed}"))
        loader = CaseLoader(
            directory=Directory(places=places, units=units, staff=staff), seed=seed, now=now
        )
        bar = tqdm(
            total=cases, unit="case", file=stream or sys.stderr, disable=not progress, desc="cases"
        )
        batch: list[PlannedCase] = []
        for day in days_of_cases:
            batch.extend(day)
            if len(batch) >= BATCH:
                loader.write(batch)
                bar.update(len(batch))
                batch = []
        if batch:
            loader.write(batch)
            bar.update(len(batch))
        bar.close()
        with connection.cursor() as cursor:
            # Case ids were given explicitly; move PostgreSQL's sequence past them.
            for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                cursor.execute(sql)
    return DemoSummary(
        places=len(places),
        units=len(units),
        users=sum(len(v) for v in staff.values()),
        cases=loader.cases,
        events=loader.cases,
        logins=logins,
        surges=surges,
        duplicate_pairs=[],
    )


class _Table:
    """Rows of one model as tuples in column order, with defaults for columns not given."""

    def __init__(self, model: type[models.Model], *, with_id: bool = False) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.rows: list[tuple] = []

    def add(self, **values: Any) -> None:
        defaults = self.defaults
        self.rows.append(tuple(values.get(a, defaults[a]) for a in defaults))


class CaseLoader:
    """Turn generated cases into rows of cases, parties, clocks, ratings and events."""

    def __init__(self, *, directory: Directory, seed: int, now: datetime) -> None:
        self.dir = directory
        self.now = now
        self.rng = random.Random(f"bulk-writer:{seed}")
        self.cal = default_calendar()
        self.categories = {c.code: c for c in Category.objects.all()}
        self.next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        self.cases = 0
        self._reasons: dict[tuple[str, str, str], str] = {}
        self._dues: dict[tuple[date, int], date] = {}
        # Encryption is the costliest step per party: names and addresses repeat, so each is
        # encrypted once; phone numbers come from a pool of made-up numbers.
        self._ciphertexts: dict[str, str] = {}
        phone_rng = random.Random(f"bulk-phones:{seed}")
        self._phones = [encrypt(fake_phone(phone_rng)) for _ in range(5_000)]
        self._sink = _Sink()

    def _due(self, start: date, days: int) -> date:
        key = (start, days)
        if key not in self._dues:  # a few thousand distinct (day, length) pairs in all
            self._dues[key] = self.cal.add_calendar_days(start, days)
        return self._dues[key]

    def _encrypt(self, value: str) -> str:
        if value not in self._ciphertexts:
            if len(self._ciphertexts) > 200_000:
                self._ciphertexts.clear()
            self._ciphertexts[value] = encrypt(value)
        return self._ciphertexts[value]

    def _route_reason(self, category: Category, level: str, channel: str) -> str:
        key = (category.code, level, channel)
        if key not in self._reasons:
            self._reasons[key] = _("Category %(cat)s starts at %(level)s level in %(channel)s.") % {
                "cat": category.localized_name(),
                "level": Level(level).label,
                "channel": Channel(channel).label,
            }
        return self._reasons[key]

    def write(self, batch: Sequence[PlannedCase]) -> None:
        cases, parties = _Table(Case, with_id=True), _Table(Party)
        clocks, ratings, events = _Table(Clock), _Table(Feedback), _Table(Event)
        heads = _Table(StreamHead, with_id=True)
        for planned in batch:
            self._case(planned, self.next_id, cases, parties, clocks, ratings, events, heads)
            self.next_id += 1
        for table in (cases, parties, clocks, ratings, events, heads):
            self._sink.write(table)
        self.cases += len(batch)

    def _case(
        self, planned: PlannedCase, case_id: int, cases, parties, clocks, ratings, events, heads
    ):
        d, rng, now = self.dir, self.rng, self.now
        life = quick_life(rng, planned, now)
        grid = d.places[planned.grid_code]
        category = self.categories[planned.category.code]
        channel = planned.category.channel
        first_owner = d.route(grid, planned.start_level, channel)
        if life.department:
            owner = d.units[_dept_code(life.department, geography.COUNTY_CODE)]
        else:
            owner = d.route(grid, life.level, channel)
        filer = None
        if planned.intake == "grid_worker":
            filer = d.handlers(d.units[f"GS-{grid.parent.code}"], grid)[0].user
        elif planned.consent_note:
            filer = d.router(grid)
        assignee = None
        if life.assigned:
            pool = d.handlers(owner, grid)
            assignee = (pool[0] if owner.kind == UnitKind.GRID_STATION else rng.choice(pool)).user
        created = planned.created_at
        receipt = tokens.receipt_code(planned.receipt_year, case_id)
        start = created.astimezone(TZ).date()
        clock = self._clock(planned, life, case_id, channel, start)
        # On time means within the handling clock, pauses included (as the resolve action judges).
        on_time = clock["state"] == ClockState.MET if life.resolved_at is not None else None
        cases.add(
            id=case_id,
            created_at=created,
            updated_at=life.last_at or created,
            receipt_code=receipt,
            token_salt=tokens.new_salt(),
            kind=category.default_kind,
            title=planned.title,
            description=planned.description,
            language=planned.language,
            category_id=category.pk,
            category_root=category.code.split(".")[0],
            place_id=grid.pk,
            place_path=grid.path,
            lat=planned.lat,
            lng=planned.lng,
            address=planned.address[:300],
            intake_channel=planned.intake,
            urgency=planned.urgency,
            sensitivity=category.sensitivity,
            status=life.status,
            level=life.level,
            channel=channel,
            owner_unit_id=owner.pk,
            assignee_id=assignee.pk if assignee else None,
            filed_by_id=filer.pk if filer else None,
            consent_note=planned.consent_note,
            contact_consent=planned.contact_consent,
            is_anonymous=planned.anonymous,
            outcome=life.outcome,
            resolution_text=planned.resolution_text if life.resolved_at else "",
            escalation_count=life.escalations,
            responded_at=life.accepted_at
            or (life.closed_at if life.status == "not_accepted" else None),
            resolved_on_time=on_time,
            accepted_at=life.accepted_at,
            resolved_at=life.resolved_at,
            closed_at=life.closed_at,
        )
        for p in planned.parties:
            parties.add(
                case_id=case_id,
                role=p["role"],
                name=self._encrypt(p["name"]),
                phone=self._phones[rng.randrange(len(self._phones))],
                address=self._encrypt(p["address"][:300]),
            )
        clocks.add(**clock)
        if life.rating is not None:
            answer, score, comment, at = life.rating
            ratings.add(
                case_id=case_id, resolved=answer, satisfaction=score, comment=comment, created_at=at
            )
        stream = stream_for_case(case_id)
        data = {
            "intake_channel": planned.intake,
            "on_behalf_consent": planned.consent_note or None,
            "receipt": receipt,
            "level": planned.start_level,
            "channel": channel,
            "unit": first_owner.code,
            "route_reason": self._route_reason(category, planned.start_level, channel),
        }
        at = created.astimezone(UTC)
        actor_id = filer.pk if filer else None
        event = build_event(
            stream=stream,
            seq=1,
            prev_hash=GENESIS,
            kind="submitted",
            created_at=at,
            case_id=case_id,
            actor_id=actor_id,
            public=True,
            data=data,
        )
        events.add(**{name: getattr(event, name) for name in events.defaults})
        heads.add(stream=stream, seq=1, hash=event.hash, pending=True)

    def _clock(self, planned: PlannedCase, life: Life, case_id, channel, start: date) -> dict:
        """Return the handling clock's values, as `generator._CaseWriter._clock` computes them."""
        days = planned.category.handling_days
        due = self._due(start, days)
        pauses = []
        if life.pause is not None:
            a, b = (x.astimezone(TZ).date() for x in life.pause)
            pauses.append([a.isoformat(), b.isoformat()])
            if (b - a).days > 0:
                due = self._due(due, (b - a).days)
        paused_since = life.paused_since.astimezone(TZ).date() if life.paused_since else None
        state, met_at, breached_at = ClockState.RUNNING, None, None
        due_end = datetime.combine(due + timedelta(days=1), time(0, 5), tzinfo=TZ)
        if life.resolved_at is not None:
            if life.resolved_at < due_end:
                state, met_at = ClockState.MET, life.resolved_at
            else:
                state, breached_at = ClockState.BREACHED, due_end
        elif life.status in {"withdrawn", "not_accepted"}:
            state = ClockState.CANCELLED
        elif self.now >= due_end and paused_since is None:
            state, breached_at = ClockState.BREACHED, due_end
        elif paused_since is not None:
            state = ClockState.PAUSED
        return {
            "case_id": case_id,
            "kind": "handle",
            "channel": channel,
            "unit": "calendar_days",
            "amount": days,
            "started_on": start,
            "due_on": due,
            "paused_since": paused_since,
            "pauses": pauses,
            "basis": _("Policy: handling time for this category (%(days)d days)") % {"days": days},
            "grade": "C",
            "state": state,
            "met_at": met_at,
            "breached_at": breached_at,
        }


class _Sink:
    """Write a table's rows: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: _Table) -> None:
        if not table.rows:
            return
        quote = connection.ops.quote_name
        name = quote(table.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in table.fields)
        adapters = [(i, a) for i, f in enumerate(table.fields) if (a := self._adapter(f))]
        rows = table.rows
        if adapters:
            rows = [list(row) for row in rows]
            for row in rows:
                for i, adapt in adapters:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.fields))
                # Table and column names come from the models, quoted; values are parameters.
                sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 # nosec B608
                cursor.executemany(sql, rows)

    def _adapter(self, field: models.Field):
        if isinstance(field, models.JSONField):
            return canonical_json
        if self.postgres:
            return None
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        return None
