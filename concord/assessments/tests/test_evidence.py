"""The platform's evidence for an assessment: everyone who sees the assessment gets suppressed
counts; case titles and receipt codes go only to readers who may see those cases, in the API,
the stored snapshot and the PDF report alike."""

from datetime import date, timedelta

import pytest

from concord.assessments import actions
from concord.assessments.documents import report_html
from concord.assessments.evidence import evidence_for, platform_evidence
from concord.assessments.models import DecisionType
from concord.cases.actions import case_submit
from concord.cases.models import Case, Category

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def _file(place, code: str, title: str) -> Case:
    return case_submit(
        kind="service_request",
        title=title,
        description=title + "，请处理。",
        place=place,
        category=Category.objects.get(code=code),
    ).case


@pytest.fixture
def siting(world, at):
    """A county siting decision over V11 and V21, with cases there: seven on environmental
    monitoring in V11, two on enforcement in V21, one on enforcement in V11 made sensitive, and
    a sealed one in V11 (never counted)."""
    at("2026-03-02 09:00")
    cases = {
        "monitoring": [_file(world.V11, "CM04.01.002", f"桃村空气监测{i}") for i in range(7)],
        "west": [_file(world.V21, "CM04.01.004", f"柳社区偷排{i}") for i in range(2)],
        "sensitive": _file(world.V11, "CM04.01.004", "桃村某厂偷排举报人"),
        "sealed": _file(world.V11, "CM04.01.004", "桃村封存事项"),
    }
    Case.objects.filter(pk=cases["sensitive"].pk).update(sensitivity="sensitive")
    Case.objects.filter(pk=cases["sealed"].pk).update(sensitivity="sealed")
    decision = actions.decision_create(
        actor=world.zoe,
        title="垃圾转运站选址",
        description="拟建转运站",
        decision_type=DecisionType.objects.get(code="facility_siting"),
        owner_unit=world.u_county,
        places=[world.V11, world.V21],
    )
    actions.decision_screen(actor=world.zoe, decision=decision)
    assessment = actions.assessment_plan(
        actor=world.zoe,
        decision=decision,
        leader=world.zoe,
        team=[],
        method="full",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=60),
    )
    return assessment, cases


def _titles(evidence: dict) -> set[str]:
    return {line["title"] for line in evidence["cases"]}


def test_the_analyst_sees_counts_and_no_case(world, api, siting):
    assessment, cases = siting
    answer = api.as_user(world.ana).get(f"/assessments/{assessment.pk}/evidence")
    assert answer.status_code == 200
    evidence = answer.json()
    assert evidence["cases"] == []
    text = answer.content.decode()
    every = [*cases["monitoring"], *cases["west"], cases["sensitive"], cases["sealed"]]
    for case in every:
        assert case.receipt_code not in text and case.title not in text
    # Ten counted cases (the sealed one is not); all filed this month.
    assert evidence["open_cases"] == evidence["recent_cases"] == 10
    assert evidence["suppressed_below"] == 5
    assert [m["count"] for m in evidence["by_month"] if m["month"] == "2026-03"] == [10]
    # Enforcement has 3 (two in V21, the sensitive one): hidden, and so is monitoring's 7,
    # which with the total of 10 would give the 3 away.
    counts = {r["code"]: r["count"] for r in evidence["by_category"]}
    assert counts == {"CM04.01.002": None, "CM04.01.004": None}


def test_a_small_count_cannot_be_worked_out_from_the_shown_ones(world, api, siting):
    assessment, _cases = siting
    evidence = api.as_user(world.ana).get(f"/assessments/{assessment.pk}/evidence").json()
    places = {r["place"]: r["count"] for r in evidence["by_place"]}
    # V21 has 2. With the total (10) shown, V11's 8 would give it away: both are hidden.
    assert places == {"V11": None, "V21": None}
    # The per-place figures over twelve months have bases below five: not shown either.
    assert all(p["finished"] is None and p["ratings"] is None for p in evidence["places"])


def test_staff_see_the_lines_of_the_ordinary_cases_they_may_see(world, api, siting):
    assessment, cases = siting
    url = f"/assessments/{assessment.pk}/evidence"
    monitoring = {c.title for c in cases["monitoring"]}
    west = {c.title for c in cases["west"]}
    assert _titles(api.as_user(world.alice).get(url).json()) == monitoring
    assert _titles(api.as_user(world.carol).get(url).json()) == west
    # Supervisors may open the sensitive case, but the evidence lists ordinary cases only.
    assert _titles(api.as_user(world.zoe).get(url).json()) == monitoring | west
    assert _titles(api.as_user(world.sam).get(url).json()) == monitoring


def test_the_report_snapshot_shows_each_reader_only_their_cases(world, api, siting):
    assessment, cases = siting
    assessment.evidence_snapshot = platform_evidence(
        assessment.decision, today=TODAY, reader=world.zoe
    )
    assessment.save(update_fields=["evidence_snapshot"])
    by_ana = api.as_user(world.ana).get(f"/assessments/{assessment.pk}").json()["evidence"]
    assert by_ana["cases"] == [] and by_ana["open_cases"] == 10
    by_carol = api.as_user(world.carol).get(f"/assessments/{assessment.pk}").json()["evidence"]
    assert _titles(by_carol) == {c.title for c in cases["west"]}
    # A case made sensitive after the report was issued drops out of the lines.
    first = cases["west"][0]
    Case.objects.filter(pk=first.pk).update(sensitivity="sensitive")
    assert first.title not in _titles(evidence_for(assessment.evidence_snapshot, reader=world.zoe))


def test_the_pdf_lists_only_cases_the_generating_user_may_see(world, siting):
    assessment, cases = siting
    assessment.evidence_snapshot = platform_evidence(
        assessment.decision, today=TODAY, reader=world.zoe
    )
    assessment.save(update_fields=["evidence_snapshot"])
    west, monitoring = cases["west"][0], cases["monitoring"][0]
    by_ana = report_html(assessment, reader=world.ana, language="en")
    assert "Open cases" in by_ana and monitoring.receipt_code not in by_ana
    assert west.receipt_code not in by_ana and monitoring.title not in by_ana
    by_alice = report_html(assessment, reader=world.alice, language="zh-hans")
    assert monitoring.receipt_code in by_alice and monitoring.title in by_alice
    assert west.receipt_code not in by_alice and cases["sensitive"].title not in by_alice


def test_a_snapshot_taken_before_suppression_is_suppressed_when_read(world, siting):
    assessment, cases = siting
    line = {"id": cases["monitoring"][0].pk, "title": "旧快照", "receipt": "R-OLD"}
    old = {
        "as_of": "2026-01-01",
        "since": "2025-07-05",
        "open_cases": 3,
        "recent_cases": 12,
        "by_category": [{"code": "CM04.01.002", "count": 9}, {"code": "CM04.01.004", "count": 3}],
        "cases": [line],
        "alerts": [],
        "places": [{"place": "V11", "finished": 4, "village_share": 0.5, "ratings": 2}],
    }
    by_ana = evidence_for(old, reader=world.ana)
    assert (by_ana["open_cases"], by_ana["recent_cases"]) == (None, 12)
    assert [r["count"] for r in by_ana["by_category"]] == [9, None]
    assert by_ana["places"][0]["finished"] is None and by_ana["places"][0]["village_share"] is None
    assert by_ana["cases"] == []
    assert evidence_for(old, reader=world.alice)["cases"] == [line]
