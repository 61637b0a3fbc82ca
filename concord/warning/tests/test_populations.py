"""Populations by year from a page and the API: the same audited action, only for staff who
handle early warning at the place or administer it, in both languages."""

import pytest

from concord.core.models import Event
from concord.places.models import PlacePopulation

pytestmark = pytest.mark.django_db


def _events(place):
    return Event.objects.filter(stream=f"place:{place.pk}", kind="place_population_set")


def test_an_analyst_records_populations_by_year_from_the_page(world, client):
    client.force_login(world.ana)
    html = client.get("/staff/alerts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/staff/alerts/populations/"' in html
    page = client.get(
        "/staff/alerts/populations/", {"place": world.V11.code}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert 'id="population-form"' in page.content.decode()
    r = client.post(
        "/staff/alerts/populations/",
        {"place": world.V11.code, "year": "2024", "population": "2300"},
    )
    assert r.status_code == 302 and r.url.endswith(f"?place={world.V11.code}")
    # A year recorded again is replaced; every change is on the place's stream, by its author.
    client.post(
        "/staff/alerts/populations/",
        {"place": world.V11.code, "year": "2024", "population": "2350"},
    )
    assert PlacePopulation.objects.get(place=world.V11, year=2024).population == 2350
    assert [e.actor_id for e in _events(world.V11)] == [world.ana.pk, world.ana.pk]
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/staff/alerts/populations/", {"place": world.V11.code}).content.decode()
    assert "记录人口" in html and "2350" in html and "Record the population" not in html


def test_a_bad_figure_is_refused_with_the_reason_in_the_page_language(world, client):
    client.force_login(world.ana)
    client.cookies["django_language"] = "zh-hans"
    r = client.post(
        "/staff/alerts/populations/",
        {"place": world.V11.code, "year": "2024", "population": "0"},
    )
    assert r.status_code == 400
    assert "人口须为正整数" in r.content.decode()
    assert not PlacePopulation.objects.exists() and not _events(world.V11).exists()


def test_only_staff_of_early_warning_or_administration_at_the_place_may(world, client, api):
    # A caseworker has neither: no page, and the API refuses the same action.
    client.force_login(world.alice)
    assert client.get("/staff/alerts/populations/").status_code == 403
    r = api.as_user(world.alice).post(
        "/warning/populations", {"place": world.V11.code, "year": 2024, "population": 10}
    )
    assert r.status_code == 403
    # The county's administrator reaches the page from the navigation.
    from concord.web.templatetags.web_tags import nav_links

    assert "/staff/alerts/populations/" in [url for url, _label in nav_links(world.adam)]
    assert "/staff/alerts/populations/" not in [url for url, _label in nav_links(world.alice)]
    client.force_login(world.adam)
    r = client.post(
        "/staff/alerts/populations/",
        {"place": world.T2.code, "year": "2025", "population": "9000"},
    )
    assert r.status_code == 302
    assert _events(world.T2).get().actor_id == world.adam.pk
    assert not PlacePopulation.objects.filter(place=world.V11).exists()


def test_the_api_calls_the_same_action(world, api):
    a = api.as_user(world.ana)
    r = a.post("/warning/populations", {"place": world.V11.code, "year": 2023, "population": 2100})
    assert r.status_code == 200 and r.json()["population"] == 2100
    assert _events(world.V11).get().actor_id == world.ana.pk
    assert a.get(f"/warning/populations/{world.V11.code}").json() == [
        {"place": world.V11.code, "year": 2023, "population": 2100}
    ]
    bad = a.post("/warning/populations", {"place": world.V11.code, "year": 1800, "population": 5})
    assert bad.status_code == 400
