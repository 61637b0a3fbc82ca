"""The ledger holds against a database administrator without the signing key.

Every attack is made with raw SQL, with the append-only triggers switched off as a superuser
would; an attacker who recomputes digests uses the public digest function. These tests run on
SQLite and, with DATABASE_URL pointing at PostgreSQL, on PostgreSQL.
"""

import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from concord.cases import actions
from concord.cases.models import Case
from concord.core import checkpoints
from concord.core.ledger import GENESIS, digest_v1, digest_v2
from concord.core.models import Checkpoint, Event, StreamHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    checkpoints.generate_key()


def a_case(world, title="噪音"):
    return actions.case_submit(kind="dispute", title=title, description="d", place=world.V11).case


def three_events(world):
    case = a_case(world)
    actions.case_accept(actor=world.bob, case=case)
    actions.case_start(actor=world.bob, case=case)
    return case


def verify(capsys=None):
    try:
        call_command("audit", "verify")
    except SystemExit as exc:
        return exc.code
    return 0


def checkpoint():
    call_command("audit", "checkpoint")


@contextmanager
def dba():
    """A cursor of a database administrator who has switched the append-only triggers off."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if pg:
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_checkpoint_no_update")
        yield cursor
        if pg:
            cursor.execute("SET session_replication_role = DEFAULT")


def row(event_id):
    return Event.objects.values().get(pk=event_id)


def recompute_from(cursor, stream, first_seq, prev):
    """Recompute every digest of `stream` from `first_seq` on, and its head, as an attacker can."""
    for e in Event.objects.filter(stream=stream, seq__gte=first_seq).order_by("seq").values():
        digest = digest_v2(
            prev_hash=prev,
            stream=e["stream"],
            seq=e["seq"],
            kind=e["kind"],
            actor_id=e["actor_id"],
            case_id=e["case_id"],
            created_at=e["created_at"],
            public=e["public"],
            data=e["data"],
        )
        cursor.execute(
            "UPDATE core_event SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, e["id"]]
        )
        prev, last = digest, e["seq"]
    cursor.execute(
        "UPDATE core_streamhead SET seq = %s, hash = %s WHERE stream = %s", [last, prev, stream]
    )


def err_of(capsys):
    return capsys.readouterr().err


# The intact ledger --------------------------------------------------------------------------------


def test_an_intact_ledger_verifies_before_and_after_checkpoints(world, key, capsys):
    three_events(world)
    a_case(world, "second")
    assert verify() == 0
    out = capsys.readouterr()
    assert "OK: 4 events" in out.out
    assert "no signed checkpoint yet" in out.err
    checkpoint()
    actions.case_accept(actor=world.bob, case=a_case(world, "accepted after"))
    a_case(world, "third")
    assert verify() == 0
    assert "held to signed checkpoint 1" in capsys.readouterr().out
    checkpoint()
    assert verify() == 0
    assert "held to signed checkpoint 2" in capsys.readouterr().out


def test_the_head_moves_with_every_append_in_the_same_transaction(world):
    case = three_events(world)
    head = StreamHead.objects.get(stream=f"case:{case.pk}")
    last = Event.objects.filter(case=case).order_by("-seq").first()
    assert (head.seq, head.hash, head.pending) == (3, last.hash, True)
    assert last.version == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        from concord.core.ledger import append_event

        append_event(stream=f"case:{case.pk}", kind="note", case=case)
        raise RuntimeError("roll back")
    assert StreamHead.objects.get(stream=f"case:{case.pk}").seq == 3


def test_a_checkpoint_is_signed_stored_outside_and_takes_in_only_moved_heads(world, key, tmp_path):
    three_events(world)
    a_case(world, "second")
    mirror = tmp_path / "mirror"
    from django.conf import settings

    settings.LEDGER = {**settings.LEDGER, "MIRRORS": [f"dir:{mirror}"]}
    first = checkpoints.write_checkpoint()
    assert (first.number, first.streams, first.events, first.leaves) == (1, 2, 4, 2)
    assert not StreamHead.objects.filter(pending=True).exists()
    a_case(world, "third")
    second = checkpoints.write_checkpoint()
    assert (second.number, second.streams, second.events, second.leaves) == (2, 3, 5, 1)
    log = [json.loads(line) for line in open(settings.LEDGER["CHECKPOINT_LOG"])]
    assert [e["number"] for e in log] == [1, 2]
    assert sorted(p.name for p in mirror.iterdir()) == [
        "checkpoint-0000000001.json",
        "checkpoint-0000000002.json",
    ]
    pub = checkpoints.public_key()
    assert all(checkpoints.signature_ok(e, pub) for e in log)
    forged = {**log[-1], "root": "0" * 64}
    assert not checkpoints.signature_ok(forged, pub)


def test_checkpoint_without_a_key_is_a_clear_error(world):
    from django.core.management.base import CommandError

    a_case(world)
    with pytest.raises(CommandError, match="signing key"):
        checkpoint()
    assert not Checkpoint.objects.exists()


def test_the_worker_job_checkpoints_and_skips_without_a_key(world):
    from concord.core.tasks import ledger_checkpoint_task

    a_case(world)
    assert ledger_checkpoint_task.call() == {"skipped": "no signing key"}
    checkpoints.generate_key()
    assert ledger_checkpoint_task.call()["number"] == 1


def test_the_orm_and_the_database_refuse_changes(world):
    case = a_case(world)
    event = Event.objects.get(case=case)
    event.kind = "edited"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        Event.objects.filter(case=case).delete()
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_event SET kind = 'x' WHERE case_id = %s", [case.pk])
    assert Event.objects.get(case=case).kind == "submitted"


@pytest.mark.postgres
def test_postgres_refuses_deletes_of_events_and_checkpoints(world, key):
    case = a_case(world)
    checkpoint()
    for sql, params in (
        ("DELETE FROM core_event WHERE case_id = %s", [case.pk]),
        ("DELETE FROM core_checkpointleaf", []),
        ("UPDATE core_checkpoint SET root = 'x'", []),
    ):
        with pytest.raises(Exception, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
    assert Case.objects.filter(pk=case.pk).exists()


# Attacks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value",
    [
        ("kind", "'forged'"),
        ("public", "NOT public"),
        ("seq", "seq + 10"),
        ("hash", "'" + "0" * 64 + "'"),
        ("actor_id", "NULL"),
        ("created_at", "created_at"),  # replaced below by a different time
    ],
)
def test_an_edited_event_is_detected_and_named(world, capsys, column, value):
    first = three_events(world)
    target = Event.objects.get(case=first, kind="accepted")
    a_case(world, "later case")
    with dba() as cursor:
        if column == "created_at":
            cursor.execute(
                "UPDATE core_event SET created_at = %s WHERE id = %s",
                [datetime(2020, 1, 1, tzinfo=UTC), target.pk],
            )
        else:
            cursor.execute(f"UPDATE core_event SET {column} = {value} WHERE id = %s", [target.pk])
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream=case:{first.pk} seq=" in err
    # A renumbered event is found at the gap it left; any other change at the event itself.
    assert "expected sequence 2" in err if column == "seq" else f"id={target.pk}" in err


def test_edited_data_is_detected(world, capsys):
    case = three_events(world)
    target = Event.objects.get(case=case, kind="submitted")
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with dba() as cursor:
        cursor.execute(
            f"UPDATE core_event SET data = {cast} WHERE id = %s",
            [json.dumps({"receipt": "C-0000-000000"}), target.pk],
        )
    assert verify() == 1
    assert f"id={target.pk}" in err_of(capsys)


def test_a_removed_middle_event_is_detected(world, capsys):
    case = three_events(world)
    middle = Event.objects.get(case=case, kind="accepted")
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE id = %s", [middle.pk])
    assert verify() == 1
    assert "expected sequence 2" in err_of(capsys)


def test_a_removed_tail_is_detected_by_the_head(world, capsys):
    case = three_events(world)
    last = Event.objects.get(case=case, seq=3)
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE id = %s", [last.pk])
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream=case:{case.pk}" in err and "head says #3" in err


def test_a_removed_tail_with_its_head_moved_back_is_caught_by_the_checkpoint(world, key, capsys):
    case = three_events(world)
    checkpoint()
    second = Event.objects.get(case=case, seq=2)
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE stream = %s AND seq = 3", [f"case:{case.pk}"])
        cursor.execute(
            "UPDATE core_streamhead SET seq = 2, hash = %s WHERE stream = %s",
            [second.hash, f"case:{case.pk}"],
        )
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream=case:{case.pk}" in err and "up to #3" in err


def test_a_removed_stream_is_detected(world, key, capsys):
    a_case(world, "first")
    gone = three_events(world)
    a_case(world, "third")
    checkpoint()
    stream = f"case:{gone.pk}"
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE stream = %s", [stream])
        cursor.execute("DELETE FROM core_streamhead WHERE stream = %s", [stream])
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream={stream}" in err and "no events" in err


def test_a_removed_stream_is_detected_by_its_head_without_a_checkpoint(world, capsys):
    gone = three_events(world)
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE stream = %s", [f"case:{gone.pk}"])
    assert verify() == 1
    assert f"stream=case:{gone.pk}" in err_of(capsys)


def test_reordered_events_are_detected(world, capsys):
    case = three_events(world)
    stream = f"case:{case.pk}"
    with dba() as cursor:
        cursor.execute("UPDATE core_event SET seq = 99 WHERE stream = %s AND seq = 2", [stream])
        cursor.execute("UPDATE core_event SET seq = 2 WHERE stream = %s AND seq = 3", [stream])
        cursor.execute("UPDATE core_event SET seq = 3 WHERE stream = %s AND seq = 99", [stream])
    assert verify() == 1
    assert f"stream={stream}" in err_of(capsys)


def move(event_id, case_id):
    """Delete an event and insert it again with another case_id (the UPDATE trigger sees nothing)."""
    with dba() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE moved AS SELECT * FROM core_event WHERE id = %s", [event_id]
        )
        cursor.execute("DELETE FROM core_event WHERE id = %s", [event_id])
        cursor.execute("UPDATE moved SET case_id = %s", [case_id])
        cursor.execute("INSERT INTO core_event SELECT * FROM moved")
        cursor.execute("DROP TABLE moved")


def test_an_event_moved_to_another_case_is_detected(world, capsys):
    case = three_events(world)
    other = a_case(world, "other")
    target = Event.objects.get(case=case, kind="accepted")
    move(target.pk, other.pk)
    assert Event.objects.get(pk=target.pk).case_id == other.pk
    assert verify() == 1
    err = err_of(capsys)
    assert f"id={target.pk}" in err and f"stream=case:{case.pk}" in err


def test_a_moved_event_outside_case_streams_is_caught_by_the_digest(world, capsys):
    from concord.core.ledger import append_event

    case = a_case(world)
    event = append_event(stream="household:1", kind="registered", data={"n": 1})
    move(event.pk, case.pk)
    assert verify() == 1
    err = err_of(capsys)
    assert f"id={event.pk}" in err and "does not match its hash" in err


def test_an_inserted_event_with_a_recomputed_chain_is_caught_by_the_checkpoint(world, key, capsys):
    case = three_events(world)
    checkpoint()
    stream = f"case:{case.pk}"
    first = Event.objects.get(stream=stream, seq=1)
    with dba() as cursor:
        cursor.execute(
            "UPDATE core_event SET seq = seq + 100 WHERE stream = %s AND seq >= 2", [stream]
        )
        cursor.execute(
            "UPDATE core_event SET seq = seq - 99 WHERE stream = %s AND seq > 100", [stream]
        )
        cursor.execute(
            "INSERT INTO core_event (stream, seq, case_id, kind, actor_id, created_at, public, "
            "data, prev_hash, hash, version) SELECT stream, 2, case_id, 'withdrawn', NULL, "
            "created_at, public, data, prev_hash, hash, version FROM core_event WHERE id = %s",
            [first.pk],
        )
        recompute_from(cursor, stream, 2, first.hash)
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream={stream}" in err and "checkpoint 1 signed" in err


def test_an_inserted_tail_event_is_caught_by_the_head(world, capsys):
    case = three_events(world)
    stream = f"case:{case.pk}"
    last = Event.objects.get(stream=stream, seq=3)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    digest = digest_v2(
        prev_hash=last.hash,
        stream=stream,
        seq=4,
        kind="resolved",
        actor_id=None,
        case_id=case.pk,
        created_at=at,
        public=True,
        data={},
    )
    with dba() as cursor:
        cursor.execute(
            "INSERT INTO core_event (stream, seq, case_id, kind, actor_id, created_at, public, "
            "data, prev_hash, hash, version) SELECT stream, 4, case_id, 'resolved', NULL, %s, "
            "public, data, %s, %s, 2 FROM core_event WHERE id = %s",
            [at, last.hash, digest, last.pk],
        )
    assert verify() == 1
    assert "head says #3 but the last event is #4" in err_of(capsys)


def test_a_rewritten_stream_with_recomputed_digests_and_head_is_caught(world, key, capsys):
    case = three_events(world)
    a_case(world, "other")
    checkpoint()
    stream = f"case:{case.pk}"
    target = Event.objects.get(stream=stream, seq=2)
    with dba() as cursor:
        cursor.execute("UPDATE core_event SET kind = 'not_accepted' WHERE id = %s", [target.pk])
        recompute_from(cursor, stream, 2, target.prev_hash)
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream={stream}" in err and "rewritten" in err


def test_a_rewrite_that_also_forges_the_stored_checkpoint_leaves_is_caught(world, key, capsys):
    case = three_events(world)
    checkpoint()
    stream = f"case:{case.pk}"
    target = Event.objects.get(stream=stream, seq=2)
    with dba() as cursor:
        cursor.execute("UPDATE core_event SET kind = 'not_accepted' WHERE id = %s", [target.pk])
        recompute_from(cursor, stream, 2, target.prev_hash)
        head = StreamHead.objects.get(stream=stream)
        cursor.execute(
            "UPDATE core_checkpointleaf SET hash = %s WHERE stream = %s", [head.hash, stream]
        )
    assert verify() == 1
    assert "do not give its signed root" in err_of(capsys)


def test_a_database_rolled_back_behind_the_last_checkpoint_is_detected(world, key, capsys):
    three_events(world)
    checkpoint()
    a_case(world, "after the first checkpoint")
    checkpoint()
    # Restore an older copy: the second checkpoint and everything after the first are gone.
    second = Checkpoint.objects.get(number=2)
    with dba() as cursor:
        cursor.execute("DELETE FROM core_checkpointleaf WHERE checkpoint_id = %s", [second.pk])
        cursor.execute("DELETE FROM core_checkpoint WHERE id = %s", [second.pk])
    assert verify() == 1
    assert "rolled back behind checkpoint 2" in err_of(capsys)


def test_a_forged_checkpoint_in_the_log_is_refused(world, key, capsys):
    from django.conf import settings

    a_case(world)
    checkpoint()
    path = settings.LEDGER["CHECKPOINT_LOG"]
    entry = json.loads(open(path).read().splitlines()[-1])
    entry.update(number=2, root="1" * 64)
    with open(path, "a") as fh:
        fh.write(json.dumps(entry) + "\n")
    assert verify() == 1
    assert "bad signature" in err_of(capsys)


def test_a_mirror_on_another_machine_still_shows_a_rollback_when_the_log_is_lost(
    world, key, tmp_path, capsys
):
    from django.conf import settings

    settings.LEDGER = {**settings.LEDGER, "MIRRORS": [f"dir:{tmp_path / 'remote'}"]}
    a_case(world)
    checkpoint()
    a_case(world, "b")
    checkpoint()
    second = Checkpoint.objects.get(number=2)
    with dba() as cursor:
        cursor.execute("DELETE FROM core_checkpointleaf WHERE checkpoint_id = %s", [second.pk])
        cursor.execute("DELETE FROM core_checkpoint WHERE id = %s", [second.pk])
    open(settings.LEDGER["CHECKPOINT_LOG"], "w").close()  # the local log is lost too
    assert verify() == 1
    err = err_of(capsys)
    assert "rolled back behind checkpoint 2" in err and "lacks checkpoint 2" in err


def test_a_database_store_keeps_checkpoints(world, key):
    store = checkpoints.DatabaseStore("default")
    store.append({"number": 7, "root": "r"})
    assert store.entries()[-1] == {"number": 7, "root": "r"}


# Events sealed before the move to core (digest version 1) ---------------------------------------


def legacy_stream(case, n=2):
    """Write events as the old ledger did: digest version 1, which did not cover case_id."""
    stream, prev = f"case:{case.pk}", GENESIS
    with dba() as cursor:
        cursor.execute("DELETE FROM core_event WHERE stream = %s", [stream])
        for seq in range(1, n + 1):
            at = parse_datetime(f"2025-0{seq}-01T08:00:00+00:00")
            digest = digest_v1(
                prev_hash=prev,
                stream=stream,
                seq=seq,
                kind=f"old{seq}",
                actor_id=None,
                created_at=at,
                public=True,
                data={},
            )
            cursor.execute(
                "INSERT INTO core_event (stream, seq, case_id, kind, actor_id, created_at, "
                "public, data, prev_hash, hash, version) VALUES (%s, %s, %s, %s, NULL, %s, %s, "
                "'{}', %s, %s, 1)",
                [stream, seq, case.pk, f"old{seq}", at, True, prev, digest],
            )
            prev = digest
        cursor.execute(
            "UPDATE core_streamhead SET seq = %s, hash = %s WHERE stream = %s", [n, prev, stream]
        )
    return stream


def test_version_one_events_verify_by_their_own_digest_and_are_anchored(world, key, capsys):
    a_case(world, "anchor row")
    case = a_case(world)
    stream = legacy_stream(case)
    assert sorted(Event.objects.filter(stream=stream).values_list("version", flat=True)) == [1, 1]
    assert verify() == 0
    checkpoint()
    actions.case_accept(actor=world.bob, case=case)  # new events on an old stream: version 2
    assert Event.objects.get(stream=stream, seq=3).version == 2
    assert verify() == 0
    capsys.readouterr()


def test_a_version_one_event_forged_after_the_anchor_is_refused(world, key, capsys):
    a_case(world, "anchor row")
    case = a_case(world)
    checkpoint()
    stream = legacy_stream(case)  # written after the anchor, with the weaker digest
    assert verify() == 1
    err = err_of(capsys)
    assert f"stream={stream}" in err


def test_a_version_one_event_moved_to_another_case_is_detected(world, capsys):
    a_case(world, "anchor row")
    case = a_case(world)
    other = a_case(world, "other")
    stream = legacy_stream(case)
    target = Event.objects.get(stream=stream, seq=2)
    move(target.pk, other.pk)
    assert verify() == 1
    assert f"id={target.pk}" in err_of(capsys)
