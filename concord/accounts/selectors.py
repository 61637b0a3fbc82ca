"""Who holds a capability: the people notices and hand-overs go to."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import Membership
from .roles import ROLE_CAPABILITIES


def roles_with(cap: str) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if cap in caps]


def holders(
    cap: str,
    *,
    unit_id: int | None = None,
    at_places: Iterable[str] | None = None,
    under_places: Iterable[str] | None = None,
) -> QuerySet:
    """Return the active people whose active membership, in an active unit, carries `cap`.

    Each person once, however many such memberships they have. Narrow by `unit_id` (that
    unit's members), `at_places` (members placed exactly at one of these paths, e.g. the
    ancestors of a case's place for the supervisors over it) or `under_places` (members
    placed at or below one of these paths). An empty list of places matches nobody; a
    filter left as None does not narrow.
    """
    members = Membership.objects.filter(
        role__in=roles_with(cap), is_active=True, unit__is_active=True
    )
    if unit_id is not None:
        members = members.filter(unit_id=unit_id)
    if at_places is not None:
        members = members.filter(place__path__in=list(at_places))
    if under_places is not None:
        under = Q(pk__in=[])
        for path in under_places:
            under |= Q(place__path__startswith=path)
        members = members.filter(under)
    return get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True)
