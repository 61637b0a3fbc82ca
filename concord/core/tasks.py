"""Enqueue background work tied to the transaction that asks for it."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django_tasks import task

from . import checkpoints

logger = logging.getLogger(__name__)


def enqueue_with_transaction(task, *args: Any) -> None:
    """Enqueue `task(*args)` so that it exists exactly when the current transaction commits.

    With the database task backend the task row is written inside the transaction: it commits or
    rolls back with the change that asked for it (a crash right after the commit cannot lose it)
    and costs no second commit. Other backends (RQ) cannot join the transaction and are sent on
    commit; a queue that is down then is logged, never turned into an error for a change that is
    already committed.
    """
    from django_tasks_db import DatabaseBackend

    if connection.in_atomic_block and isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=True)


@task()
def ledger_checkpoint_task() -> dict[str, Any]:
    """Sign the ledger's stream heads (every few minutes); skip, loudly, without a signing key."""

    if not checkpoints.has_signing_key():
        logger.warning(
            "no ledger signing key at %s: no checkpoint written", checkpoints.key_paths()[0]
        )
        return {"skipped": "no signing key"}
    written = checkpoints.write_checkpoint()
    return {"number": written.number, "events": written.events, "failed": written.mirrors_failed}
