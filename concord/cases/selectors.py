"""Permission-checked reads of cases."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.utils import timezone

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.core.errors import NotFound
from concord.core.models import Event

from . import tokens
from .models import Case, Category, Channel, Sensitivity

# Cases no statistics count (only the counselling team's own): sealed cases and counselling
# referrals. Exclude them with ``.exclude(UNCOUNTED_Q)``.
UNCOUNTED_Q = Q(sensitivity=Sensitivity.SEALED) | Q(channel=Channel.COUNSELLING_REFERRAL)


def cases_visible_to(user) -> QuerySet[Case]:
    """Return the cases this user may see: role ∩ place ∩ sensitivity."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    in_place = perms.place_q(user, Cap.CASE_VIEW, "place_path")
    my_units = perms.unit_ids_with(user, Cap.CASE_VIEW)
    q = in_place & (
        Q(sensitivity=Sensitivity.NORMAL)
        | (
            Q(sensitivity=Sensitivity.SENSITIVE)
            & (Q(owner_unit_id__in=my_units) | Q(assignee=user))
        )
        | (Q(sensitivity=Sensitivity.SEALED) & Q(owner_unit_id__in=my_units))
    )
    sensitive_paths = perms.place_q(user, Cap.CASE_VIEW_SENSITIVE, "place_path")
    q |= sensitive_paths & Q(sensitivity=Sensitivity.SENSITIVE)
    return Case.objects.filter(q)


def get_case_for_user(user, case_id: int) -> Case:
    """Return a case the user may see, or raise NotFound (never revealing that it exists)."""
    case = (
        cases_visible_to(user)
        .select_related("category", "place", "owner_unit", "assignee")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def get_case_by_receipt(code: str, token: str) -> Case:
    """Return the case for a receipt code and its tracking token, or raise NotFound."""
    case = (
        Case.objects.select_related("category", "place", "owner_unit")
        .filter(receipt_code=(code or "").strip().upper())
        .first()
    )
    if case is None or not tokens.token_matches(case.token_salt, token):
        raise NotFound()
    return case


@dataclass
class CaseFilters:
    status: list[str] | None = None
    place: str | None = None
    category: str | None = None
    channel: str | None = None
    level: str | None = None
    kind: str | None = None
    owner_unit: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = None


def case_list(user, filters: CaseFilters) -> QuerySet[Case]:
    qs = cases_visible_to(user).select_related("category", "place", "owner_unit")
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.place:
        from concord.places.selectors import place_get

        qs = qs.filter(place_path__startswith=place_get(code=filters.place).path)
    if filters.category and "." not in filters.category:
        # A top-level category and everything under it is exactly its denormalised root: an
        # indexed column of the case, no join with the category tree.
        qs = qs.filter(category_root=filters.category)
    elif filters.category:
        qs = qs.filter(
            Q(category__code=filters.category)
            | Q(category__code__startswith=filters.category + ".")
        )
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.owner_unit:
        qs = qs.filter(owner_unit__code=filters.owner_unit)
    # Local days as a created_at range (not created_at__date, which no index can serve).
    if filters.created_from:
        qs = qs.filter(created_at__gte=local_midnight(filters.created_from))
    if filters.created_to:
        qs = qs.filter(created_at__lt=local_midnight(filters.created_to + timedelta(days=1)))
    if filters.q and filters.q.strip():
        qs = qs.filter(text_matches(filters.q.strip()))
    return qs.order_by("-created_at", "-id")


RECEIPT_CODE = re.compile(r"C-\d{4}-\d{6,}", re.IGNORECASE | re.ASCII)


class BigramsContain(Func):
    """``concord_bigrams(title) @> concord_bigrams(term)``, served by a GIN index (PostgreSQL).

    The index and the function are made by migration cases 0012; the term's pieces are a
    constant the planner folds once per query.
    """

    output_field = BooleanField()
    template = "concord_bigrams(%(expressions)s)"
    arg_joiner = ") @> concord_bigrams("
    arity = 2


def text_matches(term: str) -> Q:
    """Return the filter for a staff search term: a receipt code, or a piece of the title."""
    # Input methods often type full-width letters and digits (Ｃ－２０２６): read them as ASCII.
    code = unicodedata.normalize("NFKC", term).replace("\u2212", "-")
    if RECEIPT_CODE.fullmatch(code):
        return Q(receipt_code=code.upper())
    # A term without upper or lower case (Chinese, digits) matches the same either way;
    # a plain LIKE then spares upper-casing every title it reads.
    uncased = term.upper() == term.lower()
    title = Q(title__contains=term) if uncased else Q(title__icontains=term)
    if connection.vendor == "postgresql" and len(term) >= 2:
        # Titles holding every two-character piece of the term, from the index; the LIKE
        # then keeps those where the pieces stand together.
        title &= Q(BigramsContain(F("title"), Value(term)))
    return title


def local_midnight(day: date) -> datetime:
    """Return the start of a day in the current time zone, for index-friendly day ranges."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def count_up_to(qs: QuerySet, cap: int) -> tuple[int, bool]:
    """Return (number of rows, capped): the count stops at `cap` rows.

    Counting every match of a broad filter over a million cases costs a scan of them all;
    reading at most `cap` + 1 rows costs little, and beyond a few thousand the exact number
    helps nobody page through a list.
    """
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


# Internal events only the case's owner unit and the counselling team serving its place may see
# (the bare fact of a referral; its contents are sealed in wellbeing).
RESTRICTED_EVENT_KINDS = frozenset({"referred_to_psychological_services"})


def may_see_restricted_events(user, case: Case) -> bool:
    if case.owner_unit_id is not None and any(
        g.unit_id == case.owner_unit_id for g in perms.grants(user)
    ):
        return True
    return perms.can(user, Cap.WELLBEING, place_path=case.place_path)


def case_events(case: Case, *, public_only: bool, user=None) -> QuerySet[Event]:
    """The case's events: public ones only, or all a staff `user` may see."""
    qs = Event.objects.filter(case=case).order_by("seq")
    if public_only:
        qs = qs.filter(public=True)
    elif user is None or not may_see_restricted_events(user, case):
        qs = qs.exclude(kind__in=RESTRICTED_EVENT_KINDS)
    return qs


def resident_timeline(case: Case) -> list[Event]:
    """Return what the resident may see; after a merge, the surviving case's updates follow."""
    events = list(case_events(case, public_only=True))
    if case.merged_into_id:
        merged_at = events[-1].created_at if events else case.created_at
        events += list(
            case_events(case.merged_into, public_only=True).filter(created_at__gte=merged_at)
        )
    return events


def may_see_contacts(user, case: Case) -> bool:
    return perms.can(user, Cap.PARTY_CONTACT, place_path=case.place_path) and (
        perms.can(user, Cap.CASE_HANDLE, unit_id=case.owner_unit_id) or case.assignee_id == user.pk
    )


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:3] + "*" * max(len(digits) - 7, 1) + digits[-4:]


def mask_email(email: str) -> str:
    if "@" not in email:
        return "*" * len(email)
    name, domain = email.split("@", 1)
    return (name[:1] + "***@" + domain) if name else "***@" + domain


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("code")
