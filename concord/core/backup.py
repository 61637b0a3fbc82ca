"""Backups that restore: the database, the media files and the keys, in one owner-only archive.

A backup is an uncompressed tar file (mode 0600) holding:

- ``manifest.json`` — format, version, time, database vendor, number of media files;
- ``database.sqlite3`` (SQLite backup API) or ``database.pgdump`` (``pg_dump -Fc``);
- ``media/`` — every file under ``MEDIA_ROOT`` (residents' attachments, exports);
- ``keys.json`` — the keys without which the database cannot be read or trusted, sealed with a
  passphrase (scrypt, then AES-256-GCM): ``SECRET_KEY`` (tracking tokens are HMACs under it,
  and the field key is derived from it when ``CONCORD_FIELD_KEY`` is unset), the field
  encryption key (residents' contact details) and the ledger's checkpoint signing key pair.

`restore` opens the keys first: a wrong passphrase, or an archive that is not a Concord backup,
is refused before anything is touched. It then replaces the database, moves every id sequence
past both the restored maximum and the maximum of the database it replaces, plus a gap (receipt
codes are made from case ids: a code issued after the backup is never issued again to another
case), swaps the media directory (the old one is kept beside it), and writes the keys into the
data directory, where a restarted Concord reads them.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (runs the PostgreSQL client tools with fixed arguments)
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.utils import timezone

from .checkpoints import has_signing_key, key_paths, write_checkpoint

FORMAT = "concord-backup"
VERSION = 2
KEYS_FORMAT = "concord-keys-1"
PASSPHRASE_ENV = "CONCORD_BACKUP_PASSPHRASE"  # noqa: S105 (a variable name)
# Ids skipped after a restore, beyond the highest either database had issued. When the live
# database is lost, how many cases were filed after the backup is unknown: the gap must be
# larger than that (it is larger than a county's cases in a year).
SEQUENCE_GAP = 100_000
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class BackupError(RuntimeError):
    pass


# Keys -------------------------------------------------------------------------------------------


def _derive(passphrase: str, salt: bytes, params: dict) -> bytes:
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(
        passphrase.encode("utf-8")
    )


def seal_keys(keys: dict, passphrase: str) -> dict:
    """Return `keys` encrypted under a key derived from the passphrase (scrypt + AES-GCM)."""
    if not passphrase:
        raise BackupError(
            f"a passphrase is needed to protect the keys (--passphrase or {PASSPHRASE_ENV})"
        )
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt, SCRYPT)).encrypt(
        nonce, json.dumps(keys).encode(), KEYS_FORMAT.encode()
    )
    b64 = base64.b64encode
    return {
        "format": KEYS_FORMAT,
        "kdf": {"name": "scrypt", **SCRYPT, "salt": b64(salt).decode()},
        "cipher": "AES-256-GCM",
        "nonce": b64(nonce).decode(),
        "ciphertext": b64(sealed).decode(),
    }


def open_keys(sealed: dict, passphrase: str) -> dict:
    """Return the keys sealed by `seal_keys`, or raise BackupError (wrong passphrase)."""
    if sealed.get("format") != KEYS_FORMAT or sealed.get("kdf", {}).get("name") != "scrypt":
        raise BackupError("this backup's keys are in an unknown format; nothing was changed")
    if not passphrase:
        raise BackupError(
            f"a passphrase is needed to open the backup's keys (--passphrase or {PASSPHRASE_ENV})"
        )
    b64 = base64.b64decode
    kdf = sealed["kdf"]
    try:
        plain = AESGCM(_derive(passphrase, b64(kdf["salt"]), kdf)).decrypt(
            b64(sealed["nonce"]), b64(sealed["ciphertext"]), KEYS_FORMAT.encode()
        )
    except InvalidTag:
        raise BackupError(
            "the passphrase does not open this backup's keys; nothing was changed"
        ) from None
    return json.loads(plain)


def current_keys() -> dict:
    """Return the keys this installation runs with (see the module docstring)."""

    private, public = key_paths()
    return {
        "secret_key": settings.SECRET_KEY,
        "field_key": getattr(settings, "CONCORD_FIELD_KEY", "") or "",
        "ledger_signing_key": private.read_text() if private.exists() else "",
        "ledger_public_key": public.read_text() if public.exists() else "",
    }


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def install_keys(keys: dict) -> list[str]:
    """Write restored keys where a restarted Concord reads them; return notes for the operator."""

    data_dir = Path(settings.DATA_DIR)
    notes = []
    _write_private(data_dir / "secret_key", keys["secret_key"])
    if os.environ.get("SECRET_KEY") and os.environ["SECRET_KEY"] != keys["secret_key"]:
        notes.append(
            "SECRET_KEY in the environment differs from the backup's, which is now in "
            f"{data_dir / 'secret_key'}: unset SECRET_KEY or set it to that value."
        )
    field_file = data_dir / "field_key"
    if keys["field_key"]:
        _write_private(field_file, keys["field_key"])
        if os.environ.get("CONCORD_FIELD_KEY", keys["field_key"]) != keys["field_key"]:
            notes.append(
                "CONCORD_FIELD_KEY in the environment differs from the backup's, which is now "
                f"in {field_file}: unset CONCORD_FIELD_KEY or set it to that value."
            )
    elif field_file.exists():
        field_file.unlink()  # the backup derived its field key from SECRET_KEY
    private, public = key_paths()
    if keys["ledger_signing_key"]:
        if private.exists() and private.read_text() != keys["ledger_signing_key"]:
            private.replace(private.with_name(private.name + ".before-restore"))
            notes.append(f"The signing key that was in {private} is kept as *.before-restore.")
        _write_private(private, keys["ledger_signing_key"])
        if keys["ledger_public_key"]:
            _write_private(public, keys["ledger_public_key"])
    return notes


# Database ---------------------------------------------------------------------------------------


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


def _db_member(vendor: str) -> str:
    return {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[vendor]


def dump_database(path: Path, alias: str = "default") -> None:
    """Write a consistent copy of the live database to `path`."""
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


def load_database(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the copy at `path`."""
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
            ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", db["NAME"], path],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode:
            raise BackupError(run.stderr.strip())
    else:
        raise BackupError(f"restores are not supported on {conn.vendor}")


