"""Reads behind the web pages, scoped through the cases selectors and permissions."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from concord.accounts import permissions as perms
from concord.accounts.models import Unit
from concord.accounts.roles import Cap
from concord.accounts.selectors import holders
from concord.cases import stats
from concord.cases.clocks import due_soon_q as clock_due_soon_q
from concord.cases.clocks import hour_soon_window, late_q
from concord.cases.models import (
    LIVE_CLOCK_STATES,
    OPEN_STATUSES,
    Case,
    Category,
    Clock,
    ClockState,
    TransferRequest,
    TransferState,
)
from concord.cases.selectors import (
    CaseFilters,
    case_events,
    case_list,
    cases_visible_to,
    local_midnight,
    mask_email,
    mask_phone,
    may_see_contacts,
)
from concord.channels.models import MediationAgreement, Petition
from concord.channels.selectors import bounce_queue, tier_metrics_of
from concord.places.models import Level, Place
from concord.warning.selectors import alerts_visible_to


def _live_clocks(today: date):
    return Clock.objects.live().filter(case=OuterRef("pk"))


def due_soon_q(today: date) -> Q:
    soon = _live_clocks(today).filter(clock_due_soon_q(today=today, now=timezone.now()))
    return Q(Exists(soon))


def overdue_clock_q(today: date) -> Q:
    """Clocks overdue: breached, or running past their due day or hour. A paused clock does
    not run: it is late only once it runs again (as the deadline tick says)."""
    past_due = late_q(today=today, now=timezone.now())
    return Q(state=ClockState.BREACHED) | (Q(state=ClockState.RUNNING) & past_due)


def breached_q(today: date) -> Q:
    late = Clock.objects.filter(case=OuterRef("pk")).filter(overdue_clock_q(today))
    return Q(Exists(late), status__in=sorted(OPEN_STATUSES))


def with_next_due(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with its earliest live clock: due day, and for an hour clock (a 12345
    ticket's 2 or 24 hours) its unit, span and due instant (correlated subqueries on the
    clock's case index, no query per row)."""
    first = Clock.objects.live().filter(case=OuterRef("pk")).order_by("due_on", "due_at", "pk")
    return qs.annotate(
        next_due=Subquery(first.values("due_on")[:1]),
        next_unit=Subquery(first.values("unit")[:1]),
        next_amount=Subquery(first.values("amount")[:1]),
        next_due_at=Subquery(first.values("due_at")[:1]),
        next_state=Subquery(first.values("state")[:1]),
    )


def mark_time_left(
    obj,
    *,
    due_on: date,
    unit: str,
    amount: int,
    due_at: datetime | None,
    today: date,
    now: datetime,
) -> None:
    """Set what a page shows of a deadline: days left (negative when late), and for an hour
    clock the hours left, whether it is late and whether it is due soon, counted in hours."""
    obj.days_left = (due_on - today).days
    obj.days_late = -obj.days_left
    obj.hours_left = None
    if unit == "hours" and due_at is not None:
        left = due_at - now
        obj.hours_left = max(1, math.ceil(left.total_seconds() / 3600))
        obj.hour_late = left.total_seconds() <= 0
        obj.hour_soon = left <= hour_soon_window(amount)


@dataclass
class Queue:
    cases: QuerySet[Case]
    by_status: dict[str, int]  # open statuses only
    open_count: int
    due_soon: int
    breached: int
    pending_transfers: list = field(default_factory=list)


def staff_queue(user, *, scope: str, filters: CaseFilters, status: str, clock: str) -> Queue:
    """Return the cases of a queue with its open cases counted by state and by clock.

    `scope` is "unit" (the user's units), "mine" (assigned to the user) or "all".
    `status` "" means open cases, "all" any status, otherwise one status.

    Only open cases are counted: they are a few percent of a county's history and sit in their
    own index, so the counts stay cheap with a million closed cases behind them.
    """
    today = timezone.localdate()
    base = case_list(user, filters)
    if scope == "mine":
        base = base.filter(assignee=user)
    elif scope == "unit":
        base = base.filter(owner_unit_id__in=perms.unit_ids_with(user, Cap.CASE_HANDLE))
    open_base = base.filter(status__in=sorted(OPEN_STATUSES))
    by_status: dict[str, int] = {}
    due_soon = breached = 0
    for row in (
        open_base.order_by()
        .values("status")
        .annotate(
            n=Count("pk"),
            due_soon=Count("pk", filter=due_soon_q(today)),
            breached=Count("pk", filter=breached_q(today)),
        )
    ):
        by_status[row["status"]] = row["n"]
        due_soon += row["due_soon"]
        breached += row["breached"]
    if status == "":
        cases = open_base
    elif status == "all":
        cases = base
    else:
        cases = base.filter(status=status)
    if clock == "due_soon":
        cases = cases.filter(due_soon_q(today))
    elif clock == "breached":
        cases = cases.filter(breached_q(today))
    cases = with_next_due(cases.select_related("assignee"))
    return Queue(
        cases=cases,
        by_status=by_status,
        open_count=sum(by_status.values()),
        due_soon=due_soon,
        breached=breached,
    )


