"""Test the prospective space-time permutation scan against SaTScan, hand counts, brute force."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from concord.warning.algorithms import stscan
from concord.warning.algorithms.stscan import StscanInputError, scan, scan_files

FIXTURES = Path(__file__).parent / "fixtures" / "stscan"
T1_CASES = FIXTURES / "t1.cas"
T1_GEO = FIXTURES / "t1.geo"


def poisson_llr(n: float, mu: float, total: float) -> float:
    """Return the high-rate Poisson LLR written out term by term."""
    if n <= mu:
        return 0.0
    outside = 0.0 if n == total else (total - n) * math.log((total - n) / (total - mu))
    return n * math.log(n / mu) + outside


def brute_force_cylinders(location, time, count, xy, *, start, end, min_cases=2):
    """Yield (llr, centre, members, window_start, observed, expected) for every cylinder.

    Plain loops over centres, growing circles and prospective windows, with a 50 % spatial
    and 50 % temporal maximum: an independent statement of what the scan must evaluate.
    """
    total = int(sum(count))
    n_loc = len(xy)
    per_location = [0] * n_loc
    for place, cases in zip(location, count, strict=True):
        per_location[place] += cases
    max_len = math.floor(0.5 * (end - start + 1))
    for centre in range(n_loc):
        distance = [math.dist(xy[centre], xy[j]) for j in range(n_loc)]
        members: list[int] = []
        for j in sorted(range(n_loc), key=lambda j: (distance[j], j)):
            if sum(per_location[m] for m in members) + per_location[j] > 0.5 * total:
                break
            members.append(j)
            for length in range(1, max_len + 1):
                first = end - length + 1
                recent = [i for i in range(len(time)) if time[i] >= first]
                observed = sum(count[i] for i in recent if location[i] in members)
                in_window = sum(count[i] for i in recent)
                expected = sum(per_location[m] for m in members) * in_window / total
                llr = poisson_llr(observed, expected, total) if observed >= min_cases else 0.0
                yield llr, centre, tuple(members), first, observed, expected


def random_data(seed: int, n_loc: int = 12, days: int = 20, cases: int = 60, most: int = 2):
    """Return small random case records (1..most cases each) and coordinates."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 50, size=(n_loc, 2)).astype(float)
    location = rng.integers(0, n_loc, size=cases)
    time = rng.integers(0, days, size=cases)
    count = rng.integers(1, most + 1, size=cases)
    return location, time, count, xy


# SaTScan 9.4.4 on the t1 fixture ------------------------------------------------------------


@pytest.fixture(scope="module")
def t1_clusters() -> list[dict]:
    return scan_files(T1_CASES, T1_GEO, start=0, end=1000, replications=999, seed=20240601)


def test_t1_most_likely_cluster_is_the_one_satscan_reports(t1_clusters):
    top = t1_clusters[0]
    assert top["centre"] == "23"
    assert top["locations"][0] == "23"
    assert set(top["locations"]) == {"23", "6", "16"}
    assert top["radius"] == pytest.approx(20.0)
    assert (top["start"], top["end"]) == (993, 1000)
    assert top["observed"] == 3
    assert round(top["expected"], 2) == 0.42
    assert round(top["llr"], 6) == 3.352053


def test_t1_equidistant_neighbours_join_in_case_file_order(t1_clusters):
    # Locations 16, 6, 11 and 24 are all 20 from location 23; 16 and 6 appear first in t1.cas.
    assert t1_clusters[0]["locations"] == ["23", "16", "6"]


def test_t1_p_value_is_a_monte_carlo_rank_and_not_significant(t1_clusters):
    top = t1_clusters[0]
    rank = top["p_value"] * 1000
    assert rank == pytest.approx(round(rank))
    # One time unit per interval gives about 0.27 here (Monte Carlo SE about 0.014).
    assert 0.2 <= top["p_value"] <= 0.34
    assert top["recurrence_interval"] == pytest.approx(1 / top["p_value"])


def test_t1_p_value_matches_satscan_with_four_unit_intervals():
    # SaTScan's 0.202 is reproduced when time is aggregated into 4-unit intervals counted back
    # from the end; the cluster itself is the same either way. Band: 0.202 +- 3 SE.
    top = scan_files(
        T1_CASES, T1_GEO, start=0, end=1000, replications=999, seed=7, time_aggregation=4
    )[0]
    assert set(top["locations"]) == {"23", "6", "16"}
    assert (top["start"], top["end"], top["observed"]) == (993, 1000, 3)
    assert round(top["llr"], 6) == 3.352053
    assert 0.16 <= top["p_value"] <= 0.245
    assert top["recurrence_interval"] == pytest.approx(4 / top["p_value"])


