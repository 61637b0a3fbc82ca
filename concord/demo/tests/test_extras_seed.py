"""The demo's extra content (every module's records) is deterministic for a seed."""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.db import connection, transaction

from concord.demo.generator import build_demo
from concord.demo.management.commands.demo import EXTRAS
from concord.demo.planner import TZ

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)
APPS = ("channels", "safety", "wellbeing", "participation", "open311", "assessments", "residents")
CASE_MODELS = ("cases.Case", "cases.Clock", "cases.TransferRequest", "cases.Party")
# Credentials are drawn from the operating system by design, never from the seed: the salt of a
# tracking token, an API key and a comment's receipt code and token. Ids are left out
# everywhere, and so is the case receipt code, which is made from the id (ids inside JSON data
# stay: on PostgreSQL the sequences are put back between builds, see `_keep_sequences`).
SKIPPED = {
    "cases.Case": {"token_salt", "receipt_code"},
    "open311.ApiKey": {"prefix", "key_hash"},
    "assessments.Comment": {"code", "token_digest"},
}


def _models():
    chosen = [m for app in APPS for m in apps.get_app_config(app).get_models()]
    return chosen + [apps.get_model(label) for label in CASE_MODELS]


def _columns(model):
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not f.is_relation
        and f.name not in SKIPPED.get(model._meta.label, ())
    ]


def canonical_dump() -> dict[str, list]:
    """Every row of the extras' tables without ids, sorted: equal dumps, equal content."""
    dump = {}
    for model in _models():
        cols = _columns(model)
        rows = sorted(repr(row) for row in model.objects.values_list(*cols))
        if rows:
            dump[model._meta.label] = rows
    return dump


class Rollback(Exception):
    pass


@contextmanager
def _keep_sequences():
    """PostgreSQL does not roll sequences back with a transaction: put them back afterwards, so
    that the next build numbers its rows (and the ids its JSON data mentions) as this one did."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
            "FROM pg_sequences"
        )
        saved = cursor.fetchall()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, last in saved:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, last or 1, last is not None])


def build(seed: int) -> dict[str, list]:
    """Build the tiny county (always seed 7) and the extras with `seed` at a fixed time; return
    the dump of the extras' tables; roll everything back."""
    with time_machine.travel(NOW, tick=False), _keep_sequences():
        with pytest.raises(Rollback), transaction.atomic():
            build_demo(size="tiny", seed=7, now=NOW, progress=False)
            for name in EXTRAS:
                importlib.import_module(f"concord.demo.{name}").populate(
                    seed=seed, today=NOW.date()
                )
            dump = canonical_dump()
            raise Rollback
    return dump


@pytest.mark.slow
@pytest.mark.django_db
def test_the_extras_are_the_same_for_a_seed_and_differ_for_another():
    first = build(seed=3)
    assert {"channels.Petition", "safety.PublicWarning", "wellbeing.Referral"} <= set(first)
    assert {"participation.Poll", "open311.ApiKey", "assessments.Comment"} <= set(first)
    assert {"residents.Resident", "residents.CaseClaim"} <= set(first)
    assert build(seed=3) == first
    other = build(seed=4)
    assert other != first
    for table in ("channels.Petition", "wellbeing.Referral", "participation.Suggestion"):
        assert other[table] != first[table]
