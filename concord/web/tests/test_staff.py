"""The staff workbench and the supervisor dashboard, through the Django test client."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from concord.cases import actions as case_actions
from concord.cases.models import Category, Clock, Status, TransferRequest
from concord.places.models import Place

pytestmark = pytest.mark.django_db


def submit(world, *, title="邻居噪音", category="DP.02", place="V11", **kw):
    return case_actions.case_submit(
        kind="dispute",
        title=title,
        description="楼上每晚很吵。",
        place=Place.objects.get(code=place) if place else None,
        category=Category.objects.get(code=category),
        parties=[{"role": "complainant", "name": "王芳", "phone": "13812345678"}],
        contact_consent=True,
        **kw,
    ).case


def act(client, case, action, **fields):
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data[f"{action}-confirm"] = "on"
    return client.post(f"/staff/cases/{case.pk}/{action}/", data)


def test_login_page_and_redirect_to_the_queue(client, world):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response["Location"] == "/staff/"


def test_staff_pages_need_login(client, world):
    for url in ("/staff/", "/staff/dashboard/", "/staff/map/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_analyst_lands_on_the_dashboard_and_counsellor_on_counselling(client, world):
    client.force_login(world.ana)
    assert client.get("/staff/")["Location"] == "/staff/dashboard/"
    client.force_login(world.cora)
    assert client.get("/staff/")["Location"] == "/wellbeing/queue/"


def test_queue_counts_and_filters(client, world, categories):
    a = submit(world, title="噪音一")
    submit(world, title="噪音二")
    submit(world, title="西镇的事", place="V21")
    Clock.objects.filter(case=a).update(due_on=timezone.localdate() - timedelta(days=2))
    client.force_login(world.alice)
    page = client.get("/staff/", {"scope": "all"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "噪音一" in page and "噪音二" in page
    assert "西镇的事" not in page  # outside alice's jurisdiction
    assert 'id="count-breached">1<' in page
    searched = client.get("/staff/", {"scope": "all", "q": "噪音二"}).content.decode()
    assert "噪音二" in searched and "噪音一" not in searched
    late = client.get("/staff/", {"scope": "all", "clock": "breached"}).content.decode()
    assert "噪音一" in late and "噪音二" not in late


def test_queue_counts_open_cases_by_state_and_caps_the_count_of_a_long_history(
    client, world, categories, monkeypatch
):
    from concord.web.views import staff

    cases = [submit(world, title=f"第{i}件") for i in range(5)]
    case_actions.case_withdraw(case=cases[0], reason="已自行解决", by_resident=True)
    client.force_login(world.alice)
    page = client.get("/staff/", {"scope": "all"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="count-open">4<' in page
    assert "<li>Submitted: 4</li>" in page and "<li>Withdrawn:" not in page  # open work only
    assert "4 cases" in page
    monkeypatch.setattr(staff, "QUEUE_COUNT_CAP", 3)
    every = client.get(
        "/staff/", {"scope": "all", "status": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "More than 3 cases; narrow the filters" in every
    assert every.count("/staff/cases/") == 3  # pages reach the newest cases up to the cap
    chinese = client.get(
        "/staff/", {"scope": "all", "status": "all"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "超过3件" in chinese.content.decode()


def test_queue_query_count_does_not_grow_with_cases(client, world, categories):
    client.force_login(world.alice)
    submit(world, title="第一件")
    client.get("/staff/", {"scope": "all"})
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/", {"scope": "all"})
    for i in range(12):
        submit(world, title=f"更多 {i}")
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/", {"scope": "all"})
    assert len(many) == len(few)


def test_case_page_masks_contacts_for_a_role_that_may_not_see_them(client, world, categories):
    case = submit(world)
    client.force_login(world.sam)  # supervisor: no party.contact capability
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page
    client.force_login(world.bob)  # the owning committee's mediator
    assert "13812345678" in client.get(f"/staff/cases/{case.pk}/").content.decode()


def test_case_outside_jurisdiction_is_not_found(client, world, categories):
    case = submit(world)
    client.force_login(world.carol)
    assert client.get(f"/staff/cases/{case.pk}/").status_code == 404


def test_only_irreversible_steps_need_confirmation(client, world, categories):
    case = submit(world)
    client.force_login(world.bob)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert 'id="id_accept-confirm"' not in page
    assert client.post(f"/staff/cases/{case.pk}/accept/", {"accept-note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    act(client, case, "resolve", outcome="fixed", text="Agreed quiet hours.")
    response = client.post(f"/staff/cases/{case.pk}/close/", {"close-note": ""})
    assert response.status_code == 400  # closing cannot be undone: the box must be ticked
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_a_reader_outside_the_owning_unit_is_offered_no_handling_step_and_told_why(
    client, world, categories
):
    case = submit(world)  # owned by the village mediation committee
    client.force_login(world.alice)  # a town caseworker over the village, another unit
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="action-accept"' not in page
    assert "Only the owning unit or a supervisor can take this step." in page
    assert 'id="action-note"' in page  # anyone who sees the case may add a note


def test_a_refused_step_leads_the_page_with_its_reason_in_the_page_language(
    client, world, categories
):
    case = submit(world)
    client.force_login(world.alice)
    response = client.post(
        f"/staff/cases/{case.pk}/accept/", {"accept-note": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    page = response.content.decode()
    messages = page[
        page.index('class="messages"') : page.index("</ul>", page.index('class="messages"'))
    ]
    assert "未记录" in messages
    assert "只有" in messages  # the action's own reason, not a generic one
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_mediator_accepts_records_a_session_and_an_agreement(client, world, categories):
    case = submit(world)
    client.force_login(world.bob)
    assert act(client, case, "accept").status_code == 302
    act(
        client,
        case,
        "session",
        held_at="2026-03-03T10:00",
        location="桃村调解室",
        participants="王芳；李强",
    )
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.mediation_sessions.count() == 1
    response = act(
        client,
        case,
        "agreement",
        parties="王芳；李强",
        facts="装修噪音",
        issues="施工时间",
        responsibilities="李强",
        terms="晚八点后停工",
        performance_manner="自行履行",
        performance_due="2026-04-01",
        signed_by="王芳\n李强",
        mediator_signed="on",
        committee_sealed="on",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.outcome == "agreement"
    page = client.get(f"/staff/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/staff/cases/{case.pk}/agreement.pdf" in page
    pdf = client.get(f"/staff/cases/{case.pk}/agreement.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_refused_action_shows_the_reason_on_the_form(client, world, categories):
    case = submit(world)
    client.force_login(world.bob)
    act(client, case, "accept")
    response = act(client, case, "resolve", outcome="fixed", text="")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_caseworker_transfers_and_the_receiver_refuses(client, world, categories):
    case = submit(world, category="CM01", place="T1")
    assert case.owner_unit == world.u_t1
    client.force_login(world.alice)
    act(client, case, "transfer", to_unit=world.u_labour.pk, reason="属劳动监察")
    transfer = TransferRequest.objects.get(case=case)
    client.force_login(world.dora)
    queue = client.get("/staff/").content.decode()
    assert case.receipt_code in queue  # listed under transfers waiting for an answer
    act(client, case, "transfer_answer", transfer=transfer.pk, answer="refuse", reason="不属本局")
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert transfer.state == "refused" and case.owner_unit == world.u_t1 and case.bounce_count == 1


def test_dashboard_shows_tier_shares_rates_and_moves(client, world, categories):
    client.force_login(world.zoe)
    page = client.get("/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Fengqiao" in page and 'id="chart-data"' in page
    case = submit(world)
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="好")
    page = client.get("/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<td data-label="Village or grid" class="village-share">100.0% (1)</td>' in page


def test_dashboard_query_count_is_fixed(client, world, categories):
    client.force_login(world.zoe)
    submit(world)
    client.get("/staff/dashboard/")
    cache.clear()  # measure the computing path, not the cached aggregates
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/dashboard/")
    for i in range(8):
        c = submit(world, title=f"案 {i}")
        case_actions.case_accept(actor=world.bob, case=c)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/dashboard/")
    assert len(many) == len(few)


def test_cached_dashboard_still_shows_a_new_resolution(client, world, categories):
    client.force_login(world.zoe)
    client.get("/staff/dashboard/")
    case = submit(world)
    case_actions.case_accept(actor=world.bob, case=case)
    case_actions.case_resolve(actor=world.bob, case=case, outcome="agreement", text="好")
    page = client.get("/staff/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="village-share">100.0% (1)</td>' in page


def test_dashboard_trend_counts_the_last_month_at_once_and_earlier_months_hourly(
    client, world, categories, at
):
    from concord.web.selectors import trend

    def received():
        return {t["month"]: t["received"] for t in trend(world.zoe, world.C, timezone.localdate())}

    at("2026-01-15 10:00")
    submit(world)
    at("2026-03-10 09:00")
    submit(world)
    assert received() == {"2026-01": 1, "2026-03": 1}
    at("2026-01-20 10:00")
    submit(world)  # a late entry in a month already counted
    at("2026-03-10 09:30")
    submit(world)
    assert received() == {"2026-01": 1, "2026-03": 2}
    at("2026-03-10 10:01")
    assert received() == {"2026-01": 2, "2026-03": 2}


def test_dashboard_totals_are_the_unit_rows_added_up(world, categories):
    from concord.cases import stats
    from concord.cases.models import Case

    for place, unit_owner in (("V11", world.bob), ("V21", None)):
        case = submit(world, place=place)
        if unit_owner:
            case_actions.case_accept(actor=unit_owner, case=case)
            case_actions.case_resolve(actor=unit_owner, case=case, outcome="agreement", text="好")
    by_unit = stats.breakdown(Case.objects.all(), ["unit"], median=False)
    assert len(by_unit) == 2
    added = stats.total(by_unit.values())
    whole = stats.summarize(Case.objects.all(), median=False)
    assert added == whole and (added.received, added.resolved) == (2, 1)


def test_dashboard_refuses_staff_without_statistics(client, world):
    client.force_login(world.bob)
    assert client.get("/staff/dashboard/").status_code == 403


def test_map_carries_points_in_jurisdiction_only(client, world, categories):
    submit(world, title="有坐标", place=None, lat=30.05, lng=120.05)
    submit(world, title="西边", place=None, lat=30.05, lng=120.55)
    client.force_login(world.alice)
    page = client.get("/staff/map/").content.decode()
    assert "有坐标" in page and "西边" not in page


def test_every_page_has_the_language_switch(client, world, categories):
    client.force_login(world.zoe)
    for url in ("/", "/file/", "/track/", "/staff/", "/staff/dashboard/", "/staff/map/"):
        assert 'name="language"' in client.get(url).content.decode(), url


def test_no_inline_scripts_or_styles(client, world, categories):
    client.force_login(world.zoe)
    case = submit(world)
    for url in ("/", "/file/", "/staff/", f"/staff/cases/{case.pk}/", "/staff/dashboard/"):
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, url
        assert 'style="' not in html, url
