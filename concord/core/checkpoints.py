"""Signed checkpoints of the ledger, kept outside the database.

A checkpoint is a statement — its number, time, number of streams and events, and the Merkle
root over every stream head — signed with an Ed25519 key read from a file the database does not
hold (`LEDGER["SIGNING_KEY_FILE"]`). It is written to the database (with the heads that moved
since the checkpoint before) and appended to every *store* outside it:

- the checkpoint log, a JSON-lines file (`LEDGER["CHECKPOINT_LOG"]`), always;
- each mirror in `LEDGER["MIRRORS"]`, which should live on another machine (a second file on the
  same disk is not a second store):
  - ``db:ALIAS`` — a table in another database, a second entry of `DATABASES` (set
    ``CONCORD_LEDGER_MIRROR_DATABASE_URL`` to define the alias ``ledger_mirror``);
  - ``dir:/path`` — one JSON file per checkpoint in a directory that is another machine's share
    or an object-storage mount (S3, OSS, MinIO through a FUSE or sync client).

A store is anything with `append(entry)` and `entries()`; see `CheckpointStore`.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from .ledger import ChainProblem, Expectations, canonical_json, merkle_root, verify_streams
from .models import Checkpoint, CheckpointLeaf, StreamHead

logger = logging.getLogger(__name__)


class LedgerKeyError(RuntimeError):
    """The signing key (or its public half) cannot be read."""


def conf() -> dict[str, Any]:
    return getattr(settings, "LEDGER", {})


# Keys -------------------------------------------------------------------------------------------


def key_paths() -> tuple[Path, Path]:
    private = Path(conf()["SIGNING_KEY_FILE"])
    public = Path(conf().get("PUBLIC_KEY_FILE") or f"{private}.pub")
    return private, public


def generate_key(*, overwrite: bool = False) -> Path:
    """Write a new Ed25519 key pair (the private half readable by its owner only)."""
    private, public = key_paths()
    if private.exists() and not overwrite:
        raise LedgerKeyError(f"{private} exists; refusing to replace a signing key")
    private.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private


def signing_key() -> Ed25519PrivateKey:
    private, _ = key_paths()
    try:
        key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise LedgerKeyError(f"cannot read the ledger signing key {private}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerKeyError(f"{private} is not an Ed25519 key")
    return key


def has_signing_key() -> bool:
    try:
        signing_key()
    except LedgerKeyError:
        return False
    return True


def public_key() -> Ed25519PublicKey:
    _, public = key_paths()
    try:
        key = serialization.load_pem_public_key(public.read_bytes())
    except (OSError, ValueError):
        return signing_key().public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise LedgerKeyError(f"{public} is not an Ed25519 public key")
    return key


def statement(entry: dict[str, Any]) -> bytes:
    fields = ("number", "at", "streams", "events", "root")
    return canonical_json({"checkpoint": {k: entry[k] for k in fields}}).encode()


def signature_ok(entry: dict[str, Any], key: Ed25519PublicKey) -> bool:
    try:
        key.verify(base64.b64decode(entry["signature"]), statement(entry))
    except (InvalidSignature, KeyError, ValueError, TypeError):
        return False
    return True


# Stores -----------------------------------------------------------------------------------------


class CheckpointStore(Protocol):
    """Somewhere outside the database that keeps every signed checkpoint entry."""

    name: str

    def append(self, entry: dict[str, Any]) -> None: ...

    def entries(self) -> list[dict[str, Any]]: ...


class FileStore:
    """An append-only JSON-lines file (flushed to disk before the checkpoint commits)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path}"

    def append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(canonical_json(entry) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    logger.warning("unreadable line in %s", self.path)
        return out


class DirectoryStore:
    """One file per checkpoint in a directory on another machine or an object-storage mount."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = f"dir:{self.path}"

    def append(self, entry: dict[str, Any]) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / f"checkpoint-{entry['number']:010d}.json"
        tmp = target.with_suffix(".tmp")
        tmp.write_text(canonical_json(entry), encoding="utf-8")
        os.replace(tmp, target)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.is_dir():
            return []
        return [
            json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(self.path.glob("checkpoint-*.json"))
        ]


class DatabaseStore:
    """A table in another database (a second `DATABASES` alias, ideally on another server)."""

    TABLE = "concord_ledger_checkpoint"

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.name = f"db:{alias}"

    def _cursor(self):
        conn = connections[self.alias]
        cursor = conn.cursor()
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.TABLE} "  # noqa: S608 # nosec B608
            "(id INTEGER PRIMARY KEY, number INTEGER NOT NULL, entry TEXT NOT NULL)"
            if conn.vendor == "sqlite"
            else f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
            "(id BIGSERIAL PRIMARY KEY, number BIGINT NOT NULL, entry TEXT NOT NULL)"
        )
        return cursor

    def append(self, entry: dict[str, Any]) -> None:
        with transaction.atomic(using=self.alias), self._cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.TABLE} (number, entry) VALUES (%s, %s)",  # noqa: S608 # nosec B608
                [entry["number"], canonical_json(entry)],
            )

    def entries(self) -> list[dict[str, Any]]:
        with self._cursor() as cursor:
            cursor.execute(f"SELECT entry FROM {self.TABLE} ORDER BY id")  # noqa: S608 # nosec B608
            return [json.loads(row[0]) for row in cursor.fetchall()]


def store_for(spec: str) -> CheckpointStore:
    kind, _, where = spec.partition(":")
    if kind == "db":
        return DatabaseStore(where)
    if kind == "dir":
        return DirectoryStore(where)
    if kind == "file":
        return FileStore(where)
    raise ValueError(f"unknown checkpoint store {spec!r} (use db:ALIAS, dir:/path or file:/path)")


def stores() -> list[CheckpointStore]:
    """The checkpoint log first, then the mirrors."""
    return [FileStore(conf()["CHECKPOINT_LOG"])] + [store_for(s) for s in conf().get("MIRRORS", [])]


# Writing ----------------------------------------------------------------------------------------


@dataclass
class Written:
    number: int
    streams: int
    events: int
    root: str
    leaves: int
    mirrors_failed: list[str]


def write_checkpoint() -> Written:
    """Sign the current stream heads and keep the checkpoint in the database and every store.

    The heads are read in one statement (one consistent snapshot); only those that moved since
    the last checkpoint are stored as leaves. The checkpoint log is written before the database
    commits, so a checkpoint the database holds is always outside it too; a failing mirror is
    logged and reported by `verify` as lagging, and does not stop the checkpoint.
    """
    key = signing_key()  # fail before touching anything when the key is not here
    with transaction.atomic():
        heads = list(StreamHead.objects.order_by("stream").values_list("stream", "seq", "hash"))
        pending = {
            s for s in StreamHead.objects.filter(pending=True).values_list("stream", flat=True)
        }
        # Past every number already used, in the database or outside it: after a backup is
        # restored, the database's own count is behind the checkpoint log's, and a number
        # must never be signed twice.
        number = max(Checkpoint.objects.aggregate(n=Max("number"))["n"] or 0, _top_outside()) + 1
        entry: dict[str, Any] = {
            "number": number,
            "at": timezone.now().isoformat(timespec="microseconds"),
            "streams": len(heads),
            "events": sum(h[1] for h in heads),
            "root": merkle_root(heads),
        }
        entry["signature"] = base64.b64encode(key.sign(statement(entry))).decode()
        checkpoint = Checkpoint.objects.create(
            number=number,
            created_at=entry["at"],
            streams=entry["streams"],
            events=entry["events"],
            root=entry["root"],
            signature=entry["signature"],
        )
        leaves = [
            CheckpointLeaf(checkpoint=checkpoint, stream=s, seq=q, hash=h)
            for s, q, h in heads
            if s in pending
        ]
        CheckpointLeaf.objects.bulk_create(leaves, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_streamhead SET pending = %s WHERE pending = %s AND EXISTS ("
                "SELECT 1 FROM core_checkpointleaf l WHERE l.checkpoint_id = %s "
                "AND l.stream = core_streamhead.stream AND l.seq = core_streamhead.seq)",
                [False, True, checkpoint.pk],
            )
        primary, *mirrors = stores()
        primary.append(entry)
    failed = []
    for store in mirrors:
        try:
            store.append(entry)
        except Exception:  # a mirror that is down must not stop the checkpoint
            logger.exception("could not copy checkpoint %s to %s", number, store.name)
            failed.append(store.name)
    return Written(number, entry["streams"], entry["events"], entry["root"], len(leaves), failed)


def _top_outside() -> int:
    """The highest checkpoint number in the checkpoint log (the store that is always there)."""
    numbers = [e.get("number") for e in stores()[0].entries()]
    return max((n for n in numbers if isinstance(n, int)), default=0)


# Verifying --------------------------------------------------------------------------------------


@dataclass
class Report:
    checked: int
    problem: ChainProblem | None
    checkpoint: int | None
    warnings: list[str]


def _outside() -> tuple[dict[int, dict[str, Any]], list[str], list[str]]:
    """Every valid signed entry outside, by number (the latest line for a number wins)."""
    key: Ed25519PublicKey | None = None
    found: dict[int, dict[str, Any]] = {}
    warnings, errors = [], []
    per_store: dict[str, set[int]] = {}
    for store in stores():
        try:
            entries = store.entries()
        except Exception as exc:  # an unreachable mirror is reported, not fatal
            warnings.append(f"checkpoint store {store.name} cannot be read: {exc}")
            continue
        numbers = per_store.setdefault(store.name, set())
        for entry in entries:
            key = key or public_key()
            if not signature_ok(entry, key):
                errors.append(f"checkpoint store {store.name} holds an entry with a bad signature")
                continue
            numbers.add(entry["number"])
            found[entry["number"]] = entry
    if found:
        top = max(found)
        for name, numbers in per_store.items():
            if top not in numbers:
                warnings.append(f"checkpoint store {name} lacks checkpoint {top}")
    return found, warnings, errors


def _leaves_up_to(number: int, *, only: bool = False) -> dict[str, tuple[int, str]]:
    qs = CheckpointLeaf.objects.filter(checkpoint__number__lte=number)
    if only:
        qs = CheckpointLeaf.objects.filter(checkpoint__number=number)
    leaves: dict[str, tuple[int, str]] = {}
    rows = qs.order_by("checkpoint__number").values_list("stream", "seq", "hash")
    for stream, seq, digest in rows.iterator(chunk_size=20_000):
        leaves[stream] = (seq, digest)
    return leaves


def _check_signed(
    number: int, entry: dict[str, Any], leaves: dict[str, tuple[int, str]]
) -> str | None:
    row = Checkpoint.objects.filter(number=number).first()
    if row is None:
        return f"the database lacks checkpoint {number}"
    if (row.root, row.streams, row.events) != (entry["root"], entry["streams"], entry["events"]):
        return f"the database's checkpoint {number} differs from the signed one"
    total = sum(v[0] for v in leaves.values())
    if (
        len(leaves) != entry["streams"]
        or total != entry["events"]
        or merkle_root((s, q, h) for s, (q, h) in leaves.items()) != entry["root"]
    ):
        return f"the stream heads stored for checkpoint {number} do not give its signed root"
    return None


def verify_ledger(*, progress=None) -> Report:
    """Check the database against the signed checkpoints, then every stream, one by one."""
    warnings: list[str] = []
    outside, store_warnings, errors = _outside()
    warnings += store_warnings
    if errors:
        return Report(0, ChainProblem(None, "-", None, errors[0]), None, warnings)
    db_top = Checkpoint.objects.aggregate(n=Max("number"))["n"]
    latest_number = max(outside) if outside else None
    if latest_number is None:
        if db_top is not None:
            return Report(
                0,
                ChainProblem(
                    None,
                    "-",
                    None,
                    f"the database holds checkpoint {db_top} but no store outside holds any",
                ),
                None,
                warnings,
            )
        warnings.append(
            "no signed checkpoint yet: the chain is checked, but a rewrite with recomputed "
            "digests or a removed stream tail cannot be told apart (run `audit checkpoint`)"
        )
        anchor, latest = None, {}
    else:
        if db_top is None or db_top < latest_number:
            return Report(
                0,
                ChainProblem(
                    None,
                    "-",
                    None,
                    f"the database was rolled back behind checkpoint {latest_number} "
                    f"(its latest checkpoint is {db_top or 'none'})",
                ),
                latest_number,
                warnings,
            )
        if db_top > latest_number:
            warnings.append(f"checkpoint {db_top} is in the database but in no store outside")
        first_number = min(outside)
        anchor_leaves = _leaves_up_to(first_number)
        latest = _leaves_up_to(latest_number) if latest_number != first_number else anchor_leaves
        signed = {first_number: anchor_leaves, latest_number: latest}  # one entry when equal
        for number, leaves in signed.items():
            found = _check_signed(number, outside[number], leaves)
            if found:
                return Report(0, ChainProblem(None, "-", None, found), latest_number, warnings)
        anchor = {s: v[0] for s, v in anchor_leaves.items()}
    heads = {
        s: (q, h)
        for s, q, h in StreamHead.objects.values_list("stream", "seq", "hash").iterator(
            chunk_size=20_000
        )
    }
    expect = Expectations(heads=heads, latest=latest, anchor=anchor, latest_number=latest_number)
    checked, problem = 0, None
    for checked, found in verify_streams(expect):
        if progress:
            progress(checked)
        if found:
            problem = found
            break
    return Report(checked, problem, latest_number, warnings)


def events_total() -> int:
    return StreamHead.objects.aggregate(n=Sum("seq"))["n"] or 0
