"""The staff workbench: the whole workflow from the pages, from proposing a decision to
monitoring after it, each form calling the API's action; a refusal is shown at the top."""

import re

import pytest

from concord.assessments.models import Assessment, Comment, Decision, MitigationTask, Stage
from concord.core.models import Event
from concord.web.tests.crawl import foreign_text

pytestmark = pytest.mark.django_db


def _post(client, url, data, *, lang="en"):
    """Post a form, follow the redirect, and return the page shown after it."""
    r = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE=lang)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


def _messages(page: str) -> str:
    m = re.search(r'<ul class="messages">(.*?)</ul>', page, re.S)
    return m[1] if m else ""


def _forms(page: str) -> list[str]:
    return re.findall(r'id="step-([a-z-]+)"', page)


def test_a_decision_goes_from_proposal_to_monitoring_through_the_pages(
    world, at, client, monkeypatch, keyword_classifier
):
    monkeypatch.setattr(
        "concord.assessments.actions.consultation.classify_texts", keyword_classifier
    )
    at("2026-03-02 09:00")
    client.force_login(world.alice)
    listing = client.get("/assessments/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="decision-new"' in listing and 'value="GC-T1"' in listing
    page = _post(
        client,
        "/assessments/staff/decisions/new",
        {
            "title": "垃圾转运站选址",
            "description": "拟在桃村东侧建设转运站。",
            "type": "facility_siting",
            "owner_unit": "GC-T1",
            "places": ["V11", "V12"],
            "affected_groups": "周边居民",
        },
    )
    d = Decision.objects.get(title="垃圾转运站选址")
    assert _forms(page) == ["screen"]  # not screened yet: nothing to plan
    page = _post(client, f"/assessments/staff/decisions/{d.pk}/screen", {"requires": ""})
    assert "Saved." in _messages(page) and _forms(page) == ["screen", "plan"]
    page = _post(
        client,
        f"/assessments/staff/decisions/{d.pk}/plan",
        {
            "leader": world.sam.pk,
            "team": [world.alice.pk],
            "method": "full",
            "starts_on": "2026-03-02",
            "ends_on": "2026-04-30",
        },
    )
    a = Assessment.objects.get(decision=d)
    assert a.leader == world.sam and list(a.team.all()) == [world.alice]
    assert _forms(page)[0] == "consultation-open" and "report" not in _forms(page)
    aid = a.pk
    page = _post(client, f"/assessments/staff/{aid}/consultation", {"opens_on": "2026-03-02"})
    assert Assessment.objects.get(pk=aid).stage == Stage.CONSULTING
    assert "consultation-open" not in _forms(page) and "consultation-close" in _forms(page)
    client.post(
        f"/assessments/consultations/{aid}",
        {"body": "离学校太近，反对。", "stance": "oppose"},
    )
    client.post(f"/assessments/consultations/{aid}", {"body": "买房送车，加微信", "stance": ""})
    spam = Comment.objects.get(body__startswith="买房")
    _post(
        client,
        f"/assessments/staff/{aid}/moderate",
        {"code": spam.code, "hide": "1", "reason": "广告"},
    )
    assert Comment.objects.get(pk=spam.pk).visibility == "hidden"
    _post(
        client,
        f"/assessments/staff/{aid}/engagements",
        {"kind": "visit", "held_on": "2026-03-05", "summary": "走访十户", "participants": "10"},
    )
    assert a.engagements.count() == 1
    # Closing before the period ends: the action's own reason at the top.
    page = _post(client, f"/assessments/staff/{aid}/consultation/close", {})
    assert "The comment period runs until 2026-03-11" in _messages(page)
    at("2026-03-12 09:00")
    _post(client, f"/assessments/staff/{aid}/consultation/close", {})
    _post(client, f"/assessments/staff/{aid}/consultation/summarise", {})
    a = Assessment.objects.select_related("consultation").get(pk=aid)
    assert a.stage == Stage.ANALYSING and a.consultation.summary["total"] == 1
    _post(
        client,
        f"/assessments/staff/{aid}/risk-points",
        {"dimension": "controllability", "title": "周边居民反对", "likelihood": "2", "impact": "4"},
    )
    point = a.risk_points.get()
    page = _post(client, f"/assessments/staff/{aid}/report", {"contingency_plan": "值守"})
    assert "Every risk point needs a mitigation: 周边居民反对" in _messages(page)
    _post(
        client,
        f"/assessments/staff/{aid}/risk-points/change",
        {"point": point.pk, "likelihood": "2", "impact": "5", "mitigation": "密闭运行"},
    )
    assert a.risk_points.get().impact == 5
    # The override belongs to the reviewer: a caseworker sees no form and is refused at the top.
    assert "override" not in _forms(page)
    page = _post(client, f"/assessments/staff/{aid}/override", {"level": "low", "reason": "r"})
    assert "Only a supervisor over the owner unit may do this." in _messages(page)
    client.force_login(world.sam)
    page = client.get(f"/assessments/staff/{aid}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "override" in _forms(page)
    _post(client, f"/assessments/staff/{aid}/override", {"level": "medium", "reason": "邻近学校"})
    assert Assessment.objects.get(pk=aid).level == "medium"
    _post(
        client,
        f"/assessments/staff/{aid}/tasks",
        {
            "title": "公示补偿方案",
            "owner_unit": "GC-T1",
            "due_on": "2026-04-01",
            "risk_point": point.pk,
        },
    )
    task = MitigationTask.objects.get(assessment_id=aid)
    for lang in ("en", "zh-hans"):  # one language a page; typed text and names are marked
        for url in (
            f"/assessments/staff/{aid}",
            f"/assessments/staff/decisions/{d.pk}",
            "/assessments/staff/",
        ):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            assert not foreign_text(html, lang), (lang, url, foreign_text(html, lang))
    _post(client, f"/assessments/staff/{aid}/report", {"contingency_plan": "现场工作组值守。"})
    assert Assessment.objects.get(pk=aid).stage == Stage.REPORTED
    page = _post(
        client,
        f"/assessments/staff/{aid}/decide",
        {
            "outcome": "implement",
            "decided_on": "2026-03-13",
            "body": "常务会",
            "minutes": "讨论",
            "unanswered_reason": "主题在实施方案中答复。",
        },
    )
    assert "cannot be approved" in _messages(page)  # medium risk: the action refuses
    decide = {
        "outcome": "postpone",
        "decided_on": "2026-03-13",
        "body": "常务会",
        "minutes": "讨论",
        "unanswered_reason": "主题在实施方案中答复。",
    }
    page = _post(client, f"/assessments/staff/{aid}/decide", decide)
    assert Assessment.objects.get(pk=aid).stage == Stage.DECIDED, _messages(page)
    page = _post(
        client, f"/assessments/staff/{aid}/tasks/complete", {"task": task.pk, "note": "已公示"}
    )
    assert MitigationTask.objects.get(pk=task.pk).state == "done"
    forms = _forms(page)
    assert forms[-3:] == ["task-add", "monitoring", "reassess"]
    assert not {"report", "point-add", "consultation-close", "task-complete"} & set(forms)
    _post(client, f"/assessments/staff/{aid}/monitoring", {"text": "运行平稳"})
    assert Assessment.objects.get(pk=aid).monitoring.count() == 1
    page = _post(
        client, f"/assessments/staff/{aid}/monitoring", {"text": "选址变更", "facts_changed": "1"}
    )
    new = Assessment.objects.get(decision=d, round=2)
    assert Assessment.objects.get(pk=aid).stage == Stage.SUPERSEDED
    assert new.stage == Stage.PLANNING and _forms(page)[0] == "consultation-open"
    kinds = set(Event.objects.filter(stream=f"assessment:{aid}").values_list("kind", flat=True))
    assert {
        "consultation_opened",
        "engagement_recorded",
        "level_overridden",
        "task_done",
        "monitoring_noted",
        "superseded",
    } <= kinds


def test_a_reader_without_rights_sees_no_forms_and_is_refused_with_the_reason(world, at, client):
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    at("2026-03-02 09:00")
    d = actions.decision_create(
        actor=world.alice,
        title="转运站",
        description="拟建",
        decision_type=DecisionType.objects.get(code="facility_siting"),
        owner_unit=world.u_t1,
        places=[world.V11],
    )
    actions.decision_screen(actor=world.alice, decision=d)
    a = actions.assessment_plan(
        actor=world.alice,
        decision=d,
        leader=world.sam,
        team=[],
        starts_on=d.created_at.date(),
        ends_on=d.created_at.date(),
    )
    client.force_login(world.bob)  # sees the village's assessments, manages none of them
    page = client.get(f"/assessments/staff/{a.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert _forms(page) == []
    page = _post(
        client,
        f"/assessments/staff/{a.pk}/consultation",
        {"opens_on": "2026-03-02"},
        lang="zh-hans",
    )
    assert "只有" in _messages(page) and Assessment.objects.get(pk=a.pk).stage == Stage.PLANNING
    client.force_login(world.carol)  # another town: the assessment does not exist for her
    assert (
        client.post(
            f"/assessments/staff/{a.pk}/consultation", {"opens_on": "2026-03-02"}
        ).status_code
        == 404
    )
