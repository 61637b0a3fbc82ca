"""Demo populations by year: the county, its towns and villages over the last three years,
growing a little each year, recorded through the same audited action as the populations page."""

from __future__ import annotations

import random
from datetime import date

from concord.places.actions import place_population_set
from concord.places.models import Level, Place


def populate(*, seed: int, today: date) -> dict:
    rng = random.Random(f"populations:{seed}")
    made = 0
    places = Place.objects.filter(
        level__in=[Level.COUNTY, Level.TOWN, Level.VILLAGE], population__gt=0
    ).order_by("path")
    for place in places:
        growth = rng.uniform(-0.01, 0.03)
        for back in (2, 1, 0):  # the current figure is this year's
            figure = max(1, round(place.population / (1 + growth) ** back))
            place_population_set(actor=None, place=place, year=today.year - back, population=figure)
            made += 1
    return {"populations": made}
