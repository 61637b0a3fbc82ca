"""What participation actions share: the policy, the audit record, login and text checks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts import permissions as perms
from concord.cases.models import Case, Channel
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.places.models import Place

from ..models import ResidentVerification

MODERATION_REASONS = {
    "links": gettext_lazy("It contains several links."),
    "personal_data": gettext_lazy(
        "It contains a phone number, identity number or e-mail address; public text must not."
    ),
    "abuse": gettext_lazy("It contains abusive words."),
    "spam": gettext_lazy("It looks like advertising."),
    "repetition": gettext_lazy("It repeats the same character many times."),
}
MEDIATION_CHANNELS = {Channel.PEOPLES_MEDIATION, Channel.ADMINISTRATIVE_MEDIATION}
CODE_TTL = timedelta(minutes=10)
CODE_ATTEMPTS = 5


def _record(stream: str, kind: str, actor=None, *, case: Case | None = None, public=False, **data):
    return append_event(stream=stream, kind=kind, actor=actor, case=case, public=public, data=data)


def _require_login(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))


def _require_cap(actor, cap: str, place_path: str) -> None:
    if not perms.can(actor, cap, place_path=place_path):
        raise PermissionDenied()


def _text(value: str, field: str, max_chars: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(fields={field: _("This field is required.")})
    if len(value) > max_chars:
        raise InvalidInput(
            fields={field: _("At most %(n)d characters.") % {"n": max_chars}},
        )
    return value


# --- verification ------------------------------------------------------------------------------


def _keyed(kind: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) < 7:
        raise InvalidInput(fields={"phone": _("Enter a valid phone number.")})
    return digits


def identity_key(phone: str) -> str:
    """Return the keyed hash that stands for one person: the same for every method."""
    return _keyed("phone", normalise_phone(phone))


def verification_for(user, place: Place, methods: list[str] | None = None):
    """Return the user's latest verification as a resident within `place`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = ResidentVerification.objects.filter(user=user, place__path__startswith=place.path)
    if methods:
        qs = qs.filter(method__in=methods)
    return qs.order_by("-verified_at").first()


def _require_verified(user, place: Place, methods: list[str] | None = None) -> ResidentVerification:
    _require_login(user)
    v = verification_for(user, place, methods)
    if v is None:
        raise PermissionDenied(
            _("Verify that you live in %(place)s first.") % {"place": place.localized_name()}
        )
    return v
