"""A character-bigram index on case titles (PostgreSQL).

Chinese is written without spaces, so a staff search for 退费 is a substring search, which a
B-tree cannot serve: a term that matches almost nothing used to read every case in the
reader's jurisdiction (365 ms over a county's million cases). The index holds each title's
distinct two-character pieces, upper-cased as the case-blind search (`icontains`) compares
them, character by character; a term of two or more characters first asks the
index for the titles holding all of its pieces, then checks the substring on those few
(concord.cases.selectors.title_matches). It is an expression index, so no write path has to
keep it: PostgreSQL computes it on every insert and update of a title, the bulk loader's COPY
included. SQLite keeps its plain LIKE scan.

The index is built CONCURRENTLY, outside a transaction, so that cases can still be filed
while it is built on a large table (about a minute at a million cases).
"""

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION concord_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT substr(upper(t), i, 2)), '{}')
        FROM generate_series(1, char_length(t) - 1) AS i
    $$
    """,
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS case_title_bigrams"
    " ON cases_case USING gin (concord_bigrams(title))",
]

DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS case_title_bigrams",
    "DROP FUNCTION IF EXISTS concord_bigrams(text)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0011_place_path_statistics")]

    operations = [migrations.RunPython(create, drop)]
