from django.db import migrations

from jiandu.core.search import DropSearchIndex, SearchIndex


class Migration(migrations.Migration):
    """The activity code is matched whole (iexact): on PostgreSQL a plain index on UPPER(code) instead of its
    trigrams and short substrings in the keyword GIN index, ~40 of the ~150 keys each inserted row wrote."""

    dependencies = [("activities", "0007_dashboard_index")]

    operations = [
        DropSearchIndex("activities_activity", ["code", "title", "summary", "findings", "external_participants"]),
        SearchIndex("activities_activity", ["title", "summary", "findings", "external_participants"], exact=["code"]),
    ]
