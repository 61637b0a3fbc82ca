"""Every write of resident accounts: sign-in codes, sign-up, sign-in, the profile, claiming a
case, and deleting the account.

A resident proves a mainland mobile number with a one-time code sent through the SMS gateway
(participation's `PhoneCode`, without a user: only its hash is stored). Codes expire after
`CODE_TTL`, allow `CODE_ATTEMPTS` guesses, and are used once. Requests are limited per number
and per client address per hour in the shared rate-limit cache (the same counters the public
rate limit uses), so a flood sends no text message past the limit.
"""

from __future__ import annotations

import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts.models import AccountKind, User
from concord.cases.models import OPEN_STATUSES as OPEN
from concord.cases.models import Case, Party, PartyRole
from concord.cases.selectors import get_case_by_receipt
from concord.core import conf
from concord.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from concord.core.ledger import append_event
from concord.core.ratelimit import RateLimited, count_request
from concord.notifications import follows
from concord.notifications.gateways import sms_gateway
from concord.notifications.models import Follow, FollowTarget, Notification, Preference
from concord.participation import actions as participation
from concord.participation.models import PhoneCode, ResidentVerification, Volunteer
from concord.places.models import Level, Place
from concord.safety.models import ResidentProfile

from .models import CaseClaim, Resident
from .phones import normalise_mobile

PROOF_SALT = "concord.residents.phone-proof"
PROOF_MAX_AGE = 15 * 60
HOME_LEVELS = (Level.VILLAGE, Level.GRID)
LANGUAGES = ("zh-hans", "en")
WINDOW = 3600


class CodesLimited(RateLimited):
    default_message = gettext_lazy(
        "Too many codes were asked for this number or from this address; wait an hour and try "
        "again, or ask your grid worker for help."
    )


def _record(user_pk: int | str, kind: str, actor=None, **data) -> None:
    append_event(stream=f"resident:{user_pk}", kind=kind, actor=actor, data=data)


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"code:{code}".encode(), "sha256").hexdigest()


def _within_limits(key: str, client: str) -> bool:
    """Count one code request for the number and for the address; False past either limit.

    Each request counts in both windows, also when refused, so a flood from many addresses at
    one number, or from one address at many numbers, stops at the limit.
    """
    policy = conf.concord()
    counters = caches["ratelimit"]
    window = int(time.time() // WINDOW)
    allowed = True
    for scope, who, limit in (
        ("number", key[:32], policy.sign_in_codes_per_number),
        ("address", client or "unknown", policy.sign_in_codes_per_address),
    ):
        if limit <= 0:
            continue
        name = f"signin:{scope}:{who}:{window}"
        if count_request(counters, name, limit=limit, timeout=WINDOW + 60) > limit:
            allowed = False
            # The first refusal in a window goes on the audit chain (counted once, not per
            # request, so a flood cannot flood the ledger either).
            if counters.add(f"{name}:noted", 1, timeout=WINDOW + 60):
                append_event(
                    stream="resident:codes",
                    kind="sign_in_codes_limited",
                    data={"scope": scope, "limit": limit},
                )
    return allowed


def sign_in_code_request(*, phone: str, client: str) -> PhoneCode:
    """Send a one-time sign-in code to a mainland mobile number (for sign-in and sign-up alike).

    Raise InvalidInput for a number that is not a mainland mobile, CodesLimited past the
    limits. Whether the number has an account is not revealed.
    """
    number = normalise_mobile(phone)
    key = participation.identity_key(number)
    if not _within_limits(key, client):
        raise CodesLimited()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        row = PhoneCode.objects.create(
            identity_key=key,
            code_hash=_digest(code),
            expires_at=timezone.now() + participation.CODE_TTL,
        )

        def send() -> None:

            text = _("Your Concord sign-in code is %(code)s. It expires in 10 minutes.")
            sms_gateway().send(to=number, text=text % {"code": code}, reference=f"signin:{row.pk}")

        transaction.on_commit(send)
    return row


def sign_in_code_confirm(*, phone: str, code: str) -> str:
    """Check a sign-in code; return a signed proof of the number, valid for 15 minutes.

    A wrong code counts an attempt (committed even though the call fails); an expired, used or
    exhausted code is refused the same way, and the resident asks for a new one.
    """
    number = normalise_mobile(phone)
    key = participation.identity_key(number)
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(user__isnull=True, identity_key=key)
            .order_by("-created_at", "-pk")
            .first()
        )
        usable = (
            row is not None
            and row.used_at is None
            and row.expires_at > timezone.now()
            and row.attempts < participation.CODE_ATTEMPTS
        )
        if not usable:
            raise InvalidInput(
                fields={"code": _("This code has expired or was used; ask for a new one.")}
            )
        if hmac.compare_digest(row.code_hash, _digest(code)):
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return phone_proof(number)
        PhoneCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    raise InvalidInput(fields={"code": _("The code is not right.")})


def phone_proof(number: str) -> str:
    """Return a proof for a number the server itself vouches for (the demo, a grid worker's
    in-person check); residents get theirs only from `sign_in_code_confirm`."""
    return signing.dumps({"phone": normalise_mobile(number)}, salt=PROOF_SALT)


def proven_phone(proof: str) -> str:
    """Return the number a proof stands for, or raise InvalidInput when it is stale or forged."""
    try:
        data = signing.loads(proof or "", salt=PROOF_SALT, max_age=PROOF_MAX_AGE)
    except signing.BadSignature:
        raise InvalidInput(
            fields={"code": _("Confirm your number with a new code first.")}
        ) from None
    return normalise_mobile(data["phone"])


