"""A small fixture world with a persona for every role, in and out of jurisdiction.

County C ─┬─ town T1 ─┬─ village V11 ── grid G111
          │           └─ village V12
          └─ town T2 ──── village V21 ── grid G211

alice  caseworker, T1 governance centre            (T1 and below)
bob    mediator, V11 people's mediation committee  (V11 and below)
grace  grid worker, V11 grid station               (G111)
dora   department officer, county labour bureau    (whole county)
sam    supervisor, T1 governance centre            (T1 and below)
zoe    supervisor, county governance centre        (whole county)
carol  caseworker, T2 governance centre            (T2 only: outside T1)
ana    analyst, county                              (aggregates only)
adam   administrator                                (platform only)
cora   counsellor, county counselling team
"""

from __future__ import annotations

from types import SimpleNamespace

from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import Role
from concord.cases.actions import case_submit
from concord.cases.models import Category
from concord.places.actions import place_upsert


def _square(x: float, y: float, size: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.C = place_upsert(
        code="C",
        level="county",
        name_zh="和平县",
        name_en="Heping County",
        boundary=_square(120.0, 30.0, 1.0),
        households=50000,
        population=150000,
    )
    w.T1 = place_upsert(
        code="T1",
        level="town",
        name_zh="东镇",
        name_en="East Town",
        parent=w.C,
        boundary=_square(120.0, 30.0, 0.5),
    )
    w.T2 = place_upsert(
        code="T2",
        level="town",
        name_zh="西镇",
        name_en="West Town",
        parent=w.C,
        boundary=_square(120.5, 30.0, 0.5),
    )
    w.V11 = place_upsert(
        code="V11",
        level="village",
        name_zh="桃村",
        name_en="Peach Village",
        parent=w.T1,
        boundary=_square(120.0, 30.0, 0.25),
    )
    w.V12 = place_upsert(
        code="V12",
        level="village",
        name_zh="李村",
        name_en="Plum Village",
        parent=w.T1,
        boundary=_square(120.25, 30.0, 0.25),
    )
    w.V21 = place_upsert(
        code="V21",
        level="village",
        name_zh="柳社区",
        name_en="Willow Community",
        parent=w.T2,
        boundary=_square(120.5, 30.0, 0.25),
    )
    w.G111 = place_upsert(
        code="G111",
        level="grid",
        name_zh="桃村一网格",
        name_en="Peach Grid 1",
        parent=w.V11,
        boundary=_square(120.0, 30.0, 0.1),
    )
    w.G211 = place_upsert(
        code="G211",
        level="grid",
        name_zh="柳社区一网格",
        name_en="Willow Grid 1",
        parent=w.V21,
        boundary=_square(120.5, 30.0, 0.1),
    )

    def unit(code, kind, place, zh, en, channels=()):
        return Unit.objects.create(
            code=code, kind=kind, place=place, name_zh=zh, name_en=en, channels=list(channels)
        )

    w.u_county = unit(
        "GC-C", UnitKind.GOVERNANCE_CENTRE, w.C, "县综治中心", "County governance centre"
    )
    w.u_petition = unit(
        "PO-C", UnitKind.PETITION_OFFICE, w.C, "县信访局", "County letters and visits bureau"
    )
    w.u_labour = unit("LB-C", UnitKind.DEPARTMENT, w.C, "县人社局", "County labour bureau")
    w.u_arbitration = unit(
        "AC-C",
        UnitKind.ARBITRATION_COMMISSION,
        w.C,
        "县劳动仲裁委",
        "County labour arbitration commission",
    )
    w.u_counselling = unit(
        "CT-C", UnitKind.COUNSELLING_TEAM, w.C, "县心理服务队", "County counselling team"
    )
    w.u_t1 = unit(
        "GC-T1", UnitKind.GOVERNANCE_CENTRE, w.T1, "东镇综治中心", "East Town governance centre"
    )
    w.u_t1_med = unit(
        "MC-T1", UnitKind.MEDIATION_COMMITTEE, w.T1, "东镇调委会", "East Town mediation committee"
    )
    w.u_t2 = unit(
        "GC-T2", UnitKind.GOVERNANCE_CENTRE, w.T2, "西镇综治中心", "West Town governance centre"
    )
    w.u_v11_med = unit(
        "MC-V11",
        UnitKind.MEDIATION_COMMITTEE,
        w.V11,
        "桃村调委会",
        "Peach Village mediation committee",
    )
    w.u_v11_grid = unit(
        "GS-V11", UnitKind.GRID_STATION, w.V11, "桃村网格站", "Peach Village grid station"
    )
    w.u_v21_med = unit(
        "MC-V21", UnitKind.MEDIATION_COMMITTEE, w.V21, "柳社区调委会", "Willow mediation committee"
    )

    def person(name, role, unit, place):
        user = User.objects.create_user(
            username=name, password="correct horse battery", display_name=name.title()
        )
        if role:
            Membership.objects.create(user=user, unit=unit, role=role, place=place)
        setattr(w, name, user)
        return user

    person("alice", Role.CASEWORKER, w.u_t1, w.T1)
    person("bob", Role.MEDIATOR, w.u_v11_med, w.V11)
    person("grace", Role.GRID_WORKER, w.u_v11_grid, w.G111)
    person("dora", Role.DEPARTMENT_OFFICER, w.u_labour, w.C)
    person("sam", Role.SUPERVISOR, w.u_t1, w.T1)
    person("zoe", Role.SUPERVISOR, w.u_county, w.C)
    person("carol", Role.CASEWORKER, w.u_t2, w.T2)
    person("ana", Role.ANALYST, w.u_county, w.C)
    person("adam", Role.ADMINISTRATOR, w.u_county, w.C)
    person("cora", Role.COUNSELLOR, w.u_counselling, w.C)
    person("resident", None, None, None)
    # The resident persona is a resident account: no grant reaches it (permissions.grants).
    w.resident.kind = "resident"
    w.resident.save(update_fields=["kind"])
    # Handlers at every unit a case can land on in the tests.
    Membership.objects.create(user=w.alice, unit=w.u_t1_med, role=Role.MEDIATOR, place=w.T1)
    Membership.objects.create(user=w.zoe, unit=w.u_county, role=Role.CASEWORKER, place=w.C)
    return w


def submit_dispute(world: SimpleNamespace, *, place=None, category: str = "DP.02", **kw):
    """File a neighbour-noise dispute in V11 (or `place`) through the intake action."""

    fields = {"title": "t", "description": "d", **kw}
    return case_submit(
        kind="dispute",
        place=place or world.V11,
        category=Category.objects.get(code=category),
        **fields,
    ).case
