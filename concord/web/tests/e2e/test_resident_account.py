"""A new resident on a 390-px phone in Chinese: signs up with the code from the SMS outbox,
files a matter and finds it in My matters, supports a suggestion and votes in a poll. Axe
finds nothing serious and nothing is wider than the screen."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from concord.participation import actions as participation
from concord.participation.models import SuggestionSupport, Vote

from .conftest import PHONE, Pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide"


def test_a_new_resident_signs_up_files_supports_and_votes_on_a_phone_in_chinese(
    browser, live_server, e2e_world, monkeypatch, settings, tmp_path
):
    monkeypatch.setattr("concord.web.assist.category_suggestions", lambda **kw: [])
    outbox = tmp_path / "sms-outbox.jsonl"
    settings.CONCORD_SMS = {"BACKEND": "file", "OPTIONS": {"path": str(outbox)}}
    world = e2e_world
    participation.verification_in_person(
        actor=world.grace, resident=world.resident, place=world.G111, phone="13800000001"
    )
    suggestion = participation.suggestion_submit(
        actor=world.resident, place=world.V11, title="村口增设路灯", body="晚上村口太暗。"
    )
    now = timezone.now()
    poll = participation.poll_create(
        actor=world.alice,
        place=world.V11,
        question="广场舞几点结束？",
        options=["晚上八点半", "晚上九点"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=5),
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    steps = Pages(page, live_server.url, "zh-hans")

    def check(name: str) -> None:
        bad = steps.axe()
        assert not bad, (name, bad)
        fits(page)

    # Sign up: the number in an odd format, then the code from the SMS outbox.
    steps.go("/")
    steps.switch_language()
    with page.expect_navigation():
        page.click("a.signin")
    check("resident-sign-in")
    page.fill("#phone", "+86 139-0000-7777")
    with page.expect_navigation():
        page.click("#phone-form button[type=submit]")
    assert "139****7777" in page.inner_text("#code-form")
    message = json.loads(outbox.read_text().splitlines()[-1])
    assert message["to"] == "13900007777" and "验证码" in message["text"]
    page.fill("#code", re.search(r"\d{6}", message["text"]).group(0))
    with page.expect_navigation():
        page.click("#code-form button[type=submit]")
    check("resident-sign-up")
    page.fill("#display_name", "李明")
    page.select_option("#home", "G111")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    assert page.url.endswith("/me/")
    check("my-matters-empty")

    # File a matter while signed in: name and number are filled in already.
    with page.expect_navigation():
        page.click("main a.button[href='/file/']")
    assert page.input_value("#id_phone") == "13900007777"
    page.select_option("#id_category", "DP.02")
    page.fill("#id_title", "楼上漏水")
    page.fill("#id_description", "楼上漏水到厨房两周了。")
    page.select_option("#id_place", "V11")
    page.check("#id_contact_consent")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    code = page.inner_text("#receipt-code")
    steps.go("/me/")
    assert code in page.inner_text("#my-matters")
    check("my-matters")

    # Support the suggestion; a second try is not possible from the page.
    steps.go("/participation/suggestions/")
    with page.expect_navigation():
        page.click(f"#suggestion-{suggestion.pk} form.support button[type=submit]")
    assert "附议已计入" in page.inner_text(".messages")
    assert page.locator(f"#suggestion-{suggestion.pk} form.support").count() == 0
    check("suggestions")
    assert SuggestionSupport.objects.filter(suggestion=suggestion).count() == 1

    # Vote in the poll (phone-verified at sign-up); the tally stays hidden until it closes.
    steps.go(f"/participation/polls/{poll.pk}/")
    page.check("input[name=option] >> nth=1")
    with page.expect_navigation():
        page.click("form:has(input[name=option]) button[type=submit]")
    check("poll-voted")
    assert Vote.objects.filter(poll=poll).count() == 1
    context.close()
    assert not errors, errors
