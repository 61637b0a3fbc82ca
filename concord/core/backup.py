"""Online backups and restores of the database (SQLite backup API or pg_dump/pg_restore)."""

from __future__ import annotations

import os
import sqlite3
import subprocess  # noqa: S404 (runs the PostgreSQL client tools with fixed arguments)
from pathlib import Path

from django.db import connections


class BackupError(RuntimeError):
    pass


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(path: str | Path, alias: str = "default") -> Path:
    """Write a consistent copy of the live database to `path`."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Owner-only from the first byte: the copy holds every resident's case.
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    conn = connections[alias]
    db = conn.settings_dict
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        target = sqlite3.connect(path)
        with target:
            conn.connection.backup(target)
        target.close()
    elif conn.vendor == "postgresql":
        args, env = _pg_env(db)
        run = subprocess.run(  # noqa: S603
            ["pg_dump", *args, "-Fc", "-f", str(path), db["NAME"]],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise BackupError(run.stderr.strip())
    else:
        raise BackupError(f"backups are not supported on {conn.vendor}")
    path.chmod(0o600)
    return path


def restore(path: str | Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup at `path` (stop the server first)."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    conn = connections[alias]
    db = conn.settings_dict
    if conn.vendor == "sqlite":
        source = sqlite3.connect(path)
        conn.ensure_connection()
        with source:
            source.backup(conn.connection)
        source.close()
    elif conn.vendor == "postgresql":
        args, env = _pg_env(db)
        conn.close()
        run = subprocess.run(  # noqa: S603
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                db["NAME"],
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise BackupError(run.stderr.strip())
    else:
        raise BackupError(f"restores are not supported on {conn.vendor}")
