"""``concord triage``: the pure CSV functions first, then the management command."""

from __future__ import annotations

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concord.triage.algorithms.batch import (
    InputError,
    evaluate_csv,
    format_report,
    predict_csv,
    train_csv,
)
from concord.triage.algorithms.classifier import ModelError, load_model

MESSAGES = Path(__file__).parent / "fixtures" / "messages_small.csv"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "triage.zip"
    train_csv(MESSAGES, path)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_train_csv_writes_a_loadable_model(model_path):
    model = load_model(model_path)
    assert len(model.labels) == 7
    assert model.version


def test_predict_csv_writes_id_category_confidence(model_path, tmp_path):
    out = tmp_path / "out.csv"
    assert predict_csv(model_path, MESSAGES, out) == 70
    rows = _read(out)
    assert list(rows[0]) == ["id", "category", "confidence"]
    truth = {r["id"]: r["category"] for r in _read(MESSAGES)}
    assert all(0 < float(r["confidence"]) <= 1 for r in rows)
    assert sum(r["category"] == truth[r["id"]] for r in rows) >= 60


def test_predict_csv_without_id_or_category_columns(model_path, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("title,body\n路灯不亮,小区路灯坏了\n,😀\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    predict_csv(model_path, source, out)
    rows = _read(out)
    assert list(rows[0]) == ["category", "confidence"]
    assert rows[1] == {"category": "", "confidence": "0"}


def test_evaluate_csv_report_ends_with_macro_f1(model_path):
    report = evaluate_csv(model_path, MESSAGES)
    text = format_report(report)
    assert text.splitlines()[-1] == f"macro_f1={report.macro_f1:.4f}"
    assert text.splitlines()[0].startswith("accuracy=")
    assert report.macro_f1 > 0.9  # the model was trained on these rows


def test_missing_input_and_columns_are_input_errors(model_path, tmp_path):
    with pytest.raises(InputError, match="not found"):
        train_csv(tmp_path / "absent.csv", tmp_path / "m.zip")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,text\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="body, category"):
        train_csv(bad, tmp_path / "m.zip")
    with pytest.raises(InputError, match="body"):
        predict_csv(model_path, bad, tmp_path / "out.csv")


def test_command_trains_predicts_and_evaluates(tmp_path):
    model = tmp_path / "m.zip"
    out = StringIO()
    call_command("triage", "train", "--input", str(MESSAGES), "--model", str(model), stdout=out)
    assert "7 categories" in out.getvalue()
    predictions = tmp_path / "p.csv"
    call_command(
        "triage",
        "predict",
        "--model",
        str(model),
        "--input",
        str(MESSAGES),
        "--output",
        str(predictions),
        stdout=StringIO(),
    )
    assert len(_read(predictions)) == 70
    out = StringIO()
    call_command("triage", "evaluate", "--model", str(model), "--input", str(MESSAGES), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1].startswith("macro_f1=")
    assert float(lines[-1].split("=")[1]) > 0.9
    assert any("环境保护" in line for line in lines)


def test_command_reports_missing_file_and_corrupt_model(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("triage", "evaluate", "--model", str(tmp_path / "no.zip"), "--input", "x.csv")
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"\x00" * 64)
    with pytest.raises(CommandError, match="corrupt"):
        call_command("triage", "evaluate", "--model", str(corrupt), "--input", str(MESSAGES))


def test_truncated_model_file_is_a_model_error(model_path, tmp_path):
    truncated = tmp_path / "truncated.zip"
    shutil.copy(model_path, truncated)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        load_model(truncated)
