"""Inspection plans make due inspections; incidents keep a timeline; policies get public answers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from concord.notifications.models import Notification
from concord.safety import actions, selectors
from concord.safety.models import Inspection, PolicyQuestion

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def plan(world):
    site = actions.site_register(
        actor=world.dora,
        name="悦来小旅馆",
        kind="small_hotel",
        place=world.G111,
        lat=30.05,
        lng=120.05,
        responsible_party="陈老板",
    )
    return actions.inspection_plan_create(
        actor=world.dora,
        site=site,
        supervising_unit=world.u_labour,
        interval_days=30,
        starts_on=date(2026, 1, 10),
        checklist=["消防通道畅通", "灭火器有效", "住客登记"],
    )


def test_an_inspection_plan_generates_due_inspections_and_shows_the_overdue(plan, world, at):
    assert actions.inspections_schedule(today=date(2026, 3, 1)) == 2
    assert actions.inspections_schedule(today=date(2026, 3, 1)) == 0  # idempotent
    assert list(Inspection.objects.values_list("due_on", flat=True)) == [
        date(2026, 1, 10),
        date(2026, 2, 9),
    ]
    at("2026-03-01 09:00")
    overdue = selectors.inspections_overdue_for(world.zoe)
    assert [i.due_on for i in overdue] == [date(2026, 1, 10), date(2026, 2, 9)]
    assert not selectors.inspections_overdue_for(world.carol).exists()  # West Town only
    actions.inspections_schedule(today=date(2026, 3, 11))
    assert Inspection.objects.count() == 3


def test_a_failed_checklist_item_files_a_hazard_from_the_inspection(plan, world, at, api):
    at("2026-01-10 10:00")
    actions.inspections_schedule()
    inspection = Inspection.objects.get()
    with pytest.raises(InvalidInput):  # every item must be answered
        actions.inspection_record(actor=world.dora, inspection=inspection, results={})
    response = api.as_user(world.dora).post(
        f"/safety/inspections/{inspection.pk}/record",
        {
            "results": {"消防通道畅通": "fail", "灭火器有效": "ok", "住客登记": "ok"},
            "findings": "二楼消防通道堆放杂物",
            "hazard_type": "fire",
        },
    )
    assert response.status_code == 200, response.json()
    inspection.refresh_from_db()
    assert inspection.state == "done"
    assert inspection.hazard_case.kind == "hazard_report"
    assert inspection.hazard_case.hazard.source == "inspection"
    assert inspection.hazard_case.hazard.site == plan.site


def test_an_incident_with_plan_timeline_casualties_linked_cases_and_review(world, at):
    at("2026-07-02 06:00")
    actions.response_plan_create(
        actor=world.zoe,
        incident_type="natural_disaster",
        title="防汛应急预案",
        checklist=["启动应急响应", "转移群众", "开放避难场所"],
    )
    incident = actions.incident_record(
        actor=world.sam,
        title="桃村山洪",
        incident_type="natural_disaster",
        level="large",
        places=[world.V11, world.V12],
        occurred_at=datetime(2026, 7, 2, 5, 0, tzinfo=TZ),
        response_team=world.u_t1,
        injured=2,
        displaced=40,
        needs="帐篷、饮用水",
    )
    assert incident.plan.title == "防汛应急预案"
    assert incident.scope_path == world.T1.path
    actions.incident_log_action(
        actor=world.sam, incident=incident, text="启动四级响应", checklist_item="启动应急响应"
    )
    with pytest.raises(InvalidInput):
        actions.incident_log_action(
            actor=world.sam, incident=incident, text="x", checklist_item="不在预案里"
        )
    with pytest.raises(PermissionDenied):
        actions.incident_log_action(actor=world.carol, incident=incident, text="x")
    from concord.cases.actions import case_submit

    case = case_submit(
        kind="help_request", title="求助", description="房屋进水", place=world.V11
    ).case
    actions.incident_link_case(actor=world.sam, incident=incident, case=case)
    with pytest.raises(InvalidTransition):
        actions.incident_review(actor=world.sam, incident=incident, review="r", lessons="l")
    actions.incident_close(actor=world.sam, incident=incident)
    actions.incident_review(
        actor=world.sam, incident=incident, review="转移及时", lessons="预警短信要更早发"
    )
    incident = selectors.get_incident_for_user(world.sam, incident.pk)
    assert incident.state == "reviewed"
    assert incident.checklist_done == ["启动应急响应"]
    assert [a.text for a in incident.timeline.all()][-1] == "启动四级响应"
    assert list(incident.cases.all()) == [case]


def test_a_policy_notice_with_a_question_and_a_public_answer(
    world, at, api, django_capture_on_commit_callbacks
):
    at("2026-04-01 09:00")
    r = api.as_user(world.alice).post(
        "/safety/policies",
        {
            "title_zh": "农村危房改造补助办法",
            "title_en": "Rural dangerous-housing renovation subsidy",
            "body": "第一条 ……",
            "interpretation_zh": "住在鉴定为危房的农户，可以申请最多两万元补助。",
            "issuing_unit": "GC-T1",
            "places": ["T1"],
            "effective_from": "2026-04-01",
        },
    )
    assert r.status_code == 201, r.json()
    notice_id = r.json()["id"]
    listed = api.anonymous().get("/safety/policies", place="V11").json()
    assert [n["id"] for n in listed] == [notice_id]
    assert api.get("/safety/policies", place="V21").json() == []
    asked = api.as_user(world.resident).post(
        f"/safety/policies/{notice_id}/questions", {"text": "租的房子能申请补助吗？"}
    )
    assert asked.status_code == 201
    assert api.anonymous().get(f"/safety/policies/{notice_id}").json()["answers"] == []
    question = PolicyQuestion.objects.get()
    with pytest.raises(PermissionDenied):
        actions.policy_question_answer(actor=world.carol, question=question, answer="x")
    # Through the API a question of another unit's notice is not even found.
    refused = api.as_user(world.carol).post(
        f"/safety/questions/{question.pk}/answer", {"answer": "x"}
    )
    assert refused.status_code == 404
    assert selectors.policy_questions_for(world.carol).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = api.as_user(world.alice).post(
            f"/safety/questions/{question.pk}/answer",
            {"answer": "补助给房屋所有人，租户请联系房东申请。"},
        )
    assert r.status_code == 200, r.json()
    public = api.anonymous().get(f"/safety/policies/{notice_id}").json()["answers"]
    assert public[0]["question"] == "租的房子能申请补助吗？"
    assert public[0]["answer"].startswith("补助给房屋所有人")
    assert Notification.objects.get(recipient=world.resident, kind="policy_answer").statutory


def test_recurring_questions_show_up_as_a_theme(world, at):
    notice = actions.policy_publish(
        actor=world.alice,
        title_zh="补助办法",
        title_en="",
        body="b",
        interpretation_zh="i",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 4, 1),
    )
    for text in [
        "租的房子能申请补助吗",
        "租房子的能不能申请补助",
        "租的房子可以申请补助吗",
        "什么时候开始受理",
    ]:
        actions.policy_question_ask(notice=notice, text=text)
    (theme,) = selectors.policy_question_themes()
    assert theme.count == 3 and "租" in theme.label


def test_a_policy_needs_places_and_a_sane_period(world):
    common = dict(
        actor=world.alice,
        title_zh="t",
        body="b",
        interpretation_zh="i",
        issuing_unit=world.u_t1,
        title_en="",
    )
    with pytest.raises(InvalidInput):
        actions.policy_publish(places=[], effective_from=date(2026, 4, 1), **common)
    with pytest.raises(InvalidInput):
        actions.policy_publish(
            places=[world.T1],
            effective_from=date(2026, 4, 1),
            effective_to=date(2026, 3, 1),
            **common,
        )


def test_the_schedule_command_creates_due_inspections(plan, at):
    from io import StringIO

    from django.core.management import call_command

    at("2026-01-20 09:00")
    out = StringIO()
    call_command("inspections", "schedule", stdout=out)
    assert out.getvalue().strip() == "1 inspections scheduled"
    assert Inspection.objects.get().due_on == date(2026, 1, 10)


def test_the_issuing_unit_answers_a_question_from_the_policy_page(world, at, client):
    at("2026-04-01 09:00")
    notice = actions.policy_publish(
        actor=world.alice,
        title_zh="补助办法",
        title_en="Subsidy rules",
        body="b",
        interpretation_zh="i",
        issuing_unit=world.u_t1,
        places=[world.T1],
        effective_from=date(2026, 4, 1),
    )
    question = actions.policy_question_ask(notice=notice, text="租的房子能申请补助吗？")
    url = f"/safety/policies/{notice.pk}/"
    # Another town's caseworker is not offered the question; the issuing unit's is.
    client.force_login(world.carol)
    assert 'id="unanswered"' not in client.get(url).content.decode()
    client.post(url, {"op": "answer", "question": question.pk, "answer": "x"})
    question.refresh_from_db()
    assert question.answered_at is None
    client.force_login(world.alice)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="unanswered"' in page and "等待本单位答复的问题" in page
    r = client.post(url, {"op": "answer", "question": question.pk, "answer": "租户请联系房东。"})
    assert r.status_code == 302
    question.refresh_from_db()
    assert question.answered_by == world.alice and question.answer == "租户请联系房东。"
    assert "租户请联系房东" in client.get(url).content.decode()
