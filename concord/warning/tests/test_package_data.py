"""Farrington reproduces R on the data sets shipped with R's surveillance package.

Their licence (GPL-2) does not allow including them in this project, so only the references
computed from them are committed (fixtures/package_data/references.csv, made by
``Rscript benchmarks/r/package_data.R references FILE``); the series themselves are exported
from the installed R package when the test runs. campyDE and salmNewport are date-based
(epochAsDate = TRUE), as R ships them; agona, ha and shadar are index-based.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from concord.warning.algorithms.detectors import detect, make_params
from concord.warning.algorithms.farrington import INDETERMINATE

ROOT = Path(__file__).resolve().parents[3]
REFERENCES = Path(__file__).parent / "fixtures" / "package_data" / "references.csv"
CONFIGS = {
    "farrington": ("farrington", {}),
    "noufaily": ("farrington-noufaily", {}),
    "muan_sqrt": (
        "farrington",
        {
            "b": 2,
            "w": 2,
            "noPeriods": 10,
            "pastWeeksNotIncluded": 0,
            "thresholdMethod": "muan",
            "powertrans": "1/2",
            "alpha": 0.01,
        },
    ),
    "delta_none": (
        "farrington",
        {
            "b": 5,
            "w": 1,
            "weightsThreshold": 1,
            "powertrans": "none",
            "pThresholdTrend": 1,
            "alpha": 0.01,
        },
    ),
}


@pytest.fixture(scope="module")
def package_series(tmp_path_factory) -> dict[str, tuple[np.ndarray, list[dt.date] | None]]:
    if not shutil.which("Rscript"):
        # The package's data sets are GPL-2 and stay out of the repository, so they come from
        # an installed R. CI installs it and sets CONCORD_REQUIRE_R: there a missing R fails.
        message = "needs Rscript with r-cran-surveillance to export the package's data sets"
        if os.environ.get("CONCORD_REQUIRE_R"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("package_data")
    script = ROOT / "benchmarks" / "r" / "package_data.R"
    subprocess.run(["Rscript", str(script), "export", str(out)], check=True)  # noqa: S603,S607
    series = {}
    for path in out.glob("*.input.csv"):
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        counts = np.array([float(r["count"]) for r in rows])
        dates = [dt.date.fromisoformat(r["date"]) for r in rows]
        series[path.name.split(".")[0]] = (counts, dates if rows[0]["epoch"] == "date" else None)
    return series


def test_farrington_matches_r_on_the_package_data_sets(package_series):
    expected = defaultdict(list)
    with open(REFERENCES, newline="") as handle:
        for row in csv.DictReader(handle):
            expected[(row["dataset"], row["config"])].append(row)
    assert {name for name, _ in expected} == {"campyDE", "salmNewport", "agona", "ha", "shadar"}
    assert package_series["campyDE"][1] is not None  # date-based
    problems = []
    for (name, config), rows in expected.items():
        counts, dates = package_series[name]
        method, overrides = CONFIGS[config]
        first = int(rows[0]["week"]) - 1
        got = detect(
            method, counts, start=first, params=make_params(method, overrides), dates=dates
        )
        for row in rows:
            i = int(row["week"]) - 1 - first
            have = float(got.threshold[0, i])
            where = f"{name} {config} week {row['week']}"
            if got.reason[0, i] in INDETERMINATE:
                continue
            if row["threshold"] == "NA":
                if not np.isnan(have) or not got.reason[0, i]:
                    problems.append(f"{where}: R NA, ours {have}")
                continue
            want = float(row["threshold"])
            if np.isnan(have) or abs(have - want) > 1e-6 * abs(want):
                problems.append(f"{where}: R {want}, ours {have}")
            if bool(got.alarm[0, i]) != (row["alarm"] == "1"):
                problems.append(f"{where}: R alarm {row['alarm']}, ours {got.alarm[0, i]}")
    assert not problems, "\n".join(problems[:20])