def pending_transfers_for(user):
    """Return transfers waiting for an answer from one of the user's units."""

    units = perms.unit_ids_with(user, Cap.CASE_HANDLE)
    return (
        TransferRequest.objects.filter(state=TransferState.PENDING, to_unit_id__in=units)
        .select_related("case", "from_unit", "to_unit")
        .order_by("objection_due", "pk")
    )


def case_page_data(user, case: Case) -> dict:
    """Return what the staff case page shows besides the case itself (fixed query count)."""

    show_contacts = may_see_contacts(user, case)
    parties = []
    for p in case.parties.all():
        parties.append(
            {
                "role": p.get_role_display(),
                "name": p.name if show_contacts or not case.is_anonymous else "***",
                "phone": p.phone if show_contacts else mask_phone(p.phone) if p.phone else "",
                "email": p.email if show_contacts else mask_email(p.email) if p.email else "",
                "address": p.address if show_contacts else "",
            }
        )
    events = list(case_events(case, public_only=False, user=user).select_related("actor"))
    clocks = list(case.clocks.order_by("state", "due_on"))
    today = timezone.localdate()
    now = timezone.now()
    for c in clocks:
        c.is_live = c.state in LIVE_CLOCK_STATES
        mark_time_left(
            c, due_on=c.due_on, unit=c.unit, amount=c.amount, due_at=c.due_at, today=today, now=now
        )
    pending = (
        TransferRequest.objects.filter(case=case, state=TransferState.PENDING)
        .select_related("to_unit", "from_unit")
        .first()
    )
    handlers = []
    if case.owner_unit_id:
        handlers = list(holders(Cap.CASE_HANDLE, unit_id=case.owner_unit_id).order_by("pk"))
    return {
        "parties": parties,
        "show_contacts": show_contacts,
        "events": events,
        "clocks": clocks,
        "pending_transfer": pending,
        "may_answer_transfer": bool(
            pending and perms.can(user, Cap.CASE_HANDLE, unit_id=pending.to_unit_id)
        ),
        "attachments": list(case.attachments.order_by("pk")),
        "handlers": handlers,
        "petition": Petition.objects.filter(case=case).first(),
        "agreement": MediationAgreement.objects.filter(case=case).only("pk", "performance").first(),
    }


def map_data(user, *, limit: int = 3000) -> dict:
    """Return GeoJSON of the user's places (towns and villages) and open cases with points."""
    paths = perms.place_paths_with(user, Cap.CASE_VIEW)
    place_q = Q(pk__in=[])
    for p in paths:
        place_q |= Q(path__startswith=p)
    places = Place.objects.filter(place_q, level__in=[Level.COUNTY, Level.TOWN, Level.VILLAGE])
    places = places.exclude(boundary=None).only("code", "level", "name_zh", "name_en", "boundary")
    features = [
        {
            "type": "Feature",
            "geometry": p.boundary,
            "properties": {"code": p.code, "name": p.localized_name(), "level": p.level},
        }
        for p in places
    ]
    points = (
        cases_visible_to(user)
        .filter(status__in=list(OPEN_STATUSES), lat__isnull=False)
        .order_by("-created_at")
        .values_list("pk", "receipt_code", "title", "status", "lat", "lng")[:limit]
    )
    return {
        "places": {"type": "FeatureCollection", "features": features},
        "cases": [
            {"id": pk, "code": code, "title": title, "status": status, "lat": lat, "lng": lng}
            for pk, code, title, status, lat, lng in points
        ],
    }


# --- supervisor dashboard -------------------------------------------------------------------


def stats_places(user) -> list[Place]:
    """Return the places a user may see statistics of: the grants' places and their children."""
    paths = perms.place_paths_with(user, Cap.STATS_VIEW)
    if not paths:
        return []
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path=p) | Q(path__startswith=p, level__in=[Level.COUNTY, Level.TOWN])
    return list(Place.objects.filter(q).order_by("path"))


def stats_scope(user) -> QuerySet[Case]:
    return Case.objects.filter(perms.place_q(user, Cap.STATS_VIEW, "place_path"))


def tier_rows(place: Place, start: date, end: date) -> list[dict]:
    """Return tier metrics of the place and of each place directly under it."""
    children = list(Place.objects.filter(parent=place).order_by("code"))
    rows = tier_metrics_of([place, *children], start=start, end=end)
    names = {place.code: place.localized_name(), **{c.code: c.localized_name() for c in children}}
    out = []
    for m in rows:
        d = m.as_dict()
        d["name"] = names[m.place]
        out.append(d)
    return out