# Sequences --------------------------------------------------------------------------------------


def _id_tables(conn) -> list[tuple[str, str]]:
    """Return (table, column) of every model whose primary key the database numbers."""
    existing = set(conn.introspection.table_names())
    out = []
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if isinstance(pk, models.AutoField) and model._meta.db_table in existing:
            out.append((model._meta.db_table, pk.column))
    return sorted(set(out))


def sequence_values(alias: str = "default") -> dict[str, int]:
    """Return, per table, the highest id its sequence has issued (or the highest id stored)."""
    conn = connections[alias]
    values: dict[str, int] = {}
    with conn.cursor() as cur:
        tables = _id_tables(conn)
        qn = conn.ops.quote_name
        for table, column in tables:
            cur.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")  # noqa: S608 # nosec B608 (quoted names)
            values[table] = cur.fetchone()[0] or 0
        if conn.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cur.fetchone():
                cur.execute("SELECT name, seq FROM sqlite_sequence")
                for name, seq in cur.fetchall():
                    if name in values:
                        values[name] = max(values[name], seq or 0)
        elif conn.vendor == "postgresql":
            for table, column in tables:
                cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                seq = cur.fetchone()[0]
                if seq:
                    cur.execute(f"SELECT last_value, is_called FROM {seq}")  # noqa: S608 # nosec B608 (a name from pg_get_serial_sequence)
                    last, called = cur.fetchone()
                    values[table] = max(values[table], last if called else last - 1)
    return values


def advance_sequences(
    before: dict[str, int], gap: int = SEQUENCE_GAP, alias: str = "default"
) -> dict[str, int]:
    """Set every id sequence to `gap` past the highest of the restored and the replaced
    database's values; return the next value's predecessor per table."""
    conn = connections[alias]
    restored = sequence_values(alias)
    moved = {t: max(v, before.get(t, 0)) + gap for t, v in restored.items()}
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            for table, value in moved.items():
                cur.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cur.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value]
                )
        elif conn.vendor == "postgresql":
            for table, column in _id_tables(conn):
                cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                seq = cur.fetchone()[0]
                if seq and table in moved:
                    cur.execute("SELECT setval(%s, %s, true)", [seq, moved[table]])
    return moved


