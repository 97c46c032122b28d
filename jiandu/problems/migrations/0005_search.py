from django.db import migrations

from jiandu.core.search import SearchIndex


class Migration(migrations.Migration):
    """Keyword search (?q=) of the problem list: the problem's number and description, and the site's name (the
    list searches it too; the sites table has no search of its own)."""

    dependencies = [
        ("organizations", "0003_password_history_sessions"),
        ("problems", "0004_filter_indexes"),
    ]

    operations = [
        SearchIndex("problems_problem", ["number", "description"]),
        SearchIndex("organizations_site", ["name"]),
    ]
