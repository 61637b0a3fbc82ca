"""Demo content for public safety: inspection sites and plans, hazards, an incident, a warning."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from concord.accounts.models import Membership
from concord.accounts.roles import Role
from concord.cases import actions as case_actions
from concord.places.models import Level, Place
from concord.safety import actions

SITES = [
    ("small_shop", "便民超市", "Corner shop"),
    ("small_hotel", "小旅馆", "Guesthouse"),
    ("small_entertainment", "KTV", "Karaoke bar"),
    ("construction_site", "安置房工地", "Housing construction site"),
    ("elderly_care", "敬老院", "Elderly-care home"),
]
CHECKLISTS = {
    "small_shop": ["灭火器有效", "电线无私拉乱接", "通道畅通"],
    "small_hotel": ["消防通道畅通", "灭火器有效", "住客登记"],
    "small_entertainment": ["安全出口畅通", "应急照明有效", "人数未超限"],
    "construction_site": ["脚手架牢固", "安全帽佩戴", "临时用电规范"],
    "elderly_care": ["烟感报警有效", "夜间值班", "食品留样"],
}
HOUSEHOLDS = [
    # (label, vulnerabilities, consent given by)
    ("独居老人王奶奶家", ["elderly_alone"], "本人"),
    ("李大爷家（轮椅出行）", ["disability", "elderly_alone"], "本人"),
    ("留守儿童小周家", ["children_alone"], "监护人（祖母）"),
]
POLICIES = [
    # (issuer login, title zh, title en, interpretation zh, questions and answers)
    (
        "officer",
        "关于进一步做好农民工工资支付保障工作的通知",
        "Notice on guaranteeing the payment of migrant workers' wages",
        "工程建设领域实行工资专用账户和实名制管理；被拖欠工资可向县人社局投诉，五个工作日内受理。",
        [
            ("包工头跑了，工资找谁要？", "施工总承包单位先行清偿，可向县人社局劳动监察大队投诉。"),
            ("没有签劳动合同还能投诉吗？", "可以。考勤记录、工友证言、转账记录都可以作为证据。"),
            ("投诉要交钱吗？", None),
        ],
    ),
    (
        "supervisor",
        "云溪县汛期地质灾害防范工作方案",
        "Cloud Brook flood-season geological hazard plan",
        "汛期为每年5月至9月；各村确定避险场所并公示，网格员负责通知独居老人和留守儿童家庭。",
        [
            ("我们村的避险场所在哪里？", "各村避险场所已在村务公开栏公示，也可以问本网格网格员。"),
        ],
    ),
]
HAZARDS = [
    ("gas", "餐馆门口煤气罐露天堆放", "十余个煤气罐堆在门口，无遮挡。"),
    ("electrical", "电动车楼道充电", "单元楼道内多辆电动车飞线充电。"),
    ("road", "村道塌陷", "村口道路出现约一米宽的塌陷坑。"),
    ("building", "老屋墙体开裂", "独居老人住的土坯房外墙开裂。"),
]


def _member(role: str, *, level: str | None = None):
    qs = Membership.objects.filter(role=role, is_active=True).select_related(
        "place", "user", "unit"
    )
    if level:
        qs = qs.filter(place__level=level)
    return qs.order_by("place__path", "user_id").first()


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 120, 90)).save(buf, format="PNG")
    return buf.getvalue()


def populate(*, seed: int, today: date) -> dict:
    """Add safety records to the demo county; deterministic for a seed. Return counts."""

    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    county_sup = _member(Role.SUPERVISOR, level=Level.COUNTY)
    officer = _member(Role.DEPARTMENT_OFFICER)
    gw = _member(Role.GRID_WORKER, level=Level.GRID)
    if not (county_sup and officer and gw):
        return {"sites": 0, "hazards": 0, "incidents": 0, "warnings": 0}
    grid = gw.place
    village = grid.parent
    sites = []
    for kind, zh, _en in SITES:
        site = actions.site_register(
            actor=officer.user,
            name=f"{village.name_zh}{zh}",
            kind=kind,
            place=grid,
            lat=grid.centroid_lat,
            lng=grid.centroid_lng,
            responsible_party="经营者",
        )
        actions.inspection_plan_create(
            actor=officer.user,
            site=site,
            supervising_unit=officer.unit,
            interval_days=rng.choice([30, 60, 90]),
            starts_on=today - timedelta(days=100),
            checklist=CHECKLISTS[kind],
        )
        sites.append(site)
    inspections = actions.inspections_schedule(today=today)
    hazards = []
    for hazard_type, title, description in HAZARDS:
        sub = actions.hazard_report(
            actor=gw.user,
            hazard_type=hazard_type,
            title=title,
            description=description,
            place=grid,
            source="grid_worker",
        )
        hazards.append(sub.case)
    # One hazard carried through a failed and a passed on-site verification.
    first = hazards[0]
    handler = gw.user
    case_actions.case_accept(actor=handler, case=first)
    order = actions.rectification_order_issue(
        actor=handler,
        case=first,
        responsible_party="餐馆经营者",
        supervising_unit=officer.unit,
        requirements="煤气罐移入专用储存间",
        due_on=today + timedelta(days=7),
    )
    actions.rectification_report_done(actor=handler, order=order, note="已整改")
    here = {"lat": grid.centroid_lat, "lng": grid.centroid_lng}
    actions.case_verify_on_site(
        actor=handler, case=first, passed=False, note="报警器未装", photo=_png(), **here
    )
    towns = list(Place.objects.filter(level=Level.TOWN).order_by("path")[:1])
    villages = list(Place.objects.filter(parent=towns[0]).order_by("path")[:2]) if towns else []
    incident = actions.incident_record(
        actor=county_sup.user,
        title=f"{villages[0].name_zh}山洪",
        incident_type="natural_disaster",
        level="general",
        places=villages,
        occurred_at=datetime.combine(today, time(5), tz),
        injured=1,
        displaced=12,
        needs="帐篷、饮用水",
    )
    actions.incident_log_action(actor=county_sup.user, incident=incident, text="启动四级应急响应")

    households = _households(actions, villages, today)
    warning = actions.warning_issue(
        actor=county_sup.user,
        colour="orange",
        hazard_type="flood",
        title_zh="暴雨橙色预警",
        title_en="Orange rainstorm warning",
        instructions_zh="减少外出，远离河道和山坡。",
        instructions_en="Stay in; keep away from rivers and slopes.",
        places=villages,
        ends_at=timezone.now() + timedelta(days=2),
    )
    # One household already checked on: the checklist shows progress, the rest is waiting.
    first_check = warning.checks.select_related("household").order_by("pk").first()
    if first_check is not None:
        checker = _member_at(Role.GRID_WORKER, first_check.household.place)
        if checker is not None:
            actions.warning_check_mark(
                actor=checker.user, check=first_check, status="reached", note="已电话提醒"
            )
    notices, questions = _policies(actions, today)
    return {
        "sites": len(sites),
        "inspections": inspections,
        "hazards": len(hazards),
        "incidents": 1,
        "warnings": 1,
        "warning_id": warning.pk,
        "households": households,
        "policies": notices,
        "policy_questions": questions,
    }


def _member_at(role: str, place: Place):
    return (
        Membership.objects.filter(role=role, is_active=True, place=place)
        .select_related("user", "unit")
        .order_by("user_id")
        .first()
    )


def _households(actions, villages: list[Place], today: date) -> int:
    """Record vulnerable households (with consent) in the warned villages' grids."""
    made = 0
    for n, village in enumerate(villages):
        for m, grid in enumerate(Place.objects.filter(parent=village).order_by("path")[:2]):
            gw = _member_at(Role.GRID_WORKER, grid)
            if gw is None:
                continue
            label, needs, consent_by = HOUSEHOLDS[(n * 2 + m) % len(HOUSEHOLDS)]
            actions.household_record(
                actor=gw.user,
                place=grid,
                label=label,
                address=f"{grid.name_zh}{3 + n * 2 + m}号",
                vulnerabilities=needs,
                consent_by=consent_by,
                consent_on=today - timedelta(days=90 + 7 * m),
                phone=f"1380000{n:02d}{m:02d}",
            )
            made += 1
    return made


def _policies(actions, today: date) -> tuple[int, int]:
    """Publish policy notices, with residents' questions and the issuing unit's answers."""
    county = Place.objects.filter(level=Level.COUNTY).order_by("path").first()
    notices = questions = 0
    for username, title_zh, title_en, interpretation, qa in POLICIES:
        m = (
            Membership.objects.filter(user__username=username, is_active=True)
            .select_related("user", "unit")
            .first()
        )
        if m is None or county is None:
            continue
        notice = actions.policy_publish(
            actor=m.user,
            title_zh=title_zh,
            title_en=title_en,
            body=f"{title_zh}\n\n{interpretation}",
            interpretation_zh=interpretation,
            issuing_unit=m.unit,
            places=[county],
            effective_from=today - timedelta(days=30),
        )
        notices += 1
        for text, answer in qa:
            question = actions.policy_question_ask(notice=notice, text=text)
            questions += 1
            if answer:  # one is left unanswered: the issuing unit sees it waiting
                actions.policy_question_answer(actor=m.user, question=question, answer=answer)
    return notices, questions
