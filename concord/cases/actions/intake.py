"""Filing a case: validation, the rows it writes, routing and idempotent replays."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.core.ledger import append_event, canonical_json, stream_for_case
from concord.places.models import Place
from concord.places.selectors import place_locate

from .. import tokens
from ..models import (
    Case,
    Category,
    IdempotencyKey,
    IntakeChannel,
    Kind,
    Party,
    PartyRole,
    Sensitivity,
    Urgency,
)
from ..routing import route_case
from .common import _after_submit, _start_handling_clock, category_root, require_text


@dataclass
class Submission:
    case: Case
    token: str
    created: bool


def _next_case_id() -> int | None:
    """On PostgreSQL, take the next case id up front so the receipt code is in the INSERT."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cursor.fetchone()[0]


def _fingerprint(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


# --- intake --------------------------------------------------------------------------------


ON_BEHALF_CHANNELS = {
    IntakeChannel.GRID_WORKER,
    IntakeChannel.WALK_IN,
    IntakeChannel.HOTLINE,
    IntakeChannel.LETTER,
}


@dataclass(frozen=True)
class ValidSubmission:
    """What validate_submission accepted: cleaned texts, the place and who filed on whose behalf."""

    title: str
    description: str
    place: Place
    filed_by: Any
    parties: list[dict[str, Any]]


def validate_submission(
    *,
    actor,
    kind: str,
    title: str,
    description: str,
    place: Place | None,
    lat: float | None,
    lng: float | None,
    intake_channel: str,
    urgency: str,
    parties: list[dict[str, Any]] | None,
    on_behalf_consent: str,
) -> ValidSubmission:
    """Check a submission before anything is written; raise InvalidInput or PermissionDenied.

    A location without a place is resolved to the place that contains it.
    """
    limits = conf.concord()
    title = require_text(title, "title", max_chars=limits.title_max_chars)
    description = require_text(description, "description", max_chars=limits.description_max_chars)
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind."), fields={"kind": _("Unknown kind.")})
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), fields={"urgency": _("Unknown urgency.")})
    if intake_channel not in IntakeChannel.values:
        raise InvalidInput(
            _("Unknown intake channel."), fields={"intake_channel": _("Unknown intake channel.")}
        )
    if (lat is None) != (lng is None):
        raise InvalidInput(
            _("Give both latitude and longitude."),
            fields={"lat": _("Give both latitude and longitude.")},
        )
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(
            _("Coordinates are out of range."), fields={"lat": _("Coordinates are out of range.")}
        )
    if place is None and lat is not None:
        place = place_locate(lng=lng, lat=lat)
    if place is None:
        raise InvalidInput(
            _("Choose a place or give a location inside the service area."),
            fields={"place": _("Choose a place or give a location inside the service area.")},
        )
    filed_by = None
    if actor is not None and intake_channel in ON_BEHALF_CHANNELS:
        if not perms.can(actor, Cap.CASE_FILE, place_path=place.path):
            raise PermissionDenied(_("You may not file cases for residents in this place."))
        if not on_behalf_consent.strip():
            msg = _("Record the resident's consent to file on their behalf.")
            raise InvalidInput(msg, fields={"on_behalf_consent": msg})
        filed_by = actor
    parties = parties or []
    if len(parties) > limits.parties_max:
        msg = _("A submission may name at most %(n)d parties.") % {"n": limits.parties_max}
        raise InvalidInput(msg, fields={"parties": msg})
    for i, p in enumerate(parties):
        if p.get("role", PartyRole.COMPLAINANT) not in PartyRole.values:
            raise InvalidInput(
                _("Unknown party role."), fields={f"parties[{i}].role": _("Unknown party role.")}
            )
    return ValidSubmission(
        title=title, description=description, place=place, filed_by=filed_by, parties=parties
    )


def build_case(
    *,
    actor,
    intake: ValidSubmission,
    route,
    kind: str,
    category: Category | None,
    lat: float | None,
    lng: float | None,
    address: str,
    language: str,
    intake_channel: str,
    urgency: str,
    contact_consent: bool,
    is_anonymous: bool,
    on_behalf_consent: str,
) -> Case:
    """Return the unsaved case row for a validated submission and its route."""
    return Case(
        id=_next_case_id(),
        token_salt=tokens.new_salt(),
        kind=kind,
        title=intake.title,
        description=intake.description,
        language=language,
        category=category,
        category_root=category_root(category),
        place=intake.place,
        place_path=intake.place.path,
        lat=lat,
        lng=lng,
        address=(address or "")[:300],
        intake_channel=intake_channel,
        urgency=urgency,
        sensitivity=category.sensitivity if category else Sensitivity.NORMAL,
        level=route.level,
        channel=route.channel,
        owner_unit=route.unit,
        submitted_by=actor if (actor is not None and intake.filed_by is None) else None,
        filed_by=intake.filed_by,
        consent_note=on_behalf_consent[:300],
        contact_consent=contact_consent,
        is_anonymous=is_anonymous,
    )


