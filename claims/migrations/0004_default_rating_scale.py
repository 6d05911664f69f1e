from django.db import migrations

from claims.scale import install_default_scale


def forwards(apps, schema_editor):
    install_default_scale(apps)


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_verdict_workflow_constraints")]
    # Reversing keeps the ratings: verdicts may already point at them.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
