"""The ledger: one append-only, hash-chained record of what happened, for every app.

Each record that keeps a history (a case, a user, an alert, a policy, a delivery, a team, an
export …) appends to its own *stream*. Every event stores the digest of all its stored columns
together with the digest of the event before it in the stream, so changing, removing or
reordering a stored event breaks the chain. A head table keeps each stream's last sequence number
and digest, moved in the same transaction as the append.

A chain alone cannot stop a database administrator who rewrites a stream and recomputes every
digest with the (public) digest function, nor one who deletes a stream's tail and its head. So the
worker writes a signed checkpoint every few minutes (`concord audit checkpoint`): the Merkle root
over every stream head, with the number of events and the time, signed with an Ed25519 key the
database does not hold and appended to stores outside the database (see `core.checkpoints`).
`verify` then holds the database to the last checkpoint.

Digest versions: version 1 (before the ledger moved to `core`) did not cover the record an event
belongs to (`case_id`) and chained by concatenation. Events sealed with it keep it (re-hashing
them would be the very rewrite `verify` exists to catch); the first signed checkpoint anchors
them, and `verify` checks each event with its own version. New events use version 2.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from .models import Event, StreamHead

GENESIS = "0" * 64
DIGEST_VERSION = 2


# One encoder for every digest: json.dumps with options builds a new encoder on each call,
# which was a third of the JSON time of `audit verify` over a million events.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
)


def canonical_json(value: Any) -> str:
    """Return a stable JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return _CANONICAL.encode(value)


def stream_for_case(case_id: int) -> str:
    return f"case:{case_id}"


def _at(created_at: datetime | str) -> str:
    # In UTC, as both databases hand it back; microseconds are stored exactly.
    if isinstance(created_at, str):
        return _at_from_text(created_at)
    if created_at.tzinfo is not UTC:
        created_at = created_at.astimezone(UTC)
    return created_at.isoformat(timespec="microseconds")


