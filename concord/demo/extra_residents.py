"""Demo resident account: the `resident` login (password concord-demo) of the first demo village,
phone-verified, with a matter filed while signed in and one claimed by its receipt, suggestions
with support, an open poll to vote in and the volunteer team she leads, with
applications waiting for her. She and three neighbours follow the village (she also follows a
suggestion), and the rainstorm warning in force has reached them (inbox; text messages queued).

Deterministic for a seed: no random draws, fixed names, phone numbers and dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from concord.accounts.models import Membership, User
from concord.accounts.roles import Role
from concord.cases import tokens
from concord.cases.actions import case_submit
from concord.cases.models import Case, Category, PartyRole
from concord.notifications import follows
from concord.notifications.models import Follow
from concord.participation import actions as participation
from concord.participation.models import Suggestion, VolunteerTeam
from concord.places.models import Level, Place
from concord.residents import actions
from concord.safety import actions as safety
from concord.safety.selectors import warnings_in_force

from .generator import DEMO_PASSWORD

PHONE = "13912340000"


def _first_member(role: str, place: Place) -> User | None:
    m = (
        Membership.objects.filter(
            role=role, is_active=True, place__path__in=place.ancestors_paths()
        )
        .select_related("user")
        .order_by("-place__path", "pk")
        .first()
    )
    return m.user if m else None


def populate(*, seed: int, today: date) -> dict:
    """Create the `resident` demo login and what it shows; return what was made."""
    village = Place.objects.filter(level=Level.VILLAGE).order_by("path").first()
    if village is None or User.objects.filter(username="resident").exists():
        return {}
    grid = Place.objects.filter(parent=village, level=Level.GRID).order_by("path").first()
    home = grid or village
    phone = f"139{seed % 100:02d}{PHONE[5:]}"
    user = actions.resident_sign_up(
        proof=actions.phone_proof(phone),
        display_name="王芳",
        home_place=home,
        language="zh-hans",
        email="",
    )
    User.objects.filter(pk=user.pk).update(
        username="resident", password=make_password(DEMO_PASSWORD)
    )
    user.refresh_from_db()
    made = {"login": "resident", "home": home.code, "matters": 0, "suggestions": 0}
    # A matter filed while signed in, and an earlier one claimed with its receipt and token.
    category = Category.objects.filter(code="DP.02").first()
    case_submit(
        actor=user,
        kind="dispute",
        title="楼上夜间装修噪音",
        description="楼上邻居连续两周晚上十点后装修，沟通无果，希望村里协调。",
        place=home,
        category=category,
        parties=[{"role": PartyRole.COMPLAINANT, "name": "王芳", "phone": phone}],
        contact_consent=True,
    )
    made["matters"] += 1
    earlier = (
        Case.objects.filter(place_path__startswith=village.path, submitted_by__isnull=True)
        .exclude(receipt_code__isnull=True)
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        actions.case_claim(
            actor=user, code=earlier.receipt_code, token=tokens.tracking_token(earlier.token_salt)
        )
        made["matters"] += 1
    # Her own suggestion, supported by two of the village's demo residents; and her support for
    # the village's existing one.
    own = participation.suggestion_submit(
        actor=user, place=village, title="村卫生室延长开放时间", body="希望卫生室周末上午也开门。"
    )
    neighbours = User.objects.filter(
        username__startswith=f"demo-resident-{village.code.lower()}-"
    ).order_by("username")
    for neighbour in list(neighbours)[1:3]:
        participation.suggestion_support(actor=neighbour, suggestion=own)
    made["suggestions"] += 1
    existing = (
        Suggestion.objects.filter(place_path__startswith=village.path, status="open")
        .exclude(pk=own.pk)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        participation.suggestion_support(actor=user, suggestion=existing)
    # She follows her home grid since she signed up; she follows her whole village too (its
    # warnings, policy notices and consultations, also those of its other grids) and the
    # suggestion she supports, so she hears of its written response; three neighbours follow
    # the village too.
    follows.follow(actor=user, target="place", place=village)
    followed = existing if existing is not None and existing.moderation == "published" else own
    follows.follow(actor=user, target="suggestion", object_id=followed.pk)
    for neighbour in list(neighbours)[:3]:
        follows.follow(actor=neighbour, target="place", place=village)
    made["follows"] = Follow.objects.filter(user__in=[user, *list(neighbours)[:3]]).count()
    # The warnings in force reach the followers now, through the warning's own delivery
    # (idempotent: the delivery queued when it was issued then tells only the rest). Their text
    # messages wait in the queue for the worker (the SMS outbox); the inbox has them at once.
    made["warning_reached"] = sum(
        safety.warning_deliver(warning_id=w.pk) for w in warnings_in_force().order_by("pk")
    )
    # An open poll of the village she can vote in (phone verification suffices).
    caseworker = _first_member(Role.CASEWORKER, village)
    if caseworker is not None:
        tz = timezone.get_current_timezone()
        opens = datetime.combine(today - timedelta(days=1), time(8), tzinfo=tz)
        participation.poll_create(
            actor=caseworker,
            place=village,
            question="村里的广场舞时间定在几点结束？",
            options=["晚上八点半", "晚上九点", "晚上九点半"],
            opens_at=opens,
            closes_at=opens + timedelta(days=10),
        )
        made["open_poll"] = 1
    # She leads the village's volunteer team: two neighbours' applications wait for her.
    team = VolunteerTeam.objects.filter(place=village).order_by("pk").first()
    if team is not None and caseworker is not None:
        participation.volunteer_team_set_leader(actor=caseworker, team=team, leader=user)
        for neighbour, skill in zip(list(neighbours)[3:5], ["老人探访", "邻里调解"], strict=False):
            participation.volunteer_sign_up(
                actor=neighbour, team=team, skills=[skill], availability="周末下午"
            )
            made["volunteer_applications"] = made.get("volunteer_applications", 0) + 1
    return made
