from django.db import migrations

from jiandu.core.search import RebuildSearchIndex


class Migration(migrations.Migration):
    """PostgreSQL: the keyword index holds each column's bigrams only (core.search), a third of its keys."""

    dependencies = [("activities", "0010_redundant_indexes")]

    operations = [
        RebuildSearchIndex(
            "activities_activity", ["title", "summary", "findings", "external_participants"], exact=["code"]
        ),
    ]
