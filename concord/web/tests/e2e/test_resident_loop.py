"""The resident in the loop, in a real browser: the written answer arrives by text message, the
resident says "not solved" on the tracking page, the case reopens with a new deadline and the
resident is told; a resident follows the home village on /safety/ and receives a warning and
its lifting, which a supervisor presses on the staff safety page."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from concord.accounts.models import User
from concord.cases import actions as case_actions
from concord.cases.models import Case, Category, Status
from concord.places.models import Place
from concord.safety import actions as safety_actions

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outbox(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(path)}}

    def texts(to: str) -> list[str]:
        if not path.exists():
            return []
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [r["text"] for r in rows if r["to"] == to]

    return texts


def test_the_answer_not_solved_reopening_and_a_warning_reach_the_resident(
    steps, e2e_world, outbox, settings
):
    world, page = e2e_world, steps.page
    if steps.lang == "zh-hans":
        page.set_viewport_size(PHONE)
    settings.CONCORD_PUBLIC_URL = steps.base
    case = case_actions.case_submit(
        kind="dispute",
        title="邻居夜间噪音",
        description="楼上每晚装修到十二点。",
        place=Place.objects.get(code="V11"),
        category=Category.objects.get(code="DP.02"),
        parties=[{"role": "complainant", "name": "王芳", "phone": "13812345678"}],
        contact_consent=True,
        language=steps.lang,
    ).case
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(
        actor=world.bob, case=case, outcome="agreement", text="双方同意晚十点后停工。"
    )
    answer = outbox("13812345678")[-1]
    assert "双方同意晚十点后停工。" in answer
    link = re.search(r"https?://\S+/track/\S+/", answer).group(0)

    # The resident follows the link in the message and says it is not solved.
    page.goto(link)
    steps.switch_language()
    assert page.is_visible("#solved")
    page.check("#id_resolved_2")  # no
    page.check("#id_satisfaction_0")
    with page.expect_navigation():
        page.click("form:has(input[value=feedback]) button[type=submit]")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    due = case.clocks.get(kind="handle", state="running").due_on
    told = outbox("13812345678")[-1]
    assert due.isoformat() in told
    assert ("重新办理" if steps.lang == "zh-hans" else "reopened") in told
    assert page.is_visible("#next-deadline")

    # A signed-in resident follows the home village on the public safety page.
    resident = User.objects.create_user(
        username="r-e2e",
        password="x",
        phone="13700000001",
        language=steps.lang,
        kind="resident",
    )
    client = Client()
    client.force_login(resident)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": steps.base}]
    )
    steps.go("/safety/")
    steps.switch_language()
    page.select_option("#follow-place", "V11")
    with page.expect_navigation():
        page.click("form:has(#follow-place) button[type=submit]")
    assert page.is_visible("#follows")
    steps.check_page("safety-public")

    warning = safety_actions.warning_issue(
        actor=world.sam,
        colour="orange",
        hazard_type="flood",
        title_zh="暴雨橙色预警",
        title_en="Orange rainstorm warning",
        instructions_zh="请远离河道。",
        instructions_en="Stay away from the river.",
        places=[Place.objects.get(code="V11")],
        ends_at=timezone.now() + timedelta(hours=12),
    )
    (warned,) = outbox("13700000001")
    assert ("暴雨橙色预警" if steps.lang == "zh-hans" else "Orange rainstorm warning") in warned

    # The supervisor lifts it from the staff safety page; the resident is told.
    page.context.clear_cookies()
    steps.login("sam")
    steps.go("/staff/safety/")
    page.fill(f"#lift-reason-{warning.pk}", "雨停了，河水回落")
    with page.expect_navigation():
        page.click(f"form:has(#lift-reason-{warning.pk}) button[type=submit]")
    lifted = outbox("13700000001")[-1]
    assert "雨停了，河水回落" in lifted
    assert Case.objects.get(pk=case.pk).status == Status.REOPENED
