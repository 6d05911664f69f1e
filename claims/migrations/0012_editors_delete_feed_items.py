from django.db import migrations


def sync_roles(apps, schema_editor):
    """Editors may delete a feed's gathered items (claims.roles), so a polled feed can be deleted."""
    from claims.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("claims", "0011_verdict_public_recent_index")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
