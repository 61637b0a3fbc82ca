"""TOTP two-factor authentication for staff (django-otp)."""

from __future__ import annotations

from django.conf import settings

from .permissions import grants

STAFF_PREFIXES = (
    "/staff/",
    "/admin/",
    "/wellbeing/cases/",
    "/wellbeing/queue/",
    "/wellbeing/referrals/",
    "/wellbeing/exports/",
    "/wellbeing/network/",
    "/wellbeing/grants/",
    "/assessments/staff/",
    "/participation/staff/",
    "/notifications/failed/",
)


def is_staff_user(user) -> bool:
    if not getattr(user, "is_authenticated", False) or is_resident(user):
        return False
    return bool(user.is_staff or grants(user))


def is_resident(user) -> bool:
    """Return True for a signed-in resident account (never staff, whatever else it holds)."""
    return bool(
        getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "resident"
    )


def needs_second_factor(request) -> bool:
    """Return True when this signed-in staff member has not confirmed a TOTP code yet."""
    if not getattr(settings, "CONCORD_REQUIRE_STAFF_2FA", False):
        return False
    user = getattr(request, "user", None)
    if not is_staff_user(user):
        return False
    verified = getattr(user, "is_verified", None)
    return not (verified and verified())
