"""A fresh clone has no data directory: the commands that start Concord create it before
Django's system checks open the database."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_migrate_on_a_fresh_clone_creates_the_data_directory_before_the_checks(tmp_path):
    data_dir = tmp_path / "not-yet" / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(CONCORD_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "concord.cli", "migrate", "--plan"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Planned operations" in result.stdout
    assert data_dir.is_dir()
    assert oct(data_dir.stat().st_mode & 0o777) == "0o700"
    assert (data_dir / "secret_key").is_file()
