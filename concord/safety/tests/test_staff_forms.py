"""Staff forms that write what the API writes, through the same actions: a supervisor issues a
public warning (and lifts it: the warning's whole life from pages), publishes a policy notice,
registers a key site with its inspection plan, and records the inspection that falls due."""

from datetime import date

import pytest

from concord.safety import actions
from concord.safety.models import (
    Inspection,
    InspectionSite,
    InspectionState,
    PolicyNotice,
    PublicWarning,
    WarningState,
)

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _warning_form(world, **over):
    return {
        "colour": "orange",
        "hazard_type": "flood",
        "places": [world.V11.code],
        "title_zh": "暴雨橙色预警",
        "title_en": "Orange rainstorm warning",
        "instructions_zh": "请远离河道。",
        "instructions_en": "Stay away from the river.",
        "ends_at": "2026-07-02T20:00",
        **over,
    }


def test_a_supervisor_issues_a_warning_from_a_page_and_lifts_it_from_the_dashboard(
    client, world, at, django_capture_on_commit_callbacks
):
    at("2026-07-01 20:00")
    client.force_login(world.sam)
    dashboard = client.get("/staff/safety/", **ZH).content.decode()
    assert "/staff/safety/warnings/new/" in dashboard and "发布预警" in dashboard
    page = client.get("/staff/safety/warnings/new/", **EN).content.decode()
    assert "Issue a public warning" in page and f'value="{world.V11.code}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/safety/warnings/new/", _warning_form(world))
    warning = PublicWarning.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/safety/warnings/{warning.pk}/"
    )
    assert warning.state == WarningState.ISSUED and warning.issued_by == world.sam
    assert [p.code for p in warning.places.all()] == [world.V11.code]
    assert "Orange rainstorm warning" in client.get("/staff/safety/", **EN).content.decode()
    client.post(f"/staff/safety/warnings/{warning.pk}/lift/", {"reason": "雨停了"})
    warning.refresh_from_db()
    assert warning.state == WarningState.LIFTED


def test_the_warning_form_shows_the_actions_own_error_and_keeps_what_was_typed(client, world, at):
    at("2026-07-01 20:00")
    client.force_login(world.sam)
    response = client.post(
        "/staff/safety/warnings/new/", _warning_form(world, ends_at="2026-06-30T08:00"), **EN
    )
    page = response.content.decode()
    assert response.status_code == 200 and not PublicWarning.objects.exists()
    assert "The warning must end after it starts and in the future." in page
    assert "Stay away from the river." in page
    zh = client.post(
        "/staff/safety/warnings/new/", _warning_form(world, ends_at="2026-06-30T08:00"), **ZH
    ).content.decode()
    assert "Issue a public warning" not in zh and "发布预警" in zh


def test_only_supervisors_see_or_use_the_warning_form(client, world, at):
    at("2026-07-01 20:00")
    for name in ("alice", "grace", "bob"):
        client.force_login(getattr(world, name))
        assert "/staff/safety/warnings/new/" not in client.get("/staff/safety/").content.decode()
        assert client.get("/staff/safety/warnings/new/").status_code == 403
        assert client.post("/staff/safety/warnings/new/", _warning_form(world)).status_code == 403
    # A supervisor of East Town cannot warn a place outside it: it is not offered, nor taken.
    client.force_login(world.sam)
    client.post("/staff/safety/warnings/new/", _warning_form(world, places=[world.V21.code]))
    assert not PublicWarning.objects.exists()


def test_a_unit_publishes_a_policy_notice_from_a_page(client, world, at):
    at("2026-07-01 09:00")
    client.force_login(world.alice)
    assert "/staff/safety/policies/new/" in client.get("/staff/safety/").content.decode()
    form = {
        "issuing_unit": "GC-T1",
        "title_zh": "防汛物资领取办法",
        "title_en": "Flood supplies",
        "body": "第一条……",
        "interpretation_zh": "到村委会领取沙袋。",
        "interpretation_en": "Collect sandbags at the village committee.",
        "places": [world.V11.code],
        "effective_from": "2026-07-01",
    }
    refused = client.post(
        "/staff/safety/policies/new/", {**form, "effective_to": "2026-06-01"}, **EN
    )
    assert "The policy cannot end before it takes effect." in refused.content.decode()
    response = client.post("/staff/safety/policies/new/", form)
    notice = PolicyNotice.objects.get()
    assert response["Location"].endswith(f"/safety/policies/{notice.pk}/")
    assert notice.issuing_unit.code == "GC-T1" and notice.effective_from == date(2026, 7, 1)
    # A unit not the caseworker's own is not hers to speak for.
    client.post("/staff/safety/policies/new/", {**form, "issuing_unit": "LB-C"})
    assert PolicyNotice.objects.count() == 1
    # A grid worker speaks for her grid station only; an analyst speaks for no unit.
    client.force_login(world.grace)
    offered = client.get("/staff/safety/policies/new/").content.decode()
    assert 'value="GS-V11"' in offered and 'value="GC-T1"' not in offered
    client.force_login(world.ana)
    assert client.get("/staff/safety/policies/new/").status_code == 403


