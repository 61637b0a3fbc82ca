"""The one place that answers "may this user do X here?" and scopes querysets by place.

Access = the role's capabilities ∩ the places under the membership's place ∩ sensitivity rules.
Memberships are loaded once per user object and reused for the rest of the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .models import Membership
from .roles import ROLE_CAPABILITIES


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    place_id: int
    place_path: str
    caps: frozenset[str]


def grants(user) -> list[Grant]:
    """Return the active grants of a user (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "kind", "staff") == "resident":
        # A resident account holds no grant, even if a membership row names it.
        return []
    cached = getattr(user, "_concord_grants", None)
    if cached is not None:
        return cached

    rows = Membership.objects.filter(user=user, is_active=True, unit__is_active=True).values_list(
        "role", "unit_id", "place_id", "place__path"
    )
    result = [
        Grant(role, unit_id, place_id, path, ROLE_CAPABILITIES.get(role, frozenset()))
        for role, unit_id, place_id, path in rows
    ]
    user._concord_grants = result
    return result


def forget_grants(user) -> None:
    if hasattr(user, "_concord_grants"):
        del user._concord_grants


def can(user, cap: str, *, place_path: str | None = None, unit_id: int | None = None) -> bool:
    """Return True if some grant gives `cap` over `place_path` (and belongs to `unit_id`)."""
    for g in grants(user):
        if cap not in g.caps:
            continue
        if place_path is not None and not place_path.startswith(g.place_path):
            continue
        if unit_id is not None and g.unit_id != unit_id:
            continue
        return True
    return False


def unit_ids_with(user, cap: str) -> set[int]:
    return {g.unit_id for g in grants(user) if cap in g.caps}


def place_paths_with(user, cap: str) -> list[str]:
    """Return the minimal list of place paths where the user holds `cap`."""
    paths = sorted({g.place_path for g in grants(user) if cap in g.caps})
    minimal: list[str] = []
    for p in paths:
        if not any(p.startswith(m) for m in minimal):
            minimal.append(p)
    return minimal


def place_q(user, cap: str, field: str = "place__path") -> Q:
    """Return a filter matching rows whose place lies where the user holds `cap`.

    A user with no such grant gets a filter that matches nothing.
    """
    paths = place_paths_with(user, cap)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q
