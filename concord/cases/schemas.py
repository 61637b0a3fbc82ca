"""API schemas of cases, shared by every app whose endpoints return a case or its track."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch
from ninja import Schema
from pydantic import Field

from . import selectors
from .models import Case, Clock


class ErrorOut(Schema):
    error: dict


class PartyIn(Schema):
    role: str = "complainant"
    name: str = Field("", max_length=120)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    is_organisation: bool = False


class CaseIn(Schema):
    kind: str
    title: str
    description: str
    place: str | None = None
    category: str | None = None
    lat: float | None = None
    lng: float | None = None
    address: str = Field("", max_length=300)
    language: str = "zh-hans"
    intake_channel: str = "api"
    urgency: str = "normal"
    parties: list[PartyIn] = []
    contact_consent: bool = False
    is_anonymous: bool = False
    on_behalf_consent: str = Field("", max_length=300)


class Ref(Schema):
    code: str
    name: str


class ClockOut(Schema):
    kind: str
    basis: str
    grade: str
    unit: str
    amount: int
    started_on: date
    due_on: date
    # Hour clocks: the instant the clock runs out.
    due_at: datetime | None = None
    state: str
    nature: str = "policy"
    holder: str = "owner"
    escalates: bool = False
    # The due day counts over a year whose official holiday schedule is not loaded yet.
    provisional: bool = False


class CaseOut(Schema):
    id: int
    receipt_code: str
    kind: str
    title: str
    description: str
    status: str
    status_label: str
    level: str
    channel: str
    urgency: str
    sensitivity: str
    category: Ref | None
    place: Ref
    owner_unit: Ref
    assignee_id: int | None
    lat: float | None
    lng: float | None
    address: str
    intake_channel: str
    outcome: str
    resolution_text: str
    created_at: datetime
    updated_at: datetime
    next_due: date | None
    clocks: list[ClockOut]


class SubmissionOut(CaseOut):
    tracking_token: str
    tracking_url: str


class CaseListOut(Schema):
    count: int
    # True when more cases match than LIST_COUNT_CAP: `count` is then that cap, not the total.
    count_capped: bool = False
    limit: int
    offset: int
    items: list[CaseOut]


class PartyOut(Schema):
    id: int
    role: str
    name: str
    is_organisation: bool
    phone: str
    email: str
    address: str
    masked: bool


class EventOut(Schema):
    seq: int
    kind: str
    created_at: datetime
    actor_id: int | None
    public: bool
    data: dict
    hash: str


class CaseDetailOut(CaseOut):
    parties: list[PartyOut]
    events: list[EventOut]


class TrackOut(Schema):
    receipt_code: str
    kind: str
    title: str
    status: str
    status_label: str
    level: str
    channel: str
    owner_unit: Ref
    outcome: str
    resolution_text: str
    created_at: datetime
    next_due: date | None
    clocks: list[ClockOut]
    events: list[EventOut]


def ref_out(obj) -> dict | None:
    if obj is None:
        return None
    return {"code": obj.code, "name": obj.localized_name()}


def live_clocks(case: Case) -> list[Clock]:
    clocks = getattr(case, "live_clocks", None)
    if clocks is None:
        clocks = list(case.clocks.live())
    return clocks


def case_out(case: Case) -> dict:
    """Return the staff view of a case (its live clocks prefetched as `live_clocks`, or read)."""
    clocks = live_clocks(case)
    return {
        "id": case.pk,
        "receipt_code": case.receipt_code,
        "kind": case.kind,
        "title": case.title,
        "description": case.description,
        "status": case.status,
        "status_label": case.get_status_display(),
        "level": case.level,
        "channel": case.channel,
        "urgency": case.urgency,
        "sensitivity": case.sensitivity,
        "category": ref_out(case.category),
        "place": ref_out(case.place),
        "owner_unit": ref_out(case.owner_unit),
        "assignee_id": case.assignee_id,
        "lat": case.lat,
        "lng": case.lng,
        "address": case.address,
        "intake_channel": case.intake_channel,
        "outcome": case.outcome,
        "resolution_text": case.resolution_text,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "next_due": min((c.due_on for c in clocks), default=None),
        "clocks": [ClockOut.from_orm(c).dict() for c in clocks],
    }


LIVE_CLOCKS = Prefetch(
    "clocks",
    queryset=Clock.objects.live(),
    to_attr="live_clocks",
)


# The responses of every endpoint that changes a case and returns it.
CASE_RESPONSES = {200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def reloaded_case_out(case: Case) -> dict:
    """Return case_out of the case read afresh with its references (after an action changed it)."""
    return case_out(Case.objects.select_related("category", "place", "owner_unit").get(pk=case.pk))


def track_out(case: Case) -> dict:
    """Return what a resident tracking the case sees: public clocks and the public timeline."""
    clocks = [c for c in live_clocks(case) if c.resident_visible]
    return {
        "receipt_code": case.receipt_code,
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "level": case.level,
        "channel": case.channel,
        "owner_unit": ref_out(case.owner_unit),
        "outcome": case.outcome,
        "resolution_text": case.resolution_text,
        "created_at": case.created_at,
        "next_due": min((c.due_on for c in clocks), default=None),
        "clocks": [ClockOut.from_orm(c).dict() for c in clocks],
        "events": selectors.resident_timeline(case),
    }
