"""The safety API for incidents, sites and plans, households and the resident's own profile."""

from datetime import date

from concord.safety import actions
from concord.safety.models import Incident, InspectionPlan, InspectionSite, VulnerableHousehold

INCIDENT = {
    "title": "桃村山洪",
    "incident_type": "natural_disaster",
    "level": "large",
    "places": ["V11", "V12"],
    "occurred_at": "2026-07-02T05:00:00+08:00",
    "response_team": "GC-T1",
    "injured": 2,
    "displaced": 40,
    "needs": "帐篷、饮用水",
}


def test_an_incident_through_the_api_from_record_to_review(world, at, api):
    at("2026-07-02 06:00")
    actions.response_plan_create(
        actor=world.zoe,
        incident_type="natural_disaster",
        title="防汛应急预案",
        checklist=["启动应急响应", "转移群众"],
    )
    case = actions.hazard_report(
        actor=world.grace,
        hazard_type="flood",
        title="河堤渗水",
        description="河堤有渗水点",
        lng=120.05,
        lat=30.05,
    ).case
    sam = api.as_user(world.sam)
    created = sam.post("/safety/incidents", INCIDENT)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["plan"] == "防汛应急预案" and body["checklist"] == ["启动应急响应", "转移群众"]
    assert body["places"] == ["V11", "V12"] and body["response_team"] == "GC-T1"
    pk = body["id"]
    step = sam.post(
        f"/safety/incidents/{pk}/actions", {"text": "转移32人", "checklist_item": "转移群众"}
    )
    assert step.status_code == 201 and step.json()["checklist_done"] == ["转移群众"]
    assert [t["text"] for t in step.json()["timeline"]][-1] == "转移32人"
    bad = sam.post(f"/safety/incidents/{pk}/actions", {"text": "x", "checklist_item": "不存在"})
    assert bad.status_code == 400 and "checklist_item" in bad.json()["error"]["fields"]
    figures = sam.post(
        f"/safety/incidents/{pk}/figures",
        {"deaths": 0, "injured": 3, "missing": 1, "displaced": 55, "needs": "药品"},
    )
    assert figures.json()["injured"] == 3 and figures.json()["needs"] == "药品"
    linked = sam.post(f"/safety/incidents/{pk}/cases", {"case_id": case.pk})
    assert linked.json()["cases"] == [case.receipt_code]
    early = sam.post(f"/safety/incidents/{pk}/review", {"review": "r", "lessons": "l"})
    assert early.status_code == 409
    assert sam.post(f"/safety/incidents/{pk}/close", {"note": "洪水退去"}).json()["state"] == (
        "closed"
    )
    reviewed = sam.post(
        f"/safety/incidents/{pk}/review", {"review": "响应及时", "lessons": "加固河堤"}
    )
    assert reviewed.json()["state"] == "reviewed" and reviewed.json()["lessons"] == "加固河堤"
    assert [i["id"] for i in sam.get("/safety/incidents").json()] == [pk]


def test_incidents_are_refused_outside_the_supervisors_places(world, at, api):
    at("2026-07-02 06:00")
    # Alice handles cases but supervises nothing; Carol works in West Town.
    assert api.as_user(world.alice).post("/safety/incidents", INCIDENT).status_code == 403
    pk = api.as_user(world.sam).post("/safety/incidents", INCIDENT).json()["id"]
    carol = api.as_user(world.carol)
    assert carol.get(f"/safety/incidents/{pk}").status_code == 404
    assert carol.get("/safety/incidents").json() == []
    assert carol.post(f"/safety/incidents/{pk}/close", {}).status_code == 404
    # A resident account is refused by the staff scope itself.
    assert api.as_user(world.resident).get("/safety/incidents").status_code == 403
    assert api.anonymous().get("/safety/incidents").status_code == 401
    assert Incident.objects.get().state == "responding"


