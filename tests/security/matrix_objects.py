"""Objects for the least-privilege matrix, each built through its app's own actions.

Every factory takes the fixture world (concord/testing.py) and returns {variant: params}: the
values that fill the operation's path parameters, plus any extra value a request body or query
needs ("query" is appended to the URL as it is). Variants name where the object lies relative to
the personas: "inside" is in East Town (T1, where alice, bob, grace and sam work), "outside" is in
West Town (T2, carol's), and "sensitive" is a sensitive object inside.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import Role

TODAY = timezone.localdate


def _case(place, category: str | None = None, kind: str = "service_request", **extra):
    from concord.cases import actions
    from concord.cases.models import Category

    extra = {"title": "路灯不亮", "description": "晚上没有照明", **extra}
    cat = Category.objects.get(code=category) if category else None
    return actions.case_submit(kind=kind, place=place, category=cat, **extra)


# --- cases -----------------------------------------------------------------------------------


def cases(w) -> dict:
    """An ordinary case in grid G111 (owned by the V11 grid station), a sensitive dispute there
    (owned by the V11 mediation committee) and an ordinary case in village V21 (West Town)."""
    made = {
        "ordinary_inside": _case(w.G111).case,
        "sensitive_inside": _case(w.G111, "DP.01", "dispute").case,
        "ordinary_outside": _case(w.V21).case,
    }
    return {v: {"case_id": c.pk} for v, c in made.items()}


def answered_cases(w) -> dict:
    """The three kinds of case of `cases`, each with a written answer on record (set directly:
    who may read the printed answer is under test here, not how it was written)."""
    from concord.cases.models import Case

    made = cases(w)
    ids = [p["case_id"] for p in made.values()]
    Case.objects.filter(pk__in=ids).update(resolution_text="已修复", outcome="fixed")
    return made


def case_pairs(w) -> dict:
    """Two cases of each kind of `cases`: one to merge into the other."""
    first, second = cases(w), cases(w)
    return {v: {**p, "into_id": second[v]["case_id"]} for v, p in first.items()}


PHONE = "13912345678"


def cases_with_contacts(w) -> dict:
    """The three kinds of case of `cases`, each with a complainant's phone number."""
    made = {
        "ordinary_inside": _case(w.G111, parties=[{"name": "王芳", "phone": PHONE}]).case,
        "sensitive_inside": _case(
            w.G111, "DP.01", "dispute", parties=[{"name": "王芳", "phone": PHONE}]
        ).case,
        "ordinary_outside": _case(w.V21, parties=[{"name": "王芳", "phone": PHONE}]).case,
    }
    return {v: {"case_id": c.pk} for v, c in made.items()}


def duplicated_case(w) -> dict:
    """An ordinary report in G111 that triage found to duplicate a sensitive dispute there."""
    from concord.triage.actions import triage_case

    body = "幸福路工地项目部拖欠我们工人三个月工资，要求支付。"
    sensitive = _case(
        w.G111, "DP.01", "dispute", title="张三家幸福路工地拖欠工资", description=body
    )
    report = _case(w.G111, kind="dispute", title="幸福路工地拖欠工资", description=body).case
    triage_case(report.pk)
    return {"sensitive_duplicate": {"case_id": report.pk, "other": sensitive.case.receipt_code}}


def tracked_cases(w) -> dict:
    """A case with its receipt code, once with its tracking token and once with a wrong one."""
    sub = _case(w.G111)
    code = sub.case.receipt_code
    return {
        "right_token": {"code": code, "token": sub.token, "query": f"token={sub.token}"},
        "wrong_token": {"code": code, "token": "x" * 24, "query": "token=" + "x" * 24},
    }


def mediated_cases(w) -> dict:
    """Disputes in people's mediation with a written agreement, inside (ordinary and sensitive)
    and outside."""
    from concord.channels import actions

    out = {}
    for variant, place, category, mediator in [
        ("ordinary_inside", w.G111, "DP.02", w.bob),
        ("sensitive_inside", w.G111, "DP.01", w.bob),
        ("ordinary_outside", w.V21, "DP.02", w.zoe),
    ]:
        case = _case(place, category, "dispute").case
        actions.mediation_record_agreement(
            actor=mediator,
            case=case,
            parties="甲、乙",
            facts="邻里漏水",
            issues="赔偿",
            responsibilities="甲修复",
            terms="甲于月底前修复",
            performance_manner="一次履行",
            performance_due=TODAY() + timedelta(days=30),
            signed_by=["甲", "乙"],
            mediator_signed=True,
            committee_sealed=True,
        )
        out[variant] = {"case_id": case.pk}
    return out


