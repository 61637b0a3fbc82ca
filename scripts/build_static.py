"""Copy the front-end libraries Concord serves from node_modules/ into build/static/vendor/.

Run `npm ci` first. The files are never committed: the build makes them on every machine from
the versions pinned in package-lock.json. Django finds build/static through STATICFILES_DIRS.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "build" / "static" / "vendor"

# source under node_modules → destination under build/static/vendor
FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
}
DIRECTORIES = {"leaflet/dist/images": "leaflet/images"}


def build() -> list[Path]:
    """Copy every needed file and return the destinations; exit loudly if one is missing."""
    missing = [src for src in [*FILES, *DIRECTORIES] if not (MODULES / src).exists()]
    if missing:
        sys.exit(
            "build_static: missing in node_modules/: "
            + ", ".join(missing)
            + " — run `npm ci` first."
        )
    written = []
    for src, dst in FILES.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / src, target)
        written.append(target)
    for src, dst in DIRECTORIES.items():
        target = VENDOR / dst
        shutil.copytree(MODULES / src, target, dirs_exist_ok=True)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"build_static: {path.relative_to(ROOT)}")
