"""Detector behaviour beyond the R references: batches, parameters, statistics."""

import csv
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from concord.warning.algorithms.detectors import METHODS, detect, make_params
from concord.warning.algorithms.glm import Design, fit_quasipoisson

FIXTURES = Path(__file__).parent / "fixtures" / "surveillance"


def load_counts(name: str) -> np.ndarray:
    with open(FIXTURES / f"{name}.input.csv", newline="") as handle:
        return np.array([float(row["count"]) for row in csv.DictReader(handle)])


@pytest.fixture(scope="module")
def panel() -> np.ndarray:
    """Three 312-week series of different character, one per row."""
    return np.vstack([load_counts(name) for name in ("agona", "outbreak", "bursty")])


@pytest.mark.parametrize("method", sorted(METHODS))
def test_a_batch_of_series_gives_the_same_result_as_each_series_alone(method, panel):
    together = detect(method, panel, start=260)
    for row in range(panel.shape[0]):
        alone = detect(method, panel[row], start=260)
        np.testing.assert_array_equal(together.alarm[row], alone.alarm[0])
        np.testing.assert_allclose(together.threshold[row], alone.threshold[0], rtol=1e-9)
        np.testing.assert_allclose(together.expected[row], alone.expected[0], rtol=1e-9)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_results_cover_every_period_from_start(method, panel):
    result = detect(method, panel)
    start = make_params(method).min_history
    assert result.start == start
    for array in (result.threshold, result.alarm, result.expected, result.score):
        assert array.shape == (3, panel.shape[1] - start)


def test_farrington_alarms_exactly_when_the_score_exceeds_one_on_a_nonzero_count(panel):
    result = detect("farrington", panel, start=200)
    counts = panel[:, 200:]
    assert result.alarm.any()
    np.testing.assert_array_equal(result.alarm, (result.score > 1) & (counts > 0))
    # With the delta threshold a score above one means the count is above the threshold.
    assert np.all(counts[result.alarm] > result.threshold[result.alarm])


def test_noufaily_thresholds_are_negative_binomial_quantiles_of_the_expected_count(panel):
    result = detect("farrington-noufaily", panel)
    known = ~np.isnan(result.threshold)
    assert known.any()
    assert np.all(result.threshold[known] == np.round(result.threshold[known]))
    assert np.all(result.threshold[known] >= np.floor(result.expected[known]))


def test_cusum_alarms_when_the_sum_reaches_h(panel):
    result = detect("cusum", panel, start=100, params={"h": 3.0})
    np.testing.assert_array_equal(result.alarm, result.score >= 3.0)
    np.testing.assert_allclose(result.expected[:, 0], panel[:, :100].mean(axis=1))


def test_ears_c1_threshold_is_mean_plus_z_times_sd_of_the_last_seven_weeks():
    counts = np.array([1, 2, 3, 4, 5, 6, 7, 20, 4], dtype=float)
    result = detect("ears-c1", counts)
    baseline = counts[:7]
    want = baseline.mean() + stats.norm.ppf(0.999) * baseline.std(ddof=1)
    assert result.threshold[0, 0] == pytest.approx(want)
    assert result.alarm[0].tolist() == [True, False]
    assert result.expected[0, 0] == pytest.approx(4.0)


def test_ears_c2_skips_the_two_most_recent_weeks():
    # The two weeks of 50 just before the evaluated week are not part of its baseline.
    counts = np.array([2, 2, 2, 2, 2, 2, 3, 50, 50, 4], dtype=float)
    result = detect("ears-c2", counts)
    assert result.expected[0, 0] == pytest.approx(15 / 7)
    assert result.threshold[0, 0] < 4
    assert result.alarm[0, 0]


def test_parameters_accept_r_names_and_strings():
    params = make_params("farrington", {"noPeriods": "10", "alpha": "0.01", "reweight": "false"})
    assert params.no_periods == 10
    assert params.alpha == 0.01
    assert params.reweight is False
    assert make_params("farrington", {"limit54": "0,4"}).limit54 == (0, 4)
    assert make_params("cusum", {"m": "2.5"}).m == 2.5


@pytest.mark.parametrize(
    ("method", "overrides", "message"),
    [
        ("cusum", {"nonsense": 1}, "unknown parameter"),
        ("ears-c1", {"method": "C2"}, "unknown parameter"),
        ("farrington", {"b": "three"}, "invalid value"),
        ("farrington", {"alpha": "2"}, "alpha"),
        ("ears-c3", {"baseline": "2"}, "baseline"),
        ("nope", {}, "unknown method"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(method, overrides, message):
    with pytest.raises(ValueError, match=message):
        make_params(method, overrides)


def test_too_little_history_is_refused():
    with pytest.raises(ValueError, match="earlier periods"):
        detect("farrington", np.ones((1, 300)), start=100)


def test_glm_fit_matches_statsmodels_quasi_poisson():
    rng = np.random.default_rng(7)
    groups = np.repeat([0, 1, 2], [12, 15, 13])
    time = np.linspace(-1, 1, 40)
    x = np.column_stack([np.eye(3)[groups], time])
    y = rng.poisson(np.exp(x @ np.array([1.0, 0.4, 1.5, 0.3])), size=(5, 40)).astype(float)

    fit = fit_quasipoisson(Design(groups=groups, covariate=time), y)

    assert fit.converged.all()
    for row in range(5):
        ref = sm.GLM(y[row], x, family=sm.families.Poisson()).fit(scale="X2", tol=1e-12)
        np.testing.assert_allclose(fit.level_coef[row], ref.params[:3], rtol=1e-6)
        np.testing.assert_allclose(fit.trend_coef[row], ref.params[3], rtol=1e-6)
        np.testing.assert_allclose(fit.dispersion[row], ref.scale, rtol=1e-4)
        _, se = fit.predict_link(1)
        np.testing.assert_allclose(se[row], ref.bse[1], rtol=1e-4)
        leverage = ref.get_influence().hat_matrix_diag
        np.testing.assert_allclose(fit.hat()[row], leverage, rtol=1e-4)
