"""The import rules of pyproject.toml ([tool.importlinter], docs/ARCHITECTURE.md) hold.

`lint-imports` runs them in .ci/run as well; here they run inside the suite, and a planted
breach shows that each kind of rule can fail.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_import_contracts_are_kept():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    kept = [
        line for line in done.stdout.splitlines() if line.endswith(" KEPT") or " KEPT (" in line
    ]
    assert len(kept) >= 5, done.stdout[-2000:]


def test_the_contracts_catch_a_breach(tmp_path):
    """The same kinds of contract on a small package with one breach of each."""
    pkg = tmp_path / "house"
    files = {
        "__init__.py": "",
        "algorithms/__init__.py": "",
        "algorithms/maths.py": "import json\nfrom house import db\n",
        "db.py": "",
        "web/__init__.py": "",
        "shop/__init__.py": "",
        "shop/views.py": "from house import web\nfrom house.secret import inner, public\n",
        "secret/__init__.py": "",
        "secret/inner.py": "",
        "secret/public.py": "",
        "a/__init__.py": "from house import b\n",
        "b/__init__.py": "from house import a\n",
    }
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "setup.cfg").write_text(
        textwrap.dedent(
            """
            [importlinter]
            root_package = house

            [importlinter:contract:pure]
            name = Algorithms import no database
            type = forbidden
            source_modules = house.algorithms
            forbidden_modules = house.db

            [importlinter:contract:web]
            name = Nothing imports web
            type = forbidden
            source_modules = house.shop
            forbidden_modules = house.web

            [importlinter:contract:public]
            name = Only the public face of secret
            type = forbidden
            source_modules = house.shop
            forbidden_modules = house.secret
            allow_indirect_imports = true
            ignore_imports = house.shop.** -> house.secret.public

            [importlinter:contract:cycles]
            name = No cycles
            type = acyclic_siblings
            ancestors = house
            depth = 0
            """
        ),
        encoding="utf-8",
    )
    done = _lint(tmp_path, str(tmp_path / "setup.cfg"))
    assert done.returncode != 0
    for name in (
        "Algorithms import no database",
        "Nothing imports web",
        "Only the public face of secret",
        "No cycles",
    ):
        assert f"{name} BROKEN" in done.stdout, done.stdout[-3000:]