def petitions(w) -> dict:
    """The three cases of `cases`, each registered as a petition by a handler."""
    from concord.cases.models import Case
    from concord.channels import actions

    made = cases(w)
    handlers = {"ordinary_inside": w.grace, "sensitive_inside": w.bob, "ordinary_outside": w.carol}
    for variant, params in made.items():
        actions.petition_register(
            actor=handlers[variant],
            case=Case.objects.get(pk=params["case_id"]),
            matter_key=f"matter-{variant}",
        )
    return made


def bounced_cases(w) -> dict:
    """The three cases of `cases`, each refused twice by the county labour bureau, so that a
    supervisor at the county (the common parent) must rule who owns it."""
    from concord.cases import actions
    from concord.cases.models import Case

    made = cases(w)
    routers = {"ordinary_inside": w.sam, "sensitive_inside": w.sam, "ordinary_outside": w.carol}
    for variant, params in made.items():
        case = Case.objects.get(pk=params["case_id"])
        for _bounce in range(2):
            transfer = actions.case_transfer_request(
                actor=routers[variant], case=case, to_unit=w.u_labour, reason="不属本单位"
            )
            actions.case_transfer_refuse(actor=w.dora, transfer=transfer, reason="不属本单位")
        case.refresh_from_db()
        assert case.needs_ruling, variant
    return made


def clocks(w) -> dict:
    """The running handling clock of each case of `cases`."""
    from concord.cases.models import Clock

    return {
        v: {"clock_id": Clock.objects.filter(case_id=p["case_id"]).first().pk}
        for v, p in cases(w).items()
    }


def transfers(w) -> dict:
    """Pending transfers: the G111 case to the T1 governance centre, the sensitive dispute to
    the T1 mediation committee, and the V21 case to the county labour bureau."""
    from concord.cases import actions
    from concord.cases.models import Case

    made = cases(w)
    out = {}
    for variant, router, to_unit in [
        ("ordinary_inside", w.sam, w.u_t1),
        ("sensitive_inside", w.sam, w.u_t1_med),
        ("ordinary_outside", w.carol, w.u_labour),
    ]:
        case = Case.objects.get(pk=made[variant]["case_id"])
        t = actions.case_transfer_request(actor=router, case=case, to_unit=to_unit, reason="转办")
        out[variant] = {"transfer_id": t.pk}
    return out


def hazards(w) -> dict:
    """Hazards reported on patrol in G111 (by grace) and in V21 (by carol), each accepted and
    with a rectification order in force."""
    from concord.cases import actions as case_actions
    from concord.safety import actions

    out = {}
    for variant, place, handler in [("inside", w.G111, w.grace), ("outside", w.V21, w.carol)]:
        case = actions.hazard_report(
            actor=handler,
            hazard_type="gas",
            title="煤气罐露天堆放",
            description="小饭馆门口堆放煤气罐",
            place=place,
            source="grid_worker",
        ).case
        case_actions.case_accept(actor=handler, case=case)
        order = actions.rectification_order_issue(
            actor=handler,
            case=case,
            responsible_party="老王饭馆",
            supervising_unit=w.u_labour,
            requirements="移入储存间",
            due_on=TODAY() + timedelta(days=7),
        )
        out[variant] = {"case_id": case.pk, "order_id": order.pk}
    return out


def resolved_hazards(w) -> dict:
    """The hazards of `hazards`, each reported handled by its handler, so that it awaits the
    on-site check; with a point inside its place (G111, V21) for the verifier's location."""
    from concord.cases import actions as case_actions
    from concord.cases.models import Case

    made = hazards(w)
    points = {"inside": (30.05, 120.05), "outside": (30.1, 120.6)}
    for variant, handler in [("inside", w.grace), ("outside", w.carol)]:
        case = Case.objects.get(pk=made[variant]["case_id"])
        case_actions.case_resolve(actor=handler, case=case, outcome="fixed", text="已移入储存间")
        made[variant]["lat"], made[variant]["lng"] = points[variant]
    return made


# --- early warning ---------------------------------------------------------------------------


