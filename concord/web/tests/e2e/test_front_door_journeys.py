"""A resident on a 390-px phone in Chinese and one on a desktop in English: the guide's answer
comes into view, they file with the map, read the receipt and track the matter; then the
public dashboard and a consultation. Axe finds nothing serious, the pages log no console
errors and nothing is wider than the screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from concord.cases.models import Case

from .conftest import DESKTOP, PHONE, Pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-hans": {"legend": "已登记", "suggestion": "协商和解", "file": "邻居夜间噪音"},
    "en": {"legend": "Received", "suggestion": "Negotiation", "file": "Noise at night"},
}


def consultation(world) -> int:
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    decision = actions.decision_create(
        actor=world.alice,
        title="垃圾转运站选址",
        description="拟在桃村东侧建设转运站。",
        decision_type=DecisionType.objects.get(code="facility_siting"),
        owner_unit=world.u_t1,
        places=[world.V11],
        documents=[{"title": "选址论证报告", "url": "", "text": "拟选地块距小学约650米。"}],
    )
    actions.decision_screen(actor=world.alice, decision=decision)
    today = timezone.localdate()
    assessment = actions.assessment_plan(
        actor=world.alice,
        decision=decision,
        leader=world.sam,
        team=[world.alice],
        method="full",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    c = actions.consultation_open(actor=world.alice, assessment=assessment, opens_on=today)
    actions.comment_submit(consultation=c, body="离学校太近，希望换址。")
    return assessment.pk


def fits(page, viewport) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1, f"{page.url} is {width}px wide"


@pytest.mark.parametrize(
    "lang,viewport", [("zh-hans", PHONE), ("en", DESKTOP)], ids=["phone-zh", "desktop-en"]
)
def test_a_resident_is_guided_files_with_the_map_and_tracks(
    browser, live_server, e2e_world, monkeypatch, lang, viewport
):
    monkeypatch.setattr("concord.web.assist.category_suggestions", lambda **kw: [])
    world, words = e2e_world, WORDS[lang]
    aid = consultation(world)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    steps = Pages(page, live_server.url, lang)

    def check(name: str) -> None:
        bad = steps.axe()
        assert not bad, (name, bad)
        fits(page, viewport)

    # The front door: the emergency numbers are on the first screen.
    steps.go("/")
    steps.switch_language()
    assert page.is_visible("#crisis-strip a[href='tel:12356']")
    assert (
        page.evaluate(
            "() => document.getElementById('crisis-strip').getBoundingClientRect().bottom"
        )
        < viewport["height"]
    )
    check("home")
    page.check("#topic-neighbour")
    page.check("#tt-no")
    with page.expect_navigation():
        page.click("#guide button[type=submit]")
    # The answer is on screen and has the focus: something visibly happened.
    assert page.url.endswith("#answer")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'answer'")
    top = page.evaluate("() => document.getElementById('answer').getBoundingClientRect().top")
    assert 0 <= top < viewport["height"] / 2
    assert words["suggestion"] in page.inner_text("#suggestion")
    check("guide")

    with page.expect_navigation():
        page.click("#suggestion a.button")
    assert page.input_value("#id_category") == "DP.02"  # offered by the guide, changeable
    # The picker filters its groups by a typed word.
    page.fill("#category-filter", "邻" if lang == "zh-hans" else "Neighbour")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('#id_category option')].filter(o => !o.hidden).length"
    )
    assert 1 <= shown < 20
    page.fill("#category-filter", "")
    page.fill("#id_title", words["file"])
    page.fill("#id_description", "楼上每晚装修到十二点。")
    # File with the map: a click inside Peach Village's first grid picks the village.
    page.wait_for_selector("#file-map[data-ready]")
    page.locator("#file-map").scroll_into_view_if_needed()
    point = page.evaluate(
        "() => { const m = document.getElementById('file-map').concordMap;"
        " const p = m.latLngToContainerPoint([30.05, 120.05]); return {x: p.x, y: p.y}; }"
    )
    page.click("#file-map", position=point)
    assert page.input_value("#id_place") == "V11"
    assert world.V11.localized_name(lang) in page.inner_text("#map-picked")
    assert page.is_visible("#file-map .leaflet-tooltip.map-label")  # names drawn, no tiles
    assert page.locator("#file-map img.leaflet-tile").count() == 0
    page.fill("#id_name", "王芳")
    page.fill("#id_phone", "13812345678")
    page.check("#id_contact_consent")
    check("file")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    code = page.inner_text("#receipt-code")
    assert re.fullmatch(r"C-\d{4}-\d{6}", code)
    case = Case.objects.get(receipt_code=code)
    assert case.place.code == "G111"  # the clicked point named the grid
    assert case.owner_unit.localized_name(lang) in page.inner_text("#receipt-unit")
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.inner_text("#receipt-deadline"))
    assert page.inner_text("#receipt-next").strip()
    check("receipt")
    with page.expect_navigation():
        page.click("#track-link")
    status = page.inner_text("#status-plain")
    assert case.owner_unit.localized_name(lang) in status
    assert "deciding who handles it" not in status and "正在确定由谁办理" not in status
    check("track")

    # The public dashboard: names, percentages and a legend in the page's language.
    steps.go("/participation/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-months')")
    legend = page.evaluate("() => Chart.getChart('chart-months').data.datasets[0].label")
    assert legend == words["legend"]
    assert page.is_visible("#downloads a[href*='.xlsx']")
    check("dashboard")

    # A consultation: its document opens as a page.
    steps.go(f"/assessments/consultations/{aid}")
    check("consultation")
    with page.expect_navigation():
        page.click("#documents a")
    assert "650" in page.inner_text("#document")
    check("document")
    context.close()
    assert not errors, errors
