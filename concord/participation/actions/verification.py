"""Verifying residents: codes by phone, the census, in person."""

from __future__ import annotations

import hmac
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, PermissionDenied
from concord.notifications.gateways import sms_gateway
from concord.places.models import Place

from ..models import CensusEntry, PhoneCode, ResidentVerification, VerificationMethod
from .common import (
    CODE_ATTEMPTS,
    CODE_TTL,
    _keyed,
    _record,
    _require_cap,
    _require_login,
    identity_key,
    normalise_phone,
)


def _verify(*, user, place: Place, key: str, method: str, by=None) -> ResidentVerification:
    v = ResidentVerification.objects.create(
        user=user,
        place=place,
        identity_key=key,
        method=method,
        verified_by=by,
        verified_at=timezone.now(),
    )
    _record(f"resident:{user.pk}", "verified", by or user, method=method, place=place.code)
    return v


def verification_request_code(*, actor, place: Place, phone: str) -> PhoneCode:
    """Send a one-time code to a phone; confirming it verifies the resident for `place`."""
    _require_login(actor)
    number = normalise_phone(phone)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        row = PhoneCode.objects.create(
            user=actor,
            place=place,
            identity_key=identity_key(number),
            code_hash=_keyed("code", code),
            expires_at=timezone.now() + CODE_TTL,
        )

        def send() -> None:

            text = _("Your Concord verification code is %(code)s. It expires in 10 minutes.")
            sms_gateway().send(to=number, text=text % {"code": code}, reference=f"otp:{row.pk}")

        transaction.on_commit(send)
    return row


def verification_confirm_code(*, actor, code: str) -> ResidentVerification:
    _require_login(actor)
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(user=actor, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= CODE_ATTEMPTS:
            raise InvalidInput(fields={"code": _("The code has expired; ask for a new one.")})
        if hmac.compare_digest(row.code_hash, _keyed("code", code.strip())):
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return _verify(
                user=actor,
                place=row.place,
                key=row.identity_key,
                method=VerificationMethod.PHONE_CODE,
            )
        # Counted in its own committed write, so guessing runs out of attempts.
        PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    raise InvalidInput(fields={"code": _("The code is not right.")})


def verification_by_proven_phone(*, user, place: Place, phone: str) -> ResidentVerification:
    """Record that a resident account proved its phone with a sign-in code (residents' app).

    The caller has checked the code: this only writes the verification for the home place.
    """
    with transaction.atomic():
        return _verify(
            user=user, place=place, key=identity_key(phone), method=VerificationMethod.PHONE_CODE
        )


def census_upload(*, actor, place: Place, rows: list[dict]) -> int:
    """Replace a village's census list; keep only keyed hashes of identity numbers and phones."""
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    entries, seen = [], set()
    now = timezone.now()
    for i, row in enumerate(rows, start=1):
        id_number = (row.get("id_number") or "").strip().upper()
        if not id_number or not row.get("phone"):
            raise InvalidInput(
                fields={f"row {i}": _("Each row needs an identity number and phone.")}
            )
        id_key = _keyed("id", id_number)
        if id_key in seen:
            continue
        seen.add(id_key)
        entries.append(
            CensusEntry(
                place=place,
                id_key=id_key,
                identity_key=identity_key(row["phone"]),
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
    with transaction.atomic():
        Place.objects.select_for_update().get(pk=place.pk)
        CensusEntry.objects.filter(place=place).delete()
        CensusEntry.objects.bulk_create(entries)
        _record(f"census:{place.code}", "census_uploaded", actor, rows=len(entries))
    return len(entries)


def verification_by_census(*, actor, place: Place, id_number: str) -> ResidentVerification:
    _require_login(actor)
    entry = CensusEntry.objects.filter(
        place__path__in=place.ancestors_paths(), id_key=_keyed("id", id_number.strip().upper())
    ).first()
    if entry is None:
        raise InvalidInput(
            fields={"id_number": _("This identity number is not on the village's census list.")}
        )
    with transaction.atomic():
        return _verify(
            user=actor, place=place, key=entry.identity_key, method=VerificationMethod.CENSUS
        )


def verification_in_person(*, actor, resident, place: Place, phone: str) -> ResidentVerification:
    """Record that a grid worker checked a resident's identity face to face."""
    _require_cap(actor, Cap.CASE_FILE, place.path)
    if resident.pk == actor.pk:
        raise PermissionDenied(_("Staff cannot verify themselves."))
    with transaction.atomic():
        return _verify(
            user=resident,
            place=place,
            key=identity_key(phone),
            method=VerificationMethod.IN_PERSON,
            by=actor,
        )