def alerts(w) -> dict:
    """A surge alert in village V11 (East Town) and one in V21 (West Town), raised the way the
    surveillance run raises them."""
    from concord.warning.models import Alert
    from concord.warning.run import raise_alert

    out = {}
    for variant, place in [("inside", w.V11), ("outside", w.V21)]:
        _case(place)
        raise_alert(
            method="ears_c2",
            place=place,
            root="",
            start=TODAY() - timedelta(days=7),
            end=TODAY(),
            observed=9,
            expected=2,
            threshold=5,
            score=3.0,
            unit_cache={},
            details={},
        )
        out[variant] = {"alert_id": Alert.objects.get(place=place).pk, "step": "acknowledge"}
    return out


# --- wellbeing ---------------------------------------------------------------------------------


def _counsellor(name: str, team: Unit) -> User:
    user = User.objects.create_user(username=name, password="x", display_name=name.title())
    Membership.objects.create(user=user, unit=team, role=Role.COUNSELLOR, place=team.place)
    return user


def _west_team(w) -> Unit:
    """A counselling team for West Town, with its own counsellor (cora is not in it), and a
    colleague of cora's. Units and memberships are made in the admin, as in the fixture world."""
    team = getattr(w, "u_t2_counselling", None)
    if team is None:
        team = Unit.objects.create(
            code="CT-T2",
            kind=UnitKind.COUNSELLING_TEAM,
            place=w.T2,
            name_zh="西镇心理服务队",
            name_en="West Town counselling team",
        )
        w.u_t2_counselling = team
        w.wes = _counsellor("wes", team)
        w.cole = _counsellor("cole", w.u_counselling)  # cora's colleague
    return team


def referrals(w) -> dict:
    """A crisis referral of cora's county team (a G111 case) and one of the West Town team
    (a V21 case, the nearest team there), each with a follow-up."""
    from concord.wellbeing import actions

    _west_team(w)
    out = {}
    for variant, place, pressed_by, counsellor in [
        ("own_team", w.G111, w.grace, w.cora),
        ("other_team", w.V21, w.carol, w.wes),
    ]:
        case = _case(place).case
        referral = actions.case_mark_crisis(actor=pressed_by, case=case, reason="说想轻生").referral
        follow_up = actions.follow_up_schedule(
            actor=counsellor, referral=referral, due_at=timezone.now() + timedelta(days=2)
        )
        out[variant] = {
            "referral_id": referral.pk,
            "follow_up_id": follow_up.pk,
            "step": "take",
            "query": "why=matrix",
        }
    return out


def referrals_on_case_pages(w) -> dict:
    """The referrals above, reached from their case pages: cora also works cases in East Town
    (a caseworker there), so she sees her team's G111 case but not the V21 one."""
    out = referrals(w)
    Membership.objects.create(user=w.cora, unit=w.u_t1, role=Role.CASEWORKER, place=w.T1)
    from concord.wellbeing.models import Referral

    for params in out.values():
        params["case_id"] = Referral.objects.get(pk=params["referral_id"]).case_id
    return out


def exports(w) -> dict:
    """Exports of sealed referrals: one cora asked for and cole approved, one cole asked for
    (waiting for a second counsellor), and one of the West Town team."""
    from concord.wellbeing import actions

    west = _west_team(w)
    period = {"date_from": TODAY() - timedelta(days=30), "date_to": TODAY(), "reason": "年度复核"}
    own = actions.export_request(actor=w.cora, team=w.u_counselling, **period)
    actions.export_decide(actor=w.cole, export=own, approve=True)
    colleague = actions.export_request(actor=w.cole, team=w.u_counselling, **period)
    other = actions.export_request(actor=w.wes, team=west, **period)
    return {
        "asked_by_cora_approved": {"export_id": own.pk},
        "asked_by_colleague": {"export_id": colleague.pk},
        "other_team": {"export_id": other.pk},
    }


def counselling_teams(w) -> dict:
    """The county counselling team (cora's) and the West Town team, each with an activity."""
    from concord.wellbeing import actions

    west = _west_team(w)
    out = {}
    for variant, team, counsellor in [
        ("own_team", w.u_counselling, w.cora),
        ("west_team", west, w.wes),
    ]:
        activity = actions.activity_add(
            actor=counsellor,
            team=team,
            kind="group_session",
            title="减压小组",
            place=team.place,
            starts_at=timezone.now() + timedelta(days=3),
        )
        out[variant] = {"code": team.code, "activity_id": activity.pk}
    return out


