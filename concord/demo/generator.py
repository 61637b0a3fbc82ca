"""Write the demo county into the database: places, units, staff, cases and their records.

The content comes from the pure planners (`geography`, `planner`); this module resolves owning
units with `routing.unit_for`, picks people, and bulk-inserts cases with hash-chained events
built by `audit.build_event`, so that `concord audit verify` passes afterwards.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import Role
from concord.cases import tokens
from concord.cases.models import (
    Case,
    Category,
    Channel,
    Clock,
    ClockState,
    Feedback,
    Party,
    TransferRequest,
    TransferState,
)
from concord.cases.routing import unit_for
from concord.cases.seed import read_category_rows
from concord.core import conf
from concord.core.calendar import default_calendar
from concord.core.ledger import GENESIS, build_event, heads_for, stream_for_case
from concord.core.models import Event, StreamHead
from concord.core.refcache import forget
from concord.places.actions import map_features_replace
from concord.places.geometry import bbox_and_centroid, parse_boundary
from concord.places.models import Level, Place

from . import geography
from .planner import TZ, CasePlan, CategoryInfo, PlannedCase, Surge, plan_cases, plan_surges
from .texts import full_name

DEMO_PASSWORD = "concord-demo"  # noqa: S105 -- published on purpose: demo accounts only
BATCH = 2_000

DEPARTMENTS = {
    "labour": (
        "县人力资源和社会保障局",
        "County Human Resources and Social Security Bureau",
        ["CM15", "DP.09"],
    ),
    "housing": (
        "县住房和城乡建设局",
        "County Housing and Urban-Rural Development Bureau",
        ["CM01", "DP.14"],
    ),
    "natural_resources": ("县自然资源局", "County Natural Resources Bureau", ["CM03", "DP.08"]),
    "environment": (
        "云溪县生态环境分局",
        "Yunxi Ecology and Environment Branch",
        ["CM04", "DP.11"],
    ),
    "market": (
        "县市场监督管理局",
        "County Market Regulation Administration",
        ["CM11", "CM12.04", "DP.15"],
    ),
    "police": (
        "县公安局警务联络室",
        "County Police Liaison Office",
        ["CM13.05", "CM13.08", "DP.12"],
    ),
}


class DemoExists(Exception):
    """The demo county is already in the database."""


@dataclass
class Login:
    username: str
    role: str
    unit: str
    place: str


@dataclass
class DemoSummary:
    places: int
    units: int
    users: int
    cases: int
    events: int
    logins: list[Login]
    surges: list[Surge]
    duplicate_pairs: list[tuple[str, str]]  # (duplicate receipt, original receipt)


# --- public helpers for tests and other teams ------------------------------------------------


def category_infos() -> dict[str, CategoryInfo]:
    """Return the shipped category defaults the planner uses."""
    return {
        r["code"]: CategoryInfo(
            code=r["code"],
            kind=r["default_kind"],
            level=r["default_level"],
            channel=r["default_channel"],
            handling_days=int(r["handling_days"]),
            sensitivity=r["sensitivity"],
            open311_public=r["open311_public"].lower() == "true",
        )
        for r in read_category_rows()
    }


def _noon(today: date) -> datetime:
    return datetime.combine(today, time(12, 0), tzinfo=TZ)


def demo_plan(
    *, size: str = "small", seed: int = 1, now: datetime | None = None, days: int | None = None
) -> tuple[geography.CountyPlan, CasePlan]:
    """Return the county and case plans `build_demo` writes for the same arguments."""
    now = now or timezone.now()
    spec = geography.SIZES[size]
    county = geography.plan_county(spec, seed)
    plan = plan_cases(
        county,
        category_infos(),
        spec=spec,
        seed=seed,
        today=now.astimezone(TZ).date(),
        now=now,
        days=days,
    )
    return county, plan


def surge_definitions(
    *, size: str = "small", seed: int = 1, today: date | None = None, days: int | None = None
) -> list[Surge]:
    """Return the injected surges (place codes, category codes, period) for a demo build."""

    today = today or timezone.localdate()
    spec = geography.SIZES[size]
    return plan_surges(
        geography.plan_county(spec, seed), seed=seed, today=today, days=days or spec.days
    )


def duplicate_pairs(
    *,
    size: str = "small",
    seed: int = 1,
    now: datetime | None = None,
    days: int | None = None,
    first_id: int = 1,
) -> list[tuple[str, str]]:
    """Return (duplicate receipt, original receipt) for every injected duplicate.

    Receipt codes assume the build started from an empty case table (`first_id` 1), which is
    what `concord demo` on a fresh database does; `build_demo` returns the exact list too.
    """
    _, plan = demo_plan(size=size, seed=seed, now=now, days=days)
    return _receipt_pairs(plan, first_id)


def _receipt_pairs(plan: CasePlan, first_id: int) -> list[tuple[str, str]]:
    by_number = {c.number: c for c in plan.cases}

    def receipt(number: int) -> str:
        return tokens.receipt_code(by_number[number].receipt_year, first_id + number - 1)

    return [(receipt(d), receipt(o)) for d, o in plan.duplicates]


# --- the build -------------------------------------------------------------------------------


@contextmanager
def _keep_given_timestamps():
    """Let bulk inserts keep the historical created_at values they are given.

    `auto_now_add`/`auto_now` would otherwise stamp every demo row with the time of the build.
    """
    fields = [
        Case._meta.get_field("created_at"),
        Case._meta.get_field("updated_at"),
        Feedback._meta.get_field("created_at"),
        TransferRequest._meta.get_field("created_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def build_demo(
    *,
    size: str = "small",
    seed: int = 1,
    now: datetime | None = None,
    days: int | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
) -> DemoSummary:
    """Build the demo county in one transaction and return what was made."""
    now = now or timezone.now()
    if Place.objects.filter(code=geography.COUNTY_CODE).exists():
        raise DemoExists(f"Place {geography.COUNTY_CODE} exists: the demo county is already built.")
    county, plan = demo_plan(size=size, seed=seed, now=now, days=days)
    with transaction.atomic(), _keep_given_timestamps():
        places = _write_places(county)
        map_features_replace(features=county.lines)  # the basemap's river and main roads
        units = _write_units(county, places)
        staff, logins = _write_staff(county, places, units, random.Random(f"staff:{seed}"))
        writer = _CaseWriter(plan=plan, places=places, units=units, staff=staff, seed=seed, now=now)
        bar = tqdm(
            total=len(plan.cases),
            unit="case",
            file=stream or sys.stderr,
            disable=not progress,
            desc="cases",
        )
        for start in range(0, len(plan.cases), BATCH):
            writer.write(plan.cases[start : start + BATCH])
            bar.update(min(BATCH, len(plan.cases) - start))
        bar.close()
        with connection.cursor() as cursor:
            # Ids were given explicitly; move PostgreSQL's sequences past them.
            for sql in connection.ops.sequence_reset_sql(no_style(), [Case, TransferRequest]):
                cursor.execute(sql)
    return DemoSummary(
        places=len(places),
        units=len(units),
        users=sum(len(v) for v in staff.values()),
        cases=len(plan.cases),
        events=writer.events,
        logins=logins,
        surges=plan.surges,
        duplicate_pairs=_receipt_pairs(plan, writer.first_id),
    )


def _write_places(county: geography.CountyPlan) -> dict[str, Place]:
    places: dict[str, Place] = {}
    for level in (
        [county.county],
        county.towns,
        county.villages,
        county.grids,
    ):
        rows = []
        for p in level:
            parent = places.get(p.parent_code) if p.parent_code else None
            geom = parse_boundary(p.boundary)
            min_lng, min_lat, max_lng, max_lat, c_lng, c_lat = bbox_and_centroid(geom)
            rows.append(
                Place(
                    code=p.code,
                    level=p.level,
                    name_zh=p.name_zh,
                    name_en=p.name_en,
                    parent=parent,
                    path=(parent.path if parent else "/") + p.code + "/",
                    boundary=p.boundary,
                    min_lng=min_lng,
                    min_lat=min_lat,
                    max_lng=max_lng,
                    max_lat=max_lat,
                    centroid_lng=c_lng,
                    centroid_lat=c_lat,
                    households=p.households,
                    population=p.population,
                )
            )
        for place in Place.objects.bulk_create(rows):
            places[place.code] = place
    return places


def _write_units(county: geography.CountyPlan, places: dict[str, Place]) -> dict[str, Unit]:
    c = places[county.county.code]
    cc = county.county.code
    rows = [
        Unit(
            code=f"GC-{cc}",
            kind=UnitKind.GOVERNANCE_CENTRE,
            place=c,
            name_zh="县社会治理综合服务中心",
            name_en="County Comprehensive Governance Centre",
            channels=["service_dispatch", "peoples_mediation", "administrative_reconsideration"],
        ),
        Unit(
            code=f"PO-{cc}",
            kind=UnitKind.PETITION_OFFICE,
            place=c,
            name_zh="县信访局",
            name_en="County Letters and Visits Bureau",
            channels=["petition"],
        ),
        Unit(
            code=f"MC-{cc}",
            kind=UnitKind.MEDIATION_COMMITTEE,
            place=c,
            name_zh="县医疗纠纷人民调解委员会",
            name_en="County Medical Dispute People's Mediation Committee",
            channels=["peoples_mediation"],
            category_codes=["DP.13", "CM12.05"],
        ),
        Unit(
            code=f"LAC-{cc}",
            kind=UnitKind.ARBITRATION_COMMISSION,
            place=c,
            name_zh="县劳动人事争议仲裁委员会",
            name_en="County Labour and Personnel Dispute Arbitration Commission",
            channels=["labour_arbitration"],
            category_codes=["CM15", "DP.09"],
        ),
        Unit(
            code=f"RAC-{cc}",
            kind=UnitKind.ARBITRATION_COMMISSION,
            place=c,
            name_zh="县农村土地承包经营纠纷仲裁委员会",
            name_en="County Rural Land Contract Dispute Arbitration Commission",
            channels=["land_arbitration"],
            category_codes=["CM10.13", "DP.07"],
        ),
        Unit(
            code=f"CL-{cc}",
            kind=UnitKind.COURT_LIAISON,
            place=c,
            name_zh="县人民法院诉调对接中心",
            name_en="County Court Litigation-Mediation Liaison Centre",
            channels=["litigation_referral", "judicial_confirmation"],
        ),
        Unit(
            code=f"CT-{cc}",
            kind=UnitKind.COUNSELLING_TEAM,
            place=c,
            name_zh="县社会心理服务中心",
            name_en="County Social Psychological Service Centre",
            channels=["counselling_referral"],
        ),
        Unit(
            code=f"SO-{cc}",
            kind=UnitKind.SOCIAL_ORGANISATION,
            place=c,
            name_zh="云溪县老娘舅调解服务社",
            name_en="Yunxi Elders' Mediation Service",
            channels=["peoples_mediation"],
        ),
        Unit(
            code=f"VT-{cc}",
            kind=UnitKind.VOLUNTEER_TEAM,
            place=c,
            name_zh="云溪县志愿者服务队",
            name_en="Yunxi Volunteer Team",
        ),
    ]
    for key, (zh, en, codes) in DEPARTMENTS.items():
        rows.append(
            Unit(
                code=_dept_code(key, cc),
                kind=UnitKind.DEPARTMENT,
                place=c,
                name_zh=zh,
                name_en=en,
                channels=["service_dispatch", "administrative_ruling"],
                category_codes=codes,
            )
        )
    for town in county.towns:
        t = places[town.code]
        rows.append(
            Unit(
                code=f"GC-{town.code}",
                kind=UnitKind.GOVERNANCE_CENTRE,
                place=t,
                name_zh=f"{town.name_zh}综治中心",
                name_en=f"{town.name_en} Governance Centre",
                channels=["service_dispatch", "peoples_mediation", "petition"],
            )
        )
        rows.append(
            Unit(
                code=f"MC-{town.code}",
                kind=UnitKind.MEDIATION_COMMITTEE,
                place=t,
                name_zh=f"{town.name_zh}人民调解委员会",
                name_en=f"{town.name_en} People's Mediation Committee",
                channels=["peoples_mediation"],
            )
        )
    for village in county.villages:
        v = places[village.code]
        rows.append(
            Unit(
                code=f"MC-{village.code}",
                kind=UnitKind.MEDIATION_COMMITTEE,
                place=v,
                name_zh=f"{village.name_zh}人民调解委员会",
                name_en=f"{village.name_en} People's Mediation Committee",
                channels=["peoples_mediation"],
            )
        )
        rows.append(
            Unit(
                code=f"GS-{village.code}",
                kind=UnitKind.GRID_STATION,
                place=v,
                name_zh=f"{village.name_zh}网格服务站",
                name_en=f"{village.name_en} Grid Service Station",
                channels=["service_dispatch"],
            )
        )
    units = {u.code: u for u in Unit.objects.bulk_create(rows)}
    forget()  # bulk_create sends no save signals: drop any routing this process memoised
    return units


def _dept_code(key: str, county_code: str) -> str:
    return f"DEP-{key.upper().replace('_', '')}-{county_code}"


@dataclass
class _Staff:
    user: User
    role: str
    place: Place


def _write_staff(county, places, units, rng: random.Random):
    """Create memorable logins and generated staff for every unit; return them by unit code."""
    cc = county.county.code
    town1 = county.towns[0]
    village1 = town1.children[0]
    grid1 = village1.children[0]
    password = make_password(DEMO_PASSWORD)  # hashed once: the same for every demo account
    # (username, role, unit code, place code)
    memorable = [
        ("admin", Role.ADMINISTRATOR, f"GC-{cc}", cc),
        ("supervisor", Role.SUPERVISOR, f"GC-{cc}", cc),
        ("analyst", Role.ANALYST, f"GC-{cc}", cc),
        ("caseworker", Role.CASEWORKER, f"GC-{town1.code}", town1.code),
        ("mediator", Role.MEDIATOR, f"MC-{village1.code}", village1.code),
        ("gridworker", Role.GRID_WORKER, f"GS-{village1.code}", grid1.code),
        ("officer", Role.DEPARTMENT_OFFICER, _dept_code("labour", cc), cc),
        ("counsellor", Role.COUNSELLOR, f"CT-{cc}", cc),
    ]
    specs: list[tuple[str, str, str, str]] = [m for m in memorable]
    taken = {(unit, role, place) for _username, role, unit, place in memorable}

    def add(prefix: str, role: str, unit: str, place: str, count: int) -> None:
        for i in range(count):
            if i == 0 and (unit, role, place) in taken:
                continue  # a memorable login already holds this post
            specs.append((f"{prefix}.{i + 1}".lower(), role, unit, place))

    add(f"cw.{cc}", Role.CASEWORKER, f"GC-{cc}", cc, 4)
    add(f"cw.po.{cc}", Role.CASEWORKER, f"PO-{cc}", cc, 2)
    add(f"med.{cc}", Role.MEDIATOR, f"MC-{cc}", cc, 2)
    add(f"arb.lab.{cc}", Role.DEPARTMENT_OFFICER, f"LAC-{cc}", cc, 2)
    add(f"arb.land.{cc}", Role.DEPARTMENT_OFFICER, f"RAC-{cc}", cc, 1)
    add(f"court.{cc}", Role.DEPARTMENT_OFFICER, f"CL-{cc}", cc, 1)
    add(f"psy.{cc}", Role.COUNSELLOR, f"CT-{cc}", cc, 3)
    add(f"so.{cc}", Role.MEDIATOR, f"SO-{cc}", cc, 2)
    add(f"vol.{cc}", Role.SUPERVISOR, f"VT-{cc}", cc, 1)
    for key in DEPARTMENTS:
        add(f"dep.{key}", Role.DEPARTMENT_OFFICER, _dept_code(key, cc), cc, 2)
    for town in county.towns:
        add(f"cw.{town.code}", Role.CASEWORKER, f"GC-{town.code}", town.code, 3)
        add(f"sup.{town.code}", Role.SUPERVISOR, f"GC-{town.code}", town.code, 1)
        add(f"med.{town.code}", Role.MEDIATOR, f"MC-{town.code}", town.code, 2)
    for village in county.villages:
        add(f"med.{village.code}", Role.MEDIATOR, f"MC-{village.code}", village.code, 2)
        for grid in village.children:
            add(f"gw.{grid.code}", Role.GRID_WORKER, f"GS-{village.code}", grid.code, 1)

    users = User.objects.bulk_create(
        [
            User(
                username=username,
                password=password,
                display_name=full_name(rng),
                is_staff=username == "admin",
                is_superuser=username == "admin",
            )
            for username, *_ in specs
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit=units[unit], role=role, place=places[place])
            for user, (_username, role, unit, place) in zip(users, specs, strict=True)
        ]
    )
    staff: dict[str, list[_Staff]] = defaultdict(list)
    for user, (_username, role, unit, place) in zip(users, specs, strict=True):
        staff[unit].append(_Staff(user=user, role=role, place=places[place]))
    logins = [
        Login(
            username=u,
            role=str(Role(r).label),
            unit=units[unit].localized_name(),
            place=places[p].localized_name(),
        )
        for u, r, unit, p in memorable
    ]
    return staff, logins


HANDLER_ROLES = {Role.GRID_WORKER, Role.MEDIATOR, Role.CASEWORKER, Role.DEPARTMENT_OFFICER}


class Directory:
    """Who owns and handles a demo case: owning units by route, handlers, the town router."""

    def __init__(self, *, places: dict[str, Place], units: dict[str, Unit], staff) -> None:
        self.places = places
        self.units = units
        self.staff = staff
        self.route_cache: dict[tuple[str, str, str], Unit] = {}
        self.handler_cache: dict[tuple[str, str], list[_Staff]] = {}

    def route(self, grid: Place, level: str, channel: str) -> Unit:
        anchor_path = grid.ancestors_paths()[["county", "town", "village", "grid"].index(level)]
        anchor_code = anchor_path.strip("/").split("/")[-1]
        key = (anchor_code, level, channel)
        if key not in self.route_cache:
            self.route_cache[key] = unit_for(
                place=self.places[anchor_code], level=level, channel=channel
            )
        return self.route_cache[key]

    def handlers(self, unit: Unit, grid: Place) -> list[_Staff]:
        key = (unit.code, grid.path)
        if key not in self.handler_cache:
            pool = [
                s
                for s in self.staff.get(unit.code, [])
                if s.role in HANDLER_ROLES and grid.path.startswith(s.place.path)
            ]
            self.handler_cache[key] = pool or [s for s in self.staff.get(unit.code, [])]
        return self.handler_cache[key]

    def router(self, grid: Place) -> User:
        """Return a caseworker who may transfer and merge cases in the grid's town."""
        town_code = grid.ancestors_paths()[1].strip("/").split("/")[-1]
        return self.staff[f"GC-{town_code}"][0].user


