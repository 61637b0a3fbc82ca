"""A resettlement decision from screening to report to decision (issue 9, "done when")."""

from datetime import date

import pytest

from concord.assessments import actions
from concord.assessments.documents import report_pdf
from concord.assessments.models import Comment, DecisionType, Stage
from concord.assessments.selectors import comment_follow_up, get_comment_by_token
from concord.cases.actions import case_submit
from concord.cases.models import Category
from concord.core.checkpoints import verify_ledger
from concord.core.errors import InvalidInput, InvalidTransition, PermissionDenied

pytestmark = pytest.mark.django_db

OPINIONS = [
    ("征地补偿标准太低，和周边村相比少了很多，希望提高补偿。", "oppose"),
    ("安置房离村子太远，老人看病不方便，补偿款也不够买房。", "oppose"),
    ("支持旧村改造，但是安置补偿要公开透明。", "support"),
    ("孩子上学的学校要保留，搬迁后上学路太远。", "neutral"),
    ("补偿方案要张榜公示，安置房质量要有保证。", "support"),
    ("搬迁期间的过渡费太少，租房补偿不够。", "oppose"),
    ("希望安置小区配套学校和卫生室。", "support"),
    ("拆迁时工地扬尘噪音大，要控制施工时间。", "neutral"),
    ("补偿标准应该按照市场价评估。", "oppose"),
    ("我们同意搬迁，只要安置补偿到位。", "support"),
    ("骂人的话 广告 加微信", ""),
]


def _demo_like_cases(world):
    """Resettlement complaints already on the platform in the affected village."""
    resettlement = Category.objects.get(code="CM01.07.004")
    for title in ("安置补偿款迟迟不到位", "拆迁补偿标准不统一"):
        case_submit(
            kind="grievance",
            title=title,
            description=title + "，村民多次反映。",
            place=world.V11,
            category=resettlement,
        )
    # A case outside the affected places is not evidence.
    case_submit(
        kind="grievance",
        title="柳社区安置补偿",
        description="不在本次决策范围",
        place=world.V21,
        category=resettlement,
    )


