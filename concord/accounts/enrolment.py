"""Second-factor enrolment links: a staff member's first authenticator needs one.

A password alone must not be enough to bind an authenticator to a staff account (whoever
guessed or phished the password could enrol their own phone). An administrator issues a link;
it holds, signed, the user and a fresh unconfirmed TOTP device made for it. The link works for
that user only, once (the device is confirmed by the enrolment, and issuing a new link or
resetting the user's devices deletes the unconfirmed one) and for ENROLMENT_LINK_HOURS.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from concord.core.errors import PermissionDenied
from concord.core.ledger import append_event

SALT = "concord.accounts.enrolment"
DEVICE_NAME = "enrolment"


def _hours() -> int:
    return int(getattr(settings, "CONCORD_ENROLMENT_LINK_HOURS", 72))


@transaction.atomic
def enrolment_link_issue(*, actor, user) -> str:
    """Return the path of a new enrolment link for `user`, made by an administrator.

    `actor` None: `concord second-factor-link` run on the server (how the first administrator
    of a fresh install enrols), recorded as such.
    """
    if actor is not None:
        if not (actor.is_superuser or actor.is_staff):
            raise PermissionDenied()
        if actor.pk == user.pk:
            raise PermissionDenied()  # an administrator's own authenticator needs another's link
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    append_event(
        stream=f"user:{user.pk}",
        kind="second_factor_enrolment_issued",
        actor=actor,
        data={"device": device.pk, "valid_hours": _hours(), "by_server_command": actor is None},
    )
    token = signing.dumps({"u": user.pk, "d": device.pk}, salt=SALT, compress=True)
    return "/accounts/2fa/enrol/?" + urlencode({"link": token})


def enrolment_device(*, user, token: str) -> TOTPDevice | None:
    """Return the unconfirmed device the link grants to `user`, or None when it grants none."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_hours() * 3600)
    except (signing.BadSignature, UnicodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    return TOTPDevice.objects.filter(
        pk=data.get("d"), user=user, confirmed=False, name=DEVICE_NAME
    ).first()