def test_sites_and_plans_make_due_inspections_that_are_recorded(world, at, api):
    at("2026-01-10 09:00")
    dora = api.as_user(world.dora)
    site = dora.post(
        "/safety/sites",
        {"name": "悦来小旅馆", "kind": "small_hotel", "place": "G111", "lat": 30.05, "lng": 120.05},
    )
    assert site.status_code == 201, site.json()
    site_id = site.json()["id"]
    plan = dora.post(
        f"/safety/sites/{site_id}/plans",
        {
            "supervising_unit": "LB-C",
            "interval_days": 30,
            "starts_on": "2026-01-10",
            "checklist": ["消防通道畅通", "灭火器有效"],
        },
    )
    assert plan.status_code == 201 and plan.json()["checklist"] == ["消防通道畅通", "灭火器有效"]
    duplicate = dora.post(
        f"/safety/sites/{site_id}/plans",
        {
            "supervising_unit": "LB-C",
            "interval_days": 30,
            "starts_on": "2026-01-10",
            "checklist": ["a", "a"],
        },
    )
    assert duplicate.status_code == 400
    actions.inspections_schedule(today=date(2026, 1, 10))
    due = dora.get("/safety/inspections/due").json()
    assert [(d["site"], d["due_on"]) for d in due] == [("悦来小旅馆", "2026-01-10")]
    done = dora.post(
        f"/safety/inspections/{due[0]['id']}/record",
        {"results": {"消防通道畅通": "ok", "灭火器有效": "ok"}},
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert dora.get("/safety/inspections/due").json() == []


def test_sites_and_plans_are_refused_to_those_without_the_place(world, api):
    site = {"name": "工地", "kind": "construction_site", "place": "G111"}
    assert api.as_user(world.carol).post("/safety/sites", site).status_code == 403
    assert api.as_user(world.resident).post("/safety/sites", site).status_code == 403
    assert api.anonymous().post("/safety/sites", site).status_code == 401
    created = actions.site_register(
        actor=world.dora, name="工地", kind="construction_site", place=world.G111
    )
    plan = {
        "supervising_unit": "LB-C",
        "interval_days": 7,
        "starts_on": "2026-01-01",
        "checklist": ["安全帽"],
    }
    assert api.as_user(world.carol).post(f"/safety/sites/{created.pk}/plans", plan).status_code == (
        404
    )
    assert not InspectionPlan.objects.exists()
    assert InspectionSite.objects.count() == 1


HOUSEHOLD = {
    "place": "G111",
    "label": "3号楼2单元王奶奶",
    "address": "桃村3号",
    "vulnerabilities": ["elderly_alone"],
    "consent_by": "本人",
    "consent_on": "2026-05-01",
    "phone": "13800000001",
}


def test_a_grid_worker_records_households_with_consent_and_lists_their_grid(world, api):
    grace = api.as_user(world.grace)
    created = grace.post("/safety/households", HOUSEHOLD)
    assert created.status_code == 201, created.json()
    assert created.json()["consent_by"] == "本人"
    assert [h["label"] for h in grace.get("/safety/households").json()] == ["3号楼2单元王奶奶"]
    no_consent = grace.post("/safety/households", {**HOUSEHOLD, "consent_by": " "})
    assert no_consent.status_code == 400 and "consent_by" in no_consent.json()["error"]["fields"]
    assert api.as_user(world.carol).get("/safety/households").json() == []
    assert api.as_user(world.carol).post("/safety/households", HOUSEHOLD).status_code == 403
    assert api.as_user(world.resident).get("/safety/households").status_code == 403
    assert api.anonymous().get("/safety/households").status_code == 401
    assert VulnerableHousehold.objects.count() == 1


def test_a_resident_sets_their_own_place_language_and_channels(world, api):
    me = api.as_user(world.resident)
    assert me.get("/safety/me/profile").json()["place"] is None
    saved = me.post(
        "/safety/me/profile",
        {
            "place": "G111",
            "address": "桃村5号",
            "language": "en",
            "sms": True,
            "phone": "13900000000",
        },
    )
    assert saved.status_code == 200, saved.json()
    assert me.get("/safety/me/profile").json() == {
        "place": "G111",
        "address": "桃村5号",
        "language": "en",
        "email": True,
        "sms": True,
        "phone": "13900000000",
        "opted_out": False,
    }
    # Text messages need a phone; nothing is saved when one part is refused.
    refused = me.post("/safety/me/profile", {"place": "V12", "sms": True, "phone": ""})
    assert refused.status_code == 400
    assert me.get("/safety/me/profile").json()["place"] == "G111"
    assert me.post("/safety/me/profile", {"place": "nowhere"}).status_code == 404
    assert api.anonymous().get("/safety/me/profile").status_code == 401
    assert api.as_user(world.grace).get("/safety/me/profile").json()["place"] is None
