"""Demo participation records: verified residents, suggestions with support and answers,
a closed poll with a tally, volunteer teams with hours, a social organisation, conventions."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from concord.accounts import permissions as perms
from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import Role
from concord.cases.models import Case, Channel
from concord.participation import actions
from concord.participation.models import ConventionKind, TeamKind, Vote
from concord.places.models import Level, Place

SUGGESTIONS = [
    ("村口增设路灯", "晚上村口太暗，建议增设两盏路灯。"),
    ("希望开设老年食堂", "老人吃饭不方便，希望在村委会旁开设老年食堂。"),
    ("垃圾分类点加盖", "夏天垃圾点气味大，建议加盖并每天清运。"),
    ("小学门口设减速带", "上学时车速快，建议在小学门口设减速带。"),
]


def _staff(role: str, place: Place) -> User | None:
    m = (
        Membership.objects.filter(
            role=role, is_active=True, place__path__in=place.ancestors_paths()
        )
        .select_related("user")
        .order_by("-place__path", "pk")
        .first()
    )
    return m.user if m else None


def populate(*, seed: int, today: date) -> dict:
    """Add participation demo records on top of the demo county; return what was made."""
    rng = random.Random(f"participation:{seed}")
    tz = timezone.get_current_timezone()
    made = {"residents": 0, "suggestions": 0, "polls": 0, "teams": 0, "conventions": 0}
    villages = list(Place.objects.filter(level=Level.VILLAGE).order_by("path"))[:3]
    for vi, village in enumerate(villages):
        grid = Place.objects.filter(parent=village, level=Level.GRID).order_by("path").first()
        grid_worker = _staff(Role.GRID_WORKER, grid or village)
        caseworker = _staff(Role.CASEWORKER, village)
        if grid_worker is None or caseworker is None:
            continue
        residents = []
        for i in range(8):
            user, _created = User.objects.get_or_create(
                username=f"demo-resident-{village.code.lower()}-{i}",
                defaults={"display_name": f"居民{vi}{i}", "kind": "resident"},
            )
            actions.verification_in_person(
                actor=grid_worker,
                resident=user,
                place=grid or village,
                phone=f"139{seed % 10}{vi:03d}{i:04d}",
            )
            residents.append(user)
        made["residents"] += len(residents)
        title, body = SUGGESTIONS[vi % len(SUGGESTIONS)]
        s = actions.suggestion_submit(actor=residents[0], place=village, title=title, body=body)
        for user in residents[1 : 1 + rng.randint(3, 7)]:
            s = actions.suggestion_support(actor=user, suggestion=s)
        if s.status == "awaiting_response" and vi % 2 == 0:
            responder = _staff(Role.CASEWORKER, s.unit.place) or caseworker
            if perms.can(responder, "case.handle", unit_id=s.unit_id):
                actions.suggestion_respond(
                    actor=responder, suggestion=s, text="已纳入本季度民生实事，预计下月完成。"
                )
        made["suggestions"] += 1
        opens = datetime.combine(today - timedelta(days=20), time(8), tzinfo=tz)
        poll = actions.poll_create(
            actor=caseworker,
            place=village,
            question="村文化广场建在哪里？",
            options=["村委会旁", "小学旁", "河边空地"],
            opens_at=opens,
            closes_at=opens + timedelta(days=7),
        )
        made["polls"] += 1
        votes = [
            (u, rng.choice(list(poll.options.values_list("pk", flat=True)))) for u in residents
        ]

        for user, option in votes:
            v = Vote.objects.create(
                poll=poll,
                user=user,
                cast_at=opens + timedelta(hours=rng.randint(1, 100)),
                identity_key=actions.verification_for(user, village).identity_key,
            )
            v.options.set([option])
        actions.convention_publish(
            actor=caseworker,
            place=village,
            kind=ConventionKind.VILLAGE_RULES,
            title=f"{village.name_zh}村规民约",
            text="一、邻里互助，和睦相处。二、移风易俗，红白事从简。",
            adopted_on=today - timedelta(days=200),
            consultation="村民代表会议两轮讨论，公示十天后表决通过。",
            meeting_attendance=45,
            votes_for=40,
            votes_against=3,
            abstentions=2,
        )
        made["conventions"] += 1
        team_unit = Unit.objects.filter(place=village).order_by("code").first()
        if team_unit is not None:
            team = actions.volunteer_team_create(
                actor=caseworker,
                unit=team_unit,
                name=f"{village.name_zh}调解志愿队",
                kind=TeamKind.MEDIATION,
                place=village,
            )
            volunteer = actions.volunteer_sign_up(
                actor=residents[-1], team=team, skills=["调解"], availability="周末"
            )
            case = (
                Case.objects.filter(
                    place_path__startswith=village.path,
                    channel=Channel.PEOPLES_MEDIATION,
                    status__in=["accepted", "assigned", "in_progress"],
                )
                .order_by("pk")
                .first()
            )
            handler = _staff(Role.MEDIATOR, village)
            if (
                case is not None
                and handler is not None
                and perms.can(handler, "case.handle", unit_id=case.owner_unit_id)
            ):
                a = actions.volunteer_assign(actor=handler, volunteer=volunteer, case=case)
                actions.volunteer_record_hours(
                    actor=handler, assignment=a, day=today - timedelta(days=1), hours=3
                )
            made["teams"] += 1
    county = Place.objects.filter(level=Level.COUNTY).order_by("pk").first()
    supervisor = _staff(Role.SUPERVISOR, county) if county else None
    if county and supervisor and not Unit.objects.filter(code=f"SO-{county.code}").exists():
        unit = Unit.objects.create(
            code=f"SO-{county.code}",
            kind=UnitKind.SOCIAL_ORGANISATION,
            place=county,
            name_zh="阳光社会工作服务中心",
            name_en="Sunshine Social Work Centre",
        )
        actions.organisation_register(
            actor=supervisor,
            unit=unit,
            registration_number=f"52{seed:04d}",
            services=["家庭纠纷调解", "心理疏导", "老年探访"],
            registered_on=today - timedelta(days=700),
        )
        made["organisations"] = 1
    return made