def test_t1_secondary_clusters_share_no_location_and_fall_in_llr(t1_clusters):
    assert len(t1_clusters) > 1
    seen: set[str] = set()
    for cluster in t1_clusters:
        assert seen.isdisjoint(cluster["locations"])
        seen.update(cluster["locations"])
    llrs = [cluster["llr"] for cluster in t1_clusters]
    assert llrs == sorted(llrs, reverse=True)
    p_values = [cluster["p_value"] for cluster in t1_clusters]
    assert p_values == sorted(p_values)


def test_same_seed_gives_same_p_values_whatever_the_number_of_workers():
    one = scan_files(T1_CASES, T1_GEO, start=0, end=1000, replications=300, seed=3, workers=1)
    two = scan_files(T1_CASES, T1_GEO, start=0, end=1000, replications=300, seed=3, workers=2)
    assert one == two


# Hand-built data ------------------------------------------------------------------------------


def test_hand_counted_cluster_on_a_line():
    # Four places 10 apart; one case each on day 0, two more at place 0 on day 1.
    # Total 6, so circles hold at most 3 cases; windows are one day long (50 % of 2 days).
    # Place 0 alone on day 1: observed 2, expected 3 * 2 / 6 = 1.
    xy = [[0, 0], [10, 0], [20, 0], [30, 0]]
    clusters = scan([0, 1, 2, 3, 0], [0, 0, 0, 0, 1], [1, 1, 1, 1, 2], xy, start=0, end=1)
    top = clusters[0]
    assert (top.centre, top.locations, top.start, top.end) == (0, (0,), 1, 1)
    assert (top.observed, top.expected) == (2, pytest.approx(1.0))
    assert top.llr == pytest.approx(2 * math.log(2) + 4 * math.log(4 / 5))
    assert len(clusters) == 1


def test_burst_in_one_place_on_the_last_day_is_the_maximum_there():
    # 5 x 5 grid, one case per place per day for 10 days, plus 10 cases at place 12 on day 9.
    xy = [[x, y] for y in range(5) for x in range(5)]
    location = [place for day in range(10) for place in range(25)] + [12]
    time = [day for day in range(10) for place in range(25)] + [9]
    count = [1] * 250 + [10]
    top = scan(location, time, count, xy, start=0, end=9, replications=199, seed=1)[0]
    assert (top.centre, top.locations, top.start, top.end) == (12, (12,), 9, 9)
    # Place 12 holds 20 cases, day 9 holds 35, all days 260: expected 20 * 35 / 260.
    assert top.observed == 11
    assert top.expected == pytest.approx(20 * 35 / 260)
    assert top.llr == pytest.approx(poisson_llr(11, 20 * 35 / 260, 260))
    assert top.p_value == pytest.approx(1 / 200)


def test_perfectly_even_cases_have_no_cluster():
    xy = [[x, y] for y in range(4) for x in range(4)]
    location = [place for day in range(8) for place in range(16)]
    time = [day for day in range(8) for place in range(16)]
    assert scan(location, time, [1] * len(time), xy, start=0, end=7, replications=99) == []


def test_random_cases_without_a_cluster_are_rarely_significant():
    p_values = []
    for seed in range(10):
        # Single cases: records of two cases at one place and time would be a real cluster
        # under the permutation null, which shuffles individual cases.
        location, time, count, xy = random_data(seed, cases=100, most=1)
        clusters = scan(location, time, count, xy, start=0, end=19, replications=99, seed=seed)
        p_values.append(clusters[0].p_value if clusters else 1.0)
    # Under the null a p-value is uniform: more than 2 of 10 at 0.05 has chance about 1 %.
    assert sum(p <= 0.05 for p in p_values) <= 2
    assert np.median(p_values) > 0.2


def test_two_separate_outbreaks_are_the_two_first_clusters():
    rng = np.random.default_rng(5)
    xy = np.array([[x, y] for y in range(8) for x in range(8)], dtype=float)
    location = list(rng.integers(0, 64, size=600))
    time = list(rng.integers(0, 30, size=600))
    for place, days in ((0, (28, 29)), (63, (25, 26, 27, 28, 29))):
        for day in days:
            location += [place] * 6
            time += [day] * 6
    clusters = scan(location, time, [1] * len(time), xy, start=0, end=29, seed=2)
    assert {clusters[0].centre, clusters[1].centre} == {0, 63}
    assert all(cluster.p_value <= 0.01 for cluster in clusters[:2])


def test_time_aggregation_reports_windows_in_whole_intervals():
    location, time, count, xy = random_data(11, days=21)
    clusters = scan(location, time, count, xy, start=0, end=20, time_aggregation=3, replications=0)
    for cluster in clusters:
        assert cluster.end == 20
        assert (cluster.end - cluster.start + 1) % 3 == 0
        assert cluster.p_value is None and cluster.recurrence_interval is None


# The fast paths against brute force -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_most_likely_cluster_equals_brute_force(seed):
    location, time, count, xy = random_data(seed)
    best = max(
        brute_force_cylinders(location, time, count, xy, start=0, end=19),
        key=lambda cylinder: cylinder[0],
    )
    top = scan(location, time, count, xy, start=0, end=19, replications=0)[0]
    assert top.llr == pytest.approx(best[0])
    assert (top.observed, top.expected) == (best[4], pytest.approx(best[5]))


