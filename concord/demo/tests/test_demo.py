"""The demo county: shape, people, cases, audit chain, seasonality, surges and duplicates."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from shapely.geometry import Point

from concord.accounts.models import Membership, Unit, UnitKind, User
from concord.accounts.roles import Role
from concord.cases.models import Case, Clock, ClockState, Feedback, TransferRequest
from concord.core.models import Event
from concord.demo import geography
from concord.demo.generator import (
    DEMO_PASSWORD,
    DemoExists,
    build_demo,
    demo_plan,
    duplicate_pairs,
    surge_definitions,
)
from concord.demo.planner import OPEN_STATES, TZ, current_state
from concord.places.geometry import parse_boundary
from concord.places.models import Place

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)
TINY = {"size": "tiny", "seed": 7, "now": NOW}


@pytest.fixture
def tiny(db):
    return build_demo(progress=False, **TINY)


@pytest.fixture(scope="module")
def small_plan():
    """The pure plan of the small county (no database): two years of cases."""
    return demo_plan(size="small", seed=3, now=NOW)


# --- the place tree ----------------------------------------------------------------------------


def test_the_tree_has_the_planned_shape_for_every_size():
    for size, spec in geography.SIZES.items():
        county = geography.plan_county(size, seed=1)
        assert (len(county.towns), len(county.villages), len(county.grids)) == (
            spec.towns,
            spec.villages,
            spec.grids,
        )
        assert all(200 <= g.households <= 400 for g in county.grids)
        assert county.county.households == sum(g.households for g in county.grids)


def test_every_boundary_lies_inside_its_parent_and_siblings_do_not_overlap(tiny):
    places = {p.code: p for p in Place.objects.all()}
    assert Counter(p.level for p in places.values()) == {
        "county": 1,
        "town": 2,
        "village": 4,
        "grid": 8,
    }
    children = {}
    for place in places.values():
        if place.parent_id:
            children.setdefault(place.parent.code, []).append(place)
            parent_shape = parse_boundary(place.parent.boundary)
            assert parse_boundary(place.boundary).within(parent_shape.buffer(1e-9)), place.code
            assert place.path == place.parent.path + place.code + "/"
    for parent_code, kids in children.items():
        shapes = [parse_boundary(k.boundary) for k in kids]
        # Children tile the parent: their areas add up and no two overlap.
        parent_area = parse_boundary(places[parent_code].boundary).area
        assert sum(s.area for s in shapes) == pytest.approx(parent_area, rel=1e-6)
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert a.intersection(b).area < 1e-12


def test_grid_names_are_bilingual_and_households_add_up(tiny):
    for grid in Place.objects.filter(level="grid"):
        assert "网格" in grid.name_zh and "Grid" in grid.name_en
        assert grid.population > grid.households
    county = Place.objects.get(level="county")
    assert county.households == sum(
        Place.objects.filter(level="grid").values_list("households", flat=True)
    )


# --- units and people --------------------------------------------------------------------------


def test_units_of_every_kind_and_staff_of_every_role_exist(tiny):
    assert set(Unit.objects.values_list("kind", flat=True)) == set(UnitKind.values)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for town in Place.objects.filter(level="town"):
        assert set(town.units.values_list("kind", flat=True)) == {
            UnitKind.GOVERNANCE_CENTRE,
            UnitKind.MEDIATION_COMMITTEE,
        }
    for village in Place.objects.filter(level="village"):
        assert set(village.units.values_list("kind", flat=True)) == {
            UnitKind.MEDIATION_COMMITTEE,
            UnitKind.GRID_STATION,
        }
    # Every grid has its own grid worker.
    for grid in Place.objects.filter(level="grid"):
        assert Membership.objects.filter(role=Role.GRID_WORKER, place=grid).exists()


def test_the_demo_logins_work_with_the_demo_password(tiny):
    names = [login.username for login in tiny.logins]
    assert names == [
        "admin",
        "supervisor",
        "analyst",
        "caseworker",
        "mediator",
        "gridworker",
        "officer",
        "counsellor",
    ]
    for name in names:
        assert User.objects.get(username=name).check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="caseworker").is_staff
    assert User.objects.get(username="gridworker").memberships.get().place.level == "grid"


# --- cases ---------------------------------------------------------------------------------------


def test_every_case_has_an_owner_a_receipt_a_clock_and_a_submitted_event(tiny):
    cases = list(Case.objects.select_related("owner_unit__place", "place"))
    assert len(cases) == tiny.cases
    clocks = Counter(Clock.objects.values_list("case_id", flat=True))
    first_events = dict(Event.objects.filter(seq=1).values_list("case_id", "kind"))
    for case in cases:
        assert re.fullmatch(
            rf"C-{case.created_at.astimezone(TZ).year}-{case.id:06d}", case.receipt_code
        )
        # The owning unit's jurisdiction covers the case's place.
        assert case.place_path.startswith(case.owner_unit.place.path)
        assert case.place.level == "grid" and case.place_path == case.place.path
        assert clocks[case.id] == 1
        assert first_events[case.id] == "submitted"
        assert case.created_at <= NOW


def test_the_event_chain_verifies(tiny):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith(f"OK: {tiny.events} events")
    assert tiny.events > 4 * tiny.cases


def test_events_follow_each_case_in_time_order(tiny):
    last = {}
    for case_id, at in Event.objects.order_by("case_id", "seq").values_list(
        "case_id", "created_at"
    ):
        if case_id in last:
            assert at >= last[case_id]
        last[case_id] = at
    case = Case.objects.filter(status="closed", feedback__isnull=False).order_by("id").first()
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[0] == "submitted" and kinds[-1] == "closed" and "resolved" in kinds


def test_unrated_resolved_cases_carry_the_revisit_the_clock_job_asked_for(tiny):
    from django.db.models import Count, Q

    cases = Case.objects.filter(status__in=["resolved", "closed"]).annotate(
        revisits=Count("events", filter=Q(events__kind="revisit_due")),
        ratings=Count("feedback"),
    )
    old = cases.filter(resolved_at__lte=NOW - timedelta(days=7))
    assert old.filter(ratings=0).exists() and old.filter(ratings__gt=0).exists()
    assert not old.filter(ratings=0).exclude(revisits=1).exists()
    assert not cases.filter(ratings__gt=0, revisits__gt=0).exists()
    assert not cases.filter(resolved_at__gt=NOW - timedelta(days=7), revisits__gt=0).exists()
    # So the clock job, run at the build's moment, has no old revisit left to ask for.
    from unittest import mock

    from concord.channels.deadlines import deadlines_tick

    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert deadlines_tick(today=NOW.date()).revisits == 0


def test_statuses_clocks_and_feedback_look_real(tiny):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["closed"] > 0.7 * tiny.cases
    assert statuses["in_progress"] > 0
    states = Counter(Clock.objects.values_list("state", flat=True))
    assert states[ClockState.MET] > states[ClockState.BREACHED] > 0
    scores = Counter(Feedback.objects.values_list("satisfaction", flat=True))
    assert scores[4] + scores[5] > 0.6 * sum(scores.values())
    # Old cases are closed; closed cases carry their timestamps.
    for case in Case.objects.filter(status="closed"):
        assert case.created_at <= case.accepted_at <= case.resolved_at <= case.closed_at


def test_building_twice_with_the_same_seed_gives_the_same_cases(db):
    def snapshot():
        return list(
            Case.objects.order_by("id").values_list(
                "title", "place__code", "status", "category__code", "created_at"
            )
        )

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        build_demo(progress=False, **TINY)
        first = snapshot()
        raise Rollback
    assert not Case.objects.exists() and not Place.objects.exists()
    build_demo(progress=False, **TINY)
    assert snapshot() == first
    other = demo_plan(size="tiny", seed=8, now=NOW)[1]
    assert [c.title for c in other.cases] != [t for t, *_ in first]


def test_a_second_build_is_refused(tiny):
    with pytest.raises(DemoExists):
        build_demo(progress=False, **TINY)


# --- seasonality, surges, duplicates -----------------------------------------------------------


def _daily_mean(cases, keep) -> float:
    days = Counter(c.created_at.astimezone(TZ).date() for c in cases)
    span = [NOW.date() - timedelta(days=i) for i in range(730)]
    chosen = [d for d in span if keep(d)]
    return sum(days[d] for d in chosen) / len(chosen)


def test_weekends_are_quieter_than_weekdays(small_plan):
    cases = [c for c in small_plan[1].cases if c.surge is None]
    weekday = _daily_mean(cases, lambda d: d.weekday() < 5)
    weekend = _daily_mean(cases, lambda d: d.weekday() >= 5)
    assert weekend < 0.7 * weekday


def test_yearly_seasons_show_in_the_categories(small_plan):
    cases = [c for c in small_plan[1].cases if c.surge is None]

    def month_rate(group, months):
        picked = [c for c in cases if c.group == group]
        return _daily_mean(picked, lambda d: d.month in months)

    # Wage arrears peak in the weeks before the Spring Festival (January / early February).
    assert month_rate("wages", {1}) > 1.8 * month_rate("wages", {5, 6, 9, 10})
    assert month_rate("noise", {6, 7, 8}) > 1.3 * month_rate("noise", {12, 1, 2})
    assert month_rate("flood", {6, 7}) > 3 * month_rate("flood", {10, 11, 12, 1, 2, 3})


def test_surges_are_in_their_places_categories_and_periods(tiny):
    definitions = surge_definitions(size="tiny", seed=7, today=NOW.date(), days=120)
    assert [s.key for s in definitions] == ["wage_arrears_site", "odour_cluster", "storm_flooding"]
    assert definitions == tiny.surges
    assert len(definitions[1].place_codes) == 3  # odour: three neighbouring grids
    for surge in definitions:
        assert surge.place_codes
        inside = Case.objects.filter(
            category__code__in=surge.category_codes,
            place__code__in=surge.place_codes,
        )
        in_period = [
            c for c in inside if surge.start <= c.created_at.astimezone(TZ).date() <= surge.end
        ]
        assert len(in_period) >= surge.count
        # Far above the background in the same places over an equally long earlier window.
        length = (surge.end - surge.start).days + 1
        before = [
            c
            for c in inside
            if surge.start - timedelta(days=length)
            <= c.created_at.astimezone(TZ).date()
            < surge.start
        ]
        assert len(in_period) > 5 * max(1, len(before))
    odour = definitions[1]
    grids = {g.code: g for g in geography.plan_county("tiny", 7).grids}
    centre = grids[odour.place_codes[0]]
    assert {g.code for g in geography.neighbours(geography.plan_county("tiny", 7), centre)} >= set(
        odour.place_codes[1:]
    )


def test_duplicate_pairs_are_recomputable_and_merged_into_their_originals(db):
    summary = build_demo(progress=False, size="tiny", seed=13, now=NOW)
    pairs = duplicate_pairs(size="tiny", seed=13, now=NOW)
    assert pairs == summary.duplicate_pairs
    assert len(pairs) >= 2  # this seed injects a few
    cases = {c.receipt_code: c for c in Case.objects.select_related("merged_into", "category")}
    for dup_code, original_code in pairs:
        dup, original = cases[dup_code], cases[original_code]
        assert dup.category == original.category and dup.place_id == original.place_id
        assert dup.created_at > original.created_at
        if dup.status == "merged":
            assert dup.merged_into == original
            assert original.events.filter(kind="merged_in", data__merged_case=dup_code).exists()
    assert any(cases[d].status == "merged" for d, _ in pairs)
    assert all(
        c.status != "merged" or (c.receipt_code, c.merged_into.receipt_code) in pairs
        for c in cases.values()
    )


def test_the_small_plan_has_duplicates_and_every_open_state(small_plan):
    plan = small_plan[1]
    assert len(plan.duplicates) > 20
    by_number = {c.number: c for c in plan.cases}
    for dup, original in plan.duplicates:
        assert by_number[dup].title == by_number[original].title
        assert by_number[dup].grid_code == by_number[original].grid_code
    seen = Counter()
    for case in plan.cases:
        status, pending = current_state(case)
        seen["transfer_pending" if pending else status] += 1
    for state in OPEN_STATES:
        assert seen[state] >= 2, state
    assert seen["closed"] > 0.8 * len(plan.cases)
    assert sum(c.language == "en" for c in plan.cases) > 20


# --- the command ---------------------------------------------------------------------------------


def test_if_empty_does_nothing_when_cases_exist(tiny):
    before = (Place.objects.count(), Case.objects.count(), TransferRequest.objects.count())
    out = io.StringIO()
    call_command("demo", "--size", "small", "--if-empty", stdout=out)
    assert "not built" in out.getvalue()
    assert (Place.objects.count(), Case.objects.count(), TransferRequest.objects.count()) == before
    with pytest.raises(CommandError, match="already built"):
        call_command("demo", "--size", "small", "--no-progress", stdout=io.StringIO())


def test_a_live_submission_after_the_demo_gets_a_fresh_id_and_an_owner(tiny):
    from concord.cases.actions import case_submit
    from concord.cases.models import Category

    highest = Case.objects.order_by("-id").values_list("id", flat=True).first()
    grid = Place.objects.filter(level="grid").order_by("code").first()
    submission = case_submit(
        kind="dispute",
        title="邻居噪音",
        description="楼上每晚噪音很大。",
        place=grid,
        category=Category.objects.get(code="DP.02"),
    )
    assert submission.case.id == highest + 1
    assert submission.case.owner_unit.kind == UnitKind.MEDIATION_COMMITTEE
    assert submission.case.owner_unit.place == grid.parent


def test_demo_places_are_named_in_pinyin_in_english():
    from concord.demo.geography import pinyin_name, plan_county

    assert pinyin_name("li", "kou") == "Likou"
    assert pinyin_name("shi", "ao") == "Shi'ao"
    plan = plan_county("small", 7)
    assert plan.county.name_en == "Yunxi County"
    for village in plan.villages:
        proper = village.name_en.rsplit(" ", 1)[0]
        assert proper.isascii() and " " not in proper, village.name_en
        assert village.name_en.endswith((" Village", " Community"))


def test_the_county_has_irregular_outlines_a_river_and_roads_the_same_for_a_seed(tiny):
    from concord.places.models import MapFeature

    again = geography.plan_county("tiny", 7)
    assert again.county.boundary == geography.plan_county("tiny", 7).county.boundary
    assert again.lines == geography.plan_county("tiny", 7).lines
    assert geography.make_warp(7).max_slope() < 1  # the warp cannot fold the map
    for place in Place.objects.all():
        ring = place.boundary["coordinates"][0]
        xs = {round(x, 6) for x, _y in ring}
        assert len(ring) > 12 and len(xs) > 4, place.code  # not a rectangle
    kinds = sorted(MapFeature.objects.values_list("kind", flat=True))
    assert kinds == ["river", "road"]  # tiny: two towns, one road between them
    assert all(len(f.geometry["coordinates"]) > 10 for f in MapFeature.objects.all())


def test_cases_lie_inside_their_grid_outline(tiny):
    located = 0
    for case in Case.objects.exclude(lat=None).select_related("place")[:200]:
        if case.place.level == "grid":
            shape = parse_boundary(case.place.boundary)
            located += shape.buffer(1e-6).contains(Point(case.lng, case.lat))
    assert located >= 150