def test_a_resettlement_decision_from_screening_to_report_to_decision(world, at, tmp_path):
    at("2026-03-02 09:00")
    _demo_like_cases(world)
    land = DecisionType.objects.get(code="land_acquisition")
    decision = actions.decision_create(
        actor=world.alice,
        title="桃村旧村改造集体土地征收与安置方案",
        description="征收桃村集体土地120亩，建设安置小区，涉及农户86户。",
        decision_type=land,
        owner_unit=world.u_t1,
        places=[world.V11],
        affected_groups=["被征地农户", "租住户", "村小学生家长"],
        documents=[
            {"title": "征收与安置补偿方案（征求意见稿）", "url": "https://example.org/a.pdf"}
        ],
        timeline=[{"date": "2026-06-01", "step": "拟决策"}],
    )
    # Screening follows the list; an out-of-jurisdiction caseworker may not touch it.
    with pytest.raises(PermissionDenied):
        actions.decision_screen(actor=world.carol, decision=decision)
    decision = actions.decision_screen(actor=world.alice, decision=decision)
    assert decision.screening == "required"

    a = actions.assessment_plan(
        actor=world.alice,
        decision=decision,
        leader=world.sam,
        team=[world.alice, world.bob],
        method="full",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 30),
    )
    # The comment period is at least ten days.
    with pytest.raises(InvalidInput):
        actions.consultation_open(
            actor=world.alice, assessment=a, opens_on=date(2026, 3, 3), closes_on=date(2026, 3, 11)
        )
    consultation = actions.consultation_open(
        actor=world.alice,
        assessment=a,
        opens_on=date(2026, 3, 3),
        questions=[{"id": "q1", "text_zh": "您对补偿标准有什么意见？", "text_en": "Compensation?"}],
    )
    assert consultation.closes_on == date(2026, 3, 12)

    at("2026-03-05 10:00")
    tokens = {}
    for body, stance in OPINIONS:
        comment, token = actions.comment_submit(
            consultation=consultation, body=body, stance=stance, answers={"q1": body[:10]}
        )
        tokens[comment.code] = token
    visit, _tok = actions.comment_submit(
        consultation=consultation,
        body="走访五保户：希望安置房在一楼，补偿能按时发放。",
        channel="visit",
        recorded_by=world.bob,
    )
    actions.engagement_record(
        actor=world.bob,
        assessment=a,
        kind="visit",
        held_on=date(2026, 3, 5),
        participants=14,
        summary="入户走访14户，主要关心补偿标准和安置地点。",
    )
    spam = Comment.objects.get(body__startswith="骂人")
    actions.comment_moderate(
        actor=world.alice, comment=spam, hide=True, reason="含广告和辱骂内容，不予公开。"
    )
    # Kept, not deleted; the author sees the reason with their receipt.
    with pytest.raises(TypeError):
        spam.delete()
    seen = comment_follow_up(get_comment_by_token(spam.code, tokens[spam.code]))
    assert seen["visibility"] == "hidden"
    assert seen["moderation_reason"] == "含广告和辱骂内容，不予公开。"

    # Still consulting: the report cannot be issued and the consultation cannot close early.
    with pytest.raises(InvalidTransition):
        actions.consultation_close(actor=world.alice, assessment=a)
    at("2026-03-13 09:00")
    with pytest.raises(InvalidTransition):
        actions.comment_submit(consultation=consultation, body="太晚了", stance="oppose")
    actions.consultation_close(actor=world.alice, assessment=a)

    consultation = actions.consultation_summarise(actor=world.alice, assessment=a)
    summary = consultation.summary
    assert summary["total"] == 11  # ten published web comments and the visit record
    assert summary["hidden"] == 1
    themes = {t["theme"]: t for t in summary["themes"]}
    assert "城乡建设" in themes  # resettlement and compensation
    top = themes["城乡建设"]
    assert top["count"] >= 6
    assert any(k["word"] == "补偿" for k in top["keywords"])
    assert all("补偿" in q["text"] or "安置" in q["text"] for q in top["quotes"])
    assert summary["stances"] == {"support": 4, "neutral": 2, "oppose": 4}

    land_point = actions.risk_point_add(
        actor=world.alice,
        assessment=a,
        dimension="reasonableness",
        title="补偿标准低于周边，群众意见大",
        likelihood=4,
        impact=4,
        affected_groups=["被征地农户"],
        evidence=[{"kind": "comment", "ref": visit.code, "label": "走访记录"}],
        mitigation="委托第三方按市场价评估，补偿标准公示。",
        owner_unit=world.u_t1,
    )
    actions.risk_point_add(
        actor=world.alice,
        assessment=a,
        dimension="legality",
        title="征收程序须经批准并公告",
        likelihood=1,
        impact=5,
        mitigation="报批后公告，听证告知。",
        owner_unit=world.u_t1,
    )
    a.refresh_from_db()
    # R1 (16 ≥ 15) gives high; R5 (4 of 10 stated oppose) gives medium; high wins.
    assert a.computed_level == "high"
    assert {f["rule"] for f in a.computed_detail["findings"]} == {"R1", "R3", "R5"}

    actions.risk_point_update(actor=world.alice, point=land_point, likelihood=3)
    a.refresh_from_db()
    assert a.computed_level == "medium"  # 12 → R3; opposition 40% → R5

    # Only a supervisor overrides, and only with a reason.
    with pytest.raises(PermissionDenied):
        actions.assessment_override_level(actor=world.alice, assessment=a, level="low", reason="x")
    with pytest.raises(InvalidInput):
        actions.assessment_override_level(actor=world.sam, assessment=a, level="low", reason=" ")
    actions.assessment_override_level(
        actor=world.sam,
        assessment=a,
        level="low",
        reason="第三方评估后补偿标准已上调并公示，反对意见主要针对原标准。",
    )

    a = actions.assessment_issue_report(
        actor=world.alice, assessment=a, contingency_plan="成立现场工作组，设立接访点，24小时值守。"
    )
    assert a.stage == Stage.REPORTED and a.level == "low" and a.computed_level == "medium"
    evidence = a.evidence_snapshot
    # Two open cases: below the threshold, so not shown to anyone; the issuer's lines name them.
    assert evidence["open_cases"] is None and evidence["suppressed_below"] == 5
    assert {c["title"] for c in evidence["cases"]} == {"安置补偿款迟迟不到位", "拆迁补偿标准不统一"}
    assert evidence["cases"][0]["url"] == f"/staff/cases/{evidence['cases'][0]['id']}/"
    assert evidence["places"][0]["place"] == "V11"

    for language in ("zh-hans", "en"):
        pdf = report_pdf(a, language=language, reader=world.alice)
        assert pdf.startswith(b"%PDF")
        (tmp_path / f"report-{language}.pdf").write_bytes(pdf)

    task = actions.mitigation_task_add(
        actor=world.alice,
        assessment=a,
        risk_point=land_point,
        title="完成第三方评估并公示",
        owner_unit=world.u_t1,
        due_on=date(2026, 4, 10),
    )
    actions.theme_response_set(
        actor=world.alice,
        assessment=a,
        theme="城乡建设",
        response="补偿标准按第三方市场评估上调12%，安置房增加一楼户型。",
        changed_decision=True,
    )
    # Every other theme raised gets its answer too before the decision (else a reason is due).
    a.consultation.refresh_from_db()
    for theme in a.consultation.summary["themes"]:
        if theme["theme"] != "城乡建设":
            actions.theme_response_set(
                actor=world.alice, assessment=a, theme=theme["theme"], response="已在方案中落实。"
            )
    decided = actions.assessment_decide(
        actor=world.sam,
        assessment=a,
        outcome="implement",
        decided_on=date(2026, 3, 20),
        body="东镇党委政府联席会议",
        minutes="经集体讨论，同意实施，按评估报告落实化解措施。",
    )
    assert decided.stage == Stage.DECIDED

    # "You said, we did": a commenter sees the answer to the theme they raised.
    code = next(c for c, t in tokens.items() if Comment.objects.get(code=c).theme == "城乡建设")
    seen = comment_follow_up(get_comment_by_token(code, tokens[code]))
    assert seen["outcome"] == "implement"
    assert "上调12%" in seen["response"] and seen["changed_decision"] is True

    assert task.state == "open"
    assert verify_ledger().problem is None
