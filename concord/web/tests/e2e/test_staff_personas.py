"""One journey per staff persona through every page their navigation offers, alternating
language and screen size: axe finds nothing serious, the console stays free of errors, and no
page is wider than a 390-pixel phone."""

from __future__ import annotations

import pytest

from concord.cases.selectors import cases_visible_to
from concord.web.templatetags.web_tags import nav_links
from concord.web.tests.e2e.conftest import DESKTOP, PHONE, Pages

from .test_scenarios import filed_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JOURNEYS = [
    ("alice", "zh-hans", PHONE),  # caseworker
    ("bob", "en", DESKTOP),  # mediator
    ("grace", "en", PHONE),  # grid worker
    ("dora", "zh-hans", DESKTOP),  # department officer
    ("zoe", "en", PHONE),  # supervisor
    ("ana", "zh-hans", PHONE),  # analyst
    ("cora", "en", PHONE),  # counsellor
    ("adam", "zh-hans", DESKTOP),  # administrator
]


@pytest.mark.parametrize(("name", "lang", "size"), JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_a_staff_persona_walks_every_page_of_their_navigation(
    page, live_server, e2e_world, name, lang, size
):
    case = filed_case(e2e_world).case
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.set_viewport_size(size)
    steps = Pages(page, live_server.url, lang)
    steps.login(name)
    user = getattr(e2e_world, name)
    urls = [url for url, _ in nav_links(user) if not url.startswith("/admin/")]
    if cases_visible_to(user).filter(pk=case.pk).exists():
        urls.append(f"/staff/cases/{case.pk}/")
    for url in urls:
        steps.go(url)
        assert page.get_attribute("html", "lang") == lang, url
        bad = steps.axe()
        assert not bad, f"{name} {url}: {bad}"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name} {url} is {width}px wide"
        assert page.locator("form.logout button").count() == 1, f"{url} has no sign-out"
    assert not errors, f"{name}: console errors {errors}"
    steps.logout()
    assert page.url.rstrip("/") == live_server.url