def counsellor_grants(w) -> dict:
    """An approved counsellor grant in cora's county team (cora leads it) and one in the West
    Town team (wes leads it): made by the server bootstrap, as a fresh install's first grants."""
    from concord.accounts.models import User
    from concord.core import checkpoints
    from concord.wellbeing import actions, grants

    west = _west_team(w)
    if not checkpoints.has_signing_key():
        checkpoints.generate_key()
    actions.team_set_lead(actor=w.cora, team=w.u_counselling, lead=w.cora)
    actions.team_set_lead(actor=w.wes, team=west, lead=w.wes)
    out = {}
    for variant, team, name in [("own_team", w.u_counselling, "gina"), ("west_team", west, "gwen")]:
        user = User.objects.create_user(username=name, password="x")
        grant = grants.grant_bootstrap(user=user, team=team, note="matrix")
        out[variant] = {"code": team.code, "grant_id": grant.pk}
    return out


# --- participation -----------------------------------------------------------------------------


def _verify_resident(w) -> None:
    """The grid worker of G111 checks the resident's identity face to face."""
    from concord.participation import actions

    actions.verification_in_person(
        actor=w.grace, resident=w.resident, place=w.G111, phone="13800000001"
    )


def suggestions(w) -> dict:
    """A published suggestion in V11, one held for moderation there (it carries a phone number)
    and one held in V21; all by the resident, who is verified in G111."""
    from concord.participation import actions

    _verify_resident(w)

    def submit(place, body):
        return actions.suggestion_submit(actor=w.resident, place=place, title="增设路灯", body=body)

    return {
        "published_inside": {"pk": submit(w.V11, "村口太暗，建议增设路灯").pk},
        "held_inside": {"pk": submit(w.V11, "请联系我 13812345678").pk},
        "held_outside": {"pk": submit(w.V21, "请联系我 13812345679").pk},
    }


def polls(w) -> dict:
    """An open poll in V11 (the resident is verified there), an open one in V21, and a closed
    one in V11; each with a paper ballot entered by the caseworker there (alice, carol)."""
    from concord.participation import actions

    _verify_resident(w)
    now = timezone.now()
    out = {}
    for variant, place, clerk, opens, closes in [
        ("open_inside", w.V11, w.alice, now - timedelta(hours=1), now + timedelta(days=3)),
        ("open_outside", w.V21, w.carol, now - timedelta(hours=1), now + timedelta(days=3)),
        ("closed_inside", w.V11, w.alice, now - timedelta(days=3), now - timedelta(hours=1)),
    ]:
        poll = actions.poll_create(
            actor=w.zoe,
            place=place,
            question="广场舞时间？",
            options=["七点", "八点"],
            opens_at=opens,
            closes_at=closes,
        )
        options = [o.pk for o in poll.options.all()]
        vote = actions.poll_enter_paper_vote(
            actor=clerk, poll=poll, phone="1390000000" + str(len(out)), option_ids=options[:1]
        )
        out[variant] = {"pk": poll.pk, "vote_id": vote.pk, "options": options[:1]}
    return out


def volunteer_teams(w) -> dict:
    """Volunteer teams of V11 and V21, the resident in each, with an event assignment."""
    from concord.participation import actions

    out = {}
    for variant, place, unit, staff in [
        ("inside", w.V11, w.u_t1, w.alice),
        ("outside", w.V21, w.u_t2, w.carol),
    ]:
        team = actions.volunteer_team_create(
            actor=staff, unit=unit, name="巡逻队", kind="safety_patrol", place=place
        )
        volunteer = actions.volunteer_sign_up(actor=w.resident, team=team, skills=["巡逻"])
        assignment = actions.volunteer_assign(actor=staff, volunteer=volunteer, event_name="夜巡")
        out[variant] = {"pk": team.pk, "volunteer": volunteer.pk, "assignment": assignment.pk}
    return out


def volunteers(w) -> dict:
    """The resident's own volunteer record, and another resident's."""
    from concord.participation import actions

    team = actions.volunteer_team_create(
        actor=w.alice, unit=w.u_t1, name="巡逻队", kind="safety_patrol", place=w.V11
    )
    other = User.objects.create_user(username="rita", password="x")
    return {
        "the_residents": {
            "pk": actions.volunteer_sign_up(actor=w.resident, team=team, skills=[]).pk
        },
        "someone_elses": {"pk": actions.volunteer_sign_up(actor=other, team=team, skills=[]).pk},
    }


