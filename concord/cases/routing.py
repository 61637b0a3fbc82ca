"""Where a new case starts: the lowest capable level, the fitting channel and its owning unit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from concord.accounts.models import Unit, UnitKind
from concord.core.errors import ConcordError
from concord.core.refcache import remembered
from concord.places.models import LEVEL_ORDER, Level, Place
from concord.places.selectors import place_ancestors

from .models import Category, Channel, Kind

KIND_CHANNEL = {
    Kind.DISPUTE: Channel.PEOPLES_MEDIATION,
    Kind.GRIEVANCE: Channel.PETITION,
    Kind.SERVICE_REQUEST: Channel.SERVICE_DISPATCH,
    Kind.HAZARD_REPORT: Channel.SERVICE_DISPATCH,
    Kind.SUGGESTION: Channel.PETITION,
    Kind.HELP_REQUEST: Channel.SERVICE_DISPATCH,
}

# Which unit kinds own a case in a channel, in order of preference.
CHANNEL_UNIT_KINDS = {
    Channel.PEOPLES_MEDIATION: [UnitKind.MEDIATION_COMMITTEE, UnitKind.GOVERNANCE_CENTRE],
    Channel.NEGOTIATION: [UnitKind.MEDIATION_COMMITTEE, UnitKind.GOVERNANCE_CENTRE],
    Channel.PETITION: [UnitKind.PETITION_OFFICE, UnitKind.GOVERNANCE_CENTRE],
    Channel.SERVICE_DISPATCH: [UnitKind.GRID_STATION, UnitKind.GOVERNANCE_CENTRE],
    Channel.COUNSELLING_REFERRAL: [UnitKind.COUNSELLING_TEAM, UnitKind.GOVERNANCE_CENTRE],
    Channel.LABOUR_ARBITRATION: [UnitKind.ARBITRATION_COMMISSION, UnitKind.GOVERNANCE_CENTRE],
    Channel.LAND_ARBITRATION: [UnitKind.ARBITRATION_COMMISSION, UnitKind.GOVERNANCE_CENTRE],
    Channel.LITIGATION_REFERRAL: [UnitKind.COURT_LIAISON, UnitKind.GOVERNANCE_CENTRE],
    Channel.JUDICIAL_CONFIRMATION: [UnitKind.COURT_LIAISON, UnitKind.GOVERNANCE_CENTRE],
}


class NoUnitConfigured(ConcordError):
    code = "no_unit"
    status = 503


@dataclass(frozen=True)
class Route:
    level: str
    channel: str
    unit: Unit
    reason: str


def start_level(place: Place, category: Category | None) -> str:
    """Return the lowest level that can handle the case, never below the place itself."""
    wanted = Level(category.default_level) if category else Level.VILLAGE
    return LEVEL_ORDER[min(LEVEL_ORDER.index(wanted), place.rank)]


def unit_for(*, place: Place, level: str, channel: str) -> Unit:
    """Return the unit that owns a case at `level` above `place` in `channel`.

    Walks up from the target level until some unit of a fitting kind exists, so a case always
    gets an owner even where the tree is not fully staffed. Memoised per process (refcache).
    """
    unit = remembered(
        ("unit_for", place.pk, level, channel),
        lambda: _find_unit(place=place, level=level, channel=channel),
    )
    if unit is None:
        raise NoUnitConfigured(_("No unit is configured to receive cases here."))
    return unit


def _find_unit(*, place: Place, level: str, channel: str) -> Unit | None:
    chain = [
        p
        for p in place_ancestors(place)
        if LEVEL_ORDER.index(Level(p.level)) <= LEVEL_ORDER.index(Level(level))
    ]
    kinds = CHANNEL_UNIT_KINDS.get(channel, [UnitKind.GOVERNANCE_CENTRE])
    units = list(
        Unit.objects.filter(place__in=chain, kind__in=kinds, is_active=True).select_related("place")
    )
    for p in reversed(chain):
        here = [u for u in units if u.place_id == p.id]
        for kind in kinds:
            for u in here:
                if u.kind == kind:
                    return u
    return None


def route_case(*, place: Place, category: Category | None, kind: str) -> Route:
    level = start_level(place, category)
    channel = (
        category.default_channel if category else KIND_CHANNEL.get(kind, Channel.SERVICE_DISPATCH)
    )
    unit = unit_for(place=place, level=level, channel=channel)
    # Where no unit exists at the wanted level, the case sits at the level that owns it.
    level = unit.place.level
    if category:
        reason = _("Category %(cat)s starts at %(level)s level in %(channel)s.") % {
            "cat": category.localized_name(),
            "level": Level(level).label,
            "channel": Channel(channel).label,
        }
    else:
        reason = _("No category yet: starts at %(level)s level.") % {"level": Level(level).label}
    return Route(level=level, channel=channel, unit=unit, reason=reason)
