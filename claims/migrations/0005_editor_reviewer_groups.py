from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import sync_role_groups


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); on a fresh database they do
    # not exist yet at this point, so create them now for every app.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_default_rating_scale"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    # Reversing keeps the groups: users may already belong to them.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
