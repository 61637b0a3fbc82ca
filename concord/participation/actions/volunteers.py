"""Volunteer teams and hours, social organisations, their contracts and linked cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit, UnitKind
from concord.accounts.roles import Cap
from concord.cases.models import Case
from concord.core.errors import Conflict, InvalidInput, PermissionDenied
from concord.core.ledger import stream_for_case
from concord.places.models import Place

from ..models import (
    HoursEntry,
    OrganisationCase,
    ServiceContract,
    SocialOrganisation,
    TeamKind,
    Volunteer,
    VolunteerAssignment,
    VolunteerStatus,
    VolunteerTeam,
)
from .common import MEDIATION_CHANNELS, _record, _require_cap, _require_login, _text

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
    """Join a team; a team with a leader takes an application that the leader decides."""
    _require_login(actor)
    if not team.is_open:
        raise Conflict(_("This team is not taking sign-ups."))
    applying = team.leader_id is not None
    try:
        with transaction.atomic():
            v = Volunteer.objects.create(
                team=team,
                user=actor,
                skills=[s.strip() for s in skills if s.strip()][:20],
                availability=availability[:200],
                joined_at=timezone.now(),
                status=VolunteerStatus.APPLIED if applying else VolunteerStatus.ACCEPTED,
                is_active=not applying,
            )
            _record(
                f"team:{team.pk}", "volunteer_applied" if applying else "volunteer_joined", actor
            )
    except IntegrityError:
        raise Conflict(_("You have already applied to or joined this team.")) from None
    return v


def may_lead_team(user, team: VolunteerTeam) -> bool:
    """Whether the user decides the team's applications: its leader, or staff who handle cases
    in the team's place."""
    if not getattr(user, "is_authenticated", False):
        return False
    return team.leader_id == user.pk or perms.can(user, Cap.CASE_HANDLE, place_path=team.place.path)


def volunteer_team_set_leader(*, actor, team: VolunteerTeam, leader) -> VolunteerTeam:
    """Name (or clear) the team's leader; staff who handle cases in the team's place do."""
    _require_cap(actor, Cap.CASE_HANDLE, team.place.path)
    with transaction.atomic():
        VolunteerTeam.objects.filter(pk=team.pk).update(leader=leader)
        team.leader = leader
        _record(f"team:{team.pk}", "team_leader_set", actor, leader=leader.pk if leader else None)
    return team


def volunteer_decide(*, actor, volunteer: Volunteer, accept: bool) -> Volunteer:
    """Accept or decline an application to a team (its leader or the place's staff)."""
    if not may_lead_team(actor, volunteer.team):
        raise PermissionDenied()
    with transaction.atomic():
        v = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if v.status != VolunteerStatus.APPLIED:
            raise Conflict(_("This application has already been decided."))
        v.status = VolunteerStatus.ACCEPTED if accept else VolunteerStatus.DECLINED
        v.is_active = accept
        v.save(update_fields=["status", "is_active"])
        _record(
            f"team:{v.team_id}",
            "volunteer_accepted" if accept else "volunteer_declined",
            actor,
            volunteer=v.pk,
        )
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
