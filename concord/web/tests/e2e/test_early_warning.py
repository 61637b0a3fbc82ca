"""The analyst's early-warning journey in a real browser: the worker raises an alert on a
surge, the analyst (Chinese, desktop) opens it, sees its chart and cases and assigns it; the
assigned unit's caseworker (English, phone) is told and sees it. Axe finds nothing serious and
the pages log no console errors."""

import pytest
from django.utils import timezone

from concord.warning.models import Alert
from concord.warning.tests.test_platform import history_with_surge

from .conftest import PHONE, Pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_opens_an_alert_sees_why_and_assigns_it(browser, live_server, e2e_world, settings):
    world = e2e_world
    settings.WARNING = {"SCAN_REPLICATIONS": 19}
    history_with_surge(world, today=timezone.localdate())
    from concord.warning.tasks import surveillance_run_task

    surveillance_run_task.enqueue()  # the worker's weekly job (run at once by the test backend)
    alert = Alert.objects.get(method="ears-c2", place=world.V11, category_root="CM04")

    errors: list[str] = []

    def watch(page):
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))

    # The analyst, in Chinese on a desktop.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch(page)
    steps = Pages(page, live_server.url, "zh-hans")
    steps.login("ana")
    with page.expect_navigation():
        page.click("nav a[href='/staff/alerts/']")
    assert "环境保护" in page.inner_text("#alerts") or alert.place.name_zh in page.inner_text(
        "#alerts"
    )
    steps.check_page("alerts")
    with page.expect_navigation():
        page.click(f"#alerts a[href='/staff/alerts/{alert.pk}/']")
    page.wait_for_function("() => window.Chart && Chart.getChart('alert-chart')")
    drawn = page.evaluate(
        "() => Chart.getChart('alert-chart').data.datasets.map(d => d.data.filter(x => x !== null).length)"
    )
    assert all(n > 0 for n in drawn) and len(drawn) == 4  # baseline, observed, expected, threshold
    assert page.is_visible("#alert-map .leaflet-interactive")
    assert "15" in page.inner_text("#case-counts")
    assert "EARS C2" in page.inner_text("#alert-method")
    steps.check_page("alert")
    page.click("#action-assign > summary")
    page.select_option("#assign-unit", str(world.u_t1.pk))
    page.fill("#assign-note", "请核查化工厂排放")
    with page.expect_navigation():
        page.click("#action-assign button[type=submit]")
    assert world.u_t1.name_zh in page.inner_text("#alert-state")
    context.close()

    # The East Town centre's caseworker, in English on a phone: told in the inbox, sees it.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    watch(page)
    steps = Pages(page, live_server.url, "en")
    steps.login("alice")
    steps.go("/staff/inbox/")
    with page.expect_navigation():
        page.click(f"main a[href='/staff/alerts/{alert.pk}/']")
    assert "Why this alert was raised" in page.inner_text("main")
    assert len(page.query_selector_all("#alert-cases li")) == 15
    page.wait_for_function("() => window.Chart && Chart.getChart('alert-chart')")
    bad = steps.axe()
    assert not bad, bad
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1
    context.close()
    assert not errors, errors