class _CaseWriter:
    """Turn planned cases into rows, resolving units and people, batch by batch."""

    def __init__(self, *, plan: CasePlan, places, units, staff, seed: int, now: datetime) -> None:
        self.places = places
        self.units = units
        self.staff = staff
        self.directory = Directory(places=places, units=units, staff=staff)
        self.now = now
        self.rng = random.Random(f"writer:{seed}")
        self.cal = default_calendar()
        self.categories = {c.code: c for c in Category.objects.all()}
        self.first_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        self.next_transfer_id = (
            TransferRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1
        # Receipts of every planned case up front: an original's "merged_in" event names a
        # duplicate that is written after it.
        self.receipts = {
            c.number: tokens.receipt_code(c.receipt_year, self.first_id + c.number - 1)
            for c in plan.cases
        }
        self.events = 0
        self.county_code = geography.COUNTY_CODE

    # people and units ----------------------------------------------------------------------

    def _route(self, grid: Place, level: str, channel: str) -> Unit:
        return self.directory.route(grid, level, channel)

    def _handlers(self, unit: Unit, grid: Place) -> list[_Staff]:
        return self.directory.handlers(unit, grid)

    def _router(self, grid: Place) -> User:
        return self.directory.router(grid)

    # writing -------------------------------------------------------------------------------

    def write(self, cases: list[PlannedCase]) -> None:
        rows, parties, clocks, feedback, transfers, events = [], [], [], [], [], []
        for planned in cases:
            case_id = self.first_id + planned.number - 1
            receipt = self.receipts[planned.number]
            case = self._case_row(planned, case_id, receipt, transfers, feedback, events)
            rows.append(case)
            parties.extend(Party(case_id=case_id, **p) for p in planned.parties)
            clock = self._clock(planned, case)
            if case.resolved_at is not None:
                # On time means within the handling clock, pauses included, as the action judges.
                case.resolved_on_time = clock.state == ClockState.MET
            clocks.append(clock)
        Case.objects.bulk_create(rows, batch_size=500)
        Party.objects.bulk_create(parties, batch_size=1000)
        TransferRequest.objects.bulk_create(transfers, batch_size=1000)
        Clock.objects.bulk_create(clocks, batch_size=1000)
        Feedback.objects.bulk_create(feedback, batch_size=1000)
        Event.objects.bulk_create(events, batch_size=1000)
        StreamHead.objects.bulk_create(heads_for(events), batch_size=1000)
        self.events += len(events)

    def _case_row(
        self, planned: PlannedCase, case_id, receipt, transfers, feedback, events
    ) -> Case:
        rng = self.rng
        grid = self.places[planned.grid_code]
        category = self.categories[planned.category.code]
        channel = planned.category.channel
        level = planned.start_level
        owner = self._route(grid, level, channel)
        assignee: User | None = None
        filer: User | None = None
        if planned.intake == "grid_worker":
            filer = self._handlers(self.units[f"GS-{grid.parent.code}"], grid)[0].user
        elif planned.consent_note:
            filer = self._router(grid)
        status, escalations = "submitted", 0
        accepted_at = resolved_at = closed_at = None
        outcome, resolution_text = "", ""
        merged_into_id = None
        pending_transfer: TransferRequest | None = None
        stream = stream_for_case(case_id)
        prev, seq = GENESIS, 0
        for step in planned.steps:
            data = dict(step.data)
            kind = step.kind
            if kind == "submitted":
                data.update(
                    receipt=receipt,
                    level=level,
                    channel=channel,
                    unit=owner.code,
                    route_reason=_("Category %(cat)s starts at %(level)s level in %(channel)s.")
                    % {
                        "cat": category.localized_name(),
                        "level": Level(level).label,
                        "channel": Channel(channel).label,
                    },
                )
            elif kind == "accepted":
                data["unit"] = owner.code
                accepted_at = accepted_at or step.at
                status = "accepted"
            elif kind == "assigned":
                pool = self._handlers(owner, grid)
                assignee = (
                    pool[0].user if owner.kind == UnitKind.GRID_STATION else rng.choice(pool).user
                )
                data["assignee"] = assignee.pk
                status = "assigned"
            elif kind in {"work_started", "resumed"}:
                status = "in_progress"
            elif kind == "paused":
                status = "paused"
            elif kind == "escalated":
                new_owner = self._route(grid, data["to_level"], channel)
                data.update(from_unit=owner.code, to_unit=new_owner.code, automatic=False)
                owner, level, assignee = new_owner, data["to_level"], None
                escalations += 1
                status = "escalated"
            elif kind == "transfer_requested":
                to_unit = self.units[_dept_code(data.pop("department"), self.county_code)]
                due = self.cal.add_working_days(step.at.astimezone(TZ).date(), 5)
                pending_transfer = TransferRequest(
                    id=self.next_transfer_id,
                    case_id=case_id,
                    from_unit=owner,
                    to_unit=to_unit,
                    reason=data["reason"],
                    requested_by=self._router(grid),
                    objection_due=due,
                    created_at=step.at,
                )
                self.next_transfer_id += 1
                transfers.append(pending_transfer)
                data.update(
                    transfer=pending_transfer.id,
                    from_unit=owner.code,
                    to_unit=to_unit.code,
                    objection_due=due.isoformat(),
                )
            elif kind == "transfer_accepted":
                data.pop("department")
                receiver = self._handlers(pending_transfer.to_unit, grid)[0].user
                pending_transfer.state = TransferState.ACCEPTED
                pending_transfer.responded_by = receiver
                pending_transfer.responded_at = step.at
                data.update(transfer=pending_transfer.id, to_unit=pending_transfer.to_unit.code)
                owner, level, assignee = pending_transfer.to_unit, "county", None
                pending_transfer = None
                status = "transferred"
            elif kind == "resolved":
                status, resolved_at = "resolved", step.at
                outcome, resolution_text = data["outcome"], data["text"]
            elif kind == "feedback":
                feedback.append(
                    Feedback(
                        case_id=case_id,
                        resolved=data["resolved"],
                        satisfaction=data["satisfaction"],
                        comment=data["comment"] or "",
                        created_at=step.at,
                    )
                )
            elif kind == "reopened":
                # Same wording as the live action, in the active language.
                data["reason"] = _("The resident said it was not resolved.")
                status, closed_at = "reopened", None
            elif kind == "closed":
                if step.actor is None:
                    data["note"] = _("Closed after the resident's rating.")
                status, closed_at = "closed", step.at
            elif kind == "merged":
                merged_into_id = self.first_id + data["into"] - 1
                data["into"] = self.receipts[data["into"]]
                data["note"] = None
                status, closed_at = "merged", step.at
            elif kind == "merged_in":
                data["merged_case"] = self.receipts[data["merged_case"]]
            elif kind == "withdrawn":
                status, closed_at, outcome = "withdrawn", step.at, "withdrawn"
            elif kind == "not_accepted":
                status, closed_at = "not_accepted", step.at
            actor = self._actor(step.actor, owner, assignee, filer, grid)
            seq += 1
            event = build_event(
                stream=stream,
                seq=seq,
                prev_hash=prev,
                kind=kind,
                created_at=step.at.astimezone(UTC),
                case_id=case_id,
                actor_id=actor.pk if actor else None,
                public=step.public,
                data=data,
            )
            prev = event.hash
            events.append(event)
        last_at = planned.steps[-1].at
        revisit = self._revisit_due(planned, status, resolved_at, last_at)
        if revisit is not None:
            # The clock job asks staff to call back a resident who never rated a resolved
            # case; in a county with a history it has done so long ago, so the history says so
            # (and the worker's first pass does not ask for thousands of old revisits at once).
            seq += 1
            event = build_event(
                stream=stream,
                seq=seq,
                prev_hash=prev,
                kind="revisit_due",
                created_at=revisit.astimezone(UTC),
                case_id=case_id,
                actor_id=None,
                public=False,
                data={},
            )
            prev = event.hash
            events.append(event)
        planned_status = status
        responded_at = accepted_at or (closed_at if planned_status == "not_accepted" else None)
        return Case(
            id=case_id,
            receipt_code=receipt,
            token_salt=tokens.new_salt(),
            kind=category.default_kind,
            title=planned.title,
            description=planned.description,
            language=planned.language,
            category=category,
            category_root=category.code.split(".")[0],
            responded_at=responded_at,
            place=grid,
            place_path=grid.path,
            lat=planned.lat,
            lng=planned.lng,
            address=planned.address[:300],
            intake_channel=planned.intake,
            urgency=planned.urgency,
            sensitivity=category.sensitivity,
            status=planned_status,
            level=level,
            channel=channel,
            owner_unit=owner,
            assignee=assignee,
            filed_by=filer,
            consent_note=planned.consent_note,
            contact_consent=planned.contact_consent,
            is_anonymous=planned.anonymous,
            merged_into_id=merged_into_id,
            outcome=outcome,
            resolution_text=resolution_text,
            escalation_count=escalations,
            accepted_at=accepted_at,
            resolved_at=resolved_at,
            closed_at=closed_at,
            created_at=planned.created_at,
            updated_at=last_at,
        )

    def _revisit_due(self, planned: PlannedCase, status, resolved_at, last_at) -> datetime | None:
        """Return when the clock job asked for a revisit of this case, if it has by now."""
        if status not in {"resolved", "closed"} or resolved_at is None:
            return None
        if any(s.kind == "feedback" for s in planned.steps):
            return None
        at = max(resolved_at + conf.revisit_after(), last_at)
        return at if at <= self.now else None

    def _actor(self, tag, owner: Unit, assignee, filer, grid) -> User | None:
        if tag is None:
            return None
        if tag == "filer":
            return filer
        if tag == "router":
            return self._router(grid)
        if tag == "assignee" and assignee is not None:
            return assignee
        if tag in {"owner", "assignee", "receiver"}:
            return self._handlers(owner, grid)[0].user
        return None

    def _clock(self, planned: PlannedCase, case: Case) -> Clock:
        days = planned.category.handling_days
        start = planned.created_at.astimezone(TZ).date()
        due = self.cal.add_calendar_days(start, days)
        pauses, paused_since = [], None
        for step in planned.steps:
            day = step.at.astimezone(TZ).date()
            if step.kind == "paused":
                paused_since = day
            elif step.kind == "resumed" and paused_since is not None:
                pauses.append([paused_since.isoformat(), day.isoformat()])
                if (day - paused_since).days > 0:
                    due = self.cal.add_calendar_days(due, (day - paused_since).days)
                paused_since = None
        state, met_at, breached_at = ClockState.RUNNING, None, None
        first_resolution = next((s.at for s in planned.steps if s.kind == "resolved"), None)
        due_end = datetime.combine(due + timedelta(days=1), time(0, 5), tzinfo=TZ)
        if first_resolution is not None:
            if first_resolution < due_end:
                state, met_at = ClockState.MET, first_resolution
            else:
                state, breached_at = ClockState.BREACHED, due_end
        elif case.status in {"merged", "withdrawn", "not_accepted"}:
            state = ClockState.CANCELLED
        elif self.now >= due_end and paused_since is None:
            state, breached_at = ClockState.BREACHED, due_end
        elif paused_since is not None:
            state = ClockState.PAUSED
        return Clock(
            case_id=case.id,
            kind="handle",
            channel=case.channel,
            unit="calendar_days",
            amount=days,
            started_on=start,
            due_on=due,
            paused_since=paused_since,
            pauses=pauses,
            basis=_("Policy: handling time for this category (%(days)d days)") % {"days": days},
            grade="C",
            state=state,
            met_at=met_at,
            breached_at=breached_at,
        )
