"""Every write of public participation: verification, suggestions, polls, volunteers,
social organisations, conventions and open-data snapshots."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Cap
from concord.cases.audit import append_event, stream_for_case
from concord.cases.models import Case, Channel
from concord.core.calendars import platform_calendar
from concord.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from concord.places.models import Place

from . import moderation
from .models import (
    CensusEntry,
    Convention,
    ConventionVersion,
    HoursEntry,
    Moderation,
    OpenDataSnapshot,
    OrganisationCase,
    PhoneCode,
    Poll,
    PollMode,
    PollOption,
    ResidentVerification,
    ServiceContract,
    SocialOrganisation,
    Suggestion,
    SuggestionStatus,
    SuggestionSupport,
    TeamKind,
    VerificationMethod,
    Volunteer,
    VolunteerAssignment,
    VolunteerTeam,
    Vote,
    VoteSource,
)

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


def policy() -> dict:
    """Return the participation settings with their defaults (read at call time)."""
    conf = getattr(settings, "CONCORD", {})
    return {
        "support_threshold": int(conf.get("SUGGESTION_SUPPORT_THRESHOLD", 20)),
        "response_working_days": int(conf.get("SUGGESTION_RESPONSE_WORKING_DAYS", 15)),
        "similar_threshold": float(conf.get("SUGGESTION_SIMILAR_THRESHOLD", 0.5)),
        "licence": str(conf.get("OPEN_DATA_LICENCE", "CC BY 4.0")),
        "min_cell": int(conf.get("PUBLIC_MIN_CELL", 5)),
    }


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
            from concord.notifications.gateways import sms_gateway

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


# --- suggestions -------------------------------------------------------------------------------


def responsible_unit(place: Place) -> Unit:
    """Return the nearest governance centre at or above a place."""
    units = Unit.objects.filter(
        kind=UnitKind.GOVERNANCE_CENTRE, is_active=True, place__path__in=place.ancestors_paths()
    ).select_related("place")
    best = max(units, key=lambda u: len(u.place.path), default=None)
    if best is None:
        raise InvalidInput(fields={"place": _("No unit can answer suggestions for this place.")})
    return best


def _link_similar(suggestion: Suggestion) -> list[int]:
    from concord.triage.algorithms.similarity import similarity

    county = "/" + suggestion.place_path.strip("/").split("/")[0] + "/"
    text = f"{suggestion.title}\n{suggestion.body}"
    candidates = (
        Suggestion.objects.filter(place_path__startswith=county, moderation=Moderation.PUBLISHED)
        .exclude(pk=suggestion.pk)
        .order_by("-created_at")
        .values_list("pk", "title", "body")[:300]
    )
    limit = policy()["similar_threshold"]
    linked = [pk for pk, t, b in candidates if similarity(text, f"{t}\n{b}") >= limit]
    if linked:
        suggestion.similar.add(*linked)
    return linked


def suggestion_submit(*, actor, place: Place, title: str, body: str) -> Suggestion:
    """Propose a suggestion; spam, abuse and personal data are held with the reason shown."""
    _require_login(actor)
    title = _text(title, "title", 200)
    body = _text(body, "body", 5000)
    reasons = moderation.screen(f"{title}\n{body}")
    with transaction.atomic():
        s = Suggestion.objects.create(
            place=place,
            place_path=place.path,
            title=title,
            body=body,
            author=actor,
            unit=responsible_unit(place),
            threshold=policy()["support_threshold"],
            moderation=Moderation.HELD if reasons else Moderation.PUBLISHED,
            moderation_reason=" ".join(str(MODERATION_REASONS[r]) for r in reasons),
        )
        _record(
            f"suggestion:{s.pk}",
            "suggestion_submitted",
            actor,
            public=True,
            place=place.code,
            held=reasons,
        )
        if not reasons:
            _link_similar(s)
    return s


def suggestion_moderate(*, actor, suggestion: Suggestion, publish: bool, reason: str) -> Suggestion:
    """Publish a held suggestion or reject it; the author sees the reason either way."""
    _require_cap(actor, Cap.CASE_HANDLE, suggestion.place_path)
    reason = _text(reason, "reason", 300)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.moderation != Moderation.HELD:
            raise Conflict(_("Only held suggestions can be moderated."))
        s.moderation = Moderation.PUBLISHED if publish else Moderation.REJECTED
        s.moderation_reason = reason
        s.save(update_fields=["moderation", "moderation_reason"])
        _record(
            f"suggestion:{s.pk}",
            "suggestion_moderated",
            actor,
            decision=s.moderation,
            reason=reason,
        )
        if publish:
            _link_similar(s)
    return s


def suggestion_support(*, actor, suggestion: Suggestion) -> Suggestion:
    """Add one verified resident's support; reaching the threshold starts the response clock."""
    county = Place.objects.get(path="/" + suggestion.place_path.strip("/").split("/")[0] + "/")
    verification = _require_verified(actor, county)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.moderation != Moderation.PUBLISHED:
            raise NotFound()
        if s.status == SuggestionStatus.RESPONDED:
            raise Conflict(_("This suggestion has already been answered."))
        try:
            with transaction.atomic():
                SuggestionSupport.objects.create(
                    suggestion=s, identity_key=verification.identity_key, user=actor
                )
        except IntegrityError:
            raise Conflict(_("You have already supported this suggestion.")) from None
        s.support_count += 1
        fields = ["support_count"]
        if s.status == SuggestionStatus.OPEN and s.support_count >= s.threshold:
            s.status = SuggestionStatus.AWAITING_RESPONSE
            s.threshold_reached_at = timezone.now()
            today = timezone.localdate()
            s.response_due = platform_calendar().add_working_days(
                today, policy()["response_working_days"]
            )
            fields += ["status", "threshold_reached_at", "response_due"]
            _record(
                f"suggestion:{s.pk}",
                "threshold_reached",
                None,
                public=True,
                supports=s.support_count,
                response_due=s.response_due.isoformat(),
            )
            transaction.on_commit(lambda: _notify_unit(s))
        s.save(update_fields=fields)
    return s


