"""The API, the pages, the mitigation-task job, re-assessment and the investment rule."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concord.accounts.models import User
from concord.assessments import actions, deadlines
from concord.assessments.models import Assessment, MitigationTask, Stage
from concord.core.models import Event
from concord.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world, at, api):
    """A siting decision planned through the API by Alice (T1 caseworker)."""
    at("2026-03-02 09:00")
    api.as_user(world.alice)
    r = api.post(
        "/assessments/decisions",
        {
            "title": "垃圾转运站选址",
            "description": "拟在桃村东侧建设转运站。",
            "type": "facility_siting",
            "owner_unit": "GC-T1",
            "places": ["V11", "V12"],
            "affected_groups": ["周边居民"],
            "documents": [{"title": "选址报告", "url": ""}],
        },
    )
    assert r.status_code == 201, r.json()
    decision = r.json()
    assert decision["is_investment"] is True  # siting is an investment project by default
    r = api.post(f"/assessments/decisions/{decision['id']}/screen", {})
    assert r.json()["screening"] == "required"
    r = api.post(
        f"/assessments/decisions/{decision['id']}/assessments",
        {
            "leader": world.sam.pk,
            "team": [world.alice.pk],
            "starts_on": "2026-03-02",
            "ends_on": "2026-04-30",
        },
    )
    assert r.status_code == 201, r.json()
    return r.json()["id"]


def _to_report(world, api, at, aid, *, likelihood=2, impact=4):
    api.as_user(world.alice)
    r = api.post(f"/assessments/{aid}/consultation", {"opens_on": "2026-03-02"})
    assert r.status_code == 201 and r.json()["closes_on"] == "2026-03-11"
    r = api.anonymous().post(
        f"/assessments/consultations/{aid}/comments",
        {"body": "离学校太近，反对。", "stance": "oppose"},
    )
    assert r.status_code == 201
    receipt = r.json()
    at("2026-03-12 09:00")
    api.as_user(world.alice)
    assert api.post(f"/assessments/{aid}/consultation/close").status_code == 200
    r = api.post(
        f"/assessments/{aid}/risk-points",
        {
            "dimension": "controllability",
            "title": "周边居民反对",
            "likelihood": likelihood,
            "impact": impact,
            "mitigation": "密闭运行，远离学校",
            "owner_unit": "GC-T1",
        },
    )
    assert r.status_code == 201, r.json()
    r = api.post(f"/assessments/{aid}/report", {"contingency_plan": "现场工作组值守。"})
    assert r.status_code == 200, r.json()
    return receipt


def test_an_investment_project_at_medium_risk_cannot_be_approved(world, api, at, planned):
    _to_report(world, api, at, planned)
    api.as_user(world.sam)
    body = {
        "outcome": "implement",
        "decided_on": "2026-03-13",
        "body": "镇政府常务会",
        "minutes": "讨论",
    }
    r = api.post(f"/assessments/{planned}/decide", body)
    assert r.status_code == 409
    assert r.json()["error"]["fields"]["outcome"] == "investment_blocked"
    reason = {"unanswered_reason": "Postponed until the themes are answered."}
    r = api.post(f"/assessments/{planned}/decide", {**body, "outcome": "postpone", **reason})
    assert r.status_code == 200 and r.json()["stage"] == "decided"


def test_staff_outside_the_jurisdiction_cannot_see_or_touch_it(world, api, planned):
    assert api.as_user(world.carol).get(f"/assessments/{planned}").status_code == 404
    # A resident account is refused by the staff scope before any lookup.
    assert api.as_user(world.resident).get(f"/assessments/{planned}").status_code == 403
    r = api.as_user(world.alice).post(
        f"/assessments/{planned}/override", {"level": "low", "reason": "我认为风险低"}
    )
    assert r.status_code == 403  # only a supervisor signs off


def test_the_public_page_shows_documents_and_a_hidden_comment_with_its_reason(
    world, api, at, planned, client
):
    api.as_user(world.alice)
    api.post(
        f"/assessments/{planned}/consultation",
        {"opens_on": "2026-03-02", "questions": [{"text_zh": "选址意见？"}]},
    )
    r = api.anonymous().post(
        f"/assessments/consultations/{planned}/comments",
        {"body": "垃圾广告 加微信", "answers": {"q1": "无"}},
    )
    code = r.json()["code"]
    r = api.as_user(world.alice).post(
        f"/assessments/comments/{code}/moderate", {"hide": True, "reason": "广告内容"}
    )
    assert r.status_code == 200
    public = api.anonymous().get(f"/assessments/consultations/{planned}").json()
    assert public["documents"] == [{"title": "选址报告", "url": ""}]
    hidden = public["comments"][0]
    assert hidden["body"] == "" and hidden["moderation_reason"] == "广告内容"
    page = client.get(f"/assessments/consultations/{planned}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert "选址报告" in html and "广告内容" in html and "加微信" not in html
    assert "提交意见" in html  # the form is open and translated
    # Posting through the page keeps the comment and gives a receipt.
    page = client.post(
        f"/assessments/consultations/{planned}", {"body": "支持建设", "stance": "support"}
    )
    assert "SC-" in page.content.decode()


def test_staff_pages_render_in_a_fixed_number_of_queries(world, api, at, planned, client):
    _to_report(world, api, at, planned)
    client.force_login(world.alice)
    client.get("/assessments/staff/")  # the session's first request stamps it (one write)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/assessments/staff/").status_code == 200
    # More decisions do not mean more queries.
    for i in range(3):
        actions.decision_create(
            actor=world.alice,
            title=f"决策{i}",
            description="说明",
            decision_type=Assessment.objects.get(pk=planned).decision.decision_type,
            owner_unit=world.u_t1,
            places=[world.V11],
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/assessments/staff/")
    assert len(many) == len(few)
    assert "决策2" in page.content.decode()
    r = client.get(f"/assessments/staff/{planned}")
    assert r.status_code == 200 and "周边居民反对" in r.content.decode()
    client.force_login(world.carol)
    assert client.get(f"/assessments/staff/{planned}").status_code == 404
    pdf = api.as_user(world.alice).get(f"/assessments/{planned}/report.pdf", lang="en")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_mitigation_tasks_warn_then_go_overdue_once(world, api, at, planned):
    _to_report(world, api, at, planned, likelihood=1, impact=3)
    api.as_user(world.alice)
    r = api.post(
        f"/assessments/{planned}/tasks",
        {"title": "安装除臭设备", "owner_unit": "GC-T1", "due_on": "2026-03-20"},
    )
    task_id = r.json()["id"]
    User.objects.filter(pk=world.alice.pk).update(language="zh-hans")
    User.objects.filter(pk=world.sam.pk).update(language="en")
    assert deadlines.tick(today=date(2026, 3, 10)).due_soon == 0
    assert deadlines.tick(today=date(2026, 3, 18)).due_soon == 1
    assert deadlines.tick(today=date(2026, 3, 18)).due_soon == 0  # idempotent
    report = deadlines.tick(today=date(2026, 3, 21))
    assert report.overdue == 1
    assert deadlines.tick(today=date(2026, 3, 22)).overdue == 0
    assert MitigationTask.objects.get(pk=task_id).state == "overdue"
    assert Event.objects.filter(stream=f"assessment:{planned}", kind="task_overdue").count() == 1
    # Each person is told in their own language, the task and the decision named.
    soon_zh = Notification.objects.get(kind="mitigation_due_soon", recipient=world.alice)
    soon_en = Notification.objects.get(kind="mitigation_due_soon", recipient=world.sam)
    assert soon_en.subject == "Mitigation task due soon: 安装除臭设备"
    assert soon_en.body == "Due on 2026-03-20 for “垃圾转运站选址”."
    assert soon_zh.subject == "化解任务即将到期：安装除臭设备"
    assert soon_zh.body == "“垃圾转运站选址”的任务将于 2026-03-20 到期。"
    late_zh = Notification.objects.get(kind="mitigation_overdue", recipient=world.alice)
    late_en = Notification.objects.get(kind="mitigation_overdue", recipient=world.sam)
    assert late_en.subject == "Mitigation task overdue: 安装除臭设备"
    assert late_en.body == "It was due on 2026-03-20 for “垃圾转运站选址”."
    assert late_zh.subject == "化解任务已逾期：安装除臭设备"
    assert late_zh.body == "“垃圾转运站选址”的任务已于 2026-03-20 到期。"
    r = api.post(f"/assessments/tasks/{task_id}/complete", {"note": "已安装"})
    assert r.json()["state"] == "done"


def test_changed_facts_during_implementation_start_a_new_round(world, api, at, planned):
    _to_report(world, api, at, planned, likelihood=1, impact=3)
    api.as_user(world.sam)
    r = api.post(
        f"/assessments/{planned}/decide",
        {
            "outcome": "implement",
            "decided_on": "2026-03-13",
            "body": "镇政府常务会",
            "minutes": "同意",
        },
    )
    assert r.status_code == 200, r.json()
    r = api.as_user(world.alice).post(
        f"/assessments/{planned}/monitoring",
        {"text": "规模由100吨扩大到300吨", "facts_changed": True},
    )
    assert r.status_code == 201
    new = Assessment.objects.get(pk=r.json()["assessment"])
    assert new.round == 2 and new.stage == Stage.PLANNING
    assert new.risk_points.count() == 1  # the register carries over for revision
    assert Assessment.objects.get(pk=planned).stage == Stage.SUPERSEDED
    assert new.reason == "规模由100吨扩大到300吨"


def test_a_commenter_follows_up_with_the_receipt_and_token(world, api, at, planned):
    receipt = _to_report(world, api, at, planned, likelihood=1, impact=3)
    r = api.anonymous().get(f"/assessments/comments/{receipt['code']}", token="wrong")
    assert r.status_code == 404
    r = api.anonymous().get(f"/assessments/comments/{receipt['code']}", token=receipt["token"])
    assert r.status_code == 200 and r.json()["body"] == "离学校太近，反对。"


def test_alerts_in_the_affected_places_and_categories_are_evidence(world, at, planned):
    from concord.assessments.evidence import platform_evidence
    from concord.warning.models import Alert

    decision = Assessment.objects.get(pk=planned).decision

    def alert(sig, place, root, observed=9):
        return Alert.objects.create(
            signature=sig,
            method="ears_c2",
            place=place,
            category_root=root,
            period_start=date(2026, 2, 20),
            period_end=date(2026, 2, 27),
            observed=observed,
            expected=2,
            unit=world.u_t1,
        )

    inside = alert("a", world.V11, "CM04")  # environment: related to siting
    covering = alert("b", world.T1, "CM04")  # a town alert covers the affected villages
    alert("c", world.V21, "CM04")  # another town
    alert("d", world.V11, "CM15")  # an unrelated category group
    small = alert("e", world.V11, "CM04", observed=3)
    evidence = platform_evidence(decision, today=date(2026, 3, 2), reader=world.sam)
    found = {a["id"] for a in evidence["alerts"]}
    assert found == {inside.pk, covering.pk, small.pk}
    # sam handles alerts in T1: he sees every count. alice does not: a count below the public
    # threshold is hidden from her, and no alert links to a page she could not open.
    assert {a["id"]: a["observed"] for a in evidence["alerts"]}[small.pk] == 3
    hers = platform_evidence(decision, today=date(2026, 3, 2), reader=world.alice)["alerts"]
    assert {a["id"]: (a["observed"], a["expected"]) for a in hers} == {
        inside.pk: (9, 2),
        covering.pk: (9, 2),
        small.pk: (None, None),
    }
    assert {a["url"] for a in hers} == {""}
    # A report issued by alice keeps every count; each reader is shown them as they may see.
    from concord.assessments.evidence import evidence_for

    stored = platform_evidence(decision, today=date(2026, 3, 2), reader=world.alice, snapshot=True)
    for reader, seen in ((world.sam, 3), (world.alice, None)):
        alerts = evidence_for(stored, reader=reader)["alerts"]
        assert {a["id"]: a["observed"] for a in alerts}[small.pk] == seen
