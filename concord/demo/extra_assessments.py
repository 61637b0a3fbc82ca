"""Demo assessments: one finished (decided, with tasks) and one still collecting opinions.

Built through the assessment actions on top of the demo county, so the audit chain, levels and
summaries are exactly what the product would produce. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone as tz

from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Role
from concord.assessments import actions
from concord.assessments.models import Decision, DecisionType
from concord.places.models import Place

TZ = ZoneInfo("Asia/Shanghai")

FINISHED_OPINIONS = [
    ("补偿标准比邻村低，希望按市场价评估征地补偿。", "oppose"),
    ("安置房离原村太远，老人看病不方便。", "oppose"),
    ("支持改造，但安置补偿方案要张榜公示。", "support"),
    ("过渡期租房补贴太少，希望提高。", "oppose"),
    ("孩子上学的学校要在安置小区附近。", "neutral"),
    ("同意搬迁，只要补偿按时足额发放。", "support"),
    ("施工期间扬尘噪音要控制，夜里不要施工。", "neutral"),
    ("希望安置房有一楼户型，方便老人。", "support"),
    ("补偿款发放要公开透明，防止有人截留。", "support"),
    ("祖坟迁移要尊重习俗，给足时间。", "neutral"),
    ("土地被征后我们靠什么生活？希望安排就业培训和社保。", "oppose"),
    ("支持，旧村太破了，早该改造。", "support"),
]
# Answers to the themes the finished consultation's opinions fall into (the theme classifier
# decides which); any other theme gets the general answer.
THEME_RESPONSES = {
    "城乡建设": ("补偿标准按第三方市场评估上调，安置房增设一楼户型并公示。", True),
    "劳动和社会保障": ("被征地农民纳入社会保障，开办就业培训班，优先安排安置小区公益岗位。", True),
    "卫生计生": ("安置小区配建卫生服务站，老人就医有班车接送。", True),
    "教育": ("安置小区划入附近小学学区，过渡期由校车接送。", False),
    "环境保护": ("施工期间夜间停工，工地洒水降尘，接受群众监督。", False),
}
GENERIC_RESPONSE = "意见已逐条研究，在实施方案中落实，并在村务公开栏公示办理情况。"
RUNNING_OPINIONS = [
    ("垃圾转运站离小学太近，孩子闻着臭味上课。", "oppose"),
    ("转运站要密闭运行，每天清洗，否则夏天太臭。", "oppose"),
    ("支持建转运站，现在垃圾堆在路边更脏。", "support"),
    ("垃圾车进出时间要避开上下学。", "neutral"),
    ("选址要公开比选几个地方，听听附近居民意见。", "oppose"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def _staff(unit: Unit, role: str):
    m = (
        Membership.objects.filter(unit=unit, role=role, is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return m.user if m else None


def _town_with_staff() -> tuple[Unit, object, object] | None:
    """Return a town governance centre with a caseworker and a supervisor, if the demo has one."""
    centres = Unit.objects.filter(kind=UnitKind.GOVERNANCE_CENTRE, place__level="town")
    for unit in centres.select_related("place").order_by("code"):
        worker = _staff(unit, Role.CASEWORKER)
        boss = _staff(unit, Role.SUPERVISOR)
        if worker and boss:
            return unit, worker, boss
    return None


def _villages(town: Place, rng: random.Random, k: int) -> list[Place]:
    villages = list(
        Place.objects.filter(path__startswith=town.path, level="village").order_by("code")
    )
    rng.shuffle(villages)
    return sorted(villages[:k], key=lambda p: p.code)


def populate(*, seed: int, today: date) -> dict:
    """Add one finished and one running assessment to the demo county; return what was made."""
    rng = random.Random(f"assessments:{seed}")
    found = _town_with_staff()
    if found is None:
        return {"assessments": 0}
    unit, worker, boss = found
    town = unit.place
    if Decision.objects.filter(owner_unit=unit, title__startswith="【示例】").exists():
        return {"assessments": 0}
    land = DecisionType.objects.get(code="land_acquisition")
    siting = DecisionType.objects.get(code="facility_siting")
    start = today - timedelta(days=75)

    with mock.patch("django.utils.timezone.now", return_value=_at(start)):
        finished = _finished(unit, worker, boss, land, town, rng, start)
    run_start = today - timedelta(days=4)
    with mock.patch("django.utils.timezone.now", return_value=_at(run_start)):
        running = _running(unit, worker, siting, town, rng, run_start, today)
    return {"assessments": 2, "finished": finished.pk, "running": running.pk}


def _finished(unit, worker, boss, land, town, rng, start: date):

    places = _villages(town, rng, 1)
    decision = actions.decision_create(
        actor=worker,
        title=f"【示例】{places[0].name_zh}旧村改造集体土地征收与安置方案",
        description=(
            f"拟征收{places[0].name_zh}集体土地{rng.randint(80, 160)}亩，"
            f"建设安置小区，涉及农户{rng.randint(60, 120)}户。"
        ),
        decision_type=land,
        owner_unit=unit,
        places=places,
        affected_groups=["被征地农户", "租住户", "学生家长"],
        documents=[
            {
                "title": "征收与安置补偿方案（征求意见稿）",
                "url": "",
                "text": (
                    "一、征收范围：村集体土地及地上附着物，以公告红线图为准。\n"
                    "二、补偿标准：土地补偿费和安置补助费按区片综合地价执行；房屋按第三方评估"
                    "的市场价补偿。\n"
                    "三、安置方式：产权调换（安置房）或货币补偿，由被征收户自选。\n"
                    "四、过渡期：按月发放租房补贴，至交付安置房之日止。\n"
                    "五、社会保障：被征地农民按规定纳入社会保障，提供就业培训。"
                ),
            }
        ],
        timeline=[{"date": (start + timedelta(days=40)).isoformat(), "step": "集体决策"}],
    )
    actions.decision_screen(actor=worker, decision=decision)
    a = actions.assessment_plan(
        actor=worker,
        decision=decision,
        leader=boss,
        team=[worker],
        method="full",
        starts_on=start,
        ends_on=start + timedelta(days=30),
    )
    consultation = actions.consultation_open(
        actor=worker,
        assessment=a,
        opens_on=start,
        questions=[{"id": "q1", "text_zh": "您对补偿安置方案有什么意见？", "text_en": ""}],
    )
    for i, (body, stance) in enumerate(FINISHED_OPINIONS):
        with _clock(start + timedelta(days=1 + i % 9)):
            actions.comment_submit(consultation=consultation, body=body, stance=stance)
    actions.engagement_record(
        actor=worker,
        assessment=a,
        kind="visit",
        held_on=start + timedelta(days=3),
        participants=rng.randint(12, 30),
        summary="入户走访，群众主要关心补偿标准、安置地点和就业。",
    )
    close_day = consultation.closes_on + timedelta(days=1)
    with _clock(close_day):
        actions.consultation_close(actor=worker, assessment=a)
        summarised = actions.consultation_summarise(actor=worker, assessment=a)
        p1 = actions.risk_point_add(
            actor=worker,
            assessment=a,
            dimension="reasonableness",
            title="补偿标准低于周边村，群众意见集中",
            likelihood=3,
            impact=4,
            affected_groups=["被征地农户"],
            mitigation="委托第三方按市场价评估，补偿标准张榜公示。",
            owner_unit=unit,
        )
        actions.risk_point_add(
            actor=worker,
            assessment=a,
            dimension="controllability",
            title="失地农民就业与社保衔接",
            likelihood=2,
            impact=4,
            mitigation="开展就业培训，纳入被征地农民社会保障。",
            owner_unit=unit,
        )
        actions.risk_point_add(
            actor=worker,
            assessment=a,
            dimension="legality",
            title="征收批准与公告程序",
            likelihood=1,
            impact=5,
            mitigation="依法报批，公告后组织听证。",
            owner_unit=unit,
        )
        actions.assessment_issue_report(
            actor=worker,
            assessment=a,
            contingency_plan="成立现场工作组，设立接访点；出现聚集时由镇综治中心统一协调处置。",
        )
        actions.mitigation_task_add(
            actor=worker,
            assessment=a,
            risk_point=p1,
            title="完成第三方评估并公示补偿标准",
            owner_unit=unit,
            due_on=close_day + timedelta(days=20),
        )
        actions.mitigation_task_add(
            actor=worker,
            assessment=a,
            title="举办失地农民就业培训班",
            owner_unit=unit,
            due_on=tz.localdate() + timedelta(days=60),
        )
        # "You said, we did": every theme the residents raised gets its answer.
        for theme in summarised.summary.get("themes", []):
            label = theme["theme"]
            response, changed = THEME_RESPONSES.get(label, (GENERIC_RESPONSE, False))
            actions.theme_response_set(
                actor=worker,
                assessment=a,
                theme=label,
                response=response,
                changed_decision=changed,
            )
        actions.assessment_decide(
            actor=boss,
            assessment=a,
            outcome="implement",
            decided_on=close_day,
            body="镇党委政府联席会议",
            minutes="经集体讨论，风险等级为中，化解措施落实后同意实施。",
        )
    return a


def _running(unit, worker, siting, town, rng, start: date, today: date):
    places = _villages(town, rng, 2)
    decision = actions.decision_create(
        actor=worker,
        title=f"【示例】{town.name_zh}生活垃圾转运站选址",
        description="拟在镇区东侧建设日处理能力100吨的生活垃圾转运站。",
        decision_type=siting,
        owner_unit=unit,
        places=places,
        affected_groups=["周边居民", "小学师生"],
        documents=[
            {
                "title": "选址论证报告（公示稿）",
                "url": "",
                "text": (
                    "拟选地块位于镇区东侧，距最近住宅约420米、距小学约650米。\n"
                    "比选了三处地块，综合交通、用地和环境影响后推荐本地块。\n"
                    "转运站全封闭作业，设除臭和污水收集设施，运输车辆避开上下学时段。"
                ),
            }
        ],
    )
    actions.decision_screen(actor=worker, decision=decision)
    a = actions.assessment_plan(
        actor=worker,
        decision=decision,
        leader=worker,
        method="full",
        starts_on=start,
        ends_on=start + timedelta(days=40),
    )
    consultation = actions.consultation_open(
        actor=worker, assessment=a, opens_on=start, closes_on=start + timedelta(days=14)
    )
    for i, (body, stance) in enumerate(RUNNING_OPINIONS):
        day = min(start + timedelta(days=i % 4), today)
        with _clock(day):
            actions.comment_submit(consultation=consultation, body=body, stance=stance)
    return a


class _clock:
    """Set "now" to a demo day so records carry the dates they would have had."""

    def __init__(self, day: date):
        self.patch = mock.patch("django.utils.timezone.now", return_value=_at(day))

    def __enter__(self):
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()
        return False
