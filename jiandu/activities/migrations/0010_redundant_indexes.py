import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from jiandu.activities.enums import Method
from jiandu.core.schema import drop_field_index

CODE_LIKE = "activities_activity_code_ebe1b916_like"  # Django's name for the unique code's LIKE index (PostgreSQL)


def drop_code_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{CODE_LIKE}"')


def create_code_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX "{CODE_LIKE}" ON "activities_activity" ("code" varchar_pattern_ops)')


class Migration(migrations.Migration):
    """Indexes an activity wrote and nothing read: the method's and the campaign's own (the (method, start_date, id)
    and (campaign, start_date) indexes start with them), the leader's and the registrar's (no list or figure asks
    by them; users are deactivated, never deleted) and, on PostgreSQL, the LIKE index of the code (matched whole,
    from the keyword index's UPPER(code)). An import of 20,000 rows wrote nine or twelve index entries per row."""

    dependencies = [
        ("activities", "0009_group_index_in_composite"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_field_index(
            "activities",
            "activity",
            "campaign",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="activities.campaign",
                verbose_name="专项监督",
            ),
        ),
        drop_field_index(
            "activities",
            "activity",
            "method",
            models.CharField(choices=Method.choices, max_length=16, verbose_name="方式"),
        ),
        drop_field_index(
            "activities",
            "activity",
            "leader",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_activities",
                to=settings.AUTH_USER_MODEL,
                verbose_name="带队领导",
            ),
        ),
        drop_field_index(
            "activities",
            "activity",
            "created_by",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="登记人",
            ),
        ),
        migrations.RunPython(drop_code_like_index, create_code_like_index),
    ]
