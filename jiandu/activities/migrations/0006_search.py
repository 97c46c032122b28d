from django.db import migrations

from jiandu.core.search import SearchIndex


class Migration(migrations.Migration):
    """Keyword search (?q=) of the ledger."""

    dependencies = [("activities", "0005_activity_ends_on")]

    operations = [
        SearchIndex("activities_activity", ["code", "title", "summary", "findings", "external_participants"]),
    ]
