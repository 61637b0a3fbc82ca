"""The event record is append-only and hash-chained; `concord audit verify` finds tampering."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from concord.cases import actions
from concord.cases.models import Case, Event

pytestmark = pytest.mark.django_db


def a_case(world, title="噪音"):
    return actions.case_submit(kind="dispute", title=title, description="d", place=world.V11).case


def verify():
    try:
        call_command("audit", "verify")
    except SystemExit as exc:
        return exc.code
    return 0


def raw_update(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Simulate an attacker with superuser rights: triggers off for this session.
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS cases_event_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_an_intact_chain_verifies(world, capsys):
    case = a_case(world)
    actions.case_accept(actor=world.bob, case=case)
    a_case(world, "second")
    assert verify() == 0
    assert "OK: 3 events" in capsys.readouterr().out


def test_the_orm_refuses_to_change_or_delete_events(world):
    case = a_case(world)
    event = Event.objects.get(case=case)
    event.kind = "edited"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(case=case).update(kind="x")
    with pytest.raises(TypeError):
        Event.objects.filter(case=case).delete()


def test_the_database_refuses_updates_to_events(world):
    case = a_case(world)
    with pytest.raises(Exception):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE cases_event SET kind = 'x' WHERE case_id = %s", [case.pk])
    assert Event.objects.get(case=case).kind == "submitted"


@pytest.mark.parametrize(
    "column, value",
    [
        ("kind", "'forged'"),
        ("data", '\'{"receipt": "C-0000-000000"}\''),
        ("public", "NOT public"),
        ("seq", "seq + 10"),
        ("hash", "'" + "0" * 64 + "'"),
    ],
)
def test_changing_any_stored_event_is_detected_and_named(world, capsys, column, value):
    first = a_case(world)
    actions.case_accept(actor=world.bob, case=first)
    target = Event.objects.get(case=first, kind="accepted")
    a_case(world, "later case")
    raw_update(f"UPDATE cases_event SET {column} = {value} WHERE id = %s", [target.pk])
    assert verify() == 1
    err = capsys.readouterr().err
    assert f"id={target.pk}" in err


def test_a_removed_event_is_detected(world, capsys):
    case = a_case(world)
    actions.case_accept(actor=world.bob, case=case)
    actions.case_start(actor=world.bob, case=case)
    middle = Event.objects.get(case=case, kind="accepted")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM cases_event WHERE id = %s", [middle.pk])
    assert verify() == 1
    assert "expected sequence 2" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgres_trigger_refuses_delete(world):
    case = a_case(world)
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_event WHERE case_id = %s", [case.pk])
    assert Case.objects.filter(pk=case.pk).exists()