def _at_from_text(raw: str) -> str:
    """`_at` of a time read as the database's text, without building a datetime: PostgreSQL
    gives "2024-01-01 08:00:00.5+00" in the UTC session Django opens, SQLite its stored UTC
    text "2024-01-01 08:00:00.500000". `audit verify` reads a million times this way; anything
    else is parsed in full."""
    base, rest = raw[:19], raw[19:]
    frac = ""
    if rest.startswith("."):
        end = 1
        while end < len(rest) and rest[end].isdigit():
            end += 1
        frac, rest = rest[1:end], rest[end:]
    if len(base) == 19 and base[10] in " T" and rest in ("", "+00", "+00:00") and len(frac) <= 6:
        return f"{base[:10]}T{base[11:]}.{frac.ljust(6, '0')}+00:00"
    parsed = datetime.fromisoformat(raw)
    return _at(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def digest_v1(
    *,
    prev_hash: str,
    stream: str,
    seq: int,
    kind: str,
    actor_id: int | None,
    created_at: datetime | str,
    public: bool,
    data: dict[str, Any],
    case_id: int | None = None,  # not covered by version 1
) -> str:
    body = canonical_json(
        {
            "stream": stream,
            "seq": seq,
            "kind": kind,
            "actor": actor_id,
            "at": _at(created_at),
            "public": public,
            "data": data,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def digest_v2(
    *,
    prev_hash: str,
    stream: str,
    seq: int,
    kind: str,
    actor_id: int | None,
    created_at: datetime | str,
    public: bool,
    data: dict[str, Any],
    case_id: int | None,
) -> str:
    """Every stored column but the row id and the digest itself, and the version."""
    body = canonical_json(
        {
            "v": 2,
            "stream": stream,
            "seq": seq,
            "kind": kind,
            "actor": actor_id,
            "case": case_id,
            "at": _at(created_at),
            "public": public,
            "data": data,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


DIGESTS = {1: digest_v1, 2: digest_v2}


def event_digest(*, version: int = DIGEST_VERSION, **fields: Any) -> str:
    """Return the digest of one event's columns with digest `version`."""
    return DIGESTS[version](**fields)


# Callables(event) run inside append_event's transaction after the event is stored: apps that
# act on events (resident messages) register with `after_append`, so every state change that
# records an event is seen through the one write path. A hook defers its work
# (enqueue_with_transaction) and must not raise: nothing may undo the change that recorded it.
_AFTER_APPEND: list[Callable[[Event], None]] = []


def after_append(hook: Callable[[Event], None]) -> None:
    """Register `hook` to see every event appended from now on (once, however often called)."""
    if hook not in _AFTER_APPEND:
        _AFTER_APPEND.append(hook)


def append_event(
    *,
    stream: str,
    kind: str,
    actor=None,
    case=None,
    public: bool = False,
    data: dict[str, Any] | None = None,
    new_stream: bool = False,
) -> Event:
    """Append one event to a stream, chaining it to the stream's head, and move the head.

    `new_stream` says the caller just created the stream's owner, so there is no head yet. The
    head row is locked for the append, so two appends to one stream are serialised; the
    (stream, seq) unique constraint and the head's primary key are the backstop.
    """
    with transaction.atomic(savepoint=False):
        head = (
            None
            if new_stream
            else StreamHead.objects.select_for_update().filter(stream=stream).first()
        )
        seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS)
        # Round-trip through canonical JSON so what is hashed is exactly what is stored.
        data = json.loads(canonical_json(data or {}))
        actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
        event = build_event(
            stream=stream,
            seq=seq,
            prev_hash=prev_hash,
            kind=kind,
            created_at=timezone.now(),
            case_id=case.pk if case is not None else None,
            actor_id=actor_id,
            public=public,
            data=data,
        )
        if case is not None:
            event.case = case  # keep the loaded case on the event (no query to reach it)
        event.save()
        if head is None:
            StreamHead.objects.create(stream=stream, seq=seq, hash=event.hash, pending=True)
        else:
            StreamHead.objects.filter(stream=stream).update(seq=seq, hash=event.hash, pending=True)
        for hook in _AFTER_APPEND:
            hook(event)
    return event


def build_event(
    *,
    stream: str,
    seq: int,
    prev_hash: str,
    kind: str,
    created_at,
    case_id=None,
    actor_id=None,
    public=False,
    data=None,
) -> Event:
    """Return an unsaved chained event (bulk loaders track the chain and write `heads_for`)."""
    data = data or {}
    digest = digest_v2(
        prev_hash=prev_hash,
        stream=stream,
        seq=seq,
        kind=kind,
        actor_id=actor_id,
        case_id=case_id,
        created_at=created_at,
        public=public,
        data=data,
    )
    return Event(
        stream=stream,
        seq=seq,
        case_id=case_id,
        kind=kind,
        actor_id=actor_id,
        created_at=created_at,
        public=public,
        data=data,
        prev_hash=prev_hash,
        hash=digest,
        version=DIGEST_VERSION,
    )


def heads_for(events: Iterable[Event]) -> list[StreamHead]:
    """Return the head rows for bulk-built events (the last event of each stream)."""
    last: dict[str, Event] = {}
    for event in events:
        if event.stream not in last or event.seq > last[event.stream].seq:
            last[event.stream] = event
    return [StreamHead(stream=s, seq=e.seq, hash=e.hash, pending=True) for s, e in last.items()]


# Merkle root over stream heads ------------------------------------------------------------------


def leaf_hash(stream: str, seq: int, digest: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{stream}\x1f{seq}\x1f{digest}".encode()).digest()


def merkle_root(heads: Iterable[tuple[str, int, str]]) -> str:
    """Return the hex Merkle root over (stream, seq, hash), taken in stream order."""
    level = [leaf_hash(s, q, h) for s, q, h in sorted(heads)]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    sha = hashlib.sha256
    while len(level) > 1:
        nxt = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


# Verifying ---------------------------------------------------------------------------------------


@dataclass
class ChainProblem:
    event_id: int | None
    stream: str
    seq: int | None
    reason: str


@dataclass
class Expectations:
    """What the database must still hold: heads, and the leaves of the signed checkpoints."""

    heads: dict[str, tuple[int, str]]
    latest: dict[str, tuple[int, str]]  # stream -> (seq, hash) as of the last checkpoint
    anchor: dict[str, int] | None  # stream -> last seq version-1 events may reach (None: no cp)
    latest_number: int | None = None


def verify_streams(
    expect: Expectations, *, batch_size: int = 10_000
) -> Iterator[tuple[int, ChainProblem | None]]:
    """Walk every stream in order; yield (events checked, first problem or None) as it goes.

    Each stream is checked on its own: sequence from 1 without gaps, each link to the digest
    before it, each digest by its version, the case a case stream's events belong to, the head,
    and the leaf of the last checkpoint (a stream rewritten, cut short or removed since).
    """
    heads, latest, anchor = expect.heads, expect.latest, expect.anchor
    expected_streams = sorted(set(heads) | set(latest))
    pending_idx = 0
    checked = 0
    # The data and time columns are read as their stored text: the data decoded here, a third
    # cheaper than the JSON field's own conversion (the digest re-encodes it canonically
    # anyway), the time never turned into a datetime (`_at_from_text`).
    qs = (
        Event.objects.order_by("stream", "seq")
        .annotate(data_text=Cast("data", TextField()), at_text=Cast("created_at", TextField()))
        .values_list(
            "id",
            "stream",
            "seq",
            "kind",
            "actor_id",
            "case_id",
            "at_text",
            "public",
            "data_text",
            "prev_hash",
            "hash",
            "version",
        )
    )
    stream: str | None = None
    expected_seq, prev, last_id = 1, GENESIS, None
    leaf_seen = True
    case_of_stream: int | None = None
    v1_limit = 0
    cp = expect.latest_number

    def close(s: str, last_seq: int, last_hash: str, last_event: int | None, leaf_ok: bool):
        head = heads.get(s)
        if head is None:
            return ChainProblem(last_event, s, last_seq, "the stream has no head row")
        if head != (last_seq, last_hash):
            return ChainProblem(
                last_event,
                s,
                last_seq,
                f"the head says #{head[0]} but the last event is #{last_seq} "
                "(events removed from the end, or the head was changed)",
            )
        leaf = latest.get(s)
        if leaf is not None and leaf[0] > last_seq:
            return ChainProblem(
                last_event,
                s,
                last_seq,
                f"checkpoint {cp} signed this stream up to #{leaf[0]}; "
                f"the database ends at #{last_seq}",
            )
        if not leaf_ok:
            return ChainProblem(
                None,
                s,
                leaf[0] if leaf else None,
                f"event #{leaf[0] if leaf else '?'} differs from what checkpoint {cp} signed "
                "(the stream was rewritten and its digests recomputed)",
            )
        return None

    def missing_before(s: str | None) -> ChainProblem | None:
        nonlocal pending_idx
        while pending_idx < len(expected_streams) and (
            s is None or expected_streams[pending_idx] < s
        ):
            gone = expected_streams[pending_idx]
            pending_idx += 1
            if gone != stream:
                return ChainProblem(
                    None, gone, None, "the stream has a head or a signed checkpoint but no events"
                )
        if pending_idx < len(expected_streams) and expected_streams[pending_idx] == s:
            pending_idx += 1
        return None

    last_hash = GENESIS
    for row in qs.iterator(chunk_size=batch_size):
        eid, s, seq, kind, actor_id, case_id, created_at, public, data, prev_hash, digest, ver = row
        data = json.loads(data)
        if s != stream:
            if stream is not None:
                problem = close(stream, expected_seq - 1, last_hash, last_id, leaf_seen)
                if problem:
                    yield checked, problem
                    return
            problem = missing_before(s)
            if problem:
                yield checked, problem
                return
            stream, expected_seq, prev = s, 1, GENESIS
            leaf_seen = s not in latest
            case_of_stream = int(s[5:]) if s.startswith("case:") and s[5:].isdigit() else None
            v1_limit = (anchor.get(s, 0) if anchor is not None else None) or 0
            if anchor is None:
                v1_limit = 1 << 62
        if seq != expected_seq:
            yield (
                checked,
                ChainProblem(eid, s, seq, f"expected sequence {expected_seq}, found {seq}"),
            )
            return
        if prev_hash != prev:
            yield checked, ChainProblem(eid, s, seq, "previous-hash link does not match")
            return
        if case_of_stream is not None and case_id != case_of_stream:
            yield (
                checked,
                ChainProblem(
                    eid, s, seq, f"the event belongs to case {case_id}, not to its stream's case"
                ),
            )
            return
        if ver not in DIGESTS or (ver == 1 and seq > v1_limit):
            yield (
                checked,
                ChainProblem(
                    eid, s, seq, f"digest version {ver} is not allowed here (not anchored)"
                ),
            )
            return
        recomputed = DIGESTS[ver](
            prev_hash=prev_hash,
            stream=s,
            seq=seq,
            kind=kind,
            actor_id=actor_id,
            case_id=case_id,
            created_at=created_at,
            public=public,
            data=data,
        )
        if recomputed != digest:
            yield checked, ChainProblem(eid, s, seq, "content does not match its hash")
            return
        if not leaf_seen:
            leaf = latest[s]
            if seq == leaf[0]:
                if digest != leaf[1]:
                    yield (
                        checked,
                        ChainProblem(
                            eid,
                            s,
                            seq,
                            f"the event differs from what checkpoint {cp} signed "
                            "(the stream was rewritten and its digests recomputed)",
                        ),
                    )
                    return
                leaf_seen = True
        prev, last_hash, last_id, expected_seq = digest, digest, eid, seq + 1
        checked += 1
        if checked % batch_size == 0:
            yield checked, None
    if stream is not None:
        problem = close(stream, expected_seq - 1, last_hash, last_id, leaf_seen)
        if problem:
            yield checked, problem
            return
    problem = missing_before(None)
    if problem:
        yield checked, problem
        return
    yield checked, None
