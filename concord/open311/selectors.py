"""Reads of the Open311 server: what the public may see, and nothing of the parties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.cases.models import (
    OPEN_STATUSES,
    Case,
    Category,
    Clock,
    IntakeChannel,
    Kind,
    Outcome,
    Sensitivity,
)
from concord.core.errors import InvalidInput, NotFound
from concord.core.models import Event
from concord.places.models import Place

from .models import Address, PostedUpdate, ServiceAttribute, ServiceProfile, ServiceRequestToken

WINDOW = timedelta(days=90)
MAX_ROWS = 1000
PUBLIC_KINDS = (Kind.SERVICE_REQUEST, Kind.HAZARD_REPORT)


def language_of(locale: str | None) -> str:
    """Return "en" or "zh-hans" for a client's locale ("en_US", "zh-CN", "zh-Hans" …)."""
    value = (locale or "").strip().lower().replace("_", "-")
    if value.startswith("en"):
        return "en"
    return "zh-hans"


def jurisdiction_resolve(jurisdiction_id: str | None) -> Place:
    """Return the root place a request is about.

    The jurisdiction_id is the code of a root place. It may be left out when there is only one.
    """
    roots = list(Place.objects.filter(parent__isnull=True).order_by("code")[:2])
    jurisdiction_id = (jurisdiction_id or "").strip()
    if jurisdiction_id:
        root = Place.objects.filter(parent__isnull=True, code=jurisdiction_id).first()
        if root is None:
            raise NotFound(_("Unknown jurisdiction_id %(id)s.") % {"id": jurisdiction_id[:64]})
        return root
    if len(roots) == 1:
        return roots[0]
    if not roots:
        raise NotFound(_("This server has no jurisdiction yet."))
    raise InvalidInput(_("jurisdiction_id is required: this server serves several."))


# --- services ------------------------------------------------------------------------------


def public_services() -> QuerySet[Category]:
    return Category.objects.filter(open311_public=True, is_active=True).select_related("parent")


def public_service(code: str) -> Category | None:
    return public_services().filter(code=code).first()


def service_profile(code: str) -> ServiceProfile | None:
    return ServiceProfile.objects.filter(service_code=code).first()


def service_profiles() -> dict[str, ServiceProfile]:
    return {p.service_code: p for p in ServiceProfile.objects.all()}


def service_attributes(code: str) -> list[ServiceAttribute]:
    return list(ServiceAttribute.objects.filter(service_code=code).prefetch_related("values"))


def codes_with_attributes() -> set[str]:
    return set(ServiceAttribute.objects.values_list("service_code", flat=True).distinct())


def service_groups(categories: list[Category]) -> dict[str, Category]:
    """Return the level-1 category of each category code (its GeoReport "group")."""
    roots = {c.code.split(".")[0] for c in categories}
    by_code = {c.code: c for c in Category.objects.filter(code__in=roots)}
    return {c.code: by_code.get(c.code.split(".")[0], c) for c in categories}


# --- locations -----------------------------------------------------------------------------


def locate_address_string(text: str, *, root: Place) -> Address | Place | None:
    """Return the register address matching the text, else the deepest place it names.

    An address string runs from the most specific part to the most general, so any place
    name in it places the request; the deepest (then the longest-named) place wins.
    """
    text = " ".join(text.split())
    address = (
        Address.objects.select_related("place")
        .filter(text__iexact=text, place__path__startswith=root.path)
        .first()
    )
    if address is not None:
        return address
    lowered = text.lower()
    best: tuple[int, int, Place] | None = None
    for place in Place.objects.filter(path__startswith=root.path).only(
        "id", "code", "path", "level", "name_zh", "name_en", "parent_id"
    ):
        for name in (place.name_zh, place.name_en):
            if name and len(name) >= 2 and name.lower() in lowered:
                rank = (place.rank, len(name))
                if best is None or rank > best[:2]:
                    best = (*rank, place)
    return best[2] if best else None


# --- dates ---------------------------------------------------------------------------------

