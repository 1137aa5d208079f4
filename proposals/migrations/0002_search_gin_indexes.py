"""GIN indexes for full-text search, on PostgreSQL only.

They are not declared in the models' Meta.indexes because Django would then create them on
SQLite too, which has no GIN. Full-text search on SQLite falls back to plain matching
(proposals.search), which needs no index.
"""

from django.db import migrations

INDEXES = {
    "proposal_search_vector_gin": "proposals_proposal",
    "document_search_vector_gin": "proposals_document",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_vector)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
