"""A character-bigram index on case titles (PostgreSQL).

Chinese is written without spaces, so a staff search for 退费 is a substring search, which a
B-tree cannot serve: a term that matches almost nothing used to read every case in the
reader's jurisdiction (365 ms over a county's million cases). The index holds each title's
distinct two-character pieces, lower-cased; a term of two or more characters first asks the
index for the titles holding all of its pieces, then checks the substring on those few
(concord.cases.selectors.title_matches). It is an expression index, so no write path has to
keep it: PostgreSQL computes it on every insert and update of a title, the bulk loader's COPY
included. SQLite keeps its plain LIKE scan.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION concord_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
    FROM generate_series(1, char_length(t) - 1) AS i
$$;
CREATE INDEX case_title_bigrams ON cases_case USING gin (concord_bigrams(title));
"""

DROP = """
DROP INDEX IF EXISTS case_title_bigrams;
DROP FUNCTION IF EXISTS concord_bigrams(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_place_path_statistics")]

    operations = [migrations.RunPython(create, drop)]
