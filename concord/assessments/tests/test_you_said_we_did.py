# ruff: noqa: F811 -- `planned` is a fixture imported from the API tests
"""'You said, we did' reads as residents wrote: whole words and phrases, each theme's answer, a
published reason when a decision comes before every theme is answered; documents are links."""

import pytest

from concord.assessments import actions
from concord.assessments.models import Assessment, Decision
from concord.assessments.themes import keywords_of
from concord.core.models import Event
from concord.demo.extra_assessments import FINISHED_OPINIONS

from .test_api_and_followthrough import _to_report, planned  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


def reported_with_themes(world, api, at, planned, keyword_classifier) -> Assessment:
    _to_report(world, api, at, planned)
    a = Assessment.objects.get(pk=planned)
    actions.consultation_summarise(actor=world.alice, assessment=a, classify=keyword_classifier)
    return Assessment.objects.select_related("consultation").get(pk=planned)


DECIDE = {
    "outcome": "postpone",
    "decided_on": "2026-03-13",
    "body": "镇政府常务会",
    "minutes": "讨论",
}


def test_keywords_are_whole_words_and_phrases_not_fragments():
    assert "安置房" in keywords_of("安置房离原村太远，老人看病不方便。")
    assert "房离" not in keywords_of("安置房离原村太远，老人看病不方便。")
    assert "征后" not in keywords_of("土地被征后我们靠什么生活？希望安排就业培训和社保。")
    assert "房有" not in keywords_of("希望安置房有一楼户型，方便老人。")
    for text, _stance in FINISHED_OPINIONS:
        for word in keywords_of(text):
            assert word in text and len(word) >= 2, (word, text)
    assert keywords_of("The road to the new school is too narrow") == [
        "road",
        "new",
        "school",
        "narrow",
    ]


def test_a_decision_with_unanswered_themes_needs_a_reason_and_shows_it(
    world, api, at, planned, client, keyword_classifier
):
    reported_with_themes(world, api, at, planned, keyword_classifier)
    api.as_user(world.sam)
    refused = api.post(f"/assessments/{planned}/decide", DECIDE)
    assert refused.status_code == 400
    assert "unanswered_reason" in refused.json()["error"]["fields"]
    assert Assessment.objects.get(pk=planned).outcome == ""
    reason = "选址须在汛期前定下，学校距离的问题由第二轮评估答复。"
    decided = api.post(f"/assessments/{planned}/decide", {**DECIDE, "unanswered_reason": reason})
    assert decided.status_code == 200 and decided.json()["unanswered_reason"] == reason
    event = Event.objects.filter(kind="decision_recorded").latest("pk")
    assert event.data["unanswered_reason"] == reason and event.data["unanswered_themes"]
    page = client.get(f"/assessments/consultations/{planned}", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert reason in html.split('id="unanswered-reason"')[1]
    assert "No answer yet" in html.split('id="you-said-we-did"')[1]


def test_answering_every_theme_first_needs_no_reason(
    world, api, at, planned, client, keyword_classifier
):
    a = reported_with_themes(world, api, at, planned, keyword_classifier)
    for theme in a.consultation.summary["themes"]:
        actions.theme_response_set(
            actor=world.alice, assessment=a, theme=theme["theme"], response="转运站改址至镇区北侧。"
        )
    assert api.as_user(world.sam).post(f"/assessments/{planned}/decide", DECIDE).status_code == 200
    html = client.get(f"/assessments/consultations/{planned}").content.decode()
    assert "转运站改址至镇区北侧。" in html.split('id="you-said-we-did"')[1]
    assert 'id="unanswered-reason"' not in html


def test_documents_are_links_and_a_document_kept_as_text_has_its_own_page(
    world, api, planned, client
):
    api.as_user(world.alice).post(
        f"/assessments/{planned}/consultation", {"opens_on": "2026-03-02"}
    )
    decision = Decision.objects.get(assessments__pk=planned)
    decision.documents = [
        {"title": "选址报告", "url": "", "text": "拟选地块距小学约650米。"},
        {"title": "环评批复", "url": "https://example.org/eia.pdf"},
        {"title": "会议纪要", "url": ""},
    ]
    decision.save(update_fields=["documents"])
    html = client.get(f"/assessments/consultations/{planned}", HTTP_ACCEPT_LANGUAGE="en")
    docs = html.content.decode().split('id="documents"')[1].split("</ul>")[0]
    assert f'href="/assessments/consultations/{planned}/documents/1">选址报告</a>' in docs
    assert 'href="https://example.org/eia.pdf"' in docs
    assert "not published online" in docs
    page = client.get(f"/assessments/consultations/{planned}/documents/1")
    assert page.status_code == 200 and "拟选地块距小学约650米。" in page.content.decode()
    assert client.get(f"/assessments/consultations/{planned}/documents/3").status_code == 404
    assert client.get(f"/assessments/consultations/{planned}/documents/9").status_code == 404


def test_staff_answer_themes_and_record_the_decision_from_the_page(
    world, api, at, planned, client, keyword_classifier
):
    a = reported_with_themes(world, api, at, planned, keyword_classifier)
    themes = [t["theme"] for t in a.consultation.summary["themes"]]
    client.force_login(world.sam)
    page = client.get(f"/assessments/staff/{planned}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="decide-form"' in page and 'name="unanswered_reason"' in page
    form = {"outcome": "postpone", "decided_on": "2026-03-13", "body": "常务会", "minutes": "讨论"}
    client.post(f"/assessments/staff/{planned}/decide", form)
    assert Assessment.objects.get(pk=planned).outcome == ""  # refused: no reason given
    client.force_login(world.alice)
    for theme in themes[:-1]:
        client.post(
            f"/assessments/staff/{planned}/answer", {"theme": theme, "response": "已采纳。"}
        )
    client.force_login(world.sam)
    reason = "汛期前须定址，余下主题在实施方案中答复。"
    client.post(f"/assessments/staff/{planned}/decide", {**form, "unanswered_reason": reason})
    decided = Assessment.objects.get(pk=planned)
    assert decided.outcome == "postpone" and decided.unanswered_reason == reason
    public = client.get(f"/assessments/consultations/{planned}").content.decode()
    assert public.count("已采纳。") == len(themes) - 1 and reason in public