@pytest.mark.parametrize("seed", range(4))
def test_replication_maxima_equal_brute_force_on_the_same_permutations(seed):
    location, time, count, xy = random_data(seed, n_loc=10, days=16, cases=50)
    problem = stscan._prepare(
        location,
        time,
        count,
        xy,
        start=0,
        end=15,
        max_space_fraction=0.5,
        max_time_fraction=0.5,
        time_aggregation=1,
    )
    threshold = 1.5
    replicator = stscan._make_replicator(problem, threshold, min_cases=2)
    rng = np.random.default_rng(seed)
    ages = np.array([rng.permutation(problem.case_age) for _ in range(20)])
    fast = replicator.maxima(ages)

    cases_location = problem.case_location.tolist()
    for row, permuted in zip(fast, ages, strict=True):
        permuted_time = (15 - permuted).tolist()
        exact = max(
            llr
            for llr, *_ in brute_force_cylinders(
                cases_location, permuted_time, [1] * len(permuted_time), xy, start=0, end=15
            )
        )
        if exact >= threshold:
            assert row == pytest.approx(exact)
        else:
            assert row < threshold


def test_locations_without_cases_still_join_circles(tmp_path):
    cases = write(tmp_path, "c.cas", "a 2 9\nb 1 9\nc 1 1\nd 1 2\ne 1 3\nf 1 4\nc 1 9\n")
    geo = write(tmp_path, "g.geo", "a 0 0\nempty 1 0\nb 2 0\nc 50 0\nd 60 0\ne 70 0\nf 80 0\n")
    top = scan_files(cases, geo, start=0, end=9, replications=0)[0]
    assert top["locations"] == ["a", "empty", "b"]
    assert top["radius"] == pytest.approx(2.0)
    assert top["observed"] == 3


# Bad input --------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def geo(tmp_path: Path) -> Path:
    return write(tmp_path, "g.geo", "a 0 0\nb 10 0\nc 20 0\n")


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        ("a 1 3\nz 1 4\n", "location z is not in"),
        ("a one 3\n", "case count 'one' is not an integer"),
        ("a 1 3.5\n", "time '3.5' is not an integer"),
        ("a 1 3\nb 1 11\n", "time 11 at location b lies outside the study period 0..10"),
        ("a 1 -1\n", "outside the study period"),
        ("a 1\n", "expected 'location count time'"),
        ("a -2 3\n", "negative case count"),
    ],
)
def test_bad_case_files_are_refused_with_a_clear_message(tmp_path, geo, cases, message):
    path = write(tmp_path, "c.cas", cases)
    with pytest.raises(StscanInputError, match=message):
        scan_files(path, geo, start=0, end=10, replications=0)


@pytest.mark.parametrize(
    ("geo_text", "message"),
    [
        ("a 0 zero\n", "y coordinate 'zero' is not a number"),
        ("a 0 0\na 1 1\n", "location a repeated"),
        ("a 0 0 0\n", "expected 'location x y'"),
        ("a nan 0\n", "is not finite"),
    ],
)
def test_bad_coordinate_files_are_refused_with_a_clear_message(tmp_path, geo_text, message):
    cases = write(tmp_path, "c.cas", "a 1 3\n")
    path = write(tmp_path, "g.geo", geo_text)
    with pytest.raises(StscanInputError, match=message):
        scan_files(cases, path, start=0, end=10, replications=0)


def test_bad_arrays_are_refused():
    xy = [[0, 0], [1, 1]]
    with pytest.raises(StscanInputError, match="location indices"):
        scan([0, 2], [0, 1], [1, 1], xy, start=0, end=1)
    with pytest.raises(StscanInputError, match="time must hold integers"):
        scan([0, 1], [0.5, 1.0], [1, 1], xy, start=0, end=1)
    with pytest.raises(StscanInputError, match="one length"):
        scan([0, 1], [0], [1, 1], xy, start=0, end=1)
    with pytest.raises(StscanInputError, match="shorter than one time interval"):
        scan([0, 1], [0, 0], [1, 1], xy, start=0, end=0)
    with pytest.raises(StscanInputError, match="max_space_fraction"):
        scan([0, 1], [0, 1], [1, 1], xy, start=0, end=1, max_space_fraction=0)


def test_thresholds_computed_per_group_give_the_same_p_values(monkeypatch):
    # Large problems compute cylinder thresholds per group instead of storing them all.
    location, time, count, xy = random_data(8, cases=100, most=1)
    stored = scan(location, time, count, xy, start=0, end=19, replications=199, seed=4)
    monkeypatch.setattr(stscan, "_NEEDED_CACHE_BYTES", 0)
    per_group = scan(location, time, count, xy, start=0, end=19, replications=199, seed=4)
    assert per_group == stored