def _notify_unit(s: Suggestion) -> None:
    from concord.notifications.actions import notify

    staff = [
        m.user
        for m in Membership.objects.filter(unit=s.unit, is_active=True).select_related("user")
    ]
    notify(
        recipients=staff,
        kind="suggestion_threshold",
        subject=gettext_lazy("A suggestion needs your written response"),
        body=s.title,
        link=f"/participation/suggestions/{s.pk}/",
        dedupe_key=f"suggestion-threshold:{s.pk}",
    )


def suggestion_respond(*, actor, suggestion: Suggestion, text: str) -> Suggestion:
    """Publish the responsible unit's written response."""
    if not perms.can(actor, Cap.CASE_HANDLE, unit_id=suggestion.unit_id):
        raise PermissionDenied()
    text = _text(text, "text", 10_000)
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if s.status == SuggestionStatus.RESPONDED:
            raise Conflict(_("This suggestion has already been answered."))
        s.status = SuggestionStatus.RESPONDED
        s.response, s.responded_by, s.responded_at = text, actor, timezone.now()
        s.save(update_fields=["status", "response", "responded_by", "responded_at"])
        _record(
            f"suggestion:{s.pk}",
            "suggestion_responded",
            actor,
            public=True,
            on_time=not s.response_overdue,
        )
    return s


def suggestion_clock_tick(*, today: date | None = None) -> int:
    """Mark suggestions whose response is overdue (idempotent); return how many were marked."""
    today = today or timezone.localdate()
    late = list(
        Suggestion.objects.filter(
            status=SuggestionStatus.AWAITING_RESPONSE,
            response_due__lt=today,
            response_overdue=False,
        ).values_list("pk", flat=True)
    )
    for pk in late:
        with transaction.atomic():
            marked = Suggestion.objects.filter(pk=pk, response_overdue=False).update(
                response_overdue=True
            )
            if marked:
                _record(f"suggestion:{pk}", "response_overdue", None, public=True)
    return len(late)


# --- polls -------------------------------------------------------------------------------------


def poll_create(
    *,
    actor,
    place: Place,
    question: str,
    options: list[str],
    opens_at: datetime,
    closes_at: datetime,
    mode: str = PollMode.SINGLE,
    max_choices: int = 1,
    methods: list[str] | None = None,
    description: str = "",
) -> Poll:
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    question = _text(question, "question", 300)
    labels = [o.strip() for o in options if o and o.strip()]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise InvalidInput(fields={"options": _("Give at least two different options.")})
    if closes_at <= opens_at:
        raise InvalidInput(fields={"closes_at": _("The poll must close after it opens.")})
    if mode not in PollMode.values:
        raise InvalidInput(fields={"mode": _("Unknown mode.")})
    max_choices = 1 if mode == PollMode.SINGLE else max(1, min(max_choices, len(labels)))
    methods = list(methods or [])
    if set(methods) - set(VerificationMethod.values):
        raise InvalidInput(fields={"methods": _("Unknown verification method.")})
    with transaction.atomic():
        poll = Poll.objects.create(
            place=place,
            place_path=place.path,
            question=question,
            description=description,
            mode=mode,
            max_choices=max_choices,
            opens_at=opens_at,
            closes_at=closes_at,
            methods=methods,
            created_by=actor,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=i, label=label) for i, label in enumerate(labels, 1)
        )
        _record(f"poll:{poll.pk}", "poll_created", actor, public=True, place=place.code)
    return poll


