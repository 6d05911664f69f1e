from django.db import migrations

# Serves claims.search.search_claims on PostgreSQL; the expression must match claim_search_vector().
CREATE = """
CREATE INDEX IF NOT EXISTS claim_text_fts_idx ON claims_claim USING GIN (
    to_tsvector('english'::regconfig, COALESCE("text", '') || ' ' || COALESCE("restatement", ''))
)
"""
DROP = "DROP INDEX IF EXISTS claim_text_fts_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