def resident_for_proof(proof: str) -> User | None:
    """Return the active resident account of a proven number, or None when it has none."""
    key = participation.identity_key(proven_phone(proof))
    row = Resident.objects.select_related("user").filter(phone_key=key).first()
    if row is None or not row.user.is_active:
        return None
    return row.user


def resident_signed_in(*, user: User, how: str) -> None:
    """Record a resident's sign-in on their audit stream."""
    _record(user.pk, "resident_signed_in", user, how=how)


def _home(place: Place | None) -> Place:
    if place is None or place.level not in HOME_LEVELS:
        raise InvalidInput(fields={"home_place": _("Choose your village, community or grid.")})
    return place


def _profile_fields(display_name: str, language: str, email: str) -> tuple[str, str, str]:
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 60:
        raise InvalidInput(
            fields={"display_name": _("Give a name to show, at most 60 characters.")}
        )
    if language not in LANGUAGES:
        raise InvalidInput(fields={"language": _("Choose Chinese or English.")})
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(fields={"email": _("Enter a valid e-mail address.")}) from None
    return display_name, language, email


def resident_sign_up(
    *, proof: str, display_name: str, home_place: Place | None, language: str, email: str = ""
) -> User:
    """Create a resident account for a proven number; it is phone-verified for its home place
    and follows it, so that the place's public warnings, policy notices and consultations
    reach the resident from the start (they may unfollow it on /safety/)."""
    number = proven_phone(proof)
    key = participation.identity_key(number)
    place = _home(home_place)
    display_name, language, email = _profile_fields(display_name, language, email)
    try:
        with transaction.atomic():
            user = User(
                username=f"r-{secrets.token_hex(8)}",
                kind=AccountKind.RESIDENT,
                display_name=display_name,
                language=language,
                phone=number,
                email=email,
            )
            user.set_unusable_password()
            user.save()
            Resident.objects.create(
                user=user, phone_key=key, home_place=place, home_place_path=place.path
            )
            participation.verification_by_proven_phone(user=user, place=place, phone=number)
            _record(user.pk, "resident_signed_up", user, home_place=place.code)
            follows.follow(actor=user, target=FollowTarget.PLACE, place=place)
    except IntegrityError:
        raise Conflict(
            _("An account with this number already exists; sign in with a code instead.")
        ) from None
    return user


def _resident(actor) -> Resident:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "kind", "") != "resident":
        raise PermissionDenied(_("Sign in with your resident account first."))
    row = Resident.objects.select_related("home_place").filter(user=actor).first()
    if row is None or row.is_deleted:
        raise PermissionDenied(_("Sign in with your resident account first."))
    return row


def resident_update(
    *, actor, display_name: str, home_place: Place | None, language: str, email: str = ""
) -> User:
    """Change a resident's name, home place, language or e-mail; a new home place is verified
    with the phone the account already proved, and followed. Places followed before stay
    followed (the resident may have chosen them): the resident unfollows them on /safety/."""
    row = _resident(actor)
    place = _home(home_place)
    display_name, language, email = _profile_fields(display_name, language, email)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.display_name, user.language, user.email = display_name, language, email
        user.save(update_fields=["display_name", "language", "email"])
        moved = row.home_place_id != place.pk
        if moved:
            Resident.objects.filter(pk=row.pk).update(home_place=place, home_place_path=place.path)
            participation.verification_by_proven_phone(user=user, place=place, phone=user.phone)
        _record(user.pk, "resident_updated", user, home_place=place.code if moved else None)
        if moved:
            follows.follow(actor=user, target=FollowTarget.PLACE, place=place)
    return user


def case_claim(*, actor, code: str, token: str) -> Case:
    """Add a case to the resident's "My matters" with its receipt code and tracking token."""
    _resident(actor)
    try:
        case = get_case_by_receipt(code, token)
    except NotFound:
        raise InvalidInput(
            fields={"token": _("No matter matches this receipt code and key.")}
        ) from None
    with transaction.atomic():
        _claim, created = CaseClaim.objects.get_or_create(
            user=actor, case=case, defaults={"claimed_at": timezone.now()}
        )
        if created:
            _record(actor.pk, "case_claimed", actor, case=case.receipt_code)
    return case


def resident_delete(*, actor) -> None:
    """Delete a resident's account (personal information deletion).

    What goes: the name, phone, e-mail, home place, sign-in, verifications, claims and volunteer
    applications. The cases they filed stay, detached from the account; on finished cases the
    complainant's contacts are erased now, on open ones they stay until the case is finished
    (the unit still owes a written answer) and the retention rule erases them. Votes, supports
    and suggestions stay counted once, by the keyed hash they carry, and show no name.
    """

    row = _resident(actor)
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        cases = Case.objects.filter(submitted_by=user)
        finished = [pk for pk, status in cases.values_list("pk", "status") if status not in OPEN]
        Party.objects.filter(
            case_id__in=finished, role=PartyRole.COMPLAINANT, erased_at__isnull=True
        ).update(name="", phone="", email="", address="", erased_at=now)
        detached = cases.update(submitted_by=None)
        CaseClaim.objects.filter(user=user).delete()
        ResidentVerification.objects.filter(user=user).delete()
        Volunteer.objects.filter(user=user).delete()
        PhoneCode.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).delete()
        Preference.objects.filter(user=user).delete()
        Follow.objects.filter(user=user).delete()
        ResidentProfile.objects.filter(user=user).delete()
        Resident.objects.filter(pk=row.pk).update(
            phone_key=None, home_place=None, home_place_path="", deleted_at=now
        )
        user.username = f"deleted-{user.pk}"
        user.display_name = ""
        user.first_name = user.last_name = ""
        user.phone = ""
        user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        _record(user.pk, "resident_deleted", None, cases_detached=detached, erased=len(finished))
