"""The residents' front door: guide, filing, receipt, tracking, rating, review, crisis panel."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from concord.cases import actions as case_actions
from concord.cases.models import Case, Status
from concord.core.models import Event

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def file_case(client, **overrides):
    data = {
        "kind": "dispute",
        "title": "邻居夜间噪音",
        "description": "楼上邻居每晚装修到十二点，沟通无果。",
        "category": "DP.02",
        "place": "V11",
        "name": "王芳",
        "phone": "13812345678",
        "contact_consent": "on",
    }
    data.update(overrides)
    return client.post("/file/", data)


def receipt_of(client):
    page = client.get("/receipt/").content.decode()
    code = re.search(r'id="receipt-code"[^>]*>([^<]+)<', page).group(1)
    token = re.search(r'id="tracking-key"[^>]*>([^<]+)<', page).group(1)
    return code, token


def test_guide_suggests_mediation_for_a_neighbours_noise(client, world, categories):
    page = client.get("/", {"topic": "neighbour", "tried_talking": "no"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Negotiation and self-help" in text and "People&#x27;s mediation" in text
    assert "Village / community level" in text
    assert "/file/?topic=neighbour" in text


def test_guide_suggests_labour_arbitration_with_the_one_year_limit(client, world, categories):
    text = client.get("/", {"topic": "wages"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Labour dispute arbitration" in text
    assert "1 year" in text
    assert "Labour Dispute Mediation and Arbitration Law art 27" in text


def test_guide_in_chinese_names_the_channel_and_limit(client, world, categories):
    text = client.get("/", {"topic": "wages"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "劳动争议仲裁" in text and "劳动争议调解仲裁法第27条" in text


def test_talking_already_tried_skips_negotiation(client, world, categories):
    text = client.get(
        "/", {"topic": "neighbour", "tried_talking": "yes"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Negotiation and self-help" not in text.split('id="suggestion"')[1]


def test_resident_files_gets_a_receipt_and_tracks(client, world, categories, no_model):
    response = file_case(client, attachments=SimpleUploadedFile("photo.png", PNG, "image/png"))
    assert response.status_code == 302 and response["Location"] == "/receipt/"
    code, token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    assert case.intake_channel == "web" and case.place.code == "V11"
    assert case.parties.get().phone == "13812345678"
    assert case.attachments.count() == 1
    page = client.get(f"/track/{code}/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "We have received your matter" in page
    assert "Handling time" in page  # the next deadline and who owns it
    assert case.owner_unit.name_en in page
    # The date is not followed by a stray full stop (in Chinese neither): the owner is on its line.
    for language in ("en", "zh-hans"):
        page = client.get(f"/track/{code}/{token}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        deadline = page.split('id="next-deadline"', 1)[1].split("</p>", 1)[0]
        assert not re.search(r"\d{4}-\d{2}-\d{2}\s*\.", deadline), deadline


def test_filing_by_map_point_locates_the_place(client, world, categories, no_model):
    file_case(client, place="", lat="30.05", lng="120.05")
    code, _token = receipt_of(client)
    assert Case.objects.get(receipt_code=code).place.code == "G111"


def test_filing_without_a_place_is_refused_with_a_field_error(client, world, categories):
    response = file_case(client, place="")
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert "errorlist" in response.content.decode()


def test_wrong_tracking_key_is_not_found(client, world, categories, no_model):
    file_case(client)
    code, _token = receipt_of(client)
    assert client.get(f"/track/{code}/wrongtoken/").status_code == 404
    lookup = client.get("/track/", {"code": code, "token": "nope"}).content.decode()
    assert "errorlist" in lookup


def test_resident_adds_information_rates_and_the_case_closes(client, world, categories, no_model):
    file_case(client)
    code, token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    url = f"/track/{code}/{token}/"
    client.post(url, {"action": "info", "text": "他们今天又装修了。"})
    assert Event.objects.filter(case=case, kind="resident_information").exists()
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="已调解。")
    client.post(url, {"action": "feedback", "resolved": "yes", "satisfaction": "5"})
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.feedback.get().satisfaction == 5


def test_resident_asks_for_review_and_the_case_reopens(client, world, categories, no_model):
    file_case(client)
    code, token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(actor=world.bob, case=case, outcome="explained", text="已答复。")
    client.post(f"/track/{code}/{token}/", {"action": "review", "reason": "答复没有回应问题。"})
    case.refresh_from_db()
    assert case.status == Status.REOPENED


def test_typing_a_crisis_shows_the_hotline_at_once(client, world, categories, no_model):
    text = client.post(
        "/file/assist/", {"title": "求助", "description": "我不想活了，想自杀"}
    ).content.decode()
    assert "12356" in text and "110" in text


def test_ordinary_text_shows_no_hotline(client, world, categories, no_model):
    text = client.post(
        "/file/assist/", {"title": "路灯坏了", "description": "村口路灯坏了一周"}
    ).content.decode()
    assert "12356" not in text


def test_category_suggestions_come_from_the_classifier(client, world, categories, monkeypatch):
    from concord.web import assist

    monkeypatch.setattr(
        "concord.triage.actions.suggest",
        lambda **kw: ([{"code": "DP", "name": "矛盾纠纷", "confidence": 0.8}], "v1"),
    )
    out = assist.category_suggestions(title="邻居", body="噪音")
    assert out[0]["code"] == "DP"
    text = client.post("/file/assist/", {"title": "邻居", "description": "噪音"}).content.decode()
    assert 'data-category-code="DP"' in text


def test_grid_worker_files_for_a_resident_with_consent(client, world, categories, no_model):
    client.force_login(world.grace)
    response = file_case(client, place="G111", on_behalf_consent="")
    assert response.status_code == 200 and Case.objects.count() == 0
    assert 'value="grid_worker" selected' in client.get("/file/").content.decode()
    file_case(
        client,
        place="G111",
        on_behalf_consent="居民口头同意，2026-03-02 现场",
        intake_channel="grid_worker",
    )
    case = Case.objects.get()
    assert case.intake_channel == "grid_worker" and case.filed_by == world.grace


def test_a_caseworker_filing_for_a_caller_records_the_phone_and_herself(
    client, world, categories, no_model
):
    client.force_login(world.alice)
    assert 'value="walk_in" selected' in client.get("/file/").content.decode()
    file_case(
        client, place="V11", on_behalf_consent="来电口头同意，2026-03-02", intake_channel="hotline"
    )
    case = Case.objects.get()
    assert case.intake_channel == "hotline" and case.filed_by == world.alice


def test_pages_are_translated_into_chinese(client, world, categories):
    text = client.get("/", {"topic": "wages"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "遇到问题，寻求帮助" in text and "我们的建议" in text
    assert "Get help with a problem" not in text


def test_the_tracking_page_asks_is_it_solved_and_switches_messages_off(
    client, world, categories, no_model
):
    from concord.notifications.resident_messages import contact_preference_for

    file_case(client)
    code, token = receipt_of(client)
    case = Case.objects.get(receipt_code=code)
    url = f"/track/{code}/{token}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "只接收法定告知" in page and "问题解决了吗" not in page
    client.post(url, {"action": "messages", "only_statutory": "1"})
    assert contact_preference_for(case)
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(actor=world.bob, case=case, outcome="explained", text="已答复。")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="solved"' in page and "Is it solved?" in page
    assert 'name="only_statutory" value="1" checked' in page
    client.post(url, {"action": "messages"})
    assert not contact_preference_for(case)
