"""The hash chain that makes the event record tamper-evident.

Each event stores the SHA-256 of its canonical content together with the hash of the event
before it in the same stream, so changing, removing or reordering any stored event breaks every
hash after it. Streams are per case (or per other record), which keeps appends free of a single
global lock while `concord audit verify` still checks everything.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Return a stable JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_digest(
    *,
    prev_hash: str,
    stream: str,
    seq: int,
    kind: str,
    actor_id: int | None,
    created_at: datetime,
    public: bool,
    data: dict[str, Any],
) -> str:
    """Return the hex SHA-256 that chains one event onto `prev_hash`."""
    body = canonical_json(
        {
            "stream": stream,
            "seq": seq,
            "kind": kind,
            "actor": actor_id,
            # In UTC, as both databases hand it back; microseconds are stored exactly.
            "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "public": public,
            "data": data,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()