def led_teams(w) -> dict:
    """A V11 team the resident leads, and a V21 team without a leader, each with an
    application waiting (teams with a leader take applications)."""
    from concord.participation import actions

    out = {}
    for variant, place, unit, staff, leader in [
        ("inside", w.V11, w.u_t1, w.alice, w.resident),
        ("outside", w.V21, w.u_t2, w.carol, None),
    ]:
        team = actions.volunteer_team_create(
            actor=staff, unit=unit, name="探访队", kind="elderly_visiting", place=place
        )
        applicant = User.objects.create_user(username=f"applicant-{variant}", password="x")
        actions.volunteer_team_set_leader(actor=staff, team=team, leader=leader or applicant)
        application = actions.volunteer_sign_up(actor=applicant, team=team, skills=["探访"])
        if leader is None:
            actions.volunteer_team_set_leader(actor=staff, team=team, leader=None)
        out[variant] = {"pk": team.pk, "application": application.pk}
    return out


def assignments(w) -> dict:
    return {v: {"pk": p["assignment"]} for v, p in volunteer_teams(w).items()}


def organisation_cases(w) -> dict:
    """A registered social organisation (its unit made in the admin), and each case of `cases`
    to link it to: the case decides who may."""
    from concord.participation import actions

    unit = Unit.objects.create(
        code="SO-C",
        kind=UnitKind.SOCIAL_ORGANISATION,
        place=w.C,
        name_zh="社工站",
        name_en="Social work station",
    )
    org = actions.organisation_register(
        actor=w.zoe, unit=unit, registration_number="5133", services=["调解"], registered_on=TODAY()
    )
    return {v: {"pk": org.pk, "case": p["case_id"]} for v, p in cases(w).items()}


def conventions(w) -> dict:
    """The village rules of V11 and of V21."""
    from concord.participation import actions

    out = {}
    for variant, place, staff in [("inside", w.V11, w.alice), ("outside", w.V21, w.carol)]:
        version = actions.convention_publish(
            actor=staff,
            place=place,
            kind="village_rules",
            title="村规民约",
            text="爱护公物",
            adopted_on=TODAY(),
            consultation="村民代表会议",
        )
        out[variant] = {"pk": version.convention_id}
    return out


# --- assessments -------------------------------------------------------------------------------


def assessments(w) -> dict:
    """A siting decision of the T1 governance centre for V11 (led by sam, alice on the team) and
    one of the T2 centre for V21 (led by carol), each consulting the public, with a comment, a
    risk point and a mitigation task for the county labour bureau."""
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    dtype = DecisionType.objects.get(code="facility_siting")
    out = {}
    for variant, staff, leader, team, unit, place in [
        ("inside", w.alice, w.sam, [w.alice], w.u_t1, w.V11),
        ("outside", w.carol, w.carol, [], w.u_t2, w.V21),
    ]:
        decision = actions.decision_create(
            actor=staff,
            title="垃圾转运站选址",
            description="拟建转运站",
            decision_type=dtype,
            owner_unit=unit,
            places=[place],
            documents=[{"title": "选址报告", "url": "", "text": "拟选地块距小学约650米。"}],
        )
        actions.decision_screen(actor=staff, decision=decision)
        assessment = actions.assessment_plan(
            actor=staff,
            decision=decision,
            leader=leader,
            team=team,
            method="full",
            starts_on=TODAY(),
            ends_on=TODAY() + timedelta(days=60),
        )
        consultation = actions.consultation_open(
            actor=staff, assessment=assessment, opens_on=TODAY()
        )
        comment, token = actions.comment_submit(consultation=consultation, body="离学校太近")
        point = actions.risk_point_add(
            actor=staff,
            assessment=assessment,
            dimension="controllability",
            title="居民反对",
            likelihood=2,
            impact=3,
        )
        task = actions.mitigation_task_add(
            actor=staff,
            assessment=assessment,
            title="公示补偿方案",
            owner_unit=w.u_labour,
            due_on=TODAY() + timedelta(days=20),
        )
        out[variant] = {
            "decision_id": decision.pk,
            "assessment_id": assessment.pk,
            "code": comment.code,
            "token": token,
            "point_id": point.pk,
            "task_id": task.pk,
            "lang": "en",
            "number": 1,
        }
    return out


