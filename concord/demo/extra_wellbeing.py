"""Demo content for psychological services: the counselling network and a few referrals."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from concord.accounts.models import Membership, Unit, UnitKind
from concord.accounts.roles import Role
from concord.cases import actions as case_actions
from concord.places.models import Level, Place
from concord.wellbeing import actions
from concord.wellbeing.protocol import AssessmentAnswers

PARTNERS = [
    ("psychiatric", "县精神卫生中心", "County Mental Health Centre", "0571-8000 0120"),
    ("hospital", "县人民医院急诊科", "County People's Hospital emergency department", "120"),
    ("hotline", "12356心理援助热线", "12356 psychological aid hotline", "12356"),
    ("social_work", "阳光社工服务站", "Sunshine social work station", "0571-8000 0356"),
]
ACTIVITIES = [
    ("education", "心理健康进社区讲座", (25, 80)),
    ("group_session", "留守老人团体辅导", (6, 15)),
    ("education", "中学生情绪管理课堂", (40, 120)),
    ("group_session", "失业人员互助小组", (5, 12)),
]
# De-identified example phrases in a counsellor's own words (text, label, approved by the lead).
PHRASES = [
    ("东西都安排好了，以后不用惦记我", "plan", True),
    ("这日子熬到头了，也该歇歇了", "ideation", False),
]
REFERRALS = [
    ("imminent", "来电者称已在楼顶，情绪激动"),
    ("high", "多次提到活不下去了"),
    ("high", "网格员走访发现独居老人流露轻生念头"),
    ("moderate", "调解中当事人情绪低落，长期失眠"),
    ("low", "家属咨询如何陪伴抑郁的孩子"),
]


def populate(*, seed: int, today: date) -> dict:
    """Add the counselling network and referrals to the demo county; return counts."""

    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    result = {
        "teams": 0,
        "partners": 0,
        "shifts": 0,
        "activities": 0,
        "referrals": 0,
        "signal_marks": 0,
        "phrases": 0,
    }
    teams = list(
        Unit.objects.filter(kind=UnitKind.COUNSELLING_TEAM, is_active=True).order_by("code")
    )
    supervisor = (
        Membership.objects.filter(role=Role.SUPERVISOR, place__level=Level.COUNTY, is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    for team in teams:
        counsellors = [
            m.user
            for m in Membership.objects.filter(unit=team, role=Role.COUNSELLOR, is_active=True)
            .select_related("user")
            .order_by("user_id")
        ]
        if not counsellors:
            continue
        result["teams"] += 1
        lead = counsellors[0]
        actions.team_set_lead(actor=lead, team=team, lead=lead, phone="0571-8000 0356")
        if not team.place.crisis_services:
            team.place.crisis_services = (
                f"{team.place.name_zh}心理援助热线 0571-8000 0356（每天 8:00–22:00）\n"
                "县精神卫生中心 0571-8000 0120（24小时）"
            )
            team.place.save(update_fields=["crisis_services"])
        for kind, zh, en, phone in PARTNERS:
            actions.partner_add(
                actor=lead,
                team=team,
                name_zh=zh,
                name_en=en,
                kind=kind,
                place=team.place,
                phone=phone,
            )
            result["partners"] += 1
        for day in range(7):
            on = datetime.combine(today + timedelta(days=day), time(8, 0), tzinfo=tz)
            for half, counsellor in enumerate(rng.sample(counsellors, min(2, len(counsellors)))):
                start = on + timedelta(hours=12 * half)
                actions.duty_shift_add(
                    actor=lead,
                    team=team,
                    counsellor=counsellor,
                    starts_at=start,
                    ends_at=start + timedelta(hours=12),
                )
                result["shifts"] += 1
        places = list(Place.objects.filter(path__startswith=team.place.path, level=Level.VILLAGE))
        for weeks_ago in range(12, -2, -1):
            kind, title, (low, high) = ACTIVITIES[weeks_ago % len(ACTIVITIES)]
            when = datetime.combine(today - timedelta(weeks=weeks_ago), time(14, 30), tzinfo=tz)
            activity = actions.activity_add(
                actor=lead,
                team=team,
                kind=kind,
                title=title,
                place=rng.choice(places) if places else team.place,
                starts_at=when,
            )
            if weeks_ago > 0:
                actions.activity_record_participation(
                    actor=lead, activity=activity, participants=rng.randint(low, high)
                )
            result["activities"] += 1
        grids = list(Place.objects.filter(path__startswith=team.place.path, level=Level.GRID))
        if supervisor is None or not grids:
            continue
        for i, (risk, reason) in enumerate(REFERRALS):
            case = case_actions.case_submit(
                kind="help_request",
                title="家庭困难求助",
                description="希望有人上门了解情况。",
                place=rng.choice(grids),
            ).case
            opened = actions.case_mark_crisis(
                actor=supervisor.user, case=case, risk=risk, reason=reason
            )
            result["referrals"] += 1
            referral = opened.referral
            counsellor = counsellors[i % len(counsellors)]
            if risk in ("imminent", "low"):
                continue  # left waiting in the queue: the imminent one is shown first
            actions.referral_log_contact(
                actor=counsellor, referral=referral, mode="phone", reached=True, note="已电话联系"
            )
            actions.referral_assess(
                actor=counsellor,
                referral=referral,
                answers=AssessmentAnswers(
                    ideation=3 if risk == "high" else 1,
                    hopelessness=3 if risk == "high" else 2,
                    has_plan=False,
                    has_means=False,
                    act_in_progress=False,
                ),
                protective_factors="与女儿关系亲密",
                notes="演示记录",
            )
            if i == 1:
                # The detector had missed it: the staff member pressed the button by hand.
                actions.referral_mark_signal(
                    actor=counsellor, referral=referral, kind="missed", note="委婉的告别"
                )
                result["signal_marks"] += 1
            if risk == "high":
                actions.referral_set_safety_plan(
                    actor=counsellor,
                    referral=referral,
                    warning_signs="失眠、独处时反复想起债务",
                    people_to_contact="女儿、村医",
                    professionals="12356；县精神卫生中心",
                )
        # Example phrases for the detector: one approved by the lead, one waiting for review.
        if len(counsellors) > 1:
            for text, level, approve in PHRASES:
                phrase = actions.phrase_propose(
                    actor=counsellors[1],
                    team=team,
                    text=text,
                    language="zh",
                    level=level,
                    own_words=True,
                )
                if approve:
                    actions.phrase_review(actor=lead, phrase=phrase, approve=True)
                result["phrases"] += 1
    return result