def _insert_case(case: Case) -> None:
    year = timezone.localdate().year
    if case.id is not None:
        case.receipt_code = tokens.receipt_code(year, case.id)
        case.save(force_insert=True)
    else:  # SQLite: the id is known only after the INSERT
        case.save(force_insert=True)
        case.receipt_code = tokens.receipt_code(year, case.pk)
        case.save(update_fields=["receipt_code"])


def party_rows(case: Case, parties: list[dict[str, Any]]) -> list[Party]:
    """Return the unsaved party rows of a case, each field cut to its column's length."""
    return [
        Party(
            case=case,
            role=p.get("role", PartyRole.COMPLAINANT),
            name=str(p.get("name", ""))[:120],
            phone=str(p.get("phone", ""))[:40],
            email=str(p.get("email", ""))[:254],
            address=str(p.get("address", ""))[:300],
            is_organisation=bool(p.get("is_organisation", False)),
        )
        for p in parties
    ]


def case_submit(
    *,
    actor=None,
    kind: str,
    title: str,
    description: str,
    place: Place | None = None,
    category: Category | None = None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    language: str = "zh-hans",
    intake_channel: str = IntakeChannel.WEB,
    urgency: str = Urgency.NORMAL,
    parties: list[dict[str, Any]] | None = None,
    contact_consent: bool = False,
    is_anonymous: bool = False,
    on_behalf_consent: str = "",
    idempotency_key: str | None = None,
    idempotency_scope: str = "anonymous",
) -> Submission:
    """File a case, route it to its starting level and unit, and return it with its token.

    With an idempotency key, a repeated call returns the case the first call created.
    """
    intake = validate_submission(
        actor=actor,
        kind=kind,
        title=title,
        description=description,
        place=place,
        lat=lat,
        lng=lng,
        intake_channel=intake_channel,
        urgency=urgency,
        parties=parties,
        on_behalf_consent=on_behalf_consent,
    )
    place = intake.place
    # The whole submission: a replay that differs in anything (a party, the consent) is a
    # different request and is refused, never answered with the first case.
    fingerprint = _fingerprint(
        {
            "kind": kind,
            "title": intake.title,
            "description": intake.description,
            "place": place.code,
            "category": category.code if category else None,
            "lat": lat,
            "lng": lng,
            "address": address or "",
            "language": language,
            "intake_channel": intake_channel,
            "urgency": urgency,
            "parties": [
                {
                    "role": p.get("role", PartyRole.COMPLAINANT),
                    "name": str(p.get("name", "")),
                    "phone": str(p.get("phone", "")),
                    "email": str(p.get("email", "")),
                    "address": str(p.get("address", "")),
                    "is_organisation": bool(p.get("is_organisation", False)),
                }
                for p in intake.parties
            ],
            "contact_consent": contact_consent,
            "is_anonymous": is_anonymous,
            "on_behalf_consent": on_behalf_consent,
        }
    )
    # No pre-read of the idempotency key: the (scope, key) unique constraint decides, and a
    # repeated key lands in the IntegrityError branch below, which returns the first case.
    try:
        with transaction.atomic():
            route = route_case(place=place, category=category, kind=kind)
            case = build_case(
                actor=actor,
                intake=intake,
                route=route,
                kind=kind,
                category=category,
                lat=lat,
                lng=lng,
                address=address,
                language=language,
                intake_channel=intake_channel,
                urgency=urgency,
                contact_consent=contact_consent,
                is_anonymous=is_anonymous,
                on_behalf_consent=on_behalf_consent,
            )
            _insert_case(case)
            Party.objects.bulk_create(party_rows(case, intake.parties))
            if idempotency_key:
                IdempotencyKey.objects.create(
                    scope=idempotency_scope, key=idempotency_key, fingerprint=fingerprint, case=case
                )
            append_event(
                stream=stream_for_case(case.pk),
                kind="submitted",
                actor=actor,
                case=case,
                new_stream=True,
                public=True,
                data={
                    "receipt": case.receipt_code,
                    "intake_channel": intake_channel,
                    "level": route.level,
                    "channel": route.channel,
                    "unit": route.unit.code,
                    "route_reason": route.reason,
                    "on_behalf_consent": on_behalf_consent or None,
                },
            )
            # A new case has no clock to replace; the response shows this one without a query.
            case.live_clocks = [_start_handling_clock(case, category, replace=False)]
            _after_submit(case)
    except IntegrityError:
        # The key was used before (a retry), or a concurrent request with it won: its case.
        if idempotency_key:
            existing = _replay(idempotency_scope, idempotency_key, fingerprint)
            if existing:
                return existing
        raise
    return Submission(case=case, token=tokens.tracking_token(case.token_salt), created=True)


def _replay(scope: str, key: str, fingerprint: str) -> Submission | None:
    row = IdempotencyKey.objects.select_related("case").filter(scope=scope, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was already used for a different submission."))
    return Submission(
        case=row.case, token=tokens.tracking_token(row.case.token_salt), created=False
    )
