"""Triage in the platform: suggestions, auto-routing, the human queue, signals, duplicates,
incidents, corrections and retraining."""

import json

import pytest

from concord.cases import actions as ca
from concord.cases.models import Case, Category
from concord.core.models import Event
from concord.triage import actions as ta
from concord.triage import engine
from concord.triage.models import Incident, Suggestion, TriageModel
from concord.triage.selectors import triage_queue

pytestmark = pytest.mark.django_db

WAGES = (
    "工地老板拖欠工资",
    "我们在工地干了半年，老板拖欠农民工工资三个月，劳动合同也没签，社保没交。",
)


def submit(world, title, body, place=None, **kw):
    case = ca.case_submit(
        kind=kw.pop("kind", "grievance"),
        title=title,
        description=body,
        place=place or world.V11,
        **kw,
    ).case
    ta.triage_case(case.pk)
    return Case.objects.get(pk=case.pk)


def test_a_clear_message_is_categorised_and_routed_with_the_model_version(world):
    case = submit(world, *WAGES)
    s = Suggestion.objects.get(case=case)
    assert s.categories[0][0] == "CM15" and s.confidence >= 0.6
    assert s.model_version == TriageModel.objects.get(active=True).version
    assert s.auto_routed and not s.needs_human
    assert case.category.code == "CM15"
    event = Event.objects.get(case=case, kind="categorized")
    assert event.data["source"] == "triage"
    # Running triage again changes nothing.
    assert ta.triage_case(case.pk) is None
    assert Event.objects.filter(case=case, kind="categorized").count() == 1


@pytest.mark.parametrize("text", ["😀😀😀", "！！！？？", "<b><i></i></b>", "", "x" * 9999])
def test_unclear_text_goes_to_the_human_queue_never_crashes(world, text):
    case = submit(world, text[:200] or "?", text or "?")
    s = Suggestion.objects.get(case=case)
    assert s.needs_human and not s.auto_routed
    assert case in triage_queue(world.alice)
    assert case not in triage_queue(world.carol)


def test_a_staff_correction_is_recorded_and_leaves_the_queue(world, api):
    case = submit(world, "😀", "😀")
    r = api.as_user(world.alice).post(f"/triage/cases/{case.pk}/category", {"category": "DP.02"})
    assert r.status_code == 200, r.content
    assert r.json()["category"]["code"] == "DP.02"
    event = Event.objects.get(case=case, kind="categorized")
    assert event.data["source"] == "staff" and event.actor_id == world.alice.pk
    assert case not in triage_queue(world.alice)


def test_urgency_signals_raise_the_case_and_show_their_words(world):
    case = submit(world, "有人持刀威胁", "邻居拿着刀说要砍死我们全家，现在就在门口。")
    assert case.urgency in ("urgent", "emergency")
    s = Suggestion.objects.get(case=case)
    words = [w["text"] for sig in s.signals for w in sig["words"]]
    assert any("刀" in w or "砍" in w for w in words)
    changed = Event.objects.get(case=case, kind="urgency_changed")
    assert changed.data["reason"]