def reported_assessments(w) -> dict:
    """Siting decisions like those of `assessments` (T1's for V11 by alice, T2's for V21 by
    carol) whose reports are issued, each with an ordinary environmental case in its village
    among the report's evidence. The consultations ran last month."""
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    dtype = DecisionType.objects.get(code="facility_siting")
    out = {}
    for variant, staff, leader, team, unit, place in [
        ("inside", w.alice, w.sam, [w.alice], w.u_t1, w.V11),
        ("outside", w.carol, w.carol, [], w.u_t2, w.V21),
    ]:
        case = _case(place, "CM04.01.002", title="转运站附近空气异味").case
        decision = actions.decision_create(
            actor=staff,
            title="垃圾转运站选址",
            description="拟建转运站",
            decision_type=dtype,
            owner_unit=unit,
            places=[place],
        )
        actions.decision_screen(actor=staff, decision=decision)
        assessment = actions.assessment_plan(
            actor=staff,
            decision=decision,
            leader=leader,
            team=team,
            method="full",
            starts_on=TODAY() - timedelta(days=40),
            ends_on=TODAY() + timedelta(days=20),
        )
        actions.consultation_open(
            actor=staff, assessment=assessment, opens_on=TODAY() - timedelta(days=30)
        )
        actions.consultation_close(actor=staff, assessment=assessment)
        actions.risk_point_add(
            actor=staff,
            assessment=assessment,
            dimension="controllability",
            title="居民反对",
            likelihood=2,
            impact=3,
            mitigation="公示补偿方案",
        )
        actions.assessment_issue_report(
            actor=staff, assessment=assessment, contingency_plan="现场工作组值守"
        )
        out[variant] = {"assessment_id": assessment.pk, "receipt": case.receipt_code, "lang": "en"}
    return out


def _assessment_through(w, last: str) -> dict:
    """Siting decisions of the T1 centre for V11 (alice) and the T2 centre for V21 (carol),
    taken through the workflow up to `last`: "screened", "planned", "ended" (a consultation
    whose period has passed), "analysing" (a mitigated risk point) or "decided" (postponed by
    the supervisor over the place)."""
    from concord.assessments import actions
    from concord.assessments.models import DecisionType

    order = ["screened", "planned", "ended", "analysing", "decided"]
    dtype = DecisionType.objects.get(code="facility_siting")
    out = {}
    for variant, staff, leader, reviewer, unit, place in [
        ("inside", w.alice, w.sam, w.sam, w.u_t1, w.V11),
        ("outside", w.carol, w.carol, w.zoe, w.u_t2, w.V21),
    ]:
        done = order[: order.index(last) + 1]
        d = actions.decision_create(
            actor=staff,
            title="垃圾转运站选址",
            description="拟建转运站",
            decision_type=dtype,
            owner_unit=unit,
            places=[place],
        )
        actions.decision_screen(actor=staff, decision=d)
        own = {"decision_id": d.pk, "leader": staff.pk}
        if "planned" in done:
            a = actions.assessment_plan(
                actor=staff,
                decision=d,
                leader=leader,
                team=[staff],
                starts_on=TODAY() - timedelta(days=40),
                ends_on=TODAY() + timedelta(days=20),
            )
            own["assessment_id"] = a.pk
        if "ended" in done:
            actions.consultation_open(
                actor=staff, assessment=a, opens_on=TODAY() - timedelta(days=30)
            )
        if "analysing" in done:
            actions.consultation_close(actor=staff, assessment=a)
            actions.risk_point_add(
                actor=staff,
                assessment=a,
                dimension="controllability",
                title="居民反对",
                likelihood=1,
                impact=2,
                mitigation="公示补偿方案",
            )
        if "decided" in done:
            actions.assessment_issue_report(actor=staff, assessment=a, contingency_plan="值守")
            actions.assessment_decide(
                actor=reviewer,
                assessment=a,
                outcome="postpone",
                decided_on=TODAY(),
                body="常务会",
                minutes="讨论",
            )
        out[variant] = own
    return out


def screened_decisions(w) -> dict:
    return _assessment_through(w, "screened")


def planned_assessments(w) -> dict:
    return _assessment_through(w, "planned")


