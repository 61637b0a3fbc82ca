"""Case-page steps that the API offers too, through the same actions: redirecting a petition
to the statutory procedure it belongs to, and correcting the category triage left for a person
to check."""

import pytest

from concord.cases.models import Category, Status
from concord.channels import actions as channel_actions
from concord.channels.models import Petition
from concord.core.models import Event
from concord.triage.models import Suggestion
from concord.web.tests.test_staff import act, submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def page(client, case, **lang) -> str:
    return client.get(f"/staff/cases/{case.pk}/", **lang).content.decode()


def test_a_petition_is_redirected_to_arbitration_from_the_case_page(client, world, categories, at):
    at("2026-03-02 09:00")
    case = submit(world, title="公司不签劳动合同", category="CM01", place="T1")
    client.force_login(world.alice)
    assert 'id="action-petition_redirect"' not in page(client, case)
    channel_actions.petition_register(actor=world.alice, case=case, matter_key="x")
    zh = page(client, case, **ZH)
    assert 'id="action-petition_redirect"' in zh and "转入法定途径" in zh
    assert 'id="id_petition_redirect-route_channel"' in zh and 'value="labour_arbitration"' in zh
    missing = act(client, case, "petition_redirect", route_channel="labour_arbitration")
    assert missing.status_code == 400
    response = act(
        client,
        case,
        "petition_redirect",
        route_channel="labour_arbitration",
        knowledge_date="2026-02-01",
        note="属于劳动争议，依法申请仲裁",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NOT_ACCEPTED
    assert Petition.objects.get(case=case).stage == "redirected"
    assert Event.objects.get(case=case, kind="not_accepted").data["route_deadline"] == "2027-02-01"


def test_a_petition_is_not_redirected_by_staff_outside_the_owning_unit(
    client, world, categories, at
):
    at("2026-03-02 09:00")
    case = submit(world, title="公司不签劳动合同", category="CM01", place="T1")
    channel_actions.petition_register(actor=world.alice, case=case, matter_key="x")
    client.force_login(world.bob)
    shown = page(client, case, **EN)
    assert 'id="action-petition_redirect"' not in shown
    refused = act(
        client,
        case,
        "petition_redirect",
        route_channel="labour_arbitration",
        knowledge_date="2026-02-01",
    )
    assert refused.status_code in (400, 404)
    assert Petition.objects.get(case=case).stage == "received"


def test_the_category_triage_left_for_a_person_is_corrected_from_the_case_page(
    client, world, categories, at
):
    at("2026-03-02 09:00")
    case = submit(world, title="楼上漏水", category="DP.02", place="T1")
    client.force_login(world.alice)
    shown = page(client, case, **EN)
    assert 'id="action-categorize"' in shown and 'id="action-triage_category"' not in shown
    Suggestion.objects.create(case=case, categories=[["DP.02", 0.31]], confidence=0.31)
    shown = page(client, case, **EN)
    assert 'id="action-triage_category"' in shown and 'id="action-categorize"' not in shown
    assert "Correct the suggested category" in shown
    other = Category.objects.filter(is_active=True).exclude(code="DP.02").first()
    assert act(client, case, "triage_category", category=other.code).status_code == 302
    case.refresh_from_db()
    assert case.category == other
    assert not Suggestion.objects.get(case=case).needs_human
    assert 'id="action-categorize"' in page(client, case)
