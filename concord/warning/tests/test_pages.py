"""Early-warning pages: the alert list and an alert that explains itself, its actions (the same
actions as the API, each on the ledger), alert rules with a preview, escalation attention."""

import json
import re

import pytest

from concord.cases.models import Category
from concord.core.models import Event
from concord.notifications.models import Notification
from concord.warning.models import Alert, AlertRule
from concord.warning.run import surveillance_run

from .test_platform import history_with_surge

pytestmark = pytest.mark.django_db


@pytest.fixture
def surge(world):
    today, cases = history_with_surge(world)
    surveillance_run(today=today)
    alert = Alert.objects.get(method="ears-c2", place=world.V11, category_root="CM04")
    return today, cases, alert


def _json(html: str, element_id: str):
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_the_alert_list_names_places_groups_and_methods_and_filters(world, client, surge):
    _today, _cases, alert = surge
    client.force_login(world.ana)
    html = client.get("/staff/alerts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Peach" in html or world.V11.localized_name() in html
    assert "EARS C2" in html
    assert f'href="/staff/alerts/{alert.pk}/"' in html
    assert ">CM04<" not in html and "· CM04 ·" not in html
    # Filters: a place outside the surge, a state no alert has, a period before it.
    assert (
        f"/staff/alerts/{alert.pk}/"
        not in client.get("/staff/alerts/", {"place": world.T2.code}).content.decode()
    )
    assert (
        f"/staff/alerts/{alert.pk}/"
        not in client.get("/staff/alerts/", {"state": "dismissed"}).content.decode()
    )
    assert (
        f"/staff/alerts/{alert.pk}/"
        not in client.get("/staff/alerts/", {"to": "2026-01-01"}).content.decode()
    )
    shown = client.get(
        "/staff/alerts/", {"group": "CM04", "method": "ears-c2", "place": world.T1.code}
    ).content.decode()
    assert f"/staff/alerts/{alert.pk}/" in shown
    # The navigation leads there; in Chinese the page is in Chinese.
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/staff/alerts/").content.decode()
    assert "预警" in html and 'href="/staff/alerts/"' in html


def test_the_alert_page_explains_itself(world, client, surge):
    _today, cases, alert = surge
    client.force_login(world.ana)
    html = client.get(f"/staff/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chart = _json(html, "alert-chart-data")
    rows = chart["rows"]
    alarm = [r for r in rows if r["alarm"]]
    assert len(alarm) == 1 and alarm[0]["observed"] == 15
    assert alarm[0]["threshold"] == pytest.approx(alert.threshold, abs=1e-3)
    assert alarm[0]["expected"] == pytest.approx(alert.expected, abs=1e-3)
    # Earlier weeks carry the method's own expected values too, and the baseline is marked:
    # EARS C2 compares with seven weeks ending three weeks before.
    assert sum(r["expected"] is not None for r in rows) > 12
    assert sum(r["baseline"] for r in rows) == 7
    assert rows.index(alarm[0]) - max(i for i, r in enumerate(rows) if r["baseline"]) == 3
    assert "Baseline weeks used" in html and "EARS C2" in html and "alpha" in html
    geo = _json(html, "alert-map-data")
    assert geo["features"] and geo["features"][0]["properties"]["main"]
    # The analyst sees how many cases there are, none of them.
    assert "15 cases belong to this alert." in html and "15 of them are outside" in html
    assert cases[0].receipt_code not in html
    client.force_login(world.sam)
    html = client.get(f"/staff/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(c.receipt_code in html for c in cases) and "outside what you may see" not in html


def test_assigning_tells_the_unit_which_then_sees_the_alert(world, client, surge):
    _today, cases, alert = surge
    client.force_login(world.carol)
    assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 404
    client.force_login(world.alice)  # a caseworker of the East Town centre: no alert role
    assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 404
    client.force_login(world.ana)
    world.alice.language, world.sam.language = "zh-hans", "en"
    world.alice.save(update_fields=["language"])
    world.sam.save(update_fields=["language"])
    r = client.post(f"/staff/alerts/{alert.pk}/assign/", {"unit": world.u_t1.pk, "note": "请核查"})
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.assigned_unit == world.u_t1 and alert.state == "acknowledged"
    assert Event.objects.filter(stream=f"alert:{alert.pk}", kind="alert_assigned").exists()
    told = Notification.objects.get(
        recipient=world.alice, dedupe_key__startswith=f"alert:{alert.pk}:assigned"
    )
    assert told.link == f"/staff/alerts/{alert.pk}/"
    # Each member of the unit is told in their own language, whoever assigned it.
    group = Category.objects.get(code=alert.category_root)
    place = alert.place
    assert told.subject == (f"预警已分派给{world.u_t1.name_zh}：{place.name_zh}，{group.name_zh}")
    theirs = Notification.objects.get(
        recipient=world.sam, dedupe_key__startswith=f"alert:{alert.pk}:assigned"
    )
    assert theirs.subject == (
        f"Early warning assigned to {world.u_t1.name_en}: {place.name_en}, {group.name_en}"
    )
    client.force_login(world.alice)
    html = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert cases[0].receipt_code in html and 'id="action-dismiss"' not in html
    assert client.post(f"/staff/alerts/{alert.pk}/dismiss/", {"reason": "x"}).status_code == 302
    alert.refresh_from_db()
    assert alert.state == "acknowledged"  # alice may see it, not handle it


def test_dismissing_needs_a_reason_and_a_supervisor_opens_an_incident(world, client, surge):
    _today, _cases, alert = surge
    client.force_login(world.ana)
    client.post(f"/staff/alerts/{alert.pk}/dismiss/", {"reason": " "})
    alert.refresh_from_db()
    assert alert.state == "new"
    # The analyst may not open an incident (a supervisor's step); nothing is written.
    client.post(
        f"/staff/alerts/{alert.pk}/open_incident/",
        {"title": "异味", "incident_type": "public_health", "level": "general"},
    )
    alert.refresh_from_db()
    assert alert.incident is None
    client.force_login(world.zoe)
    html = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert 'id="action-open_incident"' in html
    client.post(
        f"/staff/alerts/{alert.pk}/open_incident/",
        {"title": "化工厂异味", "incident_type": "public_health", "level": "general"},
    )
    alert.refresh_from_db()
    assert alert.incident.title == "化工厂异味" and alert.state == "actioned"
    kinds = list(Event.objects.filter(stream=f"alert:{alert.pk}").values_list("kind", flat=True))
    assert kinds[-1] == "alert_linked_incident"


def test_a_rule_change_alters_the_next_run(world, client):
    today, _cases = history_with_surge(world)
    client.force_login(world.ana)
    r = client.post(
        "/staff/alerts/rules/new/",
        {
            "op": "save",
            "name": "村级 C2",
            "place": world.C.code,
            "method": "ears-c2",
            "p_baseline": "7",
            "p_alpha": "0.001",
            "category_roots": ["CM04"],
            "place_levels": ["village"],
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    rule = AlertRule.objects.get()
    surveillance_run(today=today)
    assert set(Alert.objects.values_list("place__level", flat=True)) <= {"village", "grid"}
    assert Alert.objects.filter(method="ears-c2", place=world.V11, rule_version=1).exists()
    # Version 2: town level, EARS C1. The next run raises at the town, by C1, and nothing else.
    r = client.post(
        f"/staff/alerts/rules/{rule.pk}/",
        {
            "op": "save",
            "name": "镇级 C1",
            "method": "ears-c1",
            "p_baseline": "7",
            "p_alpha": "0.001",
            "category_roots": ["CM04"],
            "place_levels": ["town"],
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    before = set(Alert.objects.values_list("pk", flat=True))
    surveillance_run(today=today)
    new = Alert.objects.exclude(pk__in=before)
    assert {(a.method, a.place_id, a.rule_version) for a in new} == {("ears-c1", world.T1.pk, 2)}
    assert list(rule.versions.values_list("version", flat=True)) == [2, 1]
    assert Event.objects.filter(stream=f"alert_rule:{rule.pk}").count() == 2
    # A paused rule raises nothing; the page says so in the reader's language.
    html = client.get(f"/staff/alerts/rules/{rule.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    assert b"version 2" in html


def test_a_rule_preview_shows_the_past_year_and_saves_nothing(world, client):
    history_with_surge(world)
    client.force_login(world.ana)
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 15, 12)), tick=False):
        r = client.post(
            "/staff/alerts/rules/new/",
            {
                "op": "preview",
                "name": "x",
                "place": world.C.code,
                "method": "ears-c2",
                "p_alpha": "0.001",
                "category_roots": ["CM04"],
                "place_levels": ["village"],
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    html = r.content.decode()
    assert r.status_code == 200 and 'id="preview"' in html
    assert "2026-06-08" in html and ">15<" in html and "1 alert." in html
    assert not AlertRule.objects.exists() and not Alert.objects.exists()
    # A bad control value is a clear error and nothing is saved.
    client.force_login(world.ana)  # the session was renewed while travelling in time
    r = client.post(
        "/staff/alerts/rules/new/",
        {"op": "save", "name": "x", "place": world.C.code, "method": "ears-c2", "p_alpha": "2"},
    )
    assert r.status_code == 400 and not AlertRule.objects.exists()


def test_every_registered_detector_can_be_chosen(world, client, monkeypatch):
    from concord.warning.algorithms import detectors

    client.force_login(world.ana)
    html = client.get("/staff/alerts/rules/new/").content.decode()
    for name in detectors.METHODS:
        assert f'value="{name}"' in html
    # A method registered later appears without a change to the pages.
    extra = detectors.Method(
        "later-method",
        "A later method",
        detectors.METHODS["cusum"].defaults,
        detectors.METHODS["cusum"].run,
    )
    monkeypatch.setitem(detectors.METHODS, "later-method", extra)
    html = client.get("/staff/alerts/rules/new/").content.decode()
    assert 'value="later-method"' in html and "A later method" in html


def test_escalation_attention_page_explains_it_is_support(world, client):
    client.force_login(world.sam)
    html = client.get("/staff/alerts/attention/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "never a mark against a resident" in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/staff/alerts/attention/").content.decode()
    assert "不是对居民" in html
    client.force_login(world.ana)  # analysts see no cases
    assert client.get("/staff/alerts/attention/").status_code == 403


def test_the_api_calls_the_same_actions(world, api, surge):
    _today, _cases, alert = surge
    a = api.as_user(world.ana)
    assert a.post(f"/warning/alerts/{alert.pk}/assign", {"unit": "GC-T2"}).status_code == 400
    r = a.post(f"/warning/alerts/{alert.pk}/assign", {"unit": "GC-T1", "note": "核查"})
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    assert Notification.objects.filter(
        recipient=world.alice, dedupe_key=f"alert:{alert.pk}:assigned:{world.u_t1.pk}"
    ).exists()
    assert a.post(f"/warning/alerts/{alert.pk}/incident", {"incident_id": 0}).status_code == 400
    methods = {m["method"] for m in a.get("/warning/methods").json()}
    assert {
        "ears-c1",
        "ears-c2",
        "ears-c3",
        "cusum",
        "farrington",
        "farrington-noufaily",
    } <= methods
    r = a.post(
        "/warning/rules",
        {"name": "C3", "place": "C", "method": "ears-c3", "params": {"alpha": "0.01"}},
    )
    assert r.status_code == 200 and r.json()["params"] == {"alpha": 0.01}
    rule_id = r.json()["id"]
    r = a.post(f"/warning/rules/{rule_id}", {"name": "C3", "place": "C", "method": "cusum"})
    assert r.json()["version"] == 2 and r.json()["method"] == "cusum"
    assert (
        api.as_user(world.sam)
        .post(f"/warning/rules/{rule_id}", {"name": "x", "place": "C", "method": "cusum"})
        .status_code
        == 404
    )
    assert (
        api.as_user(world.ana)
        .post("/warning/rules", {"name": "x", "place": "C", "method": "nope"})
        .status_code
        == 400
    )


def test_a_long_baseline_rule_gets_the_history_it_needs_and_a_paused_rule_runs_nothing(world):
    from concord.warning.actions import alert_rule_save
    from concord.warning.rules import effective_rules, history_weeks

    rule = alert_rule_save(
        actor=world.ana, name="F", place=world.C, method="farrington", params={"b": "3"}
    )
    (effective,) = effective_rules()
    assert history_weeks([effective], lookback=12) >= 3 * 52 + 3 + 12
    alert_rule_save(
        actor=world.ana, rule=rule, name="F", place=world.C, method="farrington", is_active=False
    )
    assert effective_rules() == []  # once rules are set, the setting no longer runs
    today, _cases = history_with_surge(world)
    surveillance_run(today=today)
    assert not Alert.objects.exclude(method="stscan").exists()


def test_a_glrnb_rule_from_the_page_raises_an_alert_by_its_statistic(world, client):
    from datetime import datetime, timedelta

    from .test_platform import TZ, backdated

    # An overdispersed history (a negative binomial fit needs variance above the mean; with
    # less, R's glm.nb gives no dispersion and glrnb no statistic), then a surge of 25.
    today = datetime(2026, 6, 15).date()
    last_monday = today - timedelta(days=today.weekday() + 7)
    pattern = [0, 3, 1, 0, 5, 2, 0, 1, 4, 0]
    for w in range(1, 30):
        monday = last_monday - timedelta(weeks=w)
        for i in range(pattern[w % 10]):
            backdated(
                world,
                world.V11,
                datetime(monday.year, monday.month, monday.day, 9, tzinfo=TZ) + timedelta(hours=i),
            )
    for i in range(25):
        backdated(
            world,
            world.V11,
            datetime(last_monday.year, last_monday.month, last_monday.day, 9, tzinfo=TZ)
            + timedelta(hours=3 * i),
        )
    client.force_login(world.ana)
    html = client.get("/staff/alerts/rules/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "GLR negative binomial" in html
    r = client.post(
        "/staff/alerts/rules/new/",
        {
            "op": "save",
            "name": "GLR",
            "place": world.C.code,
            "method": "glrnb",
            "p_c_arl": "4",
            "p_s": "0",
            "p_alpha": "",
            "category_roots": ["CM04"],
            "place_levels": ["village"],
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    assert AlertRule.objects.get().params["s"] == 0
    surveillance_run(today=today)
    alert = Alert.objects.get(method="glrnb", place=world.V11)
    # The GLR statistic passed its decision limit; its limit is not a count, so none is shown.
    assert alert.observed == 25 and alert.score >= 4 and alert.threshold is None
    assert alert.rule_version == 1
    html = client.get(f"/staff/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "GLR 负二项" in html
    chart = _json(html, "alert-chart-data")
    assert all(row["threshold"] is None for row in chart["rows"])
