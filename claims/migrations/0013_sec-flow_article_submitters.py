from django.conf import settings
from django.db import migrations, models


def submitters_from_submitted_by(apps, schema_editor):
    """Whoever submitted an article before this migration keeps following it through the API."""
    Article = apps.get_model("claims", "Article")
    Through = Article.submitters.through
    rows = Article.objects.exclude(submitted_by=None).values_list("pk", "submitted_by_id")
    Through.objects.bulk_create(
        [Through(article_id=pk, user_id=user_id) for pk, user_id in rows.iterator()], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_editors_delete_feed_items"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="submitters",
            field=models.ManyToManyField(
                blank=True,
                help_text="Everyone who submitted it (the same URL or content); they may follow it in the API.",
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(submitters_from_submitted_by, migrations.RunPython.noop),
    ]
