"""Staff pages for incidents and hazards: lists, detail pages and their forms."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from concord.cases import actions as case_actions
from concord.cases.models import Status
from concord.safety import actions
from concord.safety.models import Incident, Verification

TZ = ZoneInfo("Asia/Shanghai")


def _incident(world, title="桃村山洪"):
    return actions.incident_record(
        actor=world.sam,
        title=title,
        incident_type="natural_disaster",
        level="large",
        places=[world.V11],
        occurred_at=datetime(2026, 7, 2, 5, 0, tzinfo=TZ),
        injured=2,
    )


def test_the_incident_pages_show_the_timeline_checklist_and_take_the_review(
    world, client, at, django_assert_max_num_queries
):
    at("2026-07-02 06:00")
    actions.response_plan_create(
        actor=world.zoe,
        incident_type="natural_disaster",
        title="防汛应急预案",
        checklist=["启动应急响应", "转移群众"],
    )
    incident = _incident(world)
    for n in range(3):
        _incident(world, title=f"其他事件{n}")
    client.force_login(world.sam)
    assert 'href="/staff/safety/incidents/"' in client.get("/staff/safety/").content.decode()
    with django_assert_max_num_queries(12):
        listing = client.get("/staff/safety/incidents/")
    assert listing.status_code == 200 and "桃村山洪" in listing.content.decode()
    url = f"/staff/safety/incidents/{incident.pk}/"
    client.post(url, {"op": "action", "text": "转移32人", "checklist_item": "转移群众"})
    page = client.get(url).content.decode()
    assert "转移32人" in page and "✔ 转移群众" in page and "☐ 启动应急响应" in page
    client.post(url, {"op": "review", "review": "太早", "lessons": "x"})  # refused: still open
    incident.refresh_from_db()
    assert incident.state == "responding"
    client.post(url, {"op": "close", "note": "洪水退去"})
    response = client.post(url, {"op": "review", "review": "响应及时", "lessons": "加固河堤"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == "reviewed" and incident.lessons == "加固河堤"
    assert "加固河堤" in client.get(url).content.decode()


def test_the_incident_pages_are_refused_outside_the_supervisors_places(world, client, at):
    at("2026-07-02 06:00")
    incident = _incident(world)
    client.force_login(world.carol)  # West Town
    assert "桃村山洪" not in client.get("/staff/safety/incidents/").content.decode()
    url = f"/staff/safety/incidents/{incident.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"op": "close"}).status_code == 404
    client.force_login(world.resident)
    assert client.get("/staff/safety/incidents/").status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert Incident.objects.get().state == "responding"


def _resolved_hazard(world):
    case = actions.hazard_report(
        actor=world.grace,
        hazard_type="gas",
        title="煤气罐露天堆放",
        description="小饭馆门口堆放煤气罐",
        source="grid_worker",
        lng=120.05,
        lat=30.05,
    ).case
    case_actions.case_accept(actor=world.grace, case=case)
    order = actions.rectification_order_issue(
        actor=world.grace,
        case=case,
        responsible_party="老王饭馆",
        supervising_unit=world.u_labour,
        requirements="煤气罐移入专用储存间",
        due_on=date(2026, 3, 9),
    )
    actions.rectification_report_done(actor=world.grace, order=order, note="已移入储存间")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    return case


def test_the_hazard_pages_show_the_order_and_take_a_verification(
    world, client, at, photo, django_assert_max_num_queries
):
    at("2026-03-02 09:00")
    case = _resolved_hazard(world)
    client.force_login(world.grace)
    assert 'href="/staff/safety/hazards/"' in client.get("/staff/safety/").content.decode()
    with django_assert_max_num_queries(15):
        listing = client.get("/staff/safety/hazards/")
    assert "煤气罐露天堆放" in listing.content.decode()
    url = f"/staff/safety/hazards/{case.pk}/"
    page = client.get(url).content.decode()
    assert "老王饭馆" in page and "煤气罐移入专用储存间" in page and 'name="photo"' in page
    # Without a photo the verification is refused with the reason.
    refused = client.post(
        url, {"passed": "yes", "note": "已整改", "lat": "30.05", "lng": "120.05"}, follow=True
    )
    assert [m.level_tag for m in refused.context["messages"]] == ["error"]
    assert not Verification.objects.exists()
    upload = {"passed": "yes", "note": "现场核实已整改", "lat": "30.05", "lng": "120.05"}
    upload["photo"] = _file(photo)
    assert client.post(url, upload).status_code == 302
    verification = Verification.objects.get()
    assert verification.passed and verification.note == "现场核实已整改"
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    page = client.get(url).content.decode()
    assert "现场核实已整改" in page and 'name="photo"' not in page


def test_the_hazard_pages_are_refused_to_those_who_may_not_see_the_case(world, client, at):
    at("2026-03-02 09:00")
    case = _resolved_hazard(world)
    client.force_login(world.carol)  # West Town caseworker
    assert "煤气罐露天堆放" not in client.get("/staff/safety/hazards/").content.decode()
    assert client.get(f"/staff/safety/hazards/{case.pk}/").status_code == 404
    assert client.post(f"/staff/safety/hazards/{case.pk}/", {"passed": "yes"}).status_code == 404
    client.force_login(world.resident)
    assert client.get("/staff/safety/hazards/").status_code == 403
    client.logout()
    assert client.get("/staff/safety/hazards/").status_code == 302
    assert not Verification.objects.exists()


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("site.png", content, content_type="image/png")


def test_the_casualty_figures_are_updated_from_the_incident_page(world, client, at):
    from concord.core.models import Event

    at("2026-07-02 06:00")
    incident = _incident(world)
    client.force_login(world.sam)
    url = f"/staff/safety/incidents/{incident.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="figures"' in page and "更新伤亡数字" in page
    figures = {"deaths": "0", "injured": "5", "missing": "1", "displaced": "40", "needs": "帐篷"}
    assert client.post(url, {"op": "figures", **figures}).status_code == 302
    incident.refresh_from_db()
    assert (incident.injured, incident.missing, incident.displaced) == (5, 1, 40)
    assert incident.needs == "帐篷"
    assert Event.objects.filter(stream__contains=str(incident.pk)).count() >= 2
    # A count that is not a number changes nothing and says why.
    r = client.post(url, {"op": "figures", **figures, "injured": "many"}, follow=True)
    assert (
        "Counts must be whole numbers." in r.content.decode()
        or "人数须为整数" in r.content.decode()
    )
    incident.refresh_from_db()
    assert incident.injured == 5


def test_a_supervisor_records_an_incident_from_the_list_page(world, client, at):
    at("2026-07-02 06:00")
    client.force_login(world.alice)  # a caseworker: no form, and a post records nothing
    assert 'id="incident-form"' not in client.get("/staff/safety/incidents/").content.decode()
    client.post("/staff/safety/incidents/", {"title": "x", "place": world.V11.code})
    assert not Incident.objects.exists()
    client.force_login(world.sam)
    page = client.get("/staff/safety/incidents/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="incident-form"' in page and "登记突发事件" in page
    r = client.post(
        "/staff/safety/incidents/",
        {
            "title": "桃村山洪",
            "incident_type": "natural_disaster",
            "level": "large",
            "place": world.V11.code,
            "occurred_at": "2026-07-02T05:00",
            "description": "河水漫堤",
        },
    )
    assert r.status_code == 302
    incident = Incident.objects.get()
    assert incident.created_by == world.sam and incident.scope_path == world.V11.path
    assert incident.occurred_at == datetime(2026, 7, 2, 5, 0, tzinfo=TZ)


def test_grid_staff_record_a_vulnerable_household_with_consent_from_a_page(world, client, at):
    from concord.safety.models import VulnerableHousehold

    at("2026-07-02 09:00")
    client.force_login(world.grace)
    assert 'href="/staff/safety/households/"' in client.get("/staff/safety/").content.decode()
    page = client.get("/staff/safety/households/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登记住户" in page
    form = {
        "place": world.G111.code,
        "label": "王奶奶家",
        "address": "桃村3组12号",
        "vulnerabilities": ["elderly_alone"],
        "consent_by": "王秀英本人",
        "consent_on": "2026-07-01",
    }
    # Without consent nothing is recorded, and the page says why.
    r = client.post("/staff/safety/households/", {**form, "consent_by": ""}, follow=True)
    assert "Record who gave consent" in r.content.decode() or "同意" in r.content.decode()
    assert not VulnerableHousehold.objects.exists()
    assert client.post("/staff/safety/households/", form).status_code == 302
    household = VulnerableHousehold.objects.get()
    assert household.place == world.G111 and household.vulnerabilities == ["elderly_alone"]
    assert "王奶奶家" in client.get("/staff/safety/households/").content.decode()
    client.force_login(world.sam)  # a supervisor files no cases: no link, no page
    assert 'href="/staff/safety/households/"' not in client.get("/staff/safety/").content.decode()
    assert client.get("/staff/safety/households/").status_code == 403
