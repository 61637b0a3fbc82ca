"""The residents' hotline panel (zh and en), the as-you-type check, and the staff pages."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from concord.cases import actions as ca
from concord.wellbeing import actions as wa
from concord.wellbeing.models import CommunityActivity, DutyShift, Referral
from concord.wellbeing.selectors import activity_counts, hotline_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_services(world):
    world.T1.crisis_services = "东镇心理援助站 0571-8888 1234\n县精神卫生中心 24小时"
    world.T1.save(update_fields=["crisis_services"])


def test_the_hotline_panel_in_chinese(world, local_services):
    with translation.override("zh-hans"):
        html = render_to_string(
            "wellbeing/hotline_panel.html", {"hotline": hotline_context(world.G111)}
        )
    assert "12356" in html and "110" in html and "120" in html
    assert "心理援助热线" in html and "东镇心理援助站 0571-8888 1234" in html


def test_the_hotline_panel_in_english(world, local_services):
    with translation.override("en"):
        html = render_to_string(
            "wellbeing/hotline_panel.html", {"hotline": hotline_context(world.G111)}
        )
    assert "National psychological aid hotline" in html and "Ambulance" in html
    assert "0571-8888 1234" in html


def test_a_place_without_local_services_shows_the_national_numbers_only(world):
    panel = hotline_context(world.T2)
    assert panel["national"]["number"] == "12356" and panel["local_services"] == []


def test_the_check_endpoint_answers_anonymous_residents_as_they_type(world, api, local_services):
    api.anonymous()
    crisis = api.post(
        "/wellbeing/check", {"text": "I want to end my life", "place": "V11", "language": "en"}
    )
    assert crisis.status_code == 200
    body = crisis.json()
    assert body["crisis"] is True and body["panel"]["national"]["number"] == "12356"
    assert body["panel"]["national"]["label"] == "National psychological aid hotline"
    assert "0571-8888 1234" in body["panel"]["local_services"][0]
    zh = api.post("/wellbeing/check", {"text": "活着没意思", "place": "V11", "language": "zh-hans"})
    assert zh.json()["panel"]["national"]["label"] == "全国心理援助热线"
    calm = api.post("/wellbeing/check", {"text": "路灯坏了", "place": "V11"})
    assert calm.json()["crisis"] is False and calm.json()["panel"] is None
    assert calm.json()["level"] is None and calm.json()["words"] == []
    # Checking stores nothing.
    assert Referral.objects.count() == 0


def test_the_crisis_page_says_call_110_120_in_large_text_for_imminent(world, team, client):
    case = ca.case_submit(kind="dispute", title="t", description="d", place=world.V11).case
    client.force_login(world.alice)
    url = reverse("wellbeing:crisis", args=[case.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"risk": "imminent", "reason": "站在楼顶"}).content.decode()
    assert 'class="wb-imminent"' in page and "110" in page and "12356" in page
    assert Referral.objects.get(case=case).risk == "imminent"
    client.force_login(world.carol)  # outside the case's jurisdiction
    assert client.get(url).status_code == 404


def test_the_queue_is_ordered_by_risk_then_clock_without_n_plus_one(world, team, client, at):
    at("2026-03-02 09:00")
    risks = ["moderate", "imminent", "low", "high", "moderate"]
    for i, risk in enumerate(risks):
        case = ca.case_submit(kind="dispute", title=f"t{i}", description="d", place=world.V11).case
        wa.case_mark_crisis(actor=world.alice, case=case, risk=risk)
    client.force_login(world.cora)
    client.get(reverse("wellbeing:queue"))  # the session's first request stamps it (one write)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wellbeing:queue"))
    case = ca.case_submit(kind="dispute", title="more", description="d", place=world.V12).case
    wa.case_mark_crisis(actor=world.alice, case=case, risk="low")
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("wellbeing:queue"))
    assert len(more) == len(few)
    order = [r.risk for r in response.context["rows"]]
    assert order == ["imminent", "high", "moderate", "moderate", "low", "low"]
    page = response.content.decode()
    assert "Policy" in page or "政策" in page


def test_the_referral_page_records_work_through_forms(world, team, client, at):
    at("2026-03-02 09:00")
    case = ca.case_submit(kind="dispute", title="t", description="d", place=world.V11).case
    referral = wa.case_mark_crisis(actor=world.alice, case=case, risk="high").referral
    client.force_login(world.cora)
    step = reverse("wellbeing:referral_step", args=[referral.pk, "contact"])
    response = client.post(step, {"why": "Making first contact", "mode": "phone", "reached": "on"})
    assert response.status_code == 302 and "why=Making+first+contact" in response["Location"]
    referral.refresh_from_db()
    assert referral.contacted_at is not None
    client.force_login(world.zoe)
    assert client.post(step, {"why": "x", "mode": "phone"}).status_code == 403


def test_the_network_shows_duty_partners_and_participation_counts(world, team, client, at):
    at("2026-03-02 09:00")
    client.force_login(world.cora)
    url = reverse("wellbeing:team", args=[team.code])
    client.post(
        url,
        {
            "form": "shift",
            "counsellor": "cole",
            "starts_at": "2026-03-02T08:00",
            "ends_at": "2026-03-02T20:00",
        },
    )
    client.post(
        url,
        {
            "form": "activity",
            "kind": "education",
            "title": "心理健康讲座",
            "place": "V11",
            "starts_at": "2026-03-02T14:00",
        },
    )
    activity = CommunityActivity.objects.get()
    client.post(url, {"form": "participation", "activity": activity.pk, "participants": "37"})
    client.post(url, {"form": "partner", "name_zh": "县精神卫生中心", "kind": "psychiatric"})
    assert list(wa.on_duty(team.pk)) == [world.cole]
    assert DutyShift.objects.count() == 1
    counts = activity_counts(world.C, (activity.starts_at.date(), activity.starts_at.date()))
    assert counts["education"] == {"events": 1, "participants": 37}
    assert counts["group_session"] == {"events": 0, "participants": 0}
    # A supervisor sees the network but cannot change it.
    client.force_login(world.zoe)
    page = client.get(url)
    assert page.status_code == 200 and "县精神卫生中心" in page.content.decode()
    client.post(url, {"form": "participation", "activity": activity.pk, "participants": "1"})
    activity.refresh_from_db()
    assert activity.participants == 37
    client.force_login(world.ana)
    assert client.get(url).status_code == 404


def test_the_check_endpoint_gives_the_level_and_110_first_when_imminent(world, api):
    api.anonymous()
    now = api.post("/wellbeing/check", {"text": "今晚就从楼顶跳下去", "language": "zh-hans"}).json()
    assert now["level"] == "imminent" and now["panel"]["emergency_first"] is True
    assert "110" in now["panel"]["lead"] and now["words"]
    gentle = api.post("/wellbeing/check", {"text": "I wish I was dead", "language": "en"}).json()
    assert gentle["level"] == "ideation" and gentle["panel"]["emergency_first"] is False
    assert gentle["panel"]["lead"].startswith("It sounds like things are very hard")
    assert 0.0 <= gentle["probability"] <= 1.0


def test_counsellors_mark_missed_and_false_signals_and_the_lead_sees_them_by_month(
    world, team, client, at
):
    from concord.core.errors import Conflict
    from concord.wellbeing.models import SignalMark

    at("2026-03-02 09:00")
    # A staff member pressed crisis on a text the detector missed; another was a false alarm.
    case = ca.case_submit(kind="dispute", title="t", description="d", place=world.V11).case
    missed = wa.case_mark_crisis(actor=world.alice, case=case, risk="high").referral
    other = ca.case_submit(kind="dispute", title="t", description="d2", place=world.V11).case
    false = wa.case_mark_crisis(actor=world.alice, case=other, risk="high").referral
    client.force_login(world.cora)
    page = client.get(
        reverse("wellbeing:referral", args=[missed.pk]), {"why": "Assessment"}
    ).content.decode()
    assert 'name="kind"' in page and "mark-signal" in page
    step = reverse("wellbeing:referral_step", args=[missed.pk, "mark-signal"])
    response = client.post(step, {"why": "Assessment", "kind": "missed", "note": "暗示告别"})
    assert response.status_code == 302
    wa.referral_mark_signal(actor=world.cole, referral=false, kind="false_alarm")
    assert SignalMark.objects.count() == 2
    with pytest.raises(Conflict):  # one mark per person and referral
        wa.referral_mark_signal(actor=world.cora, referral=missed, kind="false_alarm")
    client.post(step, {"why": "Assessment", "kind": "nonsense"})
    assert SignalMark.objects.count() == 2
    client.force_login(world.zoe)  # not in the team
    assert client.post(step, {"why": "x", "kind": "missed"}).status_code == 403
    # The lead's monthly table on the team page, in both languages.
    client.force_login(world.cole)
    url = reverse("wellbeing:team", args=[team.code])
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Crisis detector marks by month" in en
    assert "<td>2026-03</td><td>1</td><td>1</td>" in en
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "危机检测标记（按月）" in zh
