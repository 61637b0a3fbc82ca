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
    # The home place is tapped on the map (drawn from the places' own outlines, no tiles):
    # the tap inside Peach Village's first grid picks that grid in the list.
    page.wait_for_selector("#home-map[data-ready]")
    check("resident-sign-up")
    page.fill("#display_name", "李明")
    page.locator("#home-map").scroll_into_view_if_needed()
    point = page.evaluate(
        "() => { const m = document.getElementById('home-map').concordMap;"
        " const p = m.latLngToContainerPoint([30.05, 120.05]); return {x: p.x, y: p.y}; }"
    )
    page.click("#home-map", position=point)
    assert page.input_value("#home") == "G111"
    assert world.G111.localized_name("zh-hans") in page.inner_text("#home-map-picked")
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


def test_a_resident_moves_home_on_the_account_map_in_english_on_a_desktop(
    browser, live_server, e2e_world
):
    from django.contrib.auth.hashers import make_password

    from concord.accounts.models import User
    from concord.notifications.models import Follow
    from concord.residents import actions

    from .conftest import DESKTOP, PASSWORD

    world = e2e_world
    user = actions.resident_sign_up(
        proof=actions.phone_proof("13900008888"),
        display_name="Li Ming",
        home_place=world.G111,
        language="en",
    )
    User.objects.filter(pk=user.pk).update(username="liming", password=make_password(PASSWORD))
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    steps = Pages(page, live_server.url, "en")
    steps.login("liming")
    steps.go("/me/account/")
    page.wait_for_selector("#home-map[data-ready]")
    assert not steps.axe()
    # A tap in Willow Community, away from its one grid, picks the community itself.
    point = page.evaluate(
        "() => { const m = document.getElementById('home-map').concordMap;"
        " const p = m.latLngToContainerPoint([30.2, 120.7]); return {x: p.x, y: p.y}; }"
    )
    page.click("#home-map", position=point)
    assert page.input_value("#home") == "V21"
    assert "Picked on the map: " + world.V21.localized_name("en") in page.inner_text(
        "#home-map-picked"
    )
    with page.expect_navigation():
        page.click("#profile-form button[type=submit]")
    user.resident.refresh_from_db()
    assert user.resident.home_place == world.V21
    assert Follow.objects.filter(user=user, target="place", place=world.V21).exists()
    context.close()
    assert not errors, errors
