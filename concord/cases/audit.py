"""Appending to and verifying the hash-chained event record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from concord.core.audit import GENESIS, canonical_json, event_digest

from .models import Case, Event


def stream_for_case(case_id: int) -> str:
    return f"case:{case_id}"


def append_event(
    *,
    stream: str,
    kind: str,
    actor=None,
    case: Case | None = None,
    public: bool = False,
    data: dict[str, Any] | None = None,
    new_stream: bool = False,
) -> Event:
    """Append one event to a stream, chaining it to the stream's last event.

    `new_stream` says the caller just created the stream's owner, so there is no last event.

    Callers hold a lock on the stream's owner row (for a case: the case row), so reading the
    last event and inserting the next is race-free; the (stream, seq) unique constraint is the
    backstop if they do not.
    """
    last = (
        None
        if new_stream
        else Event.objects.filter(stream=stream).order_by("-seq").values_list("seq", "hash").first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # Store at microsecond precision exactly as hashed.
    now = timezone.now()
    # Round-trip through canonical JSON so what is hashed is exactly what is stored.
    data = json.loads(canonical_json(data or {}))
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    event = build_event(
        stream=stream,
        seq=seq,
        prev_hash=prev_hash,
        kind=kind,
        created_at=now,
        case_id=case.pk if case is not None else None,
        actor_id=actor_id,
        public=public,
        data=data,
    )
    if case is not None:
        event.case = case  # keep the loaded case on the event (no query to reach it)
    event.save()
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
    """Return an unsaved chained event (for bulk loaders that track the chain themselves)."""
    data = data or {}
    digest = event_digest(
        prev_hash=prev_hash,
        stream=stream,
        seq=seq,
        kind=kind,
        actor_id=actor_id,
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
    )


@dataclass
class ChainProblem:
    event_id: int
    stream: str
    seq: int
    reason: str


def verify_chain(*, batch_size: int = 5000) -> Iterator[tuple[int, ChainProblem | None]]:
    """Walk every stream in order; yield (events checked, first problem or None) as it goes."""
    checked = 0
    stream, expected_seq, prev = None, 1, GENESIS
    qs = Event.objects.order_by("stream", "seq").values_list(
        "id",
        "stream",
        "seq",
        "kind",
        "actor_id",
        "created_at",
        "public",
        "data",
        "prev_hash",
        "hash",
    )
    for row in qs.iterator(chunk_size=batch_size):
        eid, s, seq, kind, actor_id, created_at, public, data, prev_hash, digest = row
        if s != stream:
            stream, expected_seq, prev = s, 1, GENESIS
        if seq != expected_seq:
            yield (
                checked,
                ChainProblem(eid, s, seq, f"expected sequence {expected_seq}, found {seq}"),
            )
            return
        if prev_hash != prev:
            yield checked, ChainProblem(eid, s, seq, "previous-hash link does not match")
            return
        recomputed = event_digest(
            prev_hash=prev_hash,
            stream=s,
            seq=seq,
            kind=kind,
            actor_id=actor_id,
            created_at=created_at,
            public=public,
            data=data,
        )
        if recomputed != digest:
            yield checked, ChainProblem(eid, s, seq, "content does not match its hash")
            return
        prev, expected_seq = digest, seq + 1
        checked += 1
        if checked % batch_size == 0:
            yield checked, None
    yield checked, None