def period_cases(user, place: Place, start: date, end: date) -> QuerySet[Case]:
    """Return the cases under the place filed from `start` to `end` (local days), as the user
    may count them."""
    return stats_scope(user).filter(
        place_path__startswith=place.path,
        created_at__gte=local_midnight(start),
        created_at__lt=local_midnight(end + timedelta(days=1)),
    )


def unit_rows(table: dict[tuple, stats.Summary]) -> list[dict]:
    """Return a by-unit breakdown as rows named in the active language, the busiest first."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[k[0] for k in table])}
    rows = []
    for (code,), s in sorted(table.items(), key=lambda kv: -kv[1].received):
        unit = units.get(code)
        rows.append({"unit": unit.localized_name() if unit else code, **s.as_dict()})
    return rows


TREND_PAST_SECONDS = 3600


def trend(user, place: Place, end: date, months: int = 12) -> list[dict]:
    """Return the monthly figures of the `months` months up to `end`.

    The earlier months are counted once an hour (a third of a county's history: a second at a
    million cases); the month of `end` is counted afresh with the rest of the dashboard.
    """

    this_month = end.replace(day=1)
    start = (this_month - timedelta(days=31 * (months - 1))).replace(day=1)

    def by_month(first: date, last: date) -> list[dict]:
        table = stats.breakdown(period_cases(user, place, first, last), ["month"], median=False)
        return [{"month": k[0], **s.as_dict()} for k, s in sorted(table.items()) if k[0]]

    key = _cache_key("web:trend", user, place, start, this_month)
    past = cache.get(key)
    if past is None:
        past = by_month(start, this_month - timedelta(days=1))
        cache.set(key, past, TREND_PAST_SECONDS)
    return past + by_month(this_month, end)


def overdue_cases(user, place: Place, *, limit: int = 20) -> list[Case]:
    """Return open cases with a breached or overdue clock, the longest overdue first.

    Starts from the open cases (a few percent of a county's history, in their own index) and
    looks up each one's earliest overdue clock: breached clocks of long-closed cases pile up
    over the years and are never read.
    """
    if not perms.can(user, Cap.CASE_VIEW):
        return []
    today = timezone.localdate()
    first_overdue = (
        Clock.objects.filter(case=OuterRef("pk"))
        .filter(overdue_clock_q(today))
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return list(
        cases_visible_to(user)
        .filter(place_path__startswith=place.path, status__in=sorted(OPEN_STATUSES))
        .annotate(next_due=Subquery(first_overdue))
        .filter(next_due__isnull=False)
        .select_related("owner_unit")
        .order_by("next_due", "pk")[:limit]
    )


def bounced(user, *, limit: int = 20) -> list[Case]:
    return list(bounce_queue(user).order_by("pk")[:limit])


def alerts(user, *, limit: int = 10) -> list:
    if not perms.can(user, Cap.ALERT_MANAGE):
        return []

    rows = list(alerts_visible_to(user).order_by("-period_end", "-pk")[:limit])
    names = {
        c.code: c.localized_name()
        for c in Category.objects.filter(
            code__in={a.category_root for a in rows if a.category_root}
        )
    }
    for a in rows:  # names in the reader's language, never codes
        a.group_name = names.get(a.category_root, a.category_root) if a.category_root else None
    return rows


DASHBOARD_CACHE_SECONDS = 300


def _cache_key(prefix: str, user, place: Place, *parts) -> str:
    """Return a cache key for figures of a place as this user may count them, in the active
    language."""
    import hashlib

    scope = sorted(perms.place_paths_with(user, Cap.STATS_VIEW))
    raw = repr((scope, place.path, *parts, get_language()))
    return f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()


def dashboard_aggregates(user, place: Place, start: date, end: date) -> tuple:
    """Return (tier rows, unit rates, monthly trend, summary) for the dashboard.

    These aggregates scan every case of the period, so they are cached; the key carries the
    latest change to any case under the place, so a new resolution or rating shows at once
    (in the trend's earlier months, within the hour).
    """

    latest = Case.objects.filter(place_path__startswith=place.path).aggregate(
        latest=Max("updated_at")
    )["latest"]
    key = _cache_key("web:dashboard", user, place, start, end, latest)
    cached = cache.get(key)
    if cached is not None:
        return cached
    # One pass over the period's cases by unit gives the unit rows and, added up, the totals.
    by_unit = stats.breakdown(period_cases(user, place, start, end), ["unit"], median=False)
    value = (
        tier_rows(place, start, end),
        unit_rows(by_unit),
        trend(user, place, end),
        stats.total(by_unit.values()),
    )
    cache.set(key, value, DASHBOARD_CACHE_SECONDS)
    return value
