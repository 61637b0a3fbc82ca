"""Who holds a capability: the people notices and hand-overs go to."""

import pytest

from concord.accounts.roles import Cap
from concord.accounts.selectors import holders

pytestmark = pytest.mark.django_db


def names(people):
    return sorted(p.username for p in people)


def test_supervisors_over_a_place_are_those_placed_on_its_line(world):
    over_v11 = world.V11.ancestors_paths()
    assert names(holders(Cap.CASE_SUPERVISE, at_places=over_v11)) == ["sam", "zoe"]
    assert names(holders(Cap.CASE_SUPERVISE, at_places=world.V21.ancestors_paths())) == ["zoe"]


def test_each_person_once_and_only_active_people_in_active_units(world):
    # alice handles cases in two units of T1: she is named once.
    assert names(holders(Cap.CASE_HANDLE, under_places=[world.T1.path])) == [
        "alice",
        "bob",
        "grace",
        "sam",
    ]
    assert names(holders(Cap.CASE_HANDLE, unit_id=world.u_t1_med.pk)) == ["alice"]
    world.sam.is_active = False
    world.sam.save()
    world.u_county.is_active = False
    world.u_county.save()
    assert names(holders(Cap.CASE_SUPERVISE, at_places=world.V11.ancestors_paths())) == []


def test_an_empty_list_of_places_names_nobody(world):
    assert names(holders(Cap.CASE_HANDLE, under_places=[])) == []
    assert names(holders(Cap.CASE_HANDLE, at_places=[])) == []
    assert "dora" in names(holders(Cap.CASE_HANDLE))
