from django.db import migrations

# Serves the admin changelist sorted by check-worthiness (ORDER BY checkworthiness, id DESC LIMIT 50):
# without it PostgreSQL sorts every claim (4 s at a million rows, bench/admin_changelist.py).
CREATE = "CREATE INDEX IF NOT EXISTS claim_checkworthiness_idx ON claims_claim (checkworthiness, id DESC)"
DROP = "DROP INDEX IF EXISTS claim_checkworthiness_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_article_sentences")]
    operations = [migrations.RunPython(create_index, drop_index)]
