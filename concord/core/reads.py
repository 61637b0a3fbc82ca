"""One consistent view of the database for a long read, without holding the write lock.

Concord opens its write transactions IMMEDIATE on SQLite (settings: a transaction that reads and
then writes never has to upgrade its lock and fail), so a plain `transaction.atomic()` around a
long read would keep every writer waiting until it ends. `consistent_reads()` opens the read
transaction DEFERRED instead: under WAL it reads one snapshot while writers go on committing.
On PostgreSQL it is REPEATABLE READ and READ ONLY (a write inside fails loudly). Inside a
transaction that is already open, the block simply joins it.

Writes that follow such a read (alerts raised from it) go in short transactions of their own.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def consistent_reads(using: str | None = None):
    alias = using or DEFAULT_DB_ALIAS
    conn = connections[alias]
    if conn.in_atomic_block:
        with transaction.atomic(using=alias):
            yield
        return
    if conn.vendor == "sqlite":
        previous = conn.transaction_mode
        conn.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic(using=alias):  # BEGIN DEFERRED
                conn.transaction_mode = previous
                yield
        finally:
            conn.transaction_mode = previous
        return
    with transaction.atomic(using=alias):
        if conn.vendor == "postgresql":
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
