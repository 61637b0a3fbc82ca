"""What residents and staff do, in a real browser, in Chinese and in English."""

import re

import pytest

from concord.cases import actions as case_actions
from concord.cases.models import Case, Category, Status, TransferRequest
from concord.places.models import Place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def filed_case(world, *, title="邻居夜间噪音", category="DP.02", place="V11"):
    return case_actions.case_submit(
        kind="dispute",
        title=title,
        description="楼上每晚装修到十二点。",
        place=Place.objects.get(code=place),
        category=Category.objects.get(code=category),
        parties=[{"role": "complainant", "name": "王芳", "phone": "13812345678"}],
        contact_consent=True,
    )


def test_resident_files_a_dispute_and_tracks_it(steps, e2e_world, monkeypatch):
    monkeypatch.setattr("concord.web.assist.category_suggestions", lambda **kw: [])
    page = steps.page
    steps.go("/")
    steps.switch_language()
    steps.check_page("home")
    page.check("#topic-neighbour")
    page.check("#tt-no")
    with page.expect_navigation():
        page.click("#guide button[type=submit]")
    assert page.is_visible("#suggestion")
    assert ("协商和解" if steps.lang == "zh-hans" else "Negotiation") in page.inner_text(
        "#suggestion"
    )
    steps.check_page("guide")
    with page.expect_navigation():
        page.click("#suggestion a.button")
    assert page.input_value("#id_category") == "DP.02"
    page.fill("#id_title", "邻居夜间噪音" if steps.lang == "zh-hans" else "Noise at night")
    page.fill("#id_description", "楼上每晚装修到十二点。")
    page.select_option("#id_place", "V11")
    page.fill("#id_name", "王芳")
    page.fill("#id_phone", "13812345678")
    page.check("#id_contact_consent")
    steps.check_page("file")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    code = page.inner_text("#receipt-code")
    assert re.fullmatch(r"C-\d{4}-\d{6}", code)
    steps.check_page("receipt")
    with page.expect_navigation():
        page.click("#track-link")
    assert page.is_visible("#status-plain") and page.is_visible("#next-deadline")
    steps.check_page("track")
    case = Case.objects.get(receipt_code=code)
    assert case.status == Status.SUBMITTED and case.intake_channel == "web"


def test_typing_a_crisis_shows_the_hotline_at_once(steps, e2e_world, monkeypatch):
    monkeypatch.setattr("concord.web.assist.category_suggestions", lambda **kw: [])
    steps.go("/file/")
    steps.switch_language()
    steps.page.fill("#id_description", "我不想活了")
    steps.page.wait_for_selector("#assist .hotline, #assist .wb-hotline")
    assert "12356" in steps.page.inner_text("#assist")


def test_grid_worker_files_for_a_resident(steps, e2e_world, monkeypatch):
    monkeypatch.setattr("concord.web.assist.category_suggestions", lambda **kw: [])
    page = steps.page
    steps.login("grace")
    steps.go("/file/")
    page.select_option("#id_kind", "service_request")
    page.fill("#id_title", "路灯坏了")
    page.fill("#id_description", "桃村一网格村口路灯坏了一周。")
    page.select_option("#id_place", "G111")
    page.fill("#id_name", "李大爷")
    page.fill("#id_on_behalf_consent", "居民现场口头同意")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    code = page.inner_text("#receipt-code")
    case = Case.objects.get(receipt_code=code)
    assert case.intake_channel == "grid_worker" and case.filed_by == e2e_world.grace


def test_mediator_records_a_session_and_an_agreement(steps, e2e_world):
    case = filed_case(e2e_world).case
    page = steps.page
    steps.login("bob")
    steps.check_page("queue")
    with page.expect_navigation():
        page.click(f"text={case.receipt_code}")
    steps.check_page("case")
    steps.act("accept")
    steps.act(
        "session",
        {"held_at": "2026-03-03T10:00", "location": "桃村调解室", "participants": "王芳；李强"},
    )
    steps.act(
        "agreement",
        {
            "parties": "王芳；李强",
            "facts": "装修噪音",
            "issues": "施工时间",
            "responsibilities": "李强",
            "terms": "晚八点后停工",
            "performance_manner": "自行履行",
            "performance_due": "2026-04-01",
            "signed_by": "王芳\n李强",
        },
        checks=("mediator_signed", "committee_sealed"),
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.mediation_sessions.count() == 1
    assert page.inner_text("#case-status") == case.get_status_display() or page.inner_text(
        "#case-status"
    )


def test_caseworker_transfers_and_the_receiver_refuses(steps, e2e_world):
    case = filed_case(e2e_world, title="工地噪音", category="CM01", place="T1").case
    page = steps.page
    steps.login("alice")
    steps.go(f"/staff/cases/{case.pk}/")
    steps.act("transfer", {"to_unit": str(e2e_world.u_labour.pk), "reason": "属劳动监察"})
    steps.logout()
    steps.login("dora")
    with page.expect_navigation():
        page.click(f"text={case.receipt_code}")
    steps.act("transfer_answer", {"answer": "refuse", "reason": "不属本局职责"})
    transfer = TransferRequest.objects.get(case=case)
    case.refresh_from_db()
    assert transfer.state == "refused" and case.owner_unit == e2e_world.u_t1
    assert case.bounce_count == 1


def test_supervisor_sees_the_tier_shares_move(steps, e2e_world):
    steps.login("zoe")
    steps.go("/staff/dashboard/")
    first = steps.page.inner_text("#tier-table tbody tr:first-child .village-share")
    steps.check_page("dashboard")
    case = filed_case(e2e_world).case
    case_actions.case_accept(actor=e2e_world.bob, case=case)
    case_actions.case_resolve(actor=e2e_world.bob, case=case, outcome="agreement", text="好")
    steps.page.reload()
    after = steps.page.inner_text("#tier-table tbody tr:first-child .village-share")
    assert first != after and after.endswith("(1)")
    steps.go("/staff/map/")
    steps.check_page("map")


def test_resident_rates_and_the_case_closes(steps, e2e_world):
    submission = filed_case(e2e_world)
    case = submission.case
    case_actions.case_accept(actor=e2e_world.bob, case=case)
    case_actions.case_resolve(actor=e2e_world.bob, case=case, outcome="agreement", text="已调解")
    page = steps.page
    steps.go(f"/track/{case.receipt_code}/{submission.token}/")
    steps.switch_language()
    steps.check_page("track-resolved")
    page.check("#id_resolved_0")
    page.check("#id_satisfaction_4")
    with page.expect_navigation():
        page.click("form:has(input[value=feedback]) button[type=submit]")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.feedback.get().satisfaction == 5
