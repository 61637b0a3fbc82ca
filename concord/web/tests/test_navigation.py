"""Every persona reaches each module of their roles from the navigation, every page they can
open from it has the sign-out button, and no link in it leads to a refusal or an error."""

from __future__ import annotations

import re

import pytest

from concord.web.templatetags.web_tags import nav_links

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "grace", "dora", "sam", "zoe", "ana", "adam", "cora"]
EXPECTED = {
    # persona: (paths their navigation must offer, paths it must not)
    "alice": (
        ["/staff/", "/file/", "/staff/safety/", "/staff/safety/incidents/", "/assessments/staff/"],
        ["/wellbeing/queue/", "/staff/dashboard/", "/staff/alerts/"],
    ),
    "cora": (
        ["/wellbeing/queue/", "/wellbeing/network/", "/wellbeing/exports/"],
        ["/staff/", "/staff/safety/"],
    ),
    "ana": (
        ["/staff/dashboard/", "/staff/alerts/", "/assessments/staff/", "/participation/"],
        ["/staff/", "/wellbeing/queue/", "/file/"],
    ),
    "zoe": (
        [
            "/staff/",
            "/staff/dashboard/",
            "/staff/alerts/",
            "/staff/safety/",
            "/staff/safety/incidents/",
        ],
        ["/wellbeing/queue/"],
    ),
    "adam": (["/admin/"], ["/wellbeing/queue/", "/staff/"]),
}
HREF = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_navigation_offers_each_module_of_the_role_and_nothing_else(world, name):
    paths = [url for url, _ in nav_links(getattr(world, name))]
    offered, refused = EXPECTED[name]
    for path in offered:
        assert path in paths, f"{name} should reach {path}"
    for path in refused:
        assert path not in paths, f"{name} should not be offered {path}"


def test_an_anonymous_visitor_is_offered_the_public_pages(world):
    paths = [url for url, _ in nav_links(None)]
    assert {"/", "/track/", "/participation/", "/assessments/", "/safety/"} <= set(paths)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("name", PERSONAS)
def test_every_navigation_link_opens_with_a_sign_out_button(client, world, name, lang):
    user = getattr(world, name)
    client.force_login(user)
    for url, _label in nav_links(user):
        if url.startswith("/admin/"):
            continue  # Django's admin has its own sign-out
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, f"{name} {url} -> {response.status_code}"
        page = response.content.decode()
        assert 'action="/accounts/logout/"' in page, f"{url} has no sign-out for {name}"
