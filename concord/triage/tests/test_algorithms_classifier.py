"""The category classifier on the real citizen messages shipped with triage."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concord.triage.algorithms.classifier import (
    DATA_DIR,
    HeldOut,
    ModelError,
    cross_validate,
    evaluate,
    load_labelled,
    load_model,
    score_predictions,
    train,
    train_default_model,
)

TITLES, BODIES, LABELS = load_labelled(DATA_DIR / "labelled.csv")


@pytest.fixture(scope="module")
def model():
    return train_default_model()


def test_cross_validated_macro_f1_reaches_target():
    # Temperature scaling does not change the arg-max, so the uncalibrated pipeline predicts
    # exactly what the shipped one does, in a fraction of the time.
    report = cross_validate(BODIES, LABELS, titles=TITLES, folds=5, seed=0, calibrate=False)
    assert report.macro_f1 >= 0.80
    assert set(report.per_class) == set(LABELS)


def test_suggest_returns_k_labels_best_first(model):
    suggestions = model.suggest(
        "学校周末组织补课，每个学生收费八百元", k=3, title="中学违规补课收费"
    )
    assert [label for label, _ in suggestions][0] == "教育文体"
    assert len(suggestions) == 3
    confidences = [c for _, c in suggestions]
    assert confidences == sorted(confidences, reverse=True)
    assert 0 < sum(confidences) <= 1.0 + 1e-9


def test_suggest_reads_english_through_the_seed_terms(model):
    label, _ = model.suggest("The factory discharges sewage into the river and it stinks.")[0]
    assert label == "环境保护"


def test_confidences_are_probabilities_over_all_labels(model):
    proba = model.predict_proba(BODIES[:20], TITLES[:20])
    assert proba.shape == (20, len(model.labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_out_of_sample_confidence_tracks_accuracy():
    # Calibration check: on held-out rows the mean confidence of the top label should be close
    # to the share of top labels that are right.
    order = np.random.default_rng(1).permutation(len(LABELS))
    fit, test = order[:220], order[220:]
    m = train([BODIES[i] for i in fit], [LABELS[i] for i in fit], titles=[TITLES[i] for i in fit])
    proba = m.predict_proba([BODIES[i] for i in test], [TITLES[i] for i in test])
    right = np.array([m.labels[p.argmax()] == LABELS[i] for p, i in zip(proba, test, strict=True)])
    assert abs(proba.max(axis=1).mean() - right.mean()) < 0.15


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀🎉", "！！！？？？……", "<p><br/></p>", "&nbsp;&nbsp;"],
)
def test_text_without_words_gets_no_suggestion(model, text):
    assert model.suggest(text) == []


def test_html_is_read_as_its_text(model):
    plain = model.suggest("小区物业乱收停车费", title="物业收费")
    html = model.suggest("<div><b>小区物业</b>乱收停车费</div>", title="<h1>物业收费</h1>")
    assert plain[0][0] == html[0][0]


def test_very_long_text_is_truncated_not_rejected(model):
    suggestions = model.suggest("医院看病排队太久，" * 20000)
    assert suggestions[0][0] == "卫生计生"


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), title=st.text(max_size=40), k=st.integers(1, 10))
def test_suggest_never_crashes(model, text, title, k):
    suggestions = model.suggest(text, k=k, title=title)
    assert len(suggestions) <= min(k, len(model.labels))
    assert all(label in model.labels and 0.0 <= c <= 1.0 for label, c in suggestions)


def test_saved_model_loads_with_same_version_and_predictions(model, tmp_path):
    path = tmp_path / "model.zip"
    model.save(path)
    loaded = load_model(path)
    assert loaded.version == model.version
    assert loaded.version.endswith(model.version.split("-")[1])
    np.testing.assert_allclose(
        loaded.predict_proba(BODIES[:30], TITLES[:30]),
        model.predict_proba(BODIES[:30], TITLES[:30]),
    )


def test_missing_model_file_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "absent.zip")


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04garbage"])
def test_corrupt_model_file_raises_model_error(tmp_path, content):
    path = tmp_path / "model.zip"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="corrupt"):
        load_model(path)


def test_tampered_weights_are_detected(model, tmp_path):
    path, tampered = tmp_path / "model.zip", tmp_path / "tampered.zip"
    model.save(path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "meta.json":
                meta = json.loads(data)
                meta["temperature"] = meta["temperature"] * 2
                data = json.dumps(meta).encode()
            dst.writestr(name, data)
    with pytest.raises(ModelError, match="does not match"):
        load_model(tampered)


def test_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("meta.json", json.dumps({"format": "something-else/9"}))
    with pytest.raises(ModelError, match="not a Concord triage model"):
        load_model(path)


def test_score_predictions_counts_per_class():
    report = score_predictions(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report.accuracy == 0.75
    assert report.per_class["a"].precision == 1.0
    assert report.per_class["a"].recall == 0.5
    assert report.per_class["b"].precision == pytest.approx(2 / 3)
    assert report.per_class["b"].support == 2
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_evaluate_on_training_data_is_near_perfect(model):
    report = evaluate(model, BODIES, LABELS, titles=TITLES)
    assert report.accuracy > 0.95
    assert "category" in report.table().splitlines()[0]


def test_replace_if_not_worse_keeps_the_better_model(model):
    from concord.triage.algorithms.classifier import replace_if_not_worse

    held_out = HeldOut(BODIES[250:], LABELS[250:], TITLES[250:])
    shuffled = list(np.random.default_rng(0).permutation(LABELS[:250]))
    noise = train(BODIES[:250], shuffled, titles=TITLES[:250], calibrate=False, lexicon={})
    kept = replace_if_not_worse(model, noise, held_out)
    assert not kept.replaced and kept.model is model
    assert kept.new_macro_f1 < kept.old_macro_f1
    swapped = replace_if_not_worse(noise, model, held_out)
    assert swapped.replaced and swapped.model is model
    first = replace_if_not_worse(None, noise, held_out)
    assert first.replaced and first.old_macro_f1 is None


def test_training_rejects_mismatched_or_single_class_input():
    with pytest.raises(ValueError):
        train(["a", "b"], ["x"])
    with pytest.raises(ValueError):
        train(["a", "b"], ["x", "x"])
    with pytest.raises(TypeError):
        train(["a", "b"], ["x", "y"], no_such_option=1)


def test_jieba_word_features_are_available_and_saved(tmp_path):
    m = train(BODIES[:80], LABELS[:80], titles=TITLES[:80], word_features=True, calibrate=False)
    path = Path(tmp_path) / "words.zip"
    m.save(path)
    loaded = load_model(path)
    assert loaded.features.words is not None
    assert loaded.predict(BODIES[80:90], TITLES[80:90]) == m.predict(BODIES[80:90], TITLES[80:90])
