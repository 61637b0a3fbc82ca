"""Collect static files only when what would be collected has changed.

`concord serve` (and so `make demo`) starts often; a full `collectstatic` compresses every file
again each time. The fingerprint is taken over every file the static finders list (its path,
size and modification time) and the static settings; it is kept in a stamp file inside
STATIC_ROOT, so a deleted or emptied STATIC_ROOT is collected again as well.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

STAMP = ".concord-static-stamp"


def fingerprint() -> str:
    """Return a digest of every static source file and of the settings that shape the output."""
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            st = os.stat(storage.path(path))
            entries.append((path, st.st_size, st.st_mtime_ns))
    entries.sort()
    config = {
        "root": str(settings.STATIC_ROOT),
        "storage": settings.STORAGES.get("staticfiles", {}),
        "files": entries,
    }
    return hashlib.sha256(json.dumps(config, default=str).encode()).hexdigest()


def stamp_path() -> Path:
    return Path(settings.STATIC_ROOT) / STAMP


def collect_static_if_changed() -> bool:
    """Run `collectstatic` when the static sources changed since the last run; say whether."""
    current = fingerprint()
    stamp = stamp_path()
    if stamp.exists() and stamp.read_text().strip() == current:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return True
