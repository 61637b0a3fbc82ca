"""The assessment workbench on a 390-pixel phone in Chinese: the list with its proposal form,
a decision's page and an assessment's page with every step's form opened; axe finds nothing
serious, no page is wider than the phone, and a step posted from the phone is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from concord.web.tests.e2e.conftest import PHONE, Pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _analysing(w):
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    today = timezone.localdate()
    d = actions.decision_create(
        actor=w.alice,
        title="垃圾转运站选址",
        description="拟在桃村东侧建设转运站。",
        decision_type=DecisionType.objects.get(code="facility_siting"),
        owner_unit=w.u_t1,
        places=[w.V11],
    )
    actions.decision_screen(actor=w.alice, decision=d)
    a = actions.assessment_plan(
        actor=w.alice,
        decision=d,
        leader=w.sam,
        team=[w.alice],
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=20),
    )
    actions.consultation_open(actor=w.alice, assessment=a, opens_on=today - timedelta(days=30))
    actions.consultation_close(actor=w.alice, assessment=a)
    actions.risk_point_add(
        actor=w.alice,
        assessment=a,
        dimension="controllability",
        title="周边居民反对",
        likelihood=2,
        impact=3,
        mitigation="密闭运行",
    )
    return d, a


def test_the_workbench_works_on_a_phone(page, live_server, e2e_world):
    from concord.assessments.models import Assessment

    d, a = _analysing(e2e_world)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size(PHONE)
    steps = Pages(page, live_server.url, "zh-hans")
    steps.login("alice")
    for url in (
        "/assessments/staff/",
        f"/assessments/staff/decisions/{d.pk}",
        f"/assessments/staff/{a.pk}",
    ):
        steps.go(url)
        page.evaluate("() => document.querySelectorAll('details').forEach(e => e.open = true)")
        bad = steps.axe()
        assert not bad, f"{url}: {bad}"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width}px wide"
    page.fill("#contingency_plan", "现场工作组值守。")
    with page.expect_navigation():
        page.click("#step-report button[type=submit]")
    assert "已保存" in page.inner_text(".messages") or "Saved" in page.inner_text(".messages")
    assert Assessment.objects.get(pk=a.pk).stage == "reported"
    assert not errors, errors