def _choices(poll: Poll, option_ids: list[int]) -> list[PollOption]:
    ids = list(dict.fromkeys(int(i) for i in option_ids))
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if not ids or len(options) != len(ids):
        raise InvalidInput(fields={"options": _("Choose from this poll's options.")})
    if len(options) > poll.max_choices:
        raise InvalidInput(
            fields={"options": _("Choose at most %(n)d options.") % {"n": poll.max_choices}}
        )
    return options


def _insert_vote(poll: Poll, options: list[PollOption], **fields) -> Vote:
    try:
        with transaction.atomic():
            vote = Vote.objects.create(poll=poll, cast_at=timezone.now(), **fields)
            vote.options.set(options)
    except IntegrityError:
        raise Conflict(
            _(
                "A vote has already been recorded for this resident in this poll; it was not "
                "counted twice."
            )
        ) from None
    return vote


def poll_vote(*, actor, poll: Poll, option_ids: list[int]) -> Vote:
    """Cast a verified resident's vote; a second vote by the same person is refused."""
    now = timezone.now()
    if not poll.opens_at <= now < poll.closes_at:
        raise Conflict(_("This poll is not open for voting."))
    verification = _require_verified(actor, poll.place, poll.methods or None)
    options = _choices(poll, option_ids)
    with transaction.atomic():
        vote = _insert_vote(
            poll,
            options,
            identity_key=verification.identity_key,
            user=actor,
            source=VoteSource.ONLINE,
        )
        # The ballot's content stays out of the audit record: the vote is secret.
        _record(f"poll:{poll.pk}", "vote_cast", None, method=verification.method)
    return vote


def poll_enter_paper_vote(*, actor, poll: Poll, phone: str, option_ids: list[int]) -> Vote:
    """Enter a paper ballot; it counts once a second staff member confirms it."""
    _require_cap(actor, Cap.CASE_FILE, poll.place_path)
    if timezone.now() < poll.opens_at:
        raise Conflict(_("This poll has not opened yet."))
    options = _choices(poll, option_ids)
    with transaction.atomic():
        vote = _insert_vote(
            poll,
            options,
            identity_key=identity_key(phone),
            source=VoteSource.PAPER,
            entered_by=actor,
        )
        _record(f"poll:{poll.pk}", "paper_vote_entered", actor, vote=vote.pk)
    return vote


def poll_confirm_paper_vote(*, actor, vote: Vote) -> Vote:
    _require_cap(actor, Cap.CASE_FILE, vote.poll.place_path)
    with transaction.atomic():
        v = Vote.objects.select_for_update().get(pk=vote.pk)
        if v.source != VoteSource.PAPER or v.confirmed_at is not None:
            raise Conflict(_("Only unconfirmed paper ballots can be confirmed."))
        if v.entered_by_id == actor.pk:
            raise PermissionDenied(_("A second person must check a paper ballot."))
        v.confirmed_by, v.confirmed_at = actor, timezone.now()
        v.save(update_fields=["confirmed_by", "confirmed_at"])
        _record(f"poll:{v.poll_id}", "paper_vote_confirmed", actor, vote=v.pk)
    return v


# --- volunteers and social organisations -------------------------------------------------------


def volunteer_team_create(
    *, actor, unit: Unit, name: str, kind: str, place: Place, description: str = ""
) -> VolunteerTeam:
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    if kind not in TeamKind.values:
        raise InvalidInput(fields={"kind": _("Unknown team kind.")})
    with transaction.atomic():
        team = VolunteerTeam.objects.create(
            name=_text(name, "name", 160),
            kind=kind,
            place=place,
            unit=unit,
            description=description,
        )
        _record(f"team:{team.pk}", "team_created", actor, public=True, team_kind=kind)
    return team


