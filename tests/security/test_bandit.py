"""Static security analysis: bandit finds no medium or high severity issue in the product code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_reports_no_medium_or_high_severity_issue():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            "concord",
            "-x",
            "*/tests/*",
            "-ll",
            "-f",
            "txt",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
