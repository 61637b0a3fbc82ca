"""The surveillance command: detect and scan from files, and clear refusals of bad input."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

FIXTURES = Path(__file__).parent / "fixtures"
AGONA = FIXTURES / "surveillance" / "agona.input.csv"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def detect(*args: str) -> None:
    call_command("surveillance", "detect", *args)


def test_detect_writes_every_week_from_the_first_with_enough_history(tmp_path):
    output = tmp_path / "out.csv"
    detect("--method", "ears-c1", "--input", str(AGONA), "--output", str(output))
    rows = list(csv.DictReader(output.open()))
    assert list(rows[0]) == ["date", "count", "threshold", "alarm", "reason"]
    assert len(rows) == 312 - 7
    assert rows[0]["date"] == "2000-02-21"  # the eighth week
    assert {row["alarm"] for row in rows} == {"0", "1"}


def test_detect_from_a_date_and_with_parameters(tmp_path):
    output = tmp_path / "out.csv"
    args = ["--method", "farrington", "--input", str(AGONA), "--output", str(output)]
    detect(*args, "--from", "2005-01-03")
    strict = list(csv.DictReader(output.open()))
    detect(*args, "--from", "2005-01-03", "--param", "alpha=0.001", "--param", "limit54=0,4")
    loose = list(csv.DictReader(output.open()))
    assert strict[0]["date"] == loose[0]["date"] == "2005-01-03"
    assert len(strict) == len(loose) == 51
    # No "5 cases in 4 weeks" rule and a smaller alpha: every week gets a higher threshold.
    assert all(row["threshold"] for row in loose)
    pairs = [(s, lo) for s, lo in zip(strict, loose, strict=True) if s["threshold"]]
    assert pairs and all(float(lo["threshold"]) > float(s["threshold"]) for s, lo in pairs)


GOOD_HEADER = "date,count\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("day,count\n2024-01-01,1\n", "missing column"),
        ("date,cases\n2024-01-01,1\n", "missing column"),
        (GOOD_HEADER, "no data rows"),
        (GOOD_HEADER + "2024-01-08,1\n2024-01-01,2\n", "ascending"),
        (GOOD_HEADER + "2024-01-01,1\n2024-01-01,2\n", "ascending"),
        (GOOD_HEADER + "2024-01-01,1\n2024-01-15,2\n", "contiguous"),
        (GOOD_HEADER + "2024-01-01,1\n2024-01-04,2\n", "contiguous"),
        (GOOD_HEADER + "2024-01-01,-3\n", "negative count"),
        (GOOD_HEADER + "2024-01-01,2.5\n", "invalid count"),
        (GOOD_HEADER + "2024-01-01,\n", "invalid count"),
        (GOOD_HEADER + "01/02/2024,1\n", "invalid date"),
        (GOOD_HEADER + "2024-01-01,1\n" * 1, "needs 7 weeks of history"),
    ],
)
def test_detect_refuses_bad_input_with_a_reason(tmp_path, content, message):
    source = write(tmp_path / "in.csv", content)
    with pytest.raises(CommandError, match=message):
        detect("--method", "ears-c1", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--from", "2003-01-01"], "not one of the input weeks"),
        (["--from", "2000-01-10"], "needs 159 weeks of history"),
        (["--from", "2003-13-01"], "invalid date"),
        (["--param", "colour=red"], "unknown parameter"),
        (["--param", "alpha"], "key=value"),
        (["--param", "b=x"], "invalid value"),
    ],
)
def test_detect_refuses_bad_options_with_a_reason(tmp_path, extra, message):
    with pytest.raises(CommandError, match=message):
        detect(
            "--method",
            "farrington",
            "--input",
            str(AGONA),
            "--output",
            str(tmp_path / "o.csv"),
            *extra,
        )


def test_detect_refuses_unknown_method_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        detect("--method", "magic", "--input", str(AGONA), "--output", str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="cannot read"):
        detect(
            "--method",
            "cusum",
            "--input",
            str(tmp_path / "none.csv"),
            "--output",
            str(tmp_path / "o.csv"),
        )


def test_bad_input_exits_non_zero_with_the_message_on_stderr(tmp_path):
    source = write(tmp_path / "in.csv", GOOD_HEADER + "2024-01-01,1\n2024-01-22,2\n")
    done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [
            sys.executable,
            "-m",
            "concord.cli",
            "surveillance",
            "detect",
            "--method",
            "cusum",
            "--input",
            str(source),
            "--output",
            str(tmp_path / "o.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "contiguous" in done.stderr


def test_scan_writes_the_clusters_as_json(tmp_path):
    output = tmp_path / "clusters.json"
    call_command(
        "surveillance",
        "scan",
        "--cases",
        str(FIXTURES / "stscan" / "t1.cas"),
        "--geo",
        str(FIXTURES / "stscan" / "t1.geo"),
        "--start",
        "0",
        "--end",
        "1000",
        "--replications",
        "9",
        "--seed",
        "3",
        "--output",
        str(output),
    )
    clusters = json.loads(output.read_text())
    assert isinstance(clusters, list) and clusters
    assert clusters[0]["centre"] == "23"
    assert sorted(clusters[0]["locations"]) == ["16", "23", "6"]


def test_scan_refuses_a_bad_fraction(tmp_path):
    with pytest.raises(CommandError, match="fraction"):
        call_command(
            "surveillance",
            "scan",
            "--cases",
            "a.cas",
            "--geo",
            "a.geo",
            "--start",
            "0",
            "--end",
            "10",
            "--max-space-fraction",
            "1.5",
            "--output",
            str(tmp_path / "c.json"),
        )


def test_detect_reads_populations_for_an_offset(tmp_path):
    """A constant population leaves Farrington unchanged, a growing one changes its thresholds,
    and without the column the offset is refused."""
    rows = list(csv.DictReader(AGONA.open()))
    outputs = {}
    for name, growth in (("flat", 0.0), ("growing", 0.05)):
        source = tmp_path / f"{name}.csv"
        with source.open("w") as handle:
            handle.write("date,count,population\n")
            for row in rows:
                year = int(row["date"][:4]) - 2000
                handle.write(f"{row['date']},{row['count']},{round(1e5 * (1 + growth) ** year)}\n")
        out = tmp_path / f"{name}.out.csv"
        detect(
            "--method",
            "farrington",
            "--input",
            str(source),
            "--output",
            str(out),
            "--param",
            "populationOffset=true",
        )
        outputs[name] = list(csv.DictReader(out.open()))
    plain = tmp_path / "plain.csv"
    detect("--method", "farrington", "--input", str(AGONA), "--output", str(plain))
    plain_rows = list(csv.DictReader(plain.open()))
    flat = outputs["flat"]
    assert [r["threshold"] != "" for r in flat] == [r["threshold"] != "" for r in plain_rows]
    for a, b in zip(flat, plain_rows, strict=True):
        if a["threshold"]:
            assert abs(float(a["threshold"]) - float(b["threshold"])) <= 1e-6 * float(
                b["threshold"]
            )
    assert any(
        a["threshold"] != b["threshold"] for a, b in zip(flat, outputs["growing"], strict=True)
    )
    with pytest.raises(CommandError, match="population"):
        detect(
            "--method",
            "farrington",
            "--input",
            str(AGONA),
            "--output",
            str(tmp_path / "x.csv"),
            "--param",
            "populationOffset=true",
        )
