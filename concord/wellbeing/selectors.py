"""Reads of the crisis protocol: the counsellor's queue, sealed reads, counts, the hotline panel.

The only way to a referral's contents is `referral_for_counsellor`, which admits counsellors of
the responsible team alone and appends a "sealed_read" event with the reader and their reason
before returning anything. Everyone else gets counts, with small counts suppressed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.models import Unit, UnitKind
from concord.accounts.roles import Cap
from concord.core import conf
from concord.core.errors import InvalidInput, NotFound
from concord.core.ledger import append_event
from concord.core.models import Event
from concord.notifications.selectors import failed_deliveries_for
from concord.places.models import Place
from concord.places.selectors import place_ancestors

from . import protocol
from .actions import is_team_counsellor, may_review_phrases, referral_stream
from .models import (
    ActivityKind,
    CommunityActivity,
    DutyShift,
    ExamplePhrase,
    ExportRequest,
    FollowUp,
    PartnerService,
    PhraseState,
    Referral,
    ReferralState,
    SignalMark,
    SignalMarkKind,
)

MAX_WHY = 300


def _counsellor_q(user, prefix: str = "") -> Q:
    """Return a filter for referrals of the teams (and places) where the user counsels.

    `prefix` reaches the referral from a related row ("referral__" for its follow-ups).
    """
    q = Q(pk__in=[])
    for g in perms.grants(user):
        if Cap.WELLBEING in g.caps:
            q |= Q(
                **{f"{prefix}team_id": g.unit_id, f"{prefix}place_path__startswith": g.place_path}
            )
    return q


def _risk_rank():
    return When_(
        *[When(risk=r, then=Value(i)) for i, r in enumerate(protocol.RISK_ORDER)],
        output_field=IntegerField(),
    )


def referral_queue(user, *, include_closed: bool = False) -> QuerySet[Referral]:
    """Return the counsellor's queue: imminent first, then the nearest clock.

    Only the fields a queue row shows are loaded; contents stay behind the logged read.
    """
    qs = Referral.objects.filter(_counsellor_q(user))
    if not include_closed:
        qs = qs.filter(state=ReferralState.OPEN)
    return (
        qs.annotate(risk_rank=_risk_rank())
        .select_related("place", "team", "counsellor")
        .only(
            "id",
            "risk",
            "risk_assessed",
            "state",
            "source",
            "opened_at",
            "contact_due_at",
            "contacted_at",
            "next_due_at",
            "place__code",
            "place__name_zh",
            "place__name_en",
            "team__code",
            "team__name_zh",
            "team__name_en",
            "counsellor__username",
            "counsellor__display_name",
        )
        .order_by("risk_rank", F("next_due_at").asc(nulls_last=True), "opened_at", "id")
    )


def may_counsel(user) -> bool:
    """Return whether the user is a counsellor anywhere (sees the queue)."""
    return bool(perms.unit_ids_with(user, Cap.WELLBEING))


def team_notices_failed(user) -> list:
    """Return the sealed notices of the user's teams that could not be delivered (the team
    answers for them: nobody else sees them)."""

    if not may_counsel(user):
        return []
    return list(
        failed_deliveries_for(user).filter(notification__sealed=True).order_by("-created_at")[:50]
    )


def referral_for_counsellor(user, referral_id: int, *, why: str) -> Referral:
    """Return a referral with its contents, for a counsellor of its team, and log the read.

    Raise NotFound for everyone else (supervisors, analysts and administrators included), so
    they cannot even learn that it exists; raise InvalidInput when no reason is given.
    """
    why = (why or "").strip()
    if not why:
        msg = _("Say why you are opening this sealed record.")
        raise InvalidInput(msg, fields={"why": msg})
    if len(why) > MAX_WHY:
        msg = _("At most %(n)d characters.") % {"n": MAX_WHY}
        raise InvalidInput(msg, fields={"why": msg})
    with transaction.atomic():
        # The row lock orders concurrent reads on the referral's audit stream.
        referral = (
            Referral.objects.select_for_update().filter(_counsellor_q(user), pk=referral_id).first()
        )
        if referral is None:
            raise NotFound()
        append_event(
            stream=referral_stream(referral.pk),
            kind="sealed_read",
            actor=user,
            data={"why": why},
        )
    return (
        Referral.objects.select_related(
            "place", "team", "counsellor", "opened_by", "closed_by", "case", "safety_plan"
        )
        .prefetch_related(
            "assessments__assessed_by",
            "contacts__by",
            "follow_ups__done_by",
            "handovers__partner",
            "handovers__by",
        )
        .get(pk=referral.pk)
    )


def get_referral_for_user(user, referral_id: int) -> Referral:
    """Return a referral's handle (id, team, place; no contents) for a counsellor of its team.

    This is what a counsellor's write starts from; reading the contents goes through the logged
    `referral_for_counsellor`. Everyone else gets NotFound: they must not learn it exists.
    """
    referral = (
        Referral.objects.filter(_counsellor_q(user), pk=referral_id)
        .only("id", "team_id", "place_path")
        .first()
    )
    if referral is None:
        raise NotFound()
    return referral


def get_follow_up_for_user(user, referral: Referral, follow_up_id) -> FollowUp:
    """Return one follow-up of a referral the user counsels on, or raise NotFound."""
    follow_up = (
        FollowUp.objects.filter(_counsellor_q(user, "referral__"))
        .filter(pk=follow_up_id, referral=referral)
        .first()
    )
    if follow_up is None:
        raise NotFound()
    return follow_up


def partner_active(partner_id) -> PartnerService | None:
    """Return an active partner service by id (the directory is shared), or None."""
    return PartnerService.objects.filter(pk=partner_id, is_active=True).first()


def referral_reads(referral_id: int) -> QuerySet[Event]:
    """Return the audit trail of reads of one referral (for the counsellors' own review)."""
    return Event.objects.filter(stream=referral_stream(referral_id), kind="sealed_read").order_by(
        "seq"
    )


# --- counts: the only outward interface ----------------------------------------------------


def _period_bounds(period: tuple[date, date]) -> tuple[datetime, datetime]:
    start, end = period
    if end < start:
        raise InvalidInput(_("The end date is before the start date."))
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


def referral_counts(place: Place, period: tuple[date, date]) -> dict:
    """Return referral counts for a place and its subtree over [start, end], suppressed.

    Cells of 1 to threshold-1 become None (with secondary suppression so the total cannot give
    them back). This is the only thing analytics and public faces may learn about referrals.
    """
    start, end = _period_bounds(period)
    threshold = conf.wellbeing().suppress_below
    rows = dict(
        Referral.objects.filter(
            place_path__startswith=place.path, opened_at__gte=start, opened_at__lt=end
        )
        .values_list("risk")
        .annotate(n=Count("id"))
        .values_list("risk", "n")
    )
    raw = [int(rows.get(r, 0)) for r in protocol.RISK_ORDER]
    shown = protocol.suppress_counts(raw, threshold=threshold)
    return {
        "place": place.code,
        "from": period[0].isoformat(),
        "to": period[1].isoformat(),
        "total": protocol.suppress_total(sum(raw), threshold=threshold),
        "by_risk": dict(zip(protocol.RISK_ORDER, shown, strict=True)),
        "suppressed_below": threshold,
    }


def activity_counts(place: Place, period: tuple[date, date]) -> dict:
    """Return group sessions and education events held in the period, with participants."""
    start, end = _period_bounds(period)
    rows = (
        CommunityActivity.objects.filter(
            place__path__startswith=place.path, starts_at__gte=start, starts_at__lt=end
        )
        .values("kind")
        .annotate(events=Count("id"), participants=Sum("participants"))
    )
    out = {kind: {"events": 0, "participants": 0} for kind in ActivityKind.values}
    for row in rows:
        out[row["kind"]] = {"events": row["events"], "participants": row["participants"] or 0}
    return out


# --- the counselling network ---------------------------------------------------------------


def teams_of(user) -> QuerySet[Unit]:
    """Return the counselling teams the user counsels in."""
    return Unit.objects.filter(
        pk__in=perms.unit_ids_with(user, Cap.WELLBEING), kind=UnitKind.COUNSELLING_TEAM
    ).order_by("code")


def may_see_network(user) -> bool:
    """Counsellors and supervisors see duty rosters, partners and activities (no contents)."""
    return may_counsel(user) or bool(perms.place_paths_with(user, Cap.CASE_SUPERVISE))


def network_teams(user) -> QuerySet[Unit]:
    """Return the counselling teams the user may see in the network view."""
    if not may_see_network(user):
        return Unit.objects.none()
    q = Q(pk__in=perms.unit_ids_with(user, Cap.WELLBEING))
    for path in perms.place_paths_with(user, Cap.CASE_SUPERVISE):
        q |= Q(place__path__startswith=path)
    return Unit.objects.filter(q, kind=UnitKind.COUNSELLING_TEAM).select_related("place")


def get_team(user, code: str) -> Unit:
    team = network_teams(user).filter(code=code).first()
    if team is None:
        raise NotFound()
    return team


def duty_roster(team: Unit, *, days: int = 7) -> QuerySet[DutyShift]:
    now = timezone.now()
    return (
        DutyShift.objects.filter(
            team=team, ends_at__gt=now, starts_at__lt=now + timedelta(days=days)
        )
        .select_related("counsellor")
        .order_by("starts_at")
    )


def partners_for(team: Unit) -> QuerySet[PartnerService]:
    paths = team.place.ancestors_paths()
    return PartnerService.objects.filter(
        Q(place__path__startswith=team.place.path) | Q(place__path__in=paths), is_active=True
    ).select_related("place")


def activities_for(team: Unit) -> QuerySet[CommunityActivity]:
    return (
        CommunityActivity.objects.filter(team=team).select_related("place").order_by("-starts_at")
    )


def exports_for(user) -> QuerySet[ExportRequest]:
    return (
        ExportRequest.objects.filter(team_id__in=perms.unit_ids_with(user, Cap.WELLBEING))
        .select_related("team", "requested_by", "decided_by")
        .order_by("-requested_at")
    )


def get_export(user, export_id: int) -> ExportRequest:
    export = exports_for(user).filter(pk=export_id).first()
    if export is None:
        raise NotFound()
    return export


# --- the residents' hotline panel ----------------------------------------------------------

NATIONAL_HOTLINE = "12356"


def hotline_context(place: Place | None, level: str | None = None) -> dict:
    """Return what the residents' hotline panel shows, in the active language.

    The national psychological-aid hotline 12356, 110/120 for emergencies, and the local
    services configured on the nearest place at or above the resident's place. At the imminent
    level 110/120 come first, at once (W7); at the ideation level the panel opens with a
    gentle offer of help.
    """
    local_text, local_place = "", None
    if place is not None:
        for p in reversed(place_ancestors(place)):
            if p.crisis_services.strip():
                local_text, local_place = p.crisis_services.strip(), p
                break
    leads = {
        "imminent": _("If you are in danger right now, call 110 or 120 now and stay with someone."),
        "ideation": _(
            "It sounds like things are very hard at the moment. Talking to someone can help: "
            "the line below is free, and a counsellor can also contact you."
        ),
    }
    return {
        "level": level or "",
        "emergency_first": level == "imminent",
        "lead": leads.get(level or "", ""),
        "heading": _("You are not alone. Help is available now."),
        "national": {
            "number": NATIONAL_HOTLINE,
            "label": _("National psychological aid hotline"),
            "note": _("Free and confidential; trained counsellors listen."),
        },
        "emergency": [
            {"number": "110", "label": _("Police")},
            {"number": "120", "label": _("Ambulance")},
        ],
        "emergency_note": _(
            "If you or someone near you is in danger right now, call 110 or 120 and stay together."
        ),
        "local_label": _("Local services"),
        "local_place": local_place.localized_name() if local_place else "",
        "local_services": [line.strip() for line in local_text.splitlines() if line.strip()],
    }


def signal_marks_by_month(team, *, months: int = 12) -> list[dict]:
    """Return, per month (newest first), how many referrals of the team were marked missed or
    false crisis signals, for the team lead's review of the detector."""

    rows = (
        SignalMark.objects.filter(referral__team=team)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(
            missed=Count("id", filter=Q(kind=SignalMarkKind.MISSED)),
            false_alarm=Count("id", filter=Q(kind=SignalMarkKind.FALSE_ALARM)),
        )
        .order_by("-month")
    )
    return list(rows[:months])


def example_phrases(user, team) -> dict:
    """Return the example phrases of a team that the user may see: a counsellor sees their own
    proposals; the lead sees those waiting for review and the reviewed ones."""

    if not is_team_counsellor(user, team_id=team.pk):
        return {"mine": [], "waiting": [], "reviewed": [], "may_review": False}
    qs = ExamplePhrase.objects.filter(team=team).select_related("proposed_by", "reviewed_by")
    lead = may_review_phrases(user, team)
    return {
        "mine": list(qs.filter(proposed_by=user)[:50]),
        "waiting": list(qs.filter(state=PhraseState.PROPOSED)[:100]) if lead else [],
        "reviewed": list(qs.exclude(state=PhraseState.PROPOSED)[:50]) if lead else [],
        "may_review": lead,
    }