_W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def parse_w3c_datetime(value: str) -> datetime | None:
    """Return an aware datetime for a W3C date-time with a zone, or None if it is not one."""
    value = (value or "").strip()
    if not _W3C.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def date_window(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """Return the [start, end] of a query in UTC: the last 90 days by default, never more."""
    parsed: dict[str, datetime] = {}
    for name, raw in (("start_date", start), ("end_date", end)):
        if raw:
            value = parse_w3c_datetime(raw)
            if value is None:
                raise InvalidInput(
                    _("%(field)s must be a W3C date and time with a zone, like %(example)s.")
                    % {"field": name, "example": "2026-03-01T00:00:00+08:00"},
                    fields={name: "format"},
                )
            parsed[name] = value
    try:
        lo, hi = _window(parsed.get("start_date"), parsed.get("end_date"))
    except OverflowError:
        raise InvalidInput(
            _("start_date or end_date is too far in the past or the future."),
            fields=dict.fromkeys(parsed, "range"),
        ) from None
    if lo > hi:
        raise InvalidInput(_("start_date is after end_date."), fields={"start_date": "order"})
    if hi - lo > WINDOW:
        raise InvalidInput(
            _("start_date and end_date may be at most 90 days apart."),
            fields={"end_date": "range"},
        )
    return lo, hi


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    # In UTC: W3C offsets run to ±23:59, PostgreSQL takes no more than ±15:59. Near the ends
    # of the calendar (years 1 and 9999) the conversion or the 90 days raise OverflowError.
    if start is not None:
        start = start.astimezone(UTC)
    if end is not None:
        end = end.astimezone(UTC)
    if start is not None and end is not None:
        return start, end
    if start is not None:
        return start, start + WINDOW
    end = end or timezone.now()
    return end - WINDOW, end


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


# --- requests ------------------------------------------------------------------------------

LIVE_VISIBLE_CLOCKS = Prefetch(
    "clocks",
    queryset=Clock.objects.live().filter(resident_visible=True).order_by("due_on"),
    to_attr="open311_clocks",
)


def public_requests(root: Place) -> QuerySet[Case]:
    """Return the cases Open311 shows: public categories, normal sensitivity, in the jurisdiction.

    Disputes, grievances and anything sensitive or sealed never appear, whatever their category.
    """
    return (
        Case.objects.filter(
            category__open311_public=True,
            sensitivity=Sensitivity.NORMAL,
            kind__in=PUBLIC_KINDS,
            place_path__startswith=root.path,
            receipt_code__isnull=False,
        )
        .select_related("category", "owner_unit", "place", "open311_request")
        .prefetch_related(LIVE_VISIBLE_CLOCKS)
    )


def requests_search(
    root: Place,
    *,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Case]:
    """Return at most 1000 public requests, newest first; a list of ids overrides the rest."""
    qs = public_requests(root)
    if ids:
        qs = qs.filter(receipt_code__in=[i.upper() for i in ids[:MAX_ROWS]])
    else:
        if service_codes:
            qs = qs.filter(category__code__in=service_codes)
        if statuses:
            unknown = [s for s in statuses if s not in ("open", "closed")]
            if unknown:
                raise InvalidInput(
                    _("status must be open or closed (comma separated)."),
                    fields={"status": "choice"},
                )
            if set(statuses) == {"open"}:
                qs = qs.filter(status__in=OPEN_STATUSES)
            elif set(statuses) == {"closed"}:
                qs = qs.exclude(status__in=OPEN_STATUSES)
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
    return list(qs.order_by("-created_at", "-id")[:MAX_ROWS])


def request_get(root: Place, request_id: str) -> Case:
    case = public_requests(root).filter(receipt_code=request_id.strip().upper()).first()
    if case is None:
        raise NotFound(_("Unknown service_request_id %(id)s.") % {"id": request_id[:40]})
    return case


def status_of(case: Case) -> str:
    return "open" if case.status in OPEN_STATUSES else "closed"


def expected_end_of_day(day: date) -> datetime:
    """Return the last second of a due day in local time (a deadline runs to the day's end)."""
    start = timezone.make_aware(datetime(day.year, day.month, day.day))
    return start + timedelta(days=1, seconds=-1)


def expected_datetime(case: Case) -> datetime | None:
    """Return when the case's earliest live clock runs out, or None once no clock runs."""
    if case.status not in OPEN_STATUSES:
        return None
    clocks = getattr(case, "open311_clocks", None)
    if clocks is None:
        clocks = list(case.clocks.live().filter(resident_visible=True).order_by("due_on"))
    return expected_end_of_day(clocks[0].due_on) if clocks else None


def open311_meta(case: Case):
    try:
        return case.open311_request
    except Case.open311_request.RelatedObjectDoesNotExist:
        return None


def public_description(case: Case) -> str:
    """Return the description the public sees.

    Only what a resident sent through Open311 (a public protocol) is published; text filed
    through other channels was not written for publication, so it stays inside.
    """
    meta = open311_meta(case)
    if meta is not None:
        return meta.description
    return ""


def token_get(token: str):

    row = ServiceRequestToken.objects.select_related("case").filter(token=token.strip()).first()
    if row is None:
        raise NotFound(_("Unknown token."))
    return row


# --- updates -------------------------------------------------------------------------------

CLOSED_FAMILY = frozenset(
    {"closed", "fixed", "duplicate", "not_councils_responsibility", "no_further_action"}
)
OUTCOME_STATUS = {
    Outcome.FIXED: "fixed",
    Outcome.NOT_SUBSTANTIATED: "no_further_action",
    Outcome.REFERRED: "not_councils_responsibility",
}
# Public events that change what a resident would call the status of their request.
KIND_STATUS = {
    "submitted": "open",
    "accepted": "investigating",
    "work_started": "in_progress",
    "paused": "in_progress",
    "resumed": "in_progress",
    "escalated": "internal_referral",
    "transfer_accepted": "internal_referral",
    "transfer_decided": "internal_referral",
    "referred_upward": "internal_referral",
    "reopened": "open",
    "not_accepted": "not_councils_responsibility",
    "merged": "duplicate",
    "withdrawn": "closed",
}
# Events that carry text but no status change.
TEXT_KINDS = frozenset({"note", "resident_information"})
UPDATE_KINDS = frozenset({*KIND_STATUS, "resolved", "closed", *TEXT_KINDS})


@dataclass
class Update:
    update_id: int
    service_request_id: str
    status: str
    updated_datetime: datetime
    description: str
    media_url: str | None


def _status_after(event: Event, running: str) -> str:
    if event.kind == "resolved":
        return OUTCOME_STATUS.get(event.data.get("outcome"), "closed")
    if event.kind == "closed":
        # A fixed request that the resident then rated stays "fixed", not merely "closed".
        return running if running in CLOSED_FAMILY else "closed"
    return KIND_STATUS.get(event.kind, running)


def _update_text(event: Event, case: Case) -> str:
    """Return the public words of an update: staff answers and notes, or a plain label."""
    data = event.data or {}
    if event.kind in ("resolved", "note"):
        return str(data.get("text") or "")
    if event.kind == "not_accepted":
        return "\n".join(str(data[k]) for k in ("reason", "route") if data.get(k))
    if event.kind == "closed" and data.get("note"):
        return str(data["note"])
    if event.kind == "resident_information":
        # Residents' own words are published only if they came through Open311.
        return str(data.get("text") or "") if case.intake_channel == IntakeChannel.OPEN311 else ""
    labels = {
        "submitted": _("Received."),
        "accepted": _("Accepted; the responsible unit is looking into it."),
        "work_started": _("Work has started."),
        "paused": _("Waiting for more information."),
        "resumed": _("Work has resumed."),
        "escalated": _("Passed to the next level."),
        "transfer_accepted": _("Passed to another unit."),
        "transfer_decided": _("Passed to another unit."),
        "referred_upward": _("Referred to a higher authority."),
        "reopened": _("Reopened."),
        "merged": _("Merged with another request about the same problem."),
        "withdrawn": _("Withdrawn."),
        "closed": _("Closed."),
    }
    return str(labels.get(event.kind, ""))


def updates_search(
    root: Place,
    *,
    start: datetime,
    end: datetime,
    ids: list[str] | None = None,
) -> list[Update]:
    """Return the public updates of public requests made between start and end, oldest first.

    The status after each update is worked out by replaying the request's earlier public
    events, so it is the status at that moment, not today's.
    """
    cases = public_requests(root)
    if ids:
        cases = cases.filter(receipt_code__in=[i.upper() for i in ids[:MAX_ROWS]])
    in_window = Event.objects.filter(
        case__in=cases.values("pk"),
        public=True,
        kind__in=UPDATE_KINDS,
        created_at__gte=start,
        created_at__lte=end,
    )
    case_ids = set(in_window.values_list("case_id", flat=True).distinct()[: MAX_ROWS * 10])
    events = (
        Event.objects.filter(
            case_id__in=case_ids, public=True, kind__in=UPDATE_KINDS, created_at__lte=end
        )
        .select_related("case")
        .only(
            "id", "kind", "data", "created_at", "seq", "case__receipt_code", "case__intake_channel"
        )
        .order_by("case_id", "seq")
    )
    media = dict(
        PostedUpdate.objects.filter(event__case_id__in=case_ids)
        .exclude(media_url="")
        .values_list("event_id", "media_url")
    )
    updates: list[Update] = []
    running: dict[int, str] = {}
    for event in events:
        status = _status_after(event, running.get(event.case_id, "open"))
        running[event.case_id] = status
        if event.created_at < start:
            continue
        updates.append(
            Update(
                update_id=event.pk,
                service_request_id=event.case.receipt_code,
                status=status,
                updated_datetime=event.created_at,
                description=_update_text(event, event.case),
                media_url=media.get(event.pk),
            )
        )
    updates.sort(key=lambda u: (u.updated_datetime, u.update_id))
    return updates[:MAX_ROWS]