def ended_consultations(w) -> dict:
    return _assessment_through(w, "ended")


def analysing_assessments(w) -> dict:
    return _assessment_through(w, "analysing")


def decided_assessments(w) -> dict:
    return _assessment_through(w, "decided")


def comments_by_token(w) -> dict:
    made = assessments(w)["inside"]
    return {
        "right_token": {"code": made["code"], "query": "token=" + made["token"]},
        "wrong_token": {"code": made["code"], "query": "token=" + "x" * 24},
    }


# --- safety --------------------------------------------------------------------------------------


def warnings(w) -> dict:
    """A warning over V11 and one over V21, each with a vulnerable household to check on."""
    from concord.safety import actions

    out = {}
    for variant, place, grid_staff in [("inside", w.G111, w.grace), ("outside", w.V21, w.carol)]:
        household = actions.household_record(
            actor=grid_staff,
            place=place,
            label="张奶奶",
            address="1号",
            vulnerabilities=["elderly_alone"],
            consent_by="本人",
            consent_on=TODAY(),
        )
        warning = actions.warning_issue(
            actor=w.zoe,
            colour="yellow",
            hazard_type="flood",
            title_zh="暴雨预警",
            title_en="Rainstorm warning",
            instructions_zh="远离河道",
            instructions_en="Keep away from the river",
            places=[place],
            ends_at=timezone.now() + timedelta(days=1),
        )
        check = warning.checks.get(household=household)
        out[variant] = {"warning_id": warning.pk, "check_id": check.pk}
    return out


def inspections(w) -> dict:
    """Sites in G111 and V21 with an inspection plan and a due inspection."""
    from concord.safety import actions
    from concord.safety.models import Inspection

    out = {}
    for variant, place in [("inside", w.G111), ("outside", w.V21)]:
        site = actions.site_register(actor=w.dora, name="小旅馆", kind="small_hotel", place=place)
        actions.inspection_plan_create(
            actor=w.dora,
            site=site,
            supervising_unit=w.u_labour,
            interval_days=30,
            starts_on=TODAY(),
            checklist=["消防通道畅通"],
        )
        actions.inspections_schedule(today=TODAY())
        inspection = Inspection.objects.get(plan__site=site)
        out[variant] = {"site_id": site.pk, "inspection_id": inspection.pk}
    return out


def policy_questions(w) -> dict:
    """A policy of the T1 governance centre and one of the T2 centre, each with a question."""
    from concord.safety import actions

    out = {}
    for variant, staff, unit, place in [
        ("inside", w.alice, w.u_t1, w.T1),
        ("outside", w.carol, w.u_t2, w.T2),
    ]:
        notice = actions.policy_publish(
            actor=staff,
            title_zh="补助办法",
            title_en="Subsidies",
            body="正文",
            interpretation_zh="解读",
            issuing_unit=unit,
            places=[place],
            effective_from=TODAY() - timedelta(days=1),
        )
        question = actions.policy_question_ask(notice=notice, text="老人怎么申请？")
        out[variant] = {"notice_id": notice.pk, "question_id": question.pk}
    return out


def incidents(w) -> dict:
    """An emergency in V11 recorded by sam (T1 supervisor) and one in V21 recorded by zoe."""
    from concord.safety import actions

    out = {}
    for variant, supervisor, place in [("inside", w.sam, w.V11), ("outside", w.zoe, w.V21)]:
        incident = actions.incident_record(
            actor=supervisor,
            title="山洪",
            incident_type="natural_disaster",
            level="large",
            places=[place],
            occurred_at=timezone.now() - timedelta(hours=2),
        )
        out[variant] = {"incident_id": incident.pk, "case_id": _case(place).case.pk}
    return out


# --- notifications -----------------------------------------------------------------------------


def notifications(w) -> dict:
    """An inbox message for alice and one for carol."""
    from concord.notifications.actions import notify
    from concord.notifications.models import Notification

    out = {}
    for variant, user in [("to_alice", w.alice), ("to_carol", w.carol)]:
        notify(recipients=[user], kind="matrix", subject="测试")
        out[variant] = {"notification_id": Notification.objects.get(recipient=user).pk}
    return out


