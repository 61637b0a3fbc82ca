"""Every write of the Open311 server: keys, intake of service requests, posted updates."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases import actions as case_actions
from concord.cases.models import Case, Category, IntakeChannel, PartyRole
from concord.core.errors import ConcordError, InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.core.models import Event
from concord.places.models import Place
from concord.places.selectors import place_locate

from .models import (
    Address,
    ApiKey,
    Datatype,
    PostedUpdate,
    RequestType,
    ServiceAttribute,
    ServiceRequest,
    ServiceRequestToken,
)
from .selectors import (
    language_of,
    locate_address_string,
    parse_w3c_datetime,
    public_service,
    service_attributes,
    service_profile,
)

KEY_PREFIX = "o311_"
DESCRIPTION_MAX_CHARS = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
STRING_MAX_CHARS = 300
MEDIA_URL_MAX_CHARS = 500
MAX_MEDIA_URLS = 10


class RateLimited(ConcordError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("Too many requests with this API key; wait a minute.")


def _stream(key: ApiKey) -> str:
    return f"open311key:{key.pk}"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()


# --- keys ----------------------------------------------------------------------------------


def _require_admin(actor) -> None:
    # actor None is the command line, run by whoever operates the machine.
    if actor is not None and not (
        getattr(actor, "is_superuser", False) or perms.can(actor, Cap.PLATFORM_ADMIN)
    ):
        raise PermissionDenied(_("Only an administrator may manage Open311 keys."))


@transaction.atomic
def api_key_issue(*, actor, name: str, rate_limit_per_minute: int = 60) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw key, which is never stored and cannot be shown again."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput(_("Give the key a name of at most 120 characters."))
    if rate_limit_per_minute < 1:
        raise InvalidInput(_("The rate limit must be at least one request per minute."))
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=name,
        prefix=raw[: len(KEY_PREFIX) + 4],
        key_hash=hash_key(raw),
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=actor,
    )
    append_event(
        stream=_stream(key),
        kind="open311_key_issued",
        actor=actor,
        data={"key": key.pk, "name": name, "rate_limit_per_minute": rate_limit_per_minute},
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Revoke a key; requests made with it are refused from now on."""
    _require_admin(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    append_event(stream=_stream(key), kind="open311_key_revoked", actor=actor, data={"key": key.pk})
    return key


def api_key_use(*, raw: str) -> ApiKey:
    """Return the active key for a raw key and count one request against its per-minute limit.

    Raise PermissionDenied for a missing, unknown or revoked key and RateLimited past the limit.
    """
    raw = (raw or "").strip()
    if not raw:
        raise PermissionDenied(_("An api_key is required."))
    key = ApiKey.objects.filter(key_hash=hash_key(raw), revoked_at__isnull=True).first()
    if key is None:
        raise PermissionDenied(_("The api_key is not valid."))
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    # Count within the current window if there is room ...
    counted = ApiKey.objects.filter(
        pk=key.pk, window_start=window, window_count__lt=F("rate_limit_per_minute")
    ).update(window_count=F("window_count") + 1, last_used_at=now)
    if not counted:
        # ... or open a new window if the stored one is over.
        counted = (
            ApiKey.objects.filter(pk=key.pk)
            .filter(Q(window_start__isnull=True) | Q(window_start__lt=window))
            .update(window_start=window, window_count=1, last_used_at=now)
        )
    if not counted:
        raise RateLimited(
            _("Too many requests with this api_key (%(n)d a minute); wait a minute.")
            % {"n": key.rate_limit_per_minute}
        )
    return key


# --- intake --------------------------------------------------------------------------------


@dataclass
class Location:
    place: Place
    lat: float | None = None
    lng: float | None = None
    address: str = ""
    address_id: str = ""
    zipcode: str = ""


@dataclass
class RequestInput:
    """A parsed POST requests body (everything is still unvalidated text)."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_urls: list[str] = field(default_factory=list)
    attributes: dict[str, list[str]] = field(default_factory=dict)
    idempotency_key: str = ""


@dataclass
class Created:
    case: Case
    token: str | None
    service_notice: str
    account_id: str


def _invalid(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: message})


def _parse_float(value: str, field_name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise _invalid(_("%(field)s must be a number.") % {"field": field_name}, field_name)
    return number


def _locate(data: RequestInput, root: Place) -> Location:
    """Find the place of a request from lat/long, address_id or address_string."""

    address = " ".join(data.address_string.split())[:300]
    if data.lat or data.long:
        if not (data.lat and data.long):
            raise _invalid(_("Send both lat and long."), "lat")
        lat, lng = _parse_float(data.lat, "lat"), _parse_float(data.long, "long")
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise _invalid(_("lat or long is out of range."), "lat")
        place = place_locate(lng=lng, lat=lat, within=root)
        if place is None:
            raise _invalid(_("The location is outside the service area."), "lat")
        return Location(place=place, lat=lat, lng=lng, address=address)
    if data.address_id:
        row = (
            Address.objects.select_related("place")
            .filter(address_id=data.address_id.strip(), place__path__startswith=root.path)
            .first()
        )
        if row is None:
            raise _invalid(_("Unknown address_id."), "address_id")
        return Location(
            place=row.place,
            lat=row.lat,
            lng=row.lng,
            address=address or row.text,
            address_id=row.address_id,
            zipcode=row.zipcode,
        )
    if address:
        found = locate_address_string(address, root=root)
        if found is None:
            raise _invalid(_("The address could not be found in the service area."), "address")
        if isinstance(found, Address):
            return Location(
                place=found.place,
                lat=found.lat,
                lng=found.lng,
                address=address,
                address_id=found.address_id,
                zipcode=found.zipcode,
            )
        return Location(place=found, address=address)
    raise _invalid(_("Send a location: lat and long, address_string or address_id."), "lat")


def _check_attributes(
    attributes: list[ServiceAttribute], sent: dict[str, list[str]]
) -> dict[str, object]:
    """Validate answers against the service definition and return them keyed by code.

    Codes the definition does not know are dropped: clients such as FixMyStreet send extra
    attributes of their own (and they could carry personal data).
    """
    answers: dict[str, object] = {}
    for attribute in attributes:
        if not attribute.variable:
            continue
        values = [v.strip() for v in sent.get(attribute.code, []) if v.strip()]
        label = f"attribute[{attribute.code}]"
        if not values:
            if attribute.required:
                raise _invalid(_("%(field)s is required.") % {"field": label}, label)
            continue
        if attribute.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
            raise _invalid(_("%(field)s takes one value.") % {"field": label}, label)
        value = values[0]
        if attribute.datatype == Datatype.NUMBER:
            answers[attribute.code] = _parse_float(value, label)
        elif attribute.datatype == Datatype.DATETIME:
            parsed = parse_w3c_datetime(value)
            if parsed is None:
                msg = _("%(field)s must be a W3C date and time with a zone.") % {"field": label}
                raise _invalid(msg, label)
            answers[attribute.code] = parsed.isoformat()
        elif attribute.datatype in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST):
            allowed = {v.key for v in attribute.values.all()}
            unknown = [v for v in values if v not in allowed]
            if unknown:
                msg = _("%(field)s has a value that is not in the list: %(value)s") % {
                    "field": label,
                    "value": unknown[0][:64],
                }
                raise _invalid(msg, label)
            answers[attribute.code] = (
                values if attribute.datatype == Datatype.MULTIVALUELIST else value
            )
        else:
            limit = (
                DESCRIPTION_MAX_CHARS if attribute.datatype == Datatype.TEXT else STRING_MAX_CHARS
            )
            if len(value) > limit:
                msg = _("%(field)s is longer than %(n)d characters.") % {"field": label, "n": limit}
                raise _invalid(msg, label)
            answers[attribute.code] = value
    return answers


def _answers_for_staff(
    attributes: list[ServiceAttribute], answers: dict[str, object], language: str
) -> str:
    """Return the answers as "question: answer" lines, list keys shown by their names."""
    lines = []
    for attribute in attributes:
        if attribute.code not in answers:
            continue
        value = answers[attribute.code]
        names = {v.key: v.localized_name(language) for v in attribute.values.all()}
        shown = (
            "、".join(names.get(v, v) for v in value)
            if isinstance(value, list)
            else names.get(str(value), str(value))
        )
        lines.append(f"{attribute.localized_description(language)}: {shown}")
    return "\n".join(lines)


def _clean_media_urls(urls: list[str]) -> list[str]:
    cleaned = []
    for url in urls:
        url = url.strip()
        if not url:
            continue
        if len(url) > MEDIA_URL_MAX_CHARS or not re.match(r"^https?://[^\s<>\"]+$", url):
            raise _invalid(_("media_url must be an http or https URL."), "media_url")
        cleaned.append(url)
    if len(cleaned) > MAX_MEDIA_URLS:
        raise _invalid(
            _("Send at most %(n)d media_url values.") % {"n": MAX_MEDIA_URLS}, "media_url"
        )
    return cleaned


def _service_notice(case: Case, language: str) -> str:
    clock = (
        case.clocks.filter(state__in=["running", "paused"], resident_visible=True)
        .order_by("due_on")
        .first()
    )
    with override(language):
        if clock is None:
            return _("Received by %(unit)s.") % {"unit": case.owner_unit.localized_name()}
        return _("Received by %(unit)s; a written answer is due by %(date)s.") % {
            "unit": case.owner_unit.localized_name(),
            "date": clock.due_on.isoformat(),
        }


def service_request_create(
    *, key: ApiKey, root: Place, data: RequestInput, language: str
) -> Created:
    """File a case from an Open311 POST through the normal intake action.

    Triage hooks, routing and clocks all run as for any other intake channel. The resident's
    contact details become a party of the case (masked for staff, never published).
    """
    code = data.service_code.strip()
    if not code:
        raise _invalid(_("service_code is required."), "service_code")
    category: Category | None = public_service(code)
    if category is None:
        from concord.core.errors import NotFound

        raise NotFound(_("Unknown service_code %(code)s.") % {"code": code[:32]})
    description = data.description.strip()
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise _invalid(
            _("description is longer than %(n)d characters.") % {"n": DESCRIPTION_MAX_CHARS},
            "description",
        )
    for name in ("email", "first_name", "last_name", "phone", "device_id", "account_id"):
        if len(getattr(data, name)) > 254:
            raise _invalid(_("%(field)s is too long.") % {"field": name}, name)
    location = _locate(data, root)
    attributes = service_attributes(code)
    answers = _check_attributes(attributes, data.attributes)
    media_urls = _clean_media_urls(data.media_urls)
    profile = service_profile(code)
    language = language_of(language)

    service_name = category.localized_name(language)
    title_sent = " ".join((data.attributes.get("title") or [""])[0].split())
    title = (title_sent or service_name)[:200]
    staff_description = "\n\n".join(
        part
        for part in (
            description or service_name,
            _answers_for_staff(attributes, answers, language),
            "\n".join(media_urls),
        )
        if part
    )
    name = " ".join(p for p in (data.first_name.strip(), data.last_name.strip()) if p)
    contact = {"email": data.email.strip(), "phone": data.phone.strip()}
    parties = []
    if name or contact["email"] or contact["phone"]:
        parties.append({"role": PartyRole.COMPLAINANT, "name": name, **contact})
    with transaction.atomic():
        submission = case_actions.case_submit(
            actor=None,
            kind=category.default_kind,
            title=title,
            description=staff_description,
            place=location.place,
            category=category,
            lat=location.lat,
            lng=location.lng,
            address=location.address,
            language=language,
            intake_channel=IntakeChannel.OPEN311,
            parties=parties,
            contact_consent=bool(contact["email"] or contact["phone"]),
            is_anonymous=not parties,
            idempotency_key=data.idempotency_key[:128] or None,
            idempotency_scope=f"open311:{key.pk}",
        )
        case = submission.case
        if submission.created:
            ServiceRequest.objects.create(
                case=case,
                api_key=key,
                description=description,
                attributes=answers,
                media_urls=media_urls,
                address_id=location.address_id,
                zipcode=location.zipcode,
            )
        token = None
        if profile is not None and profile.request_type == RequestType.BATCH:
            row = ServiceRequestToken.objects.create(
                token=secrets.token_hex(12), api_key=key, case=case
            )
            token = row.token
    case = Case.objects.select_related("owner_unit").get(pk=case.pk)
    return Created(
        case=case,
        token=token,
        service_notice=_service_notice(case, language),
        account_id=data.account_id.strip(),
    )


# --- updates -------------------------------------------------------------------------------


def service_request_update_post(
    *, key: ApiKey, case: Case, description: str, media_url: str = ""
) -> Event:
    """Add the client's update to an open case as resident information; return its event."""
    description = description.strip()
    if not description:
        raise _invalid(_("description is required."), "description")
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise _invalid(
            _("description is longer than %(n)d characters.") % {"n": DESCRIPTION_MAX_CHARS},
            "description",
        )
    media = _clean_media_urls([media_url] if media_url else [])
    text = "\n".join([description, *media])
    with transaction.atomic():
        case_actions.case_add_information(case=case, text=text)
        event = Event.objects.filter(case=case, kind="resident_information").order_by("-seq")[0]
        PostedUpdate.objects.create(event=event, api_key=key, media_url=media[0] if media else "")
    return event
