"""The per-process memo of reference rows that intake reads on every submission."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.accounts.models import Unit, UnitKind
from concord.cases import actions
from concord.cases.routing import unit_for
from concord.core.refcache import _memo, remembered


@pytest.mark.django_db
def test_routing_is_read_once_and_a_new_unit_is_seen_at_once(world):
    first = unit_for(place=world.V21, level="village", channel="service_dispatch")
    with CaptureQueriesContext(connection) as queries:
        again = unit_for(place=world.V21, level="village", channel="service_dispatch")
    assert again == first and len(queries) == 0
    # Staffing the village with a grid station changes where its service requests go, at once.
    station = Unit.objects.create(
        code="GS-V21", kind=UnitKind.GRID_STATION, place=world.V21, name_zh="柳社区网格站"
    )
    assert unit_for(place=world.V21, level="village", channel="service_dispatch") == station


@pytest.mark.django_db
def test_a_deactivated_unit_stops_receiving_cases(world):
    unit = unit_for(place=world.V11, level="village", channel="peoples_mediation")
    assert unit == world.u_v11_med
    unit.is_active = False
    unit.save()
    case = actions.case_submit(
        kind="dispute", title="邻里纠纷", description="噪音", place=world.V11
    ).case
    assert case.owner_unit != world.u_v11_med


def test_unknown_keys_are_not_remembered():
    remembered(("place", "no-such-place"), lambda: None)
    assert ("place", "no-such-place") not in _memo


def test_entries_expire_after_the_configured_time(settings):
    settings.CONCORD = {**settings.CONCORD, "REFERENCE_CACHE_SECONDS": 0}
    calls = []
    for _ in range(2):
        remembered("k", lambda: calls.append(1) or "v")
    assert len(calls) == 2
