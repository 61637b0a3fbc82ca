"""Residents' places and preferences, and the households that need a check in a warning."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.notifications.actions import preference_set
from concord.places.models import Place

from ..models import ResidentProfile, Vulnerability, VulnerableHousehold
from .common import _required

# --- residents and households --------------------------------------------------------------


@transaction.atomic
def resident_profile_set(*, actor, place: Place, address: str = "") -> ResidentProfile:
    """Record where the acting resident lives, so that warnings for that place reach them."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    profile, _created = ResidentProfile.objects.update_or_create(
        user=actor, defaults={"place": place, "place_path": place.path, "address": address[:300]}
    )
    return profile


@transaction.atomic
def household_record(
    *,
    actor,
    place: Place,
    label: str,
    address: str,
    vulnerabilities: list[str],
    consent_by: str,
    consent_on: date,
    phone: str = "",
    notes: str = "",
) -> VulnerableHousehold:
    """Record a vulnerable household for warning check-ups. Only with recorded consent."""
    if not perms.can(actor, Cap.CASE_FILE, place_path=place.path):
        raise PermissionDenied(_("Only grid staff of this place may record households."))
    consent_by = (consent_by or "").strip()
    if not consent_by or consent_on is None:
        msg = _("Record who gave consent (the person or their guardian) and when.")
        raise InvalidInput(msg, fields={"consent_by": msg})
    if not vulnerabilities or any(v not in Vulnerability.values for v in vulnerabilities):
        msg = _("Choose what the household needs.")
        raise InvalidInput(msg, fields={"vulnerabilities": msg})
    household = VulnerableHousehold.objects.create(
        place=place,
        place_path=place.path,
        label=_required(label, "label", max_chars=120),
        address=_required(address, "address", max_chars=300),
        phone=phone.strip()[:32],
        vulnerabilities=sorted(set(vulnerabilities)),
        notes=notes,
        consent_by=consent_by[:120],
        consent_on=consent_on,
        recorded_by=actor,
    )
    append_event(
        stream=f"household:{household.pk}",
        kind="household_recorded",
        actor=actor,
        data={"place": place.code, "consent_by": consent_by, "consent_on": consent_on.isoformat()},
    )
    return household


@transaction.atomic
def resident_profile_update(
    *,
    actor,
    place: Place,
    address: str = "",
    language: str | None = None,
    email: bool | None = None,
    sms: bool | None = None,
    phone: str | None = None,
    opted_out: bool | None = None,
) -> ResidentProfile:
    """Set the acting resident's place with their language and channels, all or nothing."""

    profile = resident_profile_set(actor=actor, place=place, address=address)
    preference_set(
        actor=actor, email=email, sms=sms, opted_out=opted_out, language=language, phone=phone
    )
    return profile