def volunteer_sign_up(
    *, actor, team: VolunteerTeam, skills: list[str], availability: str = ""
) -> Volunteer:
    _require_login(actor)
    if not team.is_open:
        raise Conflict(_("This team is not taking sign-ups."))
    try:
        with transaction.atomic():
            v = Volunteer.objects.create(
                team=team,
                user=actor,
                skills=[s.strip() for s in skills if s.strip()][:20],
                availability=availability[:200],
                joined_at=timezone.now(),
            )
            _record(f"team:{team.pk}", "volunteer_joined", actor)
    except IntegrityError:
        raise Conflict(_("You are already in this team.")) from None
    return v


def volunteer_assign(
    *, actor, volunteer: Volunteer, case: Case | None = None, event_name: str = "", role: str = ""
) -> VolunteerAssignment:
    """Assign a volunteer to a case (the case's handler decides) or to an event."""
    if not volunteer.is_active:
        raise Conflict(_("This volunteer is not active."))
    with transaction.atomic():
        if case is not None:
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if not (
                perms.can(actor, Cap.CASE_HANDLE, unit_id=locked.owner_unit_id)
                or perms.can(actor, Cap.MEDIATE, place_path=locked.place_path)
            ):
                raise PermissionDenied()
            if not locked.is_open:
                raise Conflict(_("The case is no longer open."))
            if (
                volunteer.team.kind == TeamKind.MEDIATION
                and locked.channel not in MEDIATION_CHANNELS
            ):
                raise InvalidInput(
                    fields={"case": _("Mediation volunteers join mediation cases only.")}
                )
        else:
            _require_cap(actor, Cap.CASE_HANDLE, volunteer.team.place.path)
            event_name = _text(event_name, "event_name", 200)
        try:
            with transaction.atomic():
                a = VolunteerAssignment.objects.create(
                    volunteer=volunteer,
                    case=case,
                    event_name=event_name,
                    role=role[:120],
                    assigned_by=actor,
                    assigned_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("This volunteer is already on the case.")) from None
        if case is not None:
            _record(
                stream_for_case(case.pk),
                "volunteer_assigned",
                actor,
                case=case,
                team=volunteer.team_id,
                volunteer=volunteer.pk,
                role=role[:120],
            )
        _record(f"team:{volunteer.team_id}", "volunteer_assigned", actor, assignment=a.pk)
    return a


def volunteer_record_hours(
    *, actor, assignment: VolunteerAssignment, day: date, hours: Decimal | float
) -> HoursEntry:
    team = assignment.volunteer.team
    if not (
        perms.can(actor, Cap.CASE_HANDLE, place_path=team.place.path)
        or assignment.assigned_by_id == actor.pk
    ):
        raise PermissionDenied()
    hours = Decimal(str(hours))
    if not Decimal("0") < hours <= Decimal("24"):
        raise InvalidInput(fields={"hours": _("Hours must be more than 0 and at most 24.")})
    if day > timezone.localdate():
        raise InvalidInput(fields={"day": _("Hours cannot be recorded for a future day.")})
    with transaction.atomic():
        entry = HoursEntry.objects.create(
            assignment=assignment, day=day, hours=hours, recorded_by=actor
        )
        VolunteerAssignment.objects.filter(pk=assignment.pk).update(hours=F("hours") + hours)
        _record(
            f"team:{team.pk}",
            "hours_recorded",
            actor,
            assignment=assignment.pk,
            hours=str(hours),
            day=day.isoformat(),
        )
    return entry


def organisation_register(
    *, actor, unit: Unit, registration_number: str, services: list[str], registered_on: date
) -> SocialOrganisation:
    _require_cap(actor, Cap.CASE_SUPERVISE, unit.place.path)
    if unit.kind != UnitKind.SOCIAL_ORGANISATION:
        raise InvalidInput(fields={"unit": _("The unit must be a social organisation.")})
    with transaction.atomic():
        org = SocialOrganisation.objects.create(
            unit=unit,
            registration_number=_text(registration_number, "registration_number", 40),
            services=[s.strip() for s in services if s.strip()],
            registered_on=registered_on,
        )
        _record(f"org:{org.pk}", "organisation_registered", actor, public=True)
    return org


def organisation_contract_add(
    *,
    actor,
    organisation: SocialOrganisation,
    purchaser: Unit,
    service: str,
    starts_on: date,
    ends_on: date,
    amount_yuan: Decimal,
) -> ServiceContract:
    _require_cap(actor, Cap.CASE_SUPERVISE, purchaser.place.path)
    if ends_on < starts_on:
        raise InvalidInput(fields={"ends_on": _("The contract must end after it starts.")})
    with transaction.atomic():
        c = ServiceContract.objects.create(
            organisation=organisation,
            purchaser=purchaser,
            service=_text(service, "service", 200),
            starts_on=starts_on,
            ends_on=ends_on,
            amount_yuan=amount_yuan,
        )
        _record(f"org:{organisation.pk}", "contract_added", actor, public=True, contract=c.pk)
    return c


