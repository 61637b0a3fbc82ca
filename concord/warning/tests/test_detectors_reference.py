"""Every detector reproduces R surveillance 1.20.3 on the reference fixtures."""

import csv
import datetime as dt
import math
from pathlib import Path

import pytest

from concord.warning.algorithms.io import detect_csv

FIXTURES = Path(__file__).parent / "fixtures" / "surveillance"

# Reference tag -> (method, parameter overrides of the method's defaults).
TAGS = {
    "ears_c1": ("ears-c1", {}),
    "ears_c2": ("ears-c2", {}),
    "ears_c3": ("ears-c3", {}),
    "farrington_flexible_default": ("farrington", {}),
    "farrington_noufaily": ("farrington-noufaily", {}),
    "cusum_standard": ("cusum", {}),
    "farrington_nolimit": ("farrington", {"limit54": "0,4"}),
    "noufaily_nolimit": ("farrington-noufaily", {"limit54": "0,4"}),
}

REFERENCES = sorted(FIXTURES.glob("*.reference.csv"))


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_series_has_a_reference_for_all_six_methods():
    series = {path.name.split(".")[0] for path in REFERENCES}
    assert series >= {"agona", "sparse", "trend", "short", "outbreak", "bursty"}
    dated = {path.name.split(".")[0] for path in FIXTURES.glob("*_dated.reference.csv")}
    assert dated >= {"sparse", "trend", "short", "outbreak", "bursty"}
    for name in series:
        tags = {path.name.split(".")[1] for path in FIXTURES.glob(f"{name}.*.reference.csv")}
        assert set(list(TAGS)[:6]) <= tags, name


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda path: path.name)
def test_detect_matches_r(reference: Path, tmp_path: Path):
    series, tag = reference.name.split(".")[:2]
    # "_dated": made from an sts with epochAsDate = TRUE, as the command runs by default.
    dated = tag.endswith("_dated")
    method, params = TAGS[tag.removesuffix("_dated")]
    expected = read_rows(reference)
    output = tmp_path / "out.csv"

    detect_csv(
        method=method,
        input_path=FIXTURES / f"{series}.input.csv",
        output_path=output,
        from_date=dt.date.fromisoformat(expected[0]["date"]),
        params=params,
        by_date=dated,
    )

    got = read_rows(output)
    assert [row["date"] for row in got] == [row["date"] for row in expected]
    assert [row["count"] for row in got] == [row["count"] for row in expected]
    for want, have in zip(expected, got, strict=True):
        # R reports NA alarms where its threshold is NaN; no alarm is raised there.
        want_alarm = 0 if want["alarm"] == "NA" else int(want["alarm"])
        assert int(have["alarm"]) == want_alarm, want["date"]
        if want["threshold"] == "NA":
            assert have["threshold"] == "", want["date"]
            assert have["reason"], want["date"]
        else:
            assert have["threshold"] != "", want["date"]
            assert have["reason"] == "", want["date"]
            assert math.isclose(
                float(have["threshold"]), float(want["threshold"]), rel_tol=1e-6, abs_tol=0
            ), want["date"]
