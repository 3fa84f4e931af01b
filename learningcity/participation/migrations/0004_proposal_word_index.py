"""The proposals' full-text word index (``participation.fulltext``) and an index for
the counts per state.

On SQLite the index is an FTS5 table kept current by triggers. Django's SQLite schema
editor rebuilds a table (and so loses its triggers) when a later migration alters a
column of ``participation_proposal``; such a migration must run ``SQLITE_SETUP`` below
again. tests/participation/test_proposal_search.py fails if the triggers are gone."""

from django.db import migrations, models

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS participation_proposal_fts USING fts5(
        title, body, content='participation_proposal', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS participation_proposal_fts_insert AFTER INSERT ON participation_proposal BEGIN
        INSERT INTO participation_proposal_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS participation_proposal_fts_delete AFTER DELETE ON participation_proposal BEGIN
        INSERT INTO participation_proposal_fts(participation_proposal_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS participation_proposal_fts_update AFTER UPDATE OF title, body
        ON participation_proposal BEGIN
        INSERT INTO participation_proposal_fts(participation_proposal_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO participation_proposal_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO participation_proposal_fts(participation_proposal_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS participation_proposal_fts_insert",
    "DROP TRIGGER IF EXISTS participation_proposal_fts_delete",
    "DROP TRIGGER IF EXISTS participation_proposal_fts_update",
    "DROP TABLE IF EXISTS participation_proposal_fts",
]
POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS participation_proposal_words ON participation_proposal "
    "USING gin (to_tsvector('simple', title || ' ' || body))"
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS participation_proposal_words"]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_index(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP})


def drop_index(apps, schema_editor) -> None:
    _run(
        schema_editor,
        {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN},
    )


class Migration(migrations.Migration):
    dependencies = [("participation", "0003_budget_who_may_vote_proposalimage_emailvoter")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["process", "hidden_at", "state"], name="proposal_states"),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
