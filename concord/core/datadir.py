"""The data directory at start: owner-only, with the secret key file made once.

Importing the settings writes nothing. The first `migrate`, `serve` or `worker` calls
`prepare_data_dir()`: the directory and what lies directly in it (database, keys, outbox,
backups) become owner-only, and, without SECRET_KEY in the environment, the random key file
(settings.SECRET_KEY_FILE) is created once (exclusively, so two processes starting together
agree on one key) and the running process switches to it, so that what it writes (encrypted
fields, tracking tokens) is readable by every later process.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from concord.core import fields


def make_owner_only(data_dir: Path) -> None:
    """Create the data directory owner-only (0700), and take group and other access away from
    it and from what lies directly in it."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in [data_dir, *data_dir.iterdir()]:
        try:
            mode = path.lstat().st_mode
            if not os.path.islink(path) and mode & 0o077:
                path.chmod(mode & 0o700)
        except OSError:  # not ours, or gone meanwhile: leave it to the operator
            pass


def ensure_secret_key() -> Path | None:
    """Create the key file if missing and use its key; return the file (None: key from env)."""
    if getattr(settings, "SECRET_KEY_FROM_ENV", True):
        return None
    path = Path(settings.SECRET_KEY_FILE)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if key and settings.SECRET_KEY != key:
        settings.SECRET_KEY = key
        fields.forget_keys()
    return path


def prepare_data_dir() -> None:
    make_owner_only(Path(settings.DATA_DIR))
    ensure_secret_key()


class PreparesDataDir:
    """Mixin for the commands that start Concord (`migrate`, `serve`, `worker`): the data
    directory is prepared before Django's system checks, which already open the database (on a
    fresh clone, SQLite cannot create its file in a directory that does not exist yet)."""

    def execute(self, *args, **options):
        prepare_data_dir()
        return super().execute(*args, **options)