def failed_deliveries(w) -> dict:
    """Text messages the gateway refused: an ordinary notice to alice (T1) and one to carol
    (T2), and the crisis alerts of a referral of cora's county team (to cora) and of one of the
    West Town team (to wes), which are sealed to their teams."""
    from django.test import TestCase

    from concord.notifications import actions
    from concord.notifications.gateways import GatewayError
    from concord.notifications.models import Delivery
    from concord.wellbeing.actions import case_mark_crisis

    _west_team(w)
    refusing = mock.Mock(**{"send.side_effect": GatewayError("refused", retryable=False)})
    out = {}
    for variant, user, phone in [
        ("to_alice", w.alice, "13800000011"),
        ("to_carol", w.carol, "13800000012"),
    ]:
        actions.preference_set(actor=user, sms=True, phone=phone)
        actions.notify(recipients=[user], kind="matrix", subject="测试", urgent=True)
        delivery = Delivery.objects.get(notification__recipient=user, medium="sms")
        with mock.patch.object(actions, "sms_gateway", return_value=refusing):
            actions.delivery_attempt(delivery_id=delivery.pk)
        out[variant] = {"delivery_id": delivery.pk}
    for variant, place, pressed_by, counsellor, phone in [
        ("sealed_own_team", w.G111, w.grace, w.cora, "13800000013"),
        ("sealed_other_team", w.V21, w.carol, w.wes, "13800000014"),
    ]:
        actions.preference_set(actor=counsellor, sms=True, phone=phone)
        case = _case(place).case
        # The alert is sent when the referral commits, and fails at once.
        with (
            mock.patch.object(actions, "sms_gateway", return_value=refusing),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            case_mark_crisis(actor=pressed_by, case=case, risk="imminent", reason="说想轻生")
        delivery = Delivery.objects.get(notification__recipient=counsellor, medium="sms")
        assert delivery.status == "failed" and delivery.notification.sealed, variant
        out[variant] = {"delivery_id": delivery.pk}
    return out


# --- public pages --------------------------------------------------------------------------------


def open311_requests(w) -> dict:
    """A public service request (its category is open to Open311) and the sensitive dispute."""
    public = _case(w.G111, "CM01.02").case
    sensitive = _case(w.G111, "DP.01", "dispute").case
    return {
        "public_request": {"request_id": public.receipt_code, "fmt": "json"},
        "sensitive_case": {"request_id": sensitive.receipt_code, "fmt": "json"},
    }


def open311_services(w) -> dict:
    return {
        "public_service": {"code": "CM01.02", "fmt": "json"},
        "internal_category": {"code": "DP.01", "fmt": "json"},
    }


def open311_tokens(w) -> dict:
    """A token given for a batch service's request (the profile is set in the admin), and a
    token nobody was given."""
    from concord.open311 import actions
    from concord.open311.models import RequestType, ServiceProfile
    from concord.open311.selectors import jurisdiction_resolve

    ServiceProfile.objects.create(service_code="CM01.02", request_type=RequestType.BATCH)
    key, _raw = actions.api_key_issue(actor=w.adam, name="matrix")
    created = actions.service_request_create(
        key=key,
        root=jurisdiction_resolve(None),
        data=actions.RequestInput(
            service_code="CM01.02", lat="30.05", long="120.05", description="路灯坏了"
        ),
        language="zh-hans",
    )
    return {
        "issued_token": {"token": created.token, "fmt": "json"},
        "unknown_token": {"token": "no-such-token", "fmt": "json"},
    }


def nothing(w) -> dict:
    return {"any_path": {"path": "no/such/thing"}}


def places(w) -> dict:
    return {"inside": {"code": w.V11.code}, "outside": {"code": w.V21.code}}


def open_data(w) -> dict:
    return {"published_table": {"table": "summary"}, "unknown_table": {"table": "parties"}}


def alert_rules(w) -> dict:
    """An alert rule over East Town and one over West Town, set by the county supervisor."""
    from concord.warning.actions import alert_rule_save

    out = {}
    for variant, place in [("inside", w.T1), ("outside", w.T2)]:
        rule = alert_rule_save(
            actor=w.zoe, name="C2", place=place, method="ears-c2", category_roots=["CM04"]
        )
        out[variant] = {"rule_id": rule.pk}
    return out


def failed_delivery_steps(w) -> dict:
    """The failed deliveries of `failed_deliveries`, to be sent again from the inbox page."""
    return {
        variant: {**params, "step": "retry"} for variant, params in failed_deliveries(w).items()
    }