# Backup and restore -----------------------------------------------------------------------------


def backup(path: str | Path, *, passphrase: str, alias: str = "default") -> Path:
    """Write the database, the media files and the sealed keys to the archive `path`."""
    path = Path(path)
    sealed = seal_keys(current_keys(), passphrase)  # refuses an empty passphrase first
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    media = Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(prefix=".concord-backup-", dir=path.parent))  # 0700
    try:
        db_file = work / _db_member(vendor) if vendor in ("sqlite", "postgresql") else work / "db"
        dump_database(db_file, alias)
        media_files = sum(1 for p in media.rglob("*") if p.is_file()) if media.is_dir() else 0
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "vendor": vendor,
            "media_files": media_files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        (work / "keys.json").write_text(json.dumps(sealed, indent=1))
        partial = work / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(work / "keys.json", arcname="keys.json")
            tar.add(db_file, arcname=db_file.name)
            if media.is_dir():
                tar.add(media, arcname="media")
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path.chmod(0o600)
    return path


@dataclass
class Restored:
    manifest: dict
    sequences: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    notes: list[str] = field(default_factory=list)
    checkpoint: int | None = None


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.extractfile(name)
    except KeyError:
        member = None
    if member is None:
        raise BackupError(f"this backup has no {name}; nothing was changed")
    return member.read()


def _swap_media(extracted: Path | None) -> int:
    """Put the restored media in MEDIA_ROOT; the media it replaces stays beside it."""
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        media.replace(media.with_name(f"{media.name}.before-restore-{stamp}"))
    elif media.exists():
        media.rmdir()
    media.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if extracted is None or not extracted.is_dir():
        media.mkdir(mode=0o700)
        return 0
    shutil.move(str(extracted), str(media))
    return sum(1 for p in media.rglob("*") if p.is_file())


def restore(
    path: str | Path, *, passphrase: str, gap: int = SEQUENCE_GAP, alias: str = "default"
) -> Restored:
    """Restore a backup written by `backup` (stop the server and the worker first)."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path} is not a Concord backup archive; nothing was changed")
    vendor = connections[alias].vendor
    with tarfile.open(path, "r") as tar:
        try:
            manifest = json.loads(_read_member(tar, "manifest.json"))
        except ValueError:
            manifest = {}
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is not a Concord backup archive; nothing was changed")
        if manifest.get("version", 0) > VERSION:
            raise BackupError("this backup was written by a newer Concord; nothing was changed")
        keys = open_keys(json.loads(_read_member(tar, "keys.json")), passphrase)
        if manifest.get("vendor") != vendor:
            raise BackupError(
                f"this backup is of a {manifest.get('vendor')} database, not {vendor}; "
                "nothing was changed"
            )
        media_root = Path(settings.MEDIA_ROOT)
        media_root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".concord-restore-", dir=media_root.parent))
        try:
            tar.extractall(work, filter="data")
            db_file = work / _db_member(vendor)
            if not db_file.exists():
                raise BackupError("this backup has no database; nothing was changed")
            before = sequence_values(alias)
            load_database(db_file, alias)
            report = Restored(manifest=manifest)
            report.sequences = advance_sequences(before, gap, alias)
            report.media_files = _swap_media(work / "media")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    report.notes = install_keys(keys)
    report.checkpoint = _checkpoint_after_restore()
    return report


def _checkpoint_after_restore() -> int | None:
    """Sign the restored ledger, numbered past every checkpoint the stores hold.

    The checkpoint log still holds the checkpoints written after the backup: against them the
    restored database is rolled back, and `audit verify` says so. The operator restoring on the
    server that holds the signing key vouches for the restored state by signing it; the later
    checkpoints stay in the log as the record of what the backup lacks.
    """

    if not has_signing_key():
        return None
    return write_checkpoint().number
