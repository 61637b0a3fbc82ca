"""Reads for resident accounts: "My matters", the account's verification levels, the list of
home places, and the data export. Each reads only the signed-in resident's own rows."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from concord.cases import tokens
from concord.cases.models import Case
from concord.participation.models import (
    ResidentVerification,
    Suggestion,
    SuggestionSupport,
    VerificationMethod,
    Volunteer,
    Vote,
)
from concord.places.models import Place

from .actions import HOME_LEVELS
from .models import CaseClaim, Resident


def resident_of(user) -> Resident | None:
    """Return the live resident row of a signed-in resident account, or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") != "resident":
        return None
    row = Resident.objects.select_related("home_place").filter(user=user).first()
    return None if row is None or row.is_deleted else row


def my_matters(user) -> list[dict]:
    """Return the cases the resident filed while signed in and those they claimed, newest
    first, each with its tracking link (one query)."""
    if resident_of(user) is None:
        return []
    claimed = CaseClaim.objects.filter(user=user).values("case_id")
    cases = (
        Case.objects.filter(Q(submitted_by=user) | Q(pk__in=claimed))
        .select_related("place", "category", "owner_unit")
        .order_by("-created_at", "-id")
    )
    return [
        {
            "case": c,
            "filed_here": c.submitted_by_id == user.pk,
            "token": tokens.tracking_token(c.token_salt),
        }
        for c in cases
    ]


def home_places():
    """Return the villages, communities and grids a resident can call home, by path."""
    return Place.objects.filter(level__in=HOME_LEVELS).select_related("parent").order_by("path")


def verification_levels(user) -> dict:
    """Return which verification levels the resident holds (phone, census) and where."""

    rows = ResidentVerification.objects.filter(user=user).select_related("place")
    levels: dict[str, list] = {"phone": [], "census": [], "in_person": []}
    names = {
        VerificationMethod.PHONE_CODE: "phone",
        VerificationMethod.CENSUS: "census",
        VerificationMethod.IN_PERSON: "in_person",
    }
    for v in rows:
        places = levels[names[v.method]]
        if v.place not in places:
            places.append(v.place)
    return levels


def resident_export(user) -> dict:
    """Return everything the platform holds about the resident, as plain JSON data."""

    row = resident_of(user)
    if row is None:
        return {}
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "display_name": user.display_name,
            "phone": user.phone,
            "email": user.email,
            "language": user.language,
            "home_place": row.home_place.code if row.home_place else None,
            "created_at": row.created_at.isoformat(),
        },
        "verifications": [
            {"method": v.method, "place": v.place.code, "at": v.verified_at.isoformat()}
            for v in ResidentVerification.objects.filter(user=user).select_related("place")
        ],
        "matters": [
            {
                "receipt_code": m["case"].receipt_code,
                "title": m["case"].title,
                "description": m["case"].description,
                "status": m["case"].status,
                "filed_while_signed_in": m["filed_here"],
                "created_at": m["case"].created_at.isoformat(),
            }
            for m in my_matters(user)
        ],
        "suggestions": [
            {"title": s.title, "body": s.body, "created_at": s.created_at.isoformat()}
            for s in Suggestion.objects.filter(author=user)
        ],
        "supported_suggestions": list(
            SuggestionSupport.objects.filter(user=user).values_list("suggestion_id", flat=True)
        ),
        # Which polls, not how: the ballot is secret even in the voter's own export.
        "voted_in_polls": list(Vote.objects.filter(user=user).values_list("poll_id", flat=True)),
        "volunteer_teams": [
            {"team": v.team.name, "status": v.status, "skills": v.skills}
            for v in Volunteer.objects.filter(user=user).select_related("team")
        ],
    }
