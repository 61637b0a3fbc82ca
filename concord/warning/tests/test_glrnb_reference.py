"""The negative binomial GLR detector reproduces R's glrnb on random series and controls.

The references (fixtures/glrnb, from benchmarks/r/make_glrnb_references.R) cover every value of
c.ARL, Mtilde, M (the window), dir, the in-control model (harmonics, trend) and alpha (estimated
by glm.nb, or fixed), on six shapes of series, with alarms and the restarts after them.
With CONCORD_REQUIRE_R set (CI installs R), the references are also made afresh by R and compared.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from concord.warning.algorithms.detectors import detect, make_params

FIXTURES = Path(__file__).parent / "fixtures" / "glrnb"
ROOT = Path(__file__).resolve().parents[3]


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with open(directory / name, newline="") as handle:
        return list(csv.DictReader(handle))


def load(directory: Path) -> tuple[dict, list[dict], dict]:
    series = {row["id"]: row for row in _rows(directory, "series.csv")}
    runs = _rows(directory, "runs.csv")
    results = defaultdict(list)
    for row in _rows(directory, "results.csv"):
        results[row["run"]].append(row)
    return series, runs, results


def _overrides(run: dict[str, str]) -> dict[str, str]:
    """The run's control by R's names, as a person would type them."""
    return {
        "c.ARL": run["c.ARL"],
        "Mtilde": run["Mtilde"],
        "M": run["M"],
        "dir": run["dir"],
        "S": run["S"],
        "trend": run["trend"],
        "alpha": "" if run["alpha"] == "NULL" else run["alpha"],
    }


def compare(directory: Path) -> tuple[int, int, list[str]]:
    """Run every reference; return weeks checked, alarms and the mismatches."""
    series, runs, results = load(directory)
    problems: list[str] = []
    checked = alarms = 0
    for run in runs:
        counts = np.array(series[run["id"]]["counts"].split(), dtype=float)
        first = int(run["first"]) - 1
        params = make_params("glrnb", _overrides(run))
        got = detect("glrnb", counts[: int(run["last"])], start=first, params=params)
        for want in results[run["run"]]:
            i = int(want["week"]) - 1 - first
            where = f"run {run['run']} week {want['week']}"
            checked += 1
            mu0 = float(want["mu0"])
            if not math.isclose(got.expected[0, i], mu0, rel_tol=1e-6):
                problems.append(f"{where}: R mu0 {mu0}, ours {got.expected[0, i]}")
            value = float(want["value"])
            # Statistics next to zero: R's Newton steps stop at |step| <= 1e-6 in kappa.
            if not math.isclose(got.score[0, i], value, rel_tol=1e-6, abs_tol=1e-9):
                problems.append(f"{where}: R GLR {value}, ours {got.score[0, i]}")
            alarms += want["alarm"] == "1"
            if bool(got.alarm[0, i]) != (want["alarm"] == "1"):
                problems.append(f"{where}: R alarm {want['alarm']}, ours {got.alarm[0, i]}")
            assert got.threshold[0, i] == params.c_arl
    return checked, alarms, problems


def test_the_references_cover_the_controls_and_the_shapes():
    series, runs, results = load(FIXTURES)
    assert len(series) >= 200
    values = {name: {run[name] for run in runs} for name in runs[0]}
    assert values["c.ARL"] == {"2", "5", "8"}
    assert values["Mtilde"] == {"1", "2", "3"}
    assert values["M"] == {"-1", "10", "26"}
    assert values["dir"] == {"inc", "dec"}
    assert values["S"] == {"0", "1", "2"}
    assert values["trend"] == {"TRUE", "FALSE"}
    assert values["alpha"] == {"NULL", "0.1", "0.5"}
    shapes = {row["shape"] for row in series.values()}
    assert shapes == {"seasonal", "trending", "large", "outbreaks", "low", "overdispersed"}
    assert sum(len(rows) for rows in results.values()) >= 5000


def test_glrnb_matches_r():
    checked, alarms, problems = compare(FIXTURES)
    assert checked >= 5000
    assert alarms >= 100  # alarms and the restarts after them are covered
    assert not problems, "\n".join(problems[:20])


def test_the_estimated_dispersion_is_glm_nb_theta():
    from concord.warning.algorithms.glrnb import in_control

    series, runs, _ = load(FIXTURES)
    estimated = [run for run in runs if run["alpha"] == "NULL"]
    assert len(estimated) >= 100
    for run in estimated:
        counts = np.array(series[run["id"]]["counts"].split(), dtype=float)
        first = int(run["first"]) - 1
        params = make_params("glrnb", _overrides(run))
        _, alpha = in_control(counts[:first], 1, params)
        assert math.isclose(alpha, float(run["alpha_used"]), rel_tol=1e-5), run["run"]


def test_r_made_afresh_gives_the_committed_references(tmp_path):
    if not shutil.which("Rscript"):
        message = "needs Rscript with r-cran-surveillance to remake the glrnb references"
        if os.environ.get("CONCORD_REQUIRE_R"):
            pytest.fail(message)
        pytest.skip(message)
    script = ROOT / "benchmarks" / "r" / "make_glrnb_references.R"
    # A smaller set with another seed: new series, the same comparison.
    subprocess.run(["Rscript", str(script), str(tmp_path), "30", "2026"], check=True)  # noqa: S603,S607
    checked, _, problems = compare(tmp_path)
    assert checked > 500
    assert not problems, "\n".join(problems[:20])


def test_the_command_writes_r_s_statistic_for_a_dated_csv(tmp_path):
    """`concord surveillance detect --method glrnb` on a date,count file: R's values."""
    import datetime as dt

    from concord.warning.algorithms.io import detect_csv

    series, runs, results = load(FIXTURES)
    run = next(r for r in runs if r["alpha"] == "NULL" and results[r["run"]][-1]["alarm"] == "1")
    counts = series[run["id"]]["counts"].split()[: int(run["last"])]
    monday = dt.date(2019, 12, 30)  # a 53-week ISO year follows: glrnb counts periods, not dates
    source = tmp_path / "in.csv"
    source.write_text(
        "date,count\n"
        + "".join(f"{monday + dt.timedelta(weeks=i)},{c}\n" for i, c in enumerate(counts))
    )
    first = int(run["first"]) - 1
    detect_csv(
        method="glrnb",
        input_path=source,
        output_path=tmp_path / "out.csv",
        from_date=monday + dt.timedelta(weeks=first),
        params=_overrides(run),
    )
    rows = _rows(tmp_path, "out.csv")
    assert len(rows) == len(results[run["run"]])
    for have, want in zip(rows, results[run["run"]], strict=True):
        assert math.isclose(
            float(have["statistic"]), float(want["value"]), rel_tol=1e-6, abs_tol=1e-9
        )
        assert math.isclose(float(have["expected"]), float(want["mu0"]), rel_tol=1e-6)
        assert have["alarm"] == want["alarm"]
        assert float(have["threshold"]) == float(run["c.ARL"])
