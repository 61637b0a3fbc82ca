"""Early warning in the platform: weekly detectors and the scan raise explainable alerts,
never twice for one signal; alerts are handled with reasons; escalation attention."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from concord.cases import actions as ca
from concord.cases.models import Case, Category
from concord.places.actions import place_upsert
from concord.warning.models import Alert
from concord.warning.run import surveillance_run
from concord.warning.selectors import alerts_visible_to

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def backdated(world, place, when: datetime, category="CM04.02", title="化工厂排放异味"):
    case = ca.case_submit(
        kind="service_request",
        title=title,
        description="夜间刺鼻气味",
        place=place,
        category=Category.objects.get(code=category),
    ).case
    Case.objects.filter(pk=case.pk).update(created_at=when)
    return case


def history_with_surge(world, today=date(2026, 6, 15), surge=15):
    # 20 weeks with one or two complaints a week, then a surge in the last complete week.
    last_monday = today - timedelta(days=today.weekday() + 7)
    for w in range(1, 21):
        monday = last_monday - timedelta(weeks=w)
        for d in range(1 + w % 2):
            backdated(
                world,
                world.V11,
                datetime(monday.year, monday.month, monday.day, 10, tzinfo=TZ) + timedelta(days=d),
            )
    surge_cases = [
        backdated(
            world,
            world.V11,
            datetime(last_monday.year, last_monday.month, last_monday.day, 9, tzinfo=TZ)
            + timedelta(hours=5 * i),
        )
        for i in range(surge)
    ]
    return today, surge_cases


def test_a_surge_raises_an_explained_alert_with_its_cases_once(world, api):
    from concord.accounts.models import User

    User.objects.filter(pk=world.zoe.pk).update(language="zh-hans")
    User.objects.filter(pk=world.sam.pk).update(language="en")
    today, surge = history_with_surge(world)
    run = surveillance_run(today=today)
    assert run.alerts_created >= 1
    alert = Alert.objects.get(method="ears-c2", place=world.V11, category_root="CM04")
    assert alert.observed == 15 and alert.threshold < 15 and alert.expected < 3
    assert set(alert.cases.values_list("pk", flat=True)) == {c.pk for c in surge}
    assert alert.unit.code == "GC-T1"  # the village's alert goes to the town governance centre
    # Also visible at town and county level, each routed to its own unit.
    town = Alert.objects.get(method="ears-c2", place=world.T1, category_root="CM04")
    assert town.unit.code == "GC-T1"
    assert (
        Alert.objects.get(method="ears-c2", place=world.C, category_root="CM04").unit.code == "GC-C"
    )
    # A second run raises nothing new.
    assert surveillance_run(today=today).alerts_created == 0
    # The notice names the place and the category group, so two alerts can be told apart.
    from concord.cases.models import Category
    from concord.notifications.models import Notification

    subjects = set(
        Notification.objects.filter(dedupe_key=f"alert:{alert.pk}").values_list(
            "subject", flat=True
        )
    )
    group = Category.objects.get(code="CM04")
    assert subjects == {
        f"Early warning: Peach Village, {group.name_en}",
        f"预警：桃村，{group.name_zh}",
    }
    # Each reader is told in their language: the place, the category group and the method too.
    told = {
        n.recipient_id: n
        for n in Notification.objects.filter(dedupe_key=f"alert:{alert.pk}")
        if n.recipient_id in (world.sam.pk, world.zoe.pk)
    }
    assert told[world.sam.pk].subject == f"Early warning: Peach Village, {group.name_en}"
    assert (
        told[world.sam.pk].body.startswith("EARS C2")
        and ": observed 15," in told[world.sam.pk].body
    )
    assert told[world.zoe.pk].subject == f"预警：桃村，{group.name_zh}"
    assert (
        told[world.zoe.pk].body.startswith("EARS C2") and "：实际 15，" in told[world.zoe.pk].body
    )

    body = api.as_user(world.ana).get(f"/warning/alerts/{alert.pk}").json()
    assert "15" in body["explanation"] and "EARS C2" in body["explanation"]
    assert body["cases"] == []  # analysts see aggregates, not cases
    assert body["hidden_cases"] == 15 and 15.0 in body["series"]["observed"]
    body = api.as_user(world.sam).get(f"/warning/alerts/{alert.pk}").json()
    assert len(body["cases"]) == 15
    assert api.as_user(world.carol).get(f"/warning/alerts/{alert.pk}").status_code == 404


def test_alerts_are_acknowledged_actioned_or_dismissed_with_reasons(world, api):
    today, _ = history_with_surge(world)
    surveillance_run(today=today)
    alert = Alert.objects.get(method="ears-c2", place=world.V11, category_root="CM04")
    r = api.as_user(world.ana).post(f"/warning/alerts/{alert.pk}/dismiss", {"reason": ""})
    assert r.status_code == 400
    assert api.post(f"/warning/alerts/{alert.pk}/acknowledge", {}).json()["state"] == "acknowledged"
    r = api.post(f"/warning/alerts/{alert.pk}/action", {"reason": "环保所已上门检查，责令整改"})
    assert r.json()["state"] == "actioned"
    assert api.post(f"/warning/alerts/{alert.pk}/dismiss", {"reason": "x"}).status_code == 409
    from concord.core.models import Event

    assert list(
        Event.objects.filter(stream=f"alert:{alert.pk}").values_list("kind", flat=True)
    ) == ["alert_raised", "alert_acknowledged", "alert_actioned"]
    assert not alerts_visible_to(world.carol).filter(pk=alert.pk).exists()


def test_the_space_time_scan_finds_a_cluster_of_grids(world, settings):
    settings.WARNING = {"SCAN_MIN_CASES": 10, "SCAN_REPLICATIONS": 99, "METHODS": []}
    grids = []
    for i in range(12):
        x, y = 120.0 + (i % 4) * 0.05, 30.1 + (i // 4) * 0.05
        grids.append(
            place_upsert(
                code=f"GX{i}",
                level="grid",
                name_zh=f"网格{i}",
                parent=world.V11,
                boundary={
                    "type": "Polygon",
                    "coordinates": [
                        [[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]
                    ],
                },
            )
        )
    today = date(2026, 6, 15)
    import random

    rng = random.Random(3)
    for _ in range(120):  # background spread over 80 days and all grids
        day = today - timedelta(days=rng.randint(3, 80))
        backdated(world, rng.choice(grids), datetime(day.year, day.month, day.day, 10, tzinfo=TZ))
    for i in range(16):  # cluster: two neighbouring grids, last three days
        day = today - timedelta(days=1 + i % 3)
        backdated(world, grids[i % 2], datetime(day.year, day.month, day.day, 11, tzinfo=TZ))
    surveillance_run(today=today)
    alert = Alert.objects.get(method="stscan")
    assert {"GX0", "GX1"} <= set(alert.details["grids"])
    assert alert.p_value <= 0.05 and alert.observed >= 16
    assert alert.period_end >= today - timedelta(days=3)


def test_escalation_attention_is_evaluated_on_a_time_split_and_explains_itself(world, api):
    from concord.warning.attention import train_and_evaluate

    noise = Category.objects.get(code="DP.02")
    rng = __import__("random").Random(0)
    now = datetime(2026, 6, 15, 12, tzinfo=TZ)
    for i in range(80):
        threat = i % 4 == 0
        case = ca.case_submit(
            kind="dispute",
            title="邻里纠纷" + ("，扬言要砍人" if threat else ""),
            description="对方说要拿刀砍死我们" if threat else "楼上噪音",
            place=world.V11,
            category=noise,
        ).case
        escalated = threat and rng.random() < 0.8 or (not threat and rng.random() < 0.1)
        case = ca.case_accept(actor=world.bob, case=case)
        if escalated:
            case = ca.case_escalate(actor=world.bob, case=case, reason_code="risk", note="n")
            case = ca.case_accept(actor=world.alice, case=case)
        ca.case_start(actor=world.alice if escalated else world.bob, case=case)
        case = ca.case_resolve(
            actor=world.alice if escalated else world.bob, case=case, outcome="agreement", text="ok"
        )
        created = now - timedelta(days=200 - i * 2)
        Case.objects.filter(pk=case.pk).update(
            created_at=created, resolved_at=created + timedelta(days=5)
        )
    model, report, rates = train_and_evaluate(now=now, split_days=60)
    assert report.train > 0 and report.test > 0
    assert report.model.auroc >= report.baseline.auroc or report.baseline.auroc is None
    assert report.coefficients["threat_words"] > 0
    assert all(c >= 0 for c in report.coefficients.values())
    open_case = ca.case_submit(
        kind="dispute",
        title="他说要砍死我",
        description="拿着刀在门口",
        place=world.V11,
        category=noise,
    ).case
    ca.case_accept(actor=world.bob, case=open_case)
    from concord.warning.attention import needs_attention

    rows = needs_attention(world.bob, model=model, rates=rates)
    top = rows[0]
    assert top["case_id"] == open_case.pk
    assert any(r["feature"] == "threat_words" for r in top["reasons"])
    # Residents never see it: tracking shows no attention data.
    assert api.as_user(world.resident).get("/warning/attention").status_code == 403


def test_the_weekly_run_uses_the_configured_methods_by_date_with_populations(world, settings):
    """Farrington with a population offset, named in the setting, runs on calendar weeks."""
    from concord.places.actions import place_population_set
    from concord.warning import rules as run_module  # the run evaluates each rule there

    today = date(2026, 6, 15)
    last_monday = today - timedelta(days=today.weekday() + 7)
    for w in range(1, 64, 2):  # a year and three months of a case every other week
        monday = last_monday - timedelta(weeks=w)
        backdated(world, world.V11, datetime(monday.year, monday.month, monday.day, 10, tzinfo=TZ))
    for i in range(12):
        when = datetime(last_monday.year, last_monday.month, last_monday.day, 9, tzinfo=TZ)
        backdated(world, world.V11, when + timedelta(hours=5 * i))
    place_population_set(actor=world.ana, place=world.V11, year=2025, population=2000)
    place_population_set(actor=world.ana, place=world.V11, year=2026, population=2400)
    settings.WARNING = {
        "METHODS": [{"method": "farrington", "params": {"b": 1, "populationOffset": True}}],
        "SCAN_MIN_CASES": 10**6,
    }
    calls = []
    real_detect = run_module.detect

    def spy(method, counts, **kwargs):
        calls.append(kwargs)
        return real_detect(method, counts, **kwargs)

    run_module.detect = spy
    try:
        run = surveillance_run(today=today)
    finally:
        run_module.detect = real_detect
    call = calls[0]  # the run's own call; the alert's chart evaluates its one series again
    assert all("population" in c and "dates" in c for c in calls)
    weeks = call["dates"]
    assert weeks[-1] == last_monday and all(d.weekday() == 0 for d in weeks)
    assert len(weeks) >= 52 + 3 + 12  # a year back plus the window and the evaluated weeks
    keys = run_module.weekly_counts(end=last_monday + timedelta(days=6), weeks=len(weeks)).keys
    row = keys.index((world.V11.id, "CM04"))
    by_year = dict(zip([d.year for d in weeks], call["population"][row], strict=False))
    assert by_year[2025] == 2000 and by_year[2026] == 2400
    assert run.alerts_created >= 1
    alert = Alert.objects.get(method="farrington", place=world.V11, category_root="CM04")
    assert alert.observed == 12 and alert.threshold < 12


def test_an_unknown_method_in_the_setting_is_refused_by_name(world, settings):
    settings.WARNING = {"METHODS": ["farrington", {"method": "magic"}]}
    with pytest.raises(ValueError, match="magic"):
        surveillance_run(today=date(2026, 6, 15))


@pytest.mark.django_db(transaction=True)
def test_the_pass_reads_one_snapshot_and_writes_each_alert_in_its_own_transaction(
    world, settings, monkeypatch
):
    from django.db import connection

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    today, _surge = history_with_surge(world)
    log: list[str] = []

    def record(execute, sql, params, many, context):
        log.append(sql)
        return execute(sql, params, many, context)

    commit = connection.commit
    monkeypatch.setattr(connection, "commit", lambda: (log.append("COMMIT"), commit())[1])
    with connection.execute_wrapper(record):
        run = surveillance_run(today=today)
    assert run.alerts_created >= 1
    assert Alert.objects.filter(method="ears-c2", place=world.V11).exists()

    # The read transaction: opened without the write lock (SQLite) or as one read-only
    # snapshot (PostgreSQL), and committed once.
    begin = next(
        i
        for i, sql in enumerate(log)
        if sql == "BEGIN DEFERRED" or sql.startswith("SET TRANSACTION ISOLATION LEVEL REPEATABLE")
    )
    end = log.index("COMMIT", begin)
    case_reads = [  # the counts, the scan's cases and each alert's cases (not its new links)
        i
        for i, sql in enumerate(log)
        if sql.startswith("SELECT") and "cases_case" in sql and "warning_alert_cases" not in sql
    ]
    assert case_reads and all(begin < i < end for i in case_reads)
    # Then each alert in a short transaction of its own.
    inserts = [i for i, sql in enumerate(log) if sql.startswith('INSERT INTO "warning_alert"')]
    assert len(inserts) == run.alerts_created and inserts[0] > end
    for a, b in zip(inserts, [*inserts[1:], len(log)], strict=True):
        assert "COMMIT" in log[a:b]