def test_a_site_is_registered_planned_and_its_due_inspection_recorded_from_the_page(
    client, world, at
):
    at("2026-07-01 09:00")
    client.force_login(world.alice)
    page = client.get("/staff/safety/sites/", **EN).content.decode()
    assert "Register a key site" in page
    client.post(
        "/staff/safety/sites/",
        {"op": "site", "name": "桃村小超市", "kind": "small_shop", "place": world.V11.code},
    )
    site = InspectionSite.objects.get()
    assert site.place == world.V11
    refused = client.post(
        "/staff/safety/sites/",
        {
            "op": "plan",
            "site": site.pk,
            "supervising_unit": "LB-C",
            "interval_days": "0",
            "starts_on": "2026-07-01",
            "checklist": "消防通道畅通",
        },
        follow=True,
        **EN,
    )
    assert "Give an interval of 1 to 366 days." in refused.content.decode()
    client.post(
        "/staff/safety/sites/",
        {
            "op": "plan",
            "site": site.pk,
            "supervising_unit": "LB-C",
            "interval_days": "30",
            "starts_on": "2026-07-01",
            "checklist": "消防通道畅通\n灭火器有效",
        },
    )
    actions.inspections_schedule(today=date(2026, 7, 1))
    inspection = Inspection.objects.get()
    page = client.get("/staff/safety/sites/", **ZH).content.decode()
    assert f'id="inspection-{inspection.pk}"' in page and "灭火器有效" in page
    missing = client.post(
        "/staff/safety/sites/",
        {"op": "record", "inspection": inspection.pk, "item-0": "fail", "item-1": "ok"},
        follow=True,
        **EN,
    )
    assert "Describe the findings for the failed items." in missing.content.decode()
    client.post(
        "/staff/safety/sites/",
        {"op": "record", "inspection": inspection.pk, "item-0": "ok", "item-1": "ok"},
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DONE and inspection.inspector == world.alice
    assert inspection.results == {"消防通道畅通": "ok", "灭火器有效": "ok"}


def test_staff_of_another_town_neither_see_nor_record_the_sites_inspections(client, world, at):
    at("2026-07-01 09:00")
    site = actions.site_register(
        actor=world.alice, name="桃村小超市", kind="small_shop", place=world.V11
    )
    actions.inspection_plan_create(
        actor=world.alice,
        site=site,
        supervising_unit=world.u_labour,
        interval_days=30,
        starts_on=date(2026, 7, 1),
        checklist=["消防通道畅通"],
    )
    actions.inspections_schedule(today=date(2026, 7, 1))
    inspection = Inspection.objects.get()
    client.force_login(world.carol)
    assert "桃村小超市" not in client.get("/staff/safety/sites/").content.decode()
    client.post(
        "/staff/safety/sites/", {"op": "record", "inspection": inspection.pk, "item-0": "ok"}
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DUE


def _accepted_hazard(world):
    from concord.cases import actions as case_actions

    case = actions.hazard_report(
        actor=world.grace,
        hazard_type="gas",
        title="煤气罐露天堆放",
        description="小饭馆门口堆放十余个煤气罐，无防护。",
        source="grid_worker",
        lng=120.05,
        lat=30.05,
    ).case
    case_actions.case_accept(actor=world.grace, case=case)
    return case


def test_the_owning_unit_orders_rectification_and_reports_it_done_from_the_hazard_page(
    client, world, at
):
    from concord.cases.models import Status
    from concord.safety.models import OrderState, RectificationOrder

    at("2026-03-02 09:00")
    case = _accepted_hazard(world)
    url = f"/staff/safety/hazards/{case.pk}/"
    client.force_login(world.grace)
    assert 'id="order-form"' in client.get(url, **ZH).content.decode()
    order_form = {
        "op": "order",
        "responsible_party": "老王饭馆",
        "supervising_unit": "LB-C",
        "requirements": "煤气罐移入专用储存间并加装报警器",
    }
    late = client.post(url, {**order_form, "due_on": "2026-03-01"}, follow=True, **EN)
    assert "Give a deadline after today." in late.content.decode()
    client.post(url, {**order_form, "due_on": "2026-03-09"})
    order = RectificationOrder.objects.get(case=case)
    assert order.state == OrderState.ISSUED and order.supervising_unit == world.u_labour
    page = client.get(url, **EN).content.decode()
    assert f'id="order-done-{order.pk}"' in page
    twice = client.post(url, {**order_form, "due_on": "2026-03-09"}, follow=True, **EN)
    assert "This hazard already has a rectification order in force." in twice.content.decode()
    client.post(url, {"op": "done", "order": order.pk, "note": "已移入储存间"})
    order.refresh_from_db()
    case.refresh_from_db()
    assert order.state == OrderState.REPORTED_DONE and case.status == Status.RESOLVED


def test_staff_who_only_see_the_hazard_are_not_offered_the_order_forms(client, world, at):
    from concord.safety.models import RectificationOrder

    at("2026-03-02 09:00")
    case = _accepted_hazard(world)
    url = f"/staff/safety/hazards/{case.pk}/"
    client.force_login(world.bob)
    page = client.get(url)
    assert page.status_code == 200 and 'id="order-form"' not in page.content.decode()
    client.post(
        url,
        {
            "op": "order",
            "responsible_party": "p",
            "supervising_unit": "LB-C",
            "requirements": "r",
            "due_on": "2026-03-09",
        },
    )
    assert not RectificationOrder.objects.exists()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_new_safety_pages_are_in_one_language(client, world, at, lang):
    from concord.web.tests.crawl import foreign_text

    at("2026-07-01 09:00")
    site = actions.site_register(
        actor=world.alice, name="桃村小超市", kind="small_shop", place=world.V11
    )
    actions.inspection_plan_create(
        actor=world.alice,
        site=site,
        supervising_unit=world.u_labour,
        interval_days=30,
        starts_on=date(2026, 7, 1),
        checklist=["消防通道畅通"],
    )
    actions.inspections_schedule(today=date(2026, 7, 1))
    case = _accepted_hazard(world)
    client.force_login(world.sam)
    for url in (
        "/staff/safety/",
        "/staff/safety/warnings/new/",
        "/staff/safety/policies/new/",
        "/staff/safety/sites/",
        f"/staff/safety/hazards/{case.pk}/",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        assert foreign_text(response.content.decode(), lang) == [], url


def test_a_grid_worker_reports_a_hazard_found_on_patrol_from_a_page(client, world):
    from concord.safety.models import Hazard

    client.force_login(world.grace)
    assert (
        "/staff/safety/hazards/new/" in client.get("/staff/safety/hazards/", **EN).content.decode()
    )
    page = client.get("/staff/safety/hazards/new/", **ZH).content.decode()
    assert "报告隐患" in page and f'value="{world.G111.code}"' in page
    assert f'value="{world.V21.code}"' not in page  # only the places she may file in
    form = {
        "hazard_type": "building",
        "title": "挡土墙开裂",
        "description": "巷道上方的挡土墙雨后出现新裂缝，有石块掉落。",
        "place": world.G111.code,
    }
    response = client.post("/staff/safety/hazards/new/", form, **ZH)
    hazard = Hazard.objects.get(case__title="挡土墙开裂")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/safety/hazards/{hazard.case_id}/"
    # Found on patrol: no resident's consent is asked for.
    assert hazard.source == "grid_worker" and hazard.case.intake_channel == "grid_worker"
    assert hazard.case.place == world.G111 and hazard.hazard_type == "building"
    # A place outside hers is refused (the form offers none), and nothing is filed.
    client.post("/staff/safety/hazards/new/", {**form, "place": world.V21.code, "title": "别处"})
    assert not Hazard.objects.filter(case__title="别处").exists()


def test_only_those_who_file_cases_see_the_hazard_form(client, world):
    client.force_login(world.ana)  # aggregates only
    assert client.get("/staff/safety/hazards/new/").status_code == 403
