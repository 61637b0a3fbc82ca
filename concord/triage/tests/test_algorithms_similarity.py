"""Duplicate detection: text similarity, the combined score and grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from concord.triage.algorithms.similarity import (
    DEFAULT_THRESHOLD,
    Report,
    candidate_pairs,
    duplicate_score,
    group_duplicates,
    haversine_m,
    similarity,
)

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("小区门口路灯坏了三个月没人修", "小区门口的路灯坏了好几个月了，一直没人修"),
        ("幸福路菜市场旁边污水横流，臭气熏天", "幸福路菜市场污水横流臭得不行"),
        (
            "The streetlight outside block 5 has been broken for weeks",
            "Streetlight broken outside block 5 for several weeks",
        ),
    ],
)
def test_rewordings_of_one_report_are_similar(a, b):
    assert similarity(a, b) > 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("小区门口路灯坏了三个月没人修", "学校食堂饭菜价格太贵"),
        ("幸福路菜市场污水横流", "社保卡丢了怎么补办"),
        (
            "The streetlight outside block 5 has been broken for weeks",
            "Noise from the bar on Main Street every night",
        ),
    ],
)
def test_different_matters_are_not_similar(a, b):
    assert similarity(a, b) < 0.35


def test_similarity_is_symmetric_and_bounded():
    a, b = "路灯坏了 lamp broken", "lamp broken 路灯不亮"
    assert similarity(a, b) == pytest.approx(similarity(b, a))
    assert similarity(a, a) == pytest.approx(1.0)
    assert similarity("", a) == 0.0
    assert similarity("🙂🙂", "🙂🙂") == 0.0


def test_duplicate_score_falls_with_distance_and_time():
    near = duplicate_score(0.8, 50, 2)
    assert duplicate_score(0.8, 2000, 2) < near
    assert duplicate_score(0.8, 50, 200) < near
    assert duplicate_score(0.9, 50, 2) > near
    assert duplicate_score(1.0, 0, 0) == pytest.approx(1.0)
    assert duplicate_score(0.8) == pytest.approx(0.8**0.6)
    assert duplicate_score(0.8, float("nan"), None) == pytest.approx(0.8**0.6)
    scores = duplicate_score(np.array([0.9, 0.9]), np.array([10.0, 5000.0]), np.array([1.0, 1.0]))
    assert scores[0] >= DEFAULT_THRESHOLD > scores[1]


def test_haversine_matches_a_known_distance():
    # One degree of latitude is about 111.2 km.
    assert haversine_m(np.array([30.0]), np.array([112.0]), np.array([31.0]), np.array([112.0]))[
        0
    ] == pytest.approx(111_195, rel=1e-3)


def _reports() -> list[Report]:
    return [
        Report(1, "幸福小区3栋门口下水道堵了，污水漫到路上", 28.2000, 112.9000, T0, "p1"),
        Report(
            2,
            "幸福小区3栋下水道堵塞，污水都漫到路面上了",
            28.2003,
            112.9002,
            T0 + timedelta(hours=5),
            "p1",
        ),
        Report(
            3,
            "幸福小区三栋门口下水道又堵了，污水漫到路上",
            28.2001,
            112.9001,
            T0 + timedelta(hours=30),
            "p1",
        ),
        Report(4, "幸福小区物业乱收停车费", 28.2000, 112.9000, T0, "p1"),
        # Same words, but far away and a month later: another blockage.
        Report(
            5,
            "幸福小区3栋门口下水道堵了，污水漫到路上",
            28.3000,
            113.0000,
            T0 + timedelta(days=30),
            "p1",
        ),
        # Same words in another place block: never compared.
        Report(6, "幸福小区3栋门口下水道堵了，污水漫到路上", 28.2000, 112.9000, T0, "p2"),
        Report(
            7, "The bins on Elm Street have not been emptied for two weeks", None, None, T0, "p2"
        ),
        Report(
            8,
            "Bins on Elm Street not emptied for two weeks!",
            None,
            None,
            T0 + timedelta(days=1),
            "p2",
        ),
    ]


def test_group_duplicates_links_rewordings_nearby_and_soon():
    groups = group_duplicates(_reports())
    assert sorted(map(sorted, groups)) == [[1, 2, 3], [7, 8]]


def test_candidate_pairs_report_their_evidence():
    pairs = candidate_pairs(_reports())
    assert all(p.score >= DEFAULT_THRESHOLD for p in pairs)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    by_ids = {frozenset((p.a, p.b)): p for p in pairs}
    first = by_ids[frozenset((1, 2))]
    assert first.hours_apart == pytest.approx(5.0)
    assert 0 < first.distance_m < 100
    assert by_ids[frozenset((7, 8))].distance_m is None


def test_time_window_and_threshold_limit_pairs():
    # 7 and 8 are a day apart, 3 is 30 hours after 1.
    assert group_duplicates(_reports(), max_hours=10) == [[1, 2]]
    assert group_duplicates(_reports(), threshold=0.99) == []


def test_grouping_scales_to_many_reports():
    rng = np.random.default_rng(0)
    words = list("路灯水电燃气噪音垃圾物业停车学校医院公交工资社保污染绿化施工")
    reports = [
        Report(i, "".join(rng.choice(words, 12)), 28 + rng.random(), 112 + rng.random(), T0, i % 5)
        for i in range(2000)
    ]
    reports.append(Report("dup", reports[0].text, reports[0].lat, reports[0].lon, T0, 0))
    groups = group_duplicates(reports)
    assert [0, "dup"] in groups
