"""The front door on a phone: the answer comes into view, crisis numbers stay on top, the
category picker speaks names, triage only offers what it is sure of, the receipt says who, by
when and what next, and tracking does not contradict itself."""

import re

import pytest

from concord.cases.models import Case

from .test_resident import file_case, receipt_of

pytestmark = pytest.mark.django_db


def test_the_guide_answers_at_its_own_anchor_so_it_comes_into_view(client, world, categories):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<form method="get" action="/#answer"[^>]*id="guide"', home)
    answered = client.get("/", {"topic": "neighbour"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<div id="answer" tabindex="-1"', answered)
    assert answered.index('id="answer"') < answered.index('id="suggestion"')


@pytest.mark.parametrize("topic", ["", "distress", "wages"])
def test_crisis_numbers_are_at_the_top_of_the_front_door(client, world, categories, topic):
    page = client.get("/", {"topic": topic} if topic else {}).content.decode()
    strip = page.split('id="crisis-strip"')[1].split("</aside>")[0]
    assert all(f'href="tel:{n}"' in strip for n in ("110", "120", "12356"))
    assert page.index('id="crisis-strip"') < page.index("<h1>")


def test_the_crisis_answer_leads_with_the_hotline(client, world, categories):
    page = client.get("/", {"topic": "distress"}).content.decode()
    answer = page.split('id="answer"')[1]
    assert "12356" in answer.split('id="suggestion"')[0]


def test_the_category_picker_is_grouped_by_name_and_shows_no_codes(client, world, categories):
    page = client.get("/file/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    select = page.split('name="category"')[1].split("</select>")[0]
    assert '<optgroup label="Disputes (people&#x27;s mediation)">' in select
    assert '<option value="DP.02">Neighbours</option>' in select
    labels = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select)
    assert len(labels) > 100
    assert not [label for code, label in labels if code and re.search(r"[A-Z]{2}\d|DP\.", label)]
    assert 'id="category-filter" data-filters="id_category"' in page
    zh = client.get("/file/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<optgroup label="矛盾纠纷">' in zh and '<option value="DP.02">邻里</option>' in zh


def fake_classifier(monkeypatch, *ranked):
    monkeypatch.setattr(
        "concord.triage.actions.suggest",
        lambda **kw: ([{"code": c, "name": n, "confidence": p} for c, n, p in ranked], "v1"),
    )


def test_an_unsure_classifier_offers_nothing(client, world, categories, monkeypatch):
    fake_classifier(monkeypatch, ("CM01", "城乡建设", 0.45), ("CM06", "交通运输", 0.3))
    text = client.post("/file/assist/", {"title": "问题", "description": "有点事"}).content
    assert b"data-category-code" not in text


def test_a_neighbour_quarrel_is_not_offered_environmental_protection(
    client, world, categories, monkeypatch
):
    # What the resident saw: "Environmental protection 93%" for a quarrel with a neighbour.
    fake_classifier(monkeypatch, ("CM04", "环境保护", 0.93))
    quarrel = {"kind": "dispute", "title": "邻居吵架", "description": "楼上邻居每晚吵闹，说了不听"}
    assert b"data-category-code" not in client.post("/file/assist/", quarrel).content
    # The same confidence for a service request is offered (and only offered).
    report = dict(quarrel, kind="service_request", title="工厂排污")
    assert b'data-category-code="CM04"' in client.post("/file/assist/", report).content


def test_the_shipped_classifier_does_not_file_a_noisy_neighbour_under_environment(
    client, world, categories
):
    quarrel = {
        "kind": "dispute",
        "title": "邻居吵架",
        "description": "楼上邻居每天晚上装修，噪音很大，吵架好几次了，说了也不听。",
    }
    text = client.post("/file/assist/", quarrel, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "环境保护" not in text and 'data-category-code="CM04' not in text


def test_the_receipt_says_who_handles_it_by_when_and_what_next(client, world, categories, no_model):
    file_case(client)
    code, _token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    page = client.get("/receipt/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    unit = page.split('id="receipt-unit">')[1].split("</dd>")[0]
    assert case.owner_unit.name_en in unit
    deadline = page.split('id="receipt-deadline">')[1].split("</dd>")[0]
    clock = case.clocks.filter(resident_visible=True).order_by("due_on").first()
    assert clock.due_on.isoformat() in deadline
    assert "decides whether to accept it" in page.split('id="receipt-next">')[1]


def test_tracking_names_the_unit_without_saying_it_is_still_deciding_who(
    client, world, categories, no_model
):
    file_case(client)
    code, token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    page = client.get(f"/track/{code}/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    status = page.split('id="status-plain">')[1].split("</p>")[0]
    assert "deciding who handles it" not in page
    assert case.owner_unit.name_en in status and "checking it" in status
