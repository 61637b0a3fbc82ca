"""Populations by year: recorded through an audited action, read for any span of years."""

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concord.core.errors import InvalidInput
from concord.core.models import Event
from concord.places.actions import place_population_set
from concord.places.models import Place
from concord.places.selectors import populations_by_year

pytestmark = pytest.mark.django_db


def test_population_by_year_follows_growth_and_is_audited(world):
    place_population_set(actor=world.ana, place=world.V11, year=2020, population=1000)
    place_population_set(actor=world.ana, place=world.V11, year=2023, population=1300)
    place_population_set(actor=world.ana, place=world.V11, year=2020, population=1010)
    table = populations_by_year([world.V11], [2018, 2020, 2021, 2022, 2023, 2025])
    # Nearest recorded year (the earlier on a tie), the later figure replacing the first.
    np.testing.assert_array_equal(table, [[1010, 1010, 1010, 1300, 1300, 1300]])
    assert Place.objects.get(pk=world.V11.pk).population == 1300  # the latest year
    events = Event.objects.filter(stream=f"place:{world.V11.pk}", kind="place_population_set")
    assert events.count() == 3
    assert events.last().actor_id == world.ana.pk


def test_places_without_yearly_figures_use_their_current_population_or_one(world):
    Place.objects.filter(pk=world.V12.pk).update(population=4200)
    Place.objects.filter(pk=world.T2.pk).update(population=0)
    places = [Place.objects.get(pk=world.V12.pk), Place.objects.get(pk=world.T2.pk)]
    table = populations_by_year(places, [2024, 2025])
    np.testing.assert_array_equal(table, [[4200, 4200], [1, 1]])


@pytest.mark.parametrize(("year", "population"), [(1800, 10), (2024, 0), (2024, -5)])
def test_bad_populations_are_refused(world, year, population):
    with pytest.raises(InvalidInput):
        place_population_set(actor=None, place=world.V11, year=year, population=population)
    assert not world.V11.populations.exists()


def test_the_command_records_a_population(world):
    call_command("places", "population", world.V11.code, "2024", "2500")
    assert populations_by_year([world.V11], [2024])[0, 0] == 2500
    with pytest.raises(CommandError, match="No place"):
        call_command("places", "population", "NOPE", "2024", "2500")
    with pytest.raises(CommandError):
        call_command("places", "population", world.V11.code, "2024", "0")