def test_a_corrupt_model_sends_cases_to_people(world, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a model")
    TriageModel.objects.update(active=False)
    TriageModel.objects.create(version="broken", path=str(bad), active=True)
    engine.forget()
    case = submit(world, *WAGES)
    s = Suggestion.objects.get(case=case)
    assert s.needs_human and s.error == "model unavailable" and case.category is None
    assert case in triage_queue(world.alice)
    engine.forget()


def test_duplicates_are_found_and_many_reports_form_a_collective_incident(world):
    first = submit(
        world,
        "幸福路工地拖欠工资",
        "幸福路工地项目部拖欠我们四十多名工人三个月工资。",
        kind="dispute",
    )
    second = submit(
        world, "幸福路工地欠薪", "幸福路工地项目部拖欠我们工人三个月工资，没人管。", kind="dispute"
    )
    other = submit(world, "路灯不亮", "村口路灯坏了一个月。", kind="service_request")
    from concord.triage.selectors import duplicates_of

    assert [d.other_id for d in duplicates_of(world.zoe, second)] == [first.pk]
    assert not duplicates_of(world.zoe, other).exists()
    for i in range(3):
        submit(
            world,
            f"幸福路工地拖欠工资{i}",
            "幸福路工地项目部拖欠我们工人三个月工资，要求支付。",
            kind="dispute",
        )
    incident = Incident.objects.get()
    assert incident.collective and incident.members.count() == 5 and incident.lead_case == first


def test_the_triage_view_names_no_duplicate_or_incident_lead_the_reader_may_not_see(world, api):
    body = "幸福路工地项目部拖欠我们工人三个月工资，要求支付。"
    sensitive = submit(
        world,
        "张三家幸福路工地拖欠工资",
        body,
        place=world.G111,
        kind="dispute",
        category=Category.objects.get(code="DP.01"),
    )
    reports = [
        submit(world, f"幸福路工地拖欠工资{i}", body, place=world.G111, kind="dispute")
        for i in range(4)
    ]
    assert sensitive.sensitivity == "sensitive"
    assert all(r.sensitivity == "normal" for r in reports)
    path = f"/triage/cases/{reports[-1].pk}"
    # Grace (G111's grid worker) may see the ordinary reports but not the sensitive dispute.
    assert api.as_user(world.grace).get(f"/cases/{sensitive.pk}").status_code == 404
    seen = api.get(path).json()
    assert sensitive.receipt_code not in str(seen) and "张三" not in str(seen)
    assert len(seen["duplicates"]) == 3 and seen["incident"]["title"] == ""
    # Bob's committee owns the dispute: he sees it among the duplicates and as the lead.
    seen = api.as_user(world.bob).get(path).json()
    assert sensitive.receipt_code in [d["receipt_code"] for d in seen["duplicates"]]
    assert seen["incident"]["title"] == "张三家幸福路工地拖欠工资"


def test_a_resident_of_a_merged_case_sees_the_surviving_cases_updates(world, api):
    a = api.post(
        "/cases", {"kind": "dispute", "title": "噪音", "description": "d", "place": "V11"}
    ).json()
    b = api.post(
        "/cases", {"kind": "dispute", "title": "同一噪音", "description": "d", "place": "V11"}
    ).json()
    ca.case_merge(
        actor=world.zoe, case=Case.objects.get(pk=b["id"]), into=Case.objects.get(pk=a["id"])
    )
    ca.case_accept(actor=world.bob, case=Case.objects.get(pk=a["id"]))
    kinds = [
        e["kind"]
        for e in api.anonymous()
        .get(f"/cases/track/{b['receipt_code']}", token=b["tracking_token"])
        .json()["events"]
    ]
    assert kinds[-2:] == ["merged", "accepted"]


def test_suggest_endpoint_returns_top_three_and_crisis(world, api):
    r = api.post("/triage/suggest", {"title": WAGES[0], "body": WAGES[1]})
    body = r.json()
    assert len(body["categories"]) == 3 and body["categories"][0]["code"] == "CM15"
    assert not body["crisis"]
    r = api.post("/triage/suggest", {"title": "", "body": "我不想活了，已经准备好了药"})
    assert r.json()["crisis"] is True


def test_retraining_keeps_the_better_model_and_records_the_version(world):
    before = engine.active_model().version
    for i in range(6):
        case = ca.case_submit(
            kind="dispute",
            title=f"邻居噪音{i}",
            description="楼上邻居每天深夜吵闹，协商无果。",
            place=world.V11,
            category=Category.objects.get(code="DP.02"),
        ).case
        ca.case_accept(actor=world.bob, case=case)
    titles, bodies, labels = ta.training_rows()
    assert len(labels) == 6 and set(labels) == {"矛盾纠纷"}
    result = ta.triage_retrain(seed=1)
    assert result["platform_cases"] == 6
    active = TriageModel.objects.get(active=True)
    assert (active.version != before) == result["replaced"]
    if result["replaced"]:
        assert result["new_macro_f1"] >= (result["old_macro_f1"] or 0)


def test_routing_suggestion_learns_where_staff_actually_sent_similar_cases(world, api):
    wages = Category.objects.get(code="CM15.03")

    def new():
        return ca.case_submit(
            kind="service_request",
            title="拖欠工资",
            description="d",
            place=world.V11,
            category=wages,
        ).case

    first = new()
    body = api.as_user(world.alice).get(f"/triage/cases/{first.pk}/route").json()
    assert not body["learned"] and body["unit_code"] == first.owner_unit.code
    for _ in range(10):
        case = new()
        transfer = ca.case_transfer_request(
            actor=world.zoe, case=case, to_unit=world.u_labour, reason="人社局负责"
        )
        case = ca.case_transfer_accept(actor=world.dora, transfer=transfer)
        case = ca.case_accept(actor=world.dora, case=case)
        case = ca.case_start(actor=world.dora, case=case)
        ca.case_resolve(actor=world.dora, case=case, outcome="fixed", text="已督促支付")
    body = api.get(f"/triage/cases/{first.pk}/route").json()
    assert body["learned"] and body["unit_code"] == "LB-C"
    assert "10" in body["reason"]


def test_the_sweep_triages_cases_whose_queued_task_was_lost(world, at, settings):
    # A queue that accepts nothing: intake's triage task is lost.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    at("2026-09-01 09:00")
    lost = ca.case_submit(kind="grievance", title=WAGES[0], description=WAGES[1], place=world.V11)
    assert not Suggestion.objects.filter(case=lost.case).exists()
    assert ta.triage_missed() == 0  # queued tasks get a grace period first
    at("2026-09-01 09:05")
    assert ta.triage_missed() == 1
    assert Suggestion.objects.get(case=lost.case).categories[0][0] == "CM15"
    assert ta.triage_missed() == 0


def test_one_failing_case_does_not_stall_the_sweep(world, at, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    at("2026-09-01 09:00")
    broken = ca.case_submit(kind="grievance", title=WAGES[0], description=WAGES[1], place=world.V11)
    fine = ca.case_submit(kind="grievance", title=WAGES[0], description=WAGES[1], place=world.V12)
    real = ta.triage_case

    def triage(case_id):
        if case_id == broken.case.pk:
            raise RuntimeError("corrupt case")
        return real(case_id)

    monkeypatch.setattr(ta, "triage_case", triage)
    at("2026-09-01 09:05")
    assert ta.triage_missed() == 1
    assert Suggestion.objects.filter(case=fine.case).exists()


def test_similar_tells_an_anonymous_caller_only_how_many_open_reports_are_near(
    world, api, settings
):
    settings.CONCORD = {**settings.CONCORD, "PUBLIC_MIN_CELL": 3}
    noise = Category.objects.get(code="DP.02")
    for i in range(2):
        ca.case_submit(
            kind="dispute",
            title=f"王家夜里装修{i}",
            description="d",
            place=world.G111,
            category=noise,
        )
    ask = {"title": "装修噪音", "place": "V11", "category": "DP.02"}
    few = api.anonymous().post("/triage/similar", ask)
    assert few.status_code == 200, few.content
    assert few.json() == {"category": "DP.02", "place": "V11", "count": None, "fewer_than": 3}
    ca.case_submit(kind="dispute", title="x", description="d", place=world.V11, category=noise)
    ca.case_submit(kind="dispute", title="y", description="d", place=world.V21, category=noise)
    body = api.post("/triage/similar", ask).json()
    assert body == {"category": "DP.02", "place": "V11", "count": 3, "fewer_than": None}
    text = json.dumps(body, ensure_ascii=False)
    assert "王家" not in text and "created" not in text and "status" not in text
    point = api.post("/triage/similar", {"lat": 30.05, "lng": 120.05, "category": "DP.02"})
    assert point.json()["place"] == "G111" and point.json()["count"] is None
    nowhere = api.post("/triage/similar", {"title": "噪音"})
    assert nowhere.status_code == 400 and "place" in nowhere.json()["error"]["fields"]