def organisation_link_case(
    *,
    actor,
    organisation: SocialOrganisation,
    case: Case,
    service: str,
    contract: ServiceContract | None = None,
) -> OrganisationCase:
    """Record that a social organisation handles (part of) a case."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not perms.can(actor, Cap.CASE_HANDLE, unit_id=locked.owner_unit_id):
            raise PermissionDenied()
        if contract is not None and contract.organisation_id != organisation.pk:
            raise InvalidInput(
                fields={"contract": _("The contract belongs to another organisation.")}
            )
        try:
            with transaction.atomic():
                link = OrganisationCase.objects.create(
                    organisation=organisation,
                    case=locked,
                    contract=contract,
                    service=_text(service, "service", 200),
                    linked_by=actor,
                    linked_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("The organisation is already linked to this case.")) from None
        _record(
            stream_for_case(case.pk),
            "organisation_linked",
            actor,
            case=locked,
            organisation=organisation.unit.code,
            service=link.service,
        )
    return link


# --- community conventions ---------------------------------------------------------------------


def convention_publish(
    *,
    actor,
    place: Place,
    kind: str,
    title: str,
    text: str,
    adopted_on: date,
    consultation: str,
    meeting_attendance: int = 0,
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
    poll: Poll | None = None,
    convention: Convention | None = None,
) -> ConventionVersion:
    """Publish a convention's next version together with how it was adopted."""
    _require_cap(actor, Cap.CASE_HANDLE, place.path)
    text = _text(text, "text", 50_000)
    consultation = _text(consultation, "consultation", 5000)
    if votes_for + votes_against + abstentions > meeting_attendance:
        raise InvalidInput(fields={"votes_for": _("More votes than people at the meeting.")})
    if meeting_attendance and votes_for * 2 <= meeting_attendance:
        raise InvalidInput(
            fields={"votes_for": _("A convention needs the votes of more than half those present.")}
        )
    with transaction.atomic():
        if convention is None:
            convention = Convention.objects.create(
                place=place, kind=kind, title=_text(title, "title", 200)
            )
        else:
            convention = Convention.objects.select_for_update().get(pk=convention.pk)
        number = (convention.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ConventionVersion.objects.create(
            convention=convention,
            number=number,
            text=text,
            adopted_on=adopted_on,
            consultation=consultation,
            meeting_attendance=meeting_attendance,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            poll=poll,
            published_by=actor,
            published_at=timezone.now(),
        )
        _record(
            f"convention:{convention.pk}",
            "convention_published",
            actor,
            public=True,
            version=number,
        )
    return version


# --- open data ---------------------------------------------------------------------------------


def opendata_snapshots_due(*, today: date | None = None) -> list[date]:
    """Store the snapshot of every complete month since the first case that has none yet;
    return the months stored now, the latest first.

    Run every ten minutes by the worker, so a finished month is published from its snapshot
    soon after it ends, and months from before snapshots were taken are filled in once (about
    a second and a half each at a million cases). A run with nothing to store reads the first
    case's date and the list of stored months.
    """
    from . import opendata

    last = opendata.last_complete_month(today)
    first_case = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first_case is None:
        return []
    start = timezone.localtime(first_case).date().replace(day=1)
    months = []
    month = last
    while month >= start:
        months.append(month)
        month = (month - timedelta(days=1)).replace(day=1)
    stored = set(OpenDataSnapshot.objects.filter(month__gte=start).values_list("month", flat=True))
    missing = [m for m in months if m not in stored]
    for m in missing:
        opendata_snapshot(month=m)
    return missing


def opendata_snapshot(*, month: date) -> OpenDataSnapshot:
    """Store a complete month's published tables and data dictionary (idempotent)."""
    from . import opendata

    first = month.replace(day=1)
    existing = OpenDataSnapshot.objects.filter(month=first).first()
    if existing:
        return existing
    payload = {
        "publication": opendata.build_publication(first),
        "dictionary": opendata.dictionary(),
    }
    digest = hashlib.sha256(opendata.canonical(payload).encode()).hexdigest()
    with transaction.atomic():
        snap, _created = OpenDataSnapshot.objects.get_or_create(
            month=first,
            defaults={"payload": payload, "sha256": digest, "licence": policy()["licence"]},
        )
    return snap
